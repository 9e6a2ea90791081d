# Latchkey: `make run` serves the console, `make test` runs every check. See README.md.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

# Compiled artefacts live outside the clone so fresh clones (and CI) reuse them.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/latchkey/target
TOOLS_DIR ?= $(HOME)/.cache/latchkey/tools
export PATH := $(HOME)/.cargo/bin:$(TOOLS_DIR)/node_modules/.bin:$(PATH)
SITE_DIR := $(CURDIR)/target/site

.PHONY: run build test fmt-check clippy cargo-test e2e tools clean

## Build and serve the console on http://127.0.0.1:3000 (SQLite in ./data, migrations at start).
run:
	scripts/ensure-tools.sh build
	cargo leptos serve

## A self-contained release binary at dist/latchkey, with the site embedded.
build:
	scripts/ensure-tools.sh release
	cargo leptos build --release
	# LEPTOS_OUTPUT_NAME as cargo-leptos sets it: Leptos reads it at compile time to name the
	# wasm file in the page (without it the page asks for latchkey_bg.wasm).
	LEPTOS_OUTPUT_NAME=latchkey LATCHKEY_EMBED_SITE_DIR=$(SITE_DIR) \
		cargo build --release --package server --bin latchkey --features embed-assets
	mkdir -p dist
	cp $(CARGO_TARGET_DIR)/release/latchkey dist/latchkey
	@echo "built dist/latchkey"

## Every check: formatting, clippy, cargo tests (SQLite; PostgreSQL too when
## LATCHKEY_TEST_POSTGRES_URL is set), then Playwright against dist/latchkey.
test: fmt-check clippy cargo-test e2e

fmt-check:
	cargo fmt --all -- --check

# Never `--workspace` for clippy or tests: it would turn on `ssr` and `hydrate` together.
clippy:
	scripts/ensure-tools.sh build
	cargo clippy --package domain --package migrations --package server --all-targets -- -D warnings
	cargo clippy --package app --features ssr --all-targets -- -D warnings
	cargo clippy --package frontend --target wasm32-unknown-unknown -- -D warnings

cargo-test:
	scripts/ensure-tools.sh mail
	cargo test --package domain --features ssr
	cargo test --package app --features ssr --lib
	cargo test --package migrations --package server

e2e: build
	scripts/ensure-tools.sh e2e
	cd end2end && LATCHKEY_BIN=$(CURDIR)/dist/latchkey npx playwright test

clean:
	rm -rf dist target/site
