#!/usr/bin/env bash
# Builds the console without cargo-leptos, the steps it would run, with plain tools:
#   scripts/build-site.sh site      the browser bundle (debug) and the stylesheet in target/site
#   scripts/build-site.sh release   an optimised bundle, then dist/latchkey with the site embedded
#
# Outputs: target/site/pkg/latchkey.js, latchkey_bg.wasm (the names Leptos's HydrationScripts
# asks for when LEPTOS_OUTPUT_NAME is unset at compile time; we leave it unset so the server,
# `cargo test` and clippy share one build of leptos), latchkey.css, and public/ copied to
# target/site.
# A release splits the bundle by area of the console (app::routes, `--cfg latchkey_split`; the
# split needs the linker's relocations, hence `--emit-relocs`) with wasm-split-cli, into
# target/site/pkg/latchkey-<hash>/: latchkey.js and latchkey_bg.wasm (the shared code),
# __wasm_split.js (the loader) and one wasm chunk per set of areas that share code.
# The folder is named after the unsplit bundle's content (the server learns it from
# LATCHKEY_BUNDLE_NAME at compile time), so browsers may keep its files for good. Brotli (.br)
# and gzip (.gz) copies of each file and of the stylesheet are sent to browsers that accept them.
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
    # Pages as lazy routes (`latchkey_split`, see app::routes): the server must agree too.
    export RUSTFLAGS="${RUSTFLAGS:-} --cfg erase_components --cfg latchkey_split"
    ;;
  *)
    echo "build-site: unknown mode $mode (site or release)" >&2
    exit 2
    ;;
esac

scripts/ensure-tools.sh "$([ "$mode" = release ] && echo release || echo build)"

step "compiling the browser bundle (crate frontend, wasm32, profile $profile; first time about 4 min debug, 8 min release)"
if [ "$mode" = release ]; then
  # Only the wasm link keeps its relocations, which wasm-split reads to cut chunks out.
  RUSTFLAGS="$RUSTFLAGS -C link-arg=--emit-relocs" \
    cargo build --package frontend --lib --target wasm32-unknown-unknown --profile "$profile"
else
  cargo build --package frontend --lib --target wasm32-unknown-unknown --profile "$profile"
fi
done_step
wasm_in="$CARGO_TARGET_DIR/wasm32-unknown-unknown/$wasm_dir/frontend.wasm"

mkdir -p "$PKG_DIR"
# Everything goes to a scratch folder first so a failed step never leaves half a site.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
if [ "$mode" = release ]; then
  bundle="latchkey-$(sha256sum "$wasm_in" | cut -c1-16)"
  out="$scratch/$bundle"
  step "splitting the bundle by area (wasm-split-cli; about 1 s)"
  wasm-split-cli "$wasm_in" "$out" --target web --out-name latchkey
  done_step
  step "generating the JavaScript glue (wasm-bindgen)"
  # --keep-lld-exports: the loader hands the shared code's function table
  # (`__indirect_function_table`) to each chunk; wasm-bindgen drops that export otherwise.
  wasm-bindgen --keep-lld-exports --target web --no-typescript --out-dir "$out" --out-name latchkey \
    "$out/latchkey.wasm"
  rm "$out/latchkey.wasm"
  done_step
  step "optimising the shared code and the larger chunks for size (wasm-opt -Oz; about 1 min)"
  # wasm-opt is a new process per file (about a second each, most of it starting up), and the
  # split leaves hundreds of small chunks where it gains a few bytes: only pieces over 16 KB
  # are optimised, two at a time. The features the compiler's output uses (Rust enables them
  # by default for wasm32); wasm-opt must accept them, and introduces none beyond them.
  find "$out" -name '*.wasm' -size +16k -print0 |
    xargs -0 -P 2 -I '{}' sh -c '"$0" -Oz \
      --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-mutable-globals --enable-reference-types --enable-multivalue \
      -o "$1.opt" "$1" && mv "$1.opt" "$1"' "$TOOLS_DIR/node_modules/.bin/wasm-opt" '{}'
  done_step
else
  step "generating the JavaScript glue (wasm-bindgen)"
  wasm-bindgen --target web --no-typescript --out-dir "$scratch" --out-name latchkey "$wasm_in"
  done_step
fi

step "assembling target/site (bundle, stylesheet, public files)"
# What an earlier build left (a release's folder and compressed copies, debug glue) goes first.
rm -rf "$PKG_DIR"/latchkey-* "$PKG_DIR"/*.br "$PKG_DIR"/*.gz "$PKG_DIR/snippets" \
  "$PKG_DIR/latchkey.js" "$PKG_DIR/latchkey_bg.wasm"
cp -r "$scratch"/. "$PKG_DIR/"
cp style/main.css "$PKG_DIR/latchkey.css"
if [ -n "$(ls -A public 2>/dev/null)" ]; then
  cp -r public/. "$SITE_DIR/"
fi
done_step

if [ "$mode" = release ]; then
  step "compressing the bundle and the stylesheet (brotli, gzip; about 20 s)"
  for file in "$PKG_DIR/$bundle"/*.js "$PKG_DIR/$bundle"/*.wasm "$PKG_DIR/latchkey.css"; do
    gzip -9 -n -k -f "$file"
    brotli -q 11 -k -f "$file"
  done
  done_step

  step "compiling the release server with the site embedded (first time about 15 min)"
  LATCHKEY_EMBED_SITE_DIR="$SITE_DIR" LATCHKEY_BUNDLE_NAME="$bundle/latchkey" \
    cargo build --release --package server --bin latchkey --features embed-assets
  mkdir -p dist
  # Copied beside, then renamed over: a running dist/latchkey keeps its old file.
  cp "$CARGO_TARGET_DIR/release/latchkey" dist/latchkey.new
  mv -f dist/latchkey.new dist/latchkey
  done_step
  kb() { echo $(($(wc -c <"$1") / 1024)); }
  total() { cat "$@" | wc -c | awk '{ print int($1 / 1024) }'; }
  dir="$PKG_DIR/$bundle"
  echo "build-site: built dist/latchkey (bundle $bundle: shared code $(kb "$dir/latchkey_bg.wasm.br") KB brotli + JavaScript $(kb "$dir/latchkey.js.br") KB + loader $(kb "$dir/__wasm_split.js.br") KB; $(ls "$dir"/*.wasm | wc -l) wasm files, all together $(total "$dir"/*.wasm) KB raw, $(total "$dir"/*.wasm.br) KB brotli)" >&2
fi
