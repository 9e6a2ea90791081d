#!/usr/bin/env bash
# Installs what the build and tests need when it is missing, and reuses what is there.
#   scripts/ensure-tools.sh build   wasm target, wasm-bindgen-cli (what scripts/build-site.sh needs)
#   scripts/ensure-tools.sh release the above plus wasm-split-cli and wasm-opt (npm binaryen)
#   scripts/ensure-tools.sh dev     the above plus cargo-leptos, for `make dev` only (optional)
#   scripts/ensure-tools.sh e2e     chromium and the end2end npm packages, the mailbox and the SDK
#   scripts/ensure-tools.sh mail    a Python venv with aiosmtpd for scripts/mailbox.py (tests)
#   scripts/ensure-tools.sh sdk     a Python venv with TrueFoundry's SDK, for end2end/sdk (tests)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TOOLS_DIR=${LATCHKEY_TOOLS_DIR:-$HOME/.cache/latchkey/tools}
CARGO_LEPTOS_VERSION=0.3.10   # 0.3.11 needs a newer rustc than this toolchain
BINARYEN_VERSION=132.0.0      # Debian's wasm-opt breaks hydration; this one does not
WASM_SPLIT_VERSION=0.2.4      # wasm_split_cli_support: cuts a release bundle at its lazy routes
AIOSMTPD_VERSION=1.4.6
TRUEFOUNDRY_VERSION=0.17.5   # brings truefoundry_sdk 0.6.0, the client end2end/sdk drives
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock")

say() { echo "ensure-tools: $*" >&2; }

ensure_build() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION"; then
    # Exactly the lockfile's version: the CLI and the crate must agree. Not --locked: the
    # crate's own lockfile pins dependencies this toolchain cannot build.
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (once; about 3 minutes on 2 cores)"
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi
}

ensure_release() {
  ensure_build
  # The CLI prints no version of its own; cargo's list of installed tools does.
  if ! cargo install --list | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
    say "installing wasm-split-cli $WASM_SPLIT_VERSION (once; about 2 minutes on 2 cores)"
    cargo install wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary --locked
  fi
  if [ ! -x "$TOOLS_DIR/node_modules/.bin/wasm-opt" ]; then
    say "installing wasm-opt (npm binaryen $BINARYEN_VERSION) into $TOOLS_DIR"
    mkdir -p "$TOOLS_DIR"
    npm install --silent --no-audit --no-fund --prefix "$TOOLS_DIR" "binaryen@$BINARYEN_VERSION"
  fi
  # Brotli for the precompressed bundle (gzip is part of every system).
  if ! command -v brotli >/dev/null; then
    say "installing Debian's brotli"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq brotli >/dev/null
  fi
}

# cargo-leptos is not on the required path (scripts/build-site.sh does its steps); `make dev`
# uses it for the live-reload loop.
ensure_dev() {
  ensure_release
  if ! cargo leptos --version 2>/dev/null | grep -q " $CARGO_LEPTOS_VERSION"; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (once; slow: about 20 minutes on 2 cores)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
  fi
}

ensure_mail() {
  local venv="$TOOLS_DIR/mailbox-venv"
  if ! "$venv/bin/python" -c "import aiosmtpd" 2>/dev/null; then
    say "installing aiosmtpd $AIOSMTPD_VERSION into $venv (the tests' SMTP server)"
    mkdir -p "$TOOLS_DIR"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "aiosmtpd==$AIOSMTPD_VERSION"
  fi
}

ensure_sdk() {
  local venv="$TOOLS_DIR/sdk-venv"
  if ! "$venv/bin/python" -c "import truefoundry_sdk" 2>/dev/null \
    || ! "$venv/bin/pip" show truefoundry 2>/dev/null | grep -qx "Version: $TRUEFOUNDRY_VERSION"; then
    say "installing truefoundry $TRUEFOUNDRY_VERSION into $venv (TrueFoundry's SDK, for end2end/sdk)"
    mkdir -p "$TOOLS_DIR"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "truefoundry==$TRUEFOUNDRY_VERSION"
  fi
}

ensure_e2e() {
  ensure_mail
  ensure_sdk
  if [ ! -x /usr/bin/chromium ]; then
    say "installing Debian's chromium"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
  if [ ! -d "$ROOT/end2end/node_modules/@playwright/test" ] || [ "$ROOT/end2end/package-lock.json" -nt "$ROOT/end2end/node_modules/.package-lock.json" ]; then
    say "installing the end2end npm packages"
    (cd "$ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --silent --no-audit --no-fund)
  fi
}

case "${1:-build}" in
  build) ensure_build ;;
  release) ensure_release ;;
  dev) ensure_dev ;;
  e2e) ensure_e2e ;;
  mail) ensure_mail ;;
  sdk) ensure_sdk ;;
  *) say "unknown target: $1"; exit 2 ;;
esac
