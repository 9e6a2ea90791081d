# Latchkey: `make run` serves the console, `make test` runs every check. See README.md.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

# Compiled artefacts live outside the clone so fresh clones (and CI) reuse them.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/latchkey/target
TOOLS_DIR ?= $(HOME)/.cache/latchkey/tools
export PATH := $(HOME)/.cargo/bin:$(TOOLS_DIR)/node_modules/.bin:$(PATH)
SITE_DIR := $(CURDIR)/target/site
# Every test binary in one `cargo test` invocation; e2e runs the server it builds, so both must
# name the same packages and features or the server is compiled a second time.
TEST_PACKAGES := --package domain --package app --package migrations --package server --features app/ssr

.PHONY: run dev build test test-release fmt-check clippy cargo-test e2e e2e-release clean

## Build and serve the console on http://127.0.0.1:3000 (SQLite in ./data, migrations at start).
## The debug server shares most compiled dependencies with `cargo test` (not those whose
## features the tests' dev-dependencies extend).
run:
	scripts/build-site.sh site
	@echo "make run: compiling and starting the server (first time about 5 min)"
	LEPTOS_SITE_ROOT=$(SITE_DIR) cargo run --package server --bin latchkey -- serve

## Optional: a live-reload loop with cargo-leptos (installs it the first time: about 20 min).
dev:
	scripts/ensure-tools.sh dev
	cargo leptos watch

## A self-contained release binary at dist/latchkey, with the site embedded (scripts/build-site.sh).
build:
	scripts/build-site.sh release

## Every check: formatting, clippy, cargo tests (SQLite; PostgreSQL too when
## LATCHKEY_TEST_POSTGRES_URL is set), then Playwright against the debug build, the one
## `cargo test` and `make run` compile (so a change recompiles it incrementally).
test: fmt-check clippy cargo-test e2e

## The Playwright suite again, against dist/latchkey (optimised bundle, embedded and
## precompressed site). CI runs it after `make test`.
test-release: e2e-release

fmt-check:
	cargo fmt --all -- --check

# Never `--workspace` for clippy or tests: it would turn on `ssr` and `hydrate` together.
# One invocation per target: crates shared by the packages are checked or compiled once, with
# one set of features, instead of once per invocation.
clippy:
	scripts/ensure-tools.sh build
	cargo clippy --package domain --package migrations --package server --package app \
	  --features app/ssr --all-targets -- -D warnings
	cargo clippy --package frontend --target wasm32-unknown-unknown -- -D warnings

cargo-test:
	scripts/ensure-tools.sh mail
	cargo test --no-fail-fast $(TEST_PACKAGES)

# The server binary is the one cargo-test builds (the same invocation, so nothing is compiled
# twice; after cargo-test this only checks it is fresh); the site is the debug bundle in
# target/site.
e2e:
	cargo test --no-run $(TEST_PACKAGES)
	scripts/build-site.sh site
	scripts/ensure-tools.sh e2e
	cd end2end && LATCHKEY_BIN=$(CARGO_TARGET_DIR)/debug/latchkey LEPTOS_SITE_ROOT=$(SITE_DIR) \
	  LATCHKEY_E2E_BUILD=debug npx playwright test

e2e-release: build
	scripts/ensure-tools.sh e2e
	cd end2end && LATCHKEY_BIN=$(CURDIR)/dist/latchkey LATCHKEY_E2E_BUILD=release npx playwright test

clean:
	rm -rf dist target/site
