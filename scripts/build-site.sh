#!/usr/bin/env bash
# Builds the console without cargo-leptos, the steps it would run, with plain tools:
#   scripts/build-site.sh site      the browser bundle (debug) and the stylesheet in target/site
#   scripts/build-site.sh release   an optimised bundle, then dist/latchkey with the site embedded
#
# Outputs: target/site/pkg/latchkey.js, latchkey_bg.wasm (the names Leptos's HydrationScripts
# asks for when LEPTOS_OUTPUT_NAME is unset at compile time; we leave it unset so the server,
# `cargo test` and clippy share one build of leptos), latchkey.css, and public/ copied to
# target/site. A release names the bundle after its content instead (latchkey-<hash>.js and
# latchkey-<hash>_bg.wasm; the server learns the name from LATCHKEY_BUNDLE_NAME at compile
# time, so browsers may keep those files for good) and adds brotli (.br) and gzip (.gz) copies
# of the bundle and the stylesheet, which the server sends to browsers that accept them.
# Every step says what it does and how long it usually takes on 2 cores.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/latchkey/target}
TOOLS_DIR=${LATCHKEY_TOOLS_DIR:-$HOME/.cache/latchkey/tools}
SITE_DIR="$ROOT/target/site"
PKG_DIR="$SITE_DIR/pkg"

step_started=0
step() {
  step_started=$(date +%s)
  echo "build-site: $*" >&2
}
done_step() {
  echo "build-site:   done in $(($(date +%s) - step_started)) s" >&2
}

mode=${1:-site}
case "$mode" in
  site)
    profile=dev
    wasm_dir=debug
    ;;
  release)
    profile=wasm-release
    wasm_dir=wasm-release
    # Leptos's type-erased components (`erase_components`): every component renders as an
    # AnyView, so the bundle holds one copy of the rendering code instead of one per view
    # type (about a third smaller). The browser bundle and the server must agree on it
    # (hydration walks the same shapes), so both release builds get the flag; debug builds
    # and `cargo test` keep full types and share their compiled dependencies.
    export RUSTFLAGS="${RUSTFLAGS:-} --cfg erase_components"
    ;;
  *)
    echo "build-site: unknown mode $mode (site or release)" >&2
    exit 2
    ;;
esac

scripts/ensure-tools.sh "$([ "$mode" = release ] && echo release || echo build)"

step "compiling the browser bundle (crate frontend, wasm32, profile $profile; first time about 4 min debug, 8 min release)"
cargo build --package frontend --lib --target wasm32-unknown-unknown --profile "$profile"
done_step

step "generating the JavaScript glue (wasm-bindgen)"
mkdir -p "$PKG_DIR"
# The glue goes to a scratch folder first so a failed step never leaves half a site.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
wasm-bindgen --target web --no-typescript --out-dir "$scratch" --out-name latchkey \
  "$CARGO_TARGET_DIR/wasm32-unknown-unknown/$wasm_dir/frontend.wasm"
done_step

if [ "$mode" = release ]; then
  step "optimising the bundle for size (wasm-opt -Oz; about 1 min)"
  # The features the compiler's output uses (Rust enables them by default for wasm32);
  # wasm-opt must accept them, and introduces none beyond them.
  "$TOOLS_DIR/node_modules/.bin/wasm-opt" -Oz \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    -o "$scratch/latchkey_bg.opt.wasm" "$scratch/latchkey_bg.wasm"
  mv "$scratch/latchkey_bg.opt.wasm" "$scratch/latchkey_bg.wasm"
  done_step
fi

step "assembling target/site (bundle, stylesheet, public files)"
# What an earlier release left (named and compressed copies) goes first.
rm -f "$PKG_DIR"/latchkey-* "$PKG_DIR"/*.br "$PKG_DIR"/*.gz
cp "$scratch/latchkey.js" "$scratch/latchkey_bg.wasm" "$PKG_DIR/"
# wasm-bindgen writes snippets only for crates with inline JS; copy them when present.
if [ -d "$scratch/snippets" ]; then
  rm -rf "$PKG_DIR/snippets"
  cp -r "$scratch/snippets" "$PKG_DIR/"
fi
cp style/main.css "$PKG_DIR/latchkey.css"
if [ -n "$(ls -A public 2>/dev/null)" ]; then
  cp -r public/. "$SITE_DIR/"
fi
done_step

if [ "$mode" = release ]; then
  step "naming the bundle after its content and compressing it (brotli, gzip; about 20 s)"
  hash=$(cat "$PKG_DIR/latchkey.js" "$PKG_DIR/latchkey_bg.wasm" | sha256sum | cut -c1-16)
  bundle="latchkey-$hash"
  mv "$PKG_DIR/latchkey.js" "$PKG_DIR/$bundle.js"
  mv "$PKG_DIR/latchkey_bg.wasm" "$PKG_DIR/${bundle}_bg.wasm"
  for file in "$PKG_DIR/$bundle.js" "$PKG_DIR/${bundle}_bg.wasm" "$PKG_DIR/latchkey.css"; do
    gzip -9 -n -k -f "$file"
    brotli -q 11 -k -f "$file"
  done
  done_step

  step "compiling the release server with the site embedded (first time about 15 min)"
  LATCHKEY_EMBED_SITE_DIR="$SITE_DIR" LATCHKEY_BUNDLE_NAME="$bundle" \
    cargo build --release --package server --bin latchkey --features embed-assets
  mkdir -p dist
  # Copied beside, then renamed over: a running dist/latchkey keeps its old file.
  cp "$CARGO_TARGET_DIR/release/latchkey" dist/latchkey.new
  mv -f dist/latchkey.new dist/latchkey
  done_step
  kb() { echo $(($(wc -c <"$1") / 1024)); }
  wasm="$PKG_DIR/${bundle}_bg.wasm"
  echo "build-site: built dist/latchkey (bundle $bundle: wasm $(kb "$wasm") KB, $(kb "$wasm.gz") KB gzip, $(kb "$wasm.br") KB brotli; JavaScript $(kb "$PKG_DIR/$bundle.js.br") KB brotli)" >&2
fi
