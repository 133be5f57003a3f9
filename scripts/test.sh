#!/usr/bin/env bash
# Sets everything up and runs every test: UI unit tests, Rust unit/property/CLI tests,
# lints, the desktop build and the real-window end-to-end tests under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
bash scripts/setup.sh
source scripts/env.sh
mkdir -p test-artifacts

step() { printf '\n=== %s (%ss)\n' "$1" "$(( $(date +%s) - start ))"; }

step "UI: typecheck, unit tests, build"
(cd ui && npx tsc --noEmit && npx vitest run && npx vite build --logLevel warn)

step "Rust: format and lints"
cargo fmt --all -- --check
cargo clippy --quiet --all-targets -- -D warnings

step "PostgreSQL on loopback for the server's storage tests"
source scripts/postgres.sh

step "Rust: unit, property, CLI and server tests"
cargo test --quiet

step "Tokens in a real OS keyring (gnome-keyring in a private D-Bus session)"
dbus-run-session -- bash scripts/keyring-session.sh cargo test --quiet -p firebreak-api --test secrets

step "Desktop app and CLI: debug build"
cargo build -p firebreak-app -p firebreak-cli -p firebreak-server

step "Real-window end-to-end tests (tauri-driver + WebKitWebDriver under Xvfb)"
FIREBREAK_APP_BIN="$CARGO_TARGET_DIR/debug/firebreak-app" FIREBREAK_CLI_BIN="$CARGO_TARGET_DIR/debug/firebreak" \
  xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash scripts/keyring-session.sh \
  python3 -m pytest -q -p no:warnings -p no:cacheprovider tests/e2e

step "Server package: build, lint, install, verify the unit, serve a sync round as installed"
# From the debug binary here (stripped); scripts/package.sh makes the release packages.
server_version=$("$CARGO_TARGET_DIR/debug/firebreak-server" --version | awk '{print $2}')
rm -rf dist/ci && mkdir -p dist/ci
bash scripts/server-deb.sh "$CARGO_TARGET_DIR/debug/firebreak-server" "$server_version" "$(dpkg --print-architecture)" dist/ci
lintian --fail-on error --suppress-tags no-manual-page dist/ci/firebreak-server_*.deb
FIREBREAK_CLI_BIN="$CARGO_TARGET_DIR/debug/firebreak" bash scripts/test-server-deb.sh dist/ci/firebreak-server_*.deb

step "all tests passed"
