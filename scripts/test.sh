#!/usr/bin/env bash
# Sets everything up and runs every test: UI unit tests, Rust unit/property/CLI tests,
# lints, the packages (built by scripts/package.sh, checked, installed) and the
# real-window end-to-end tests under Xvfb on the installed app and the extracted
# AppImage. Installs the packages it builds (needs root or sudo).
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

step "Packages: release builds, .deb, AppImage, server .deb (scripts/package.sh)"
bash scripts/package.sh
(cd dist && sha256sum --check --quiet SHA256SUMS)
desktop_deb=$(ls dist/firebreak_*.deb)
server_deb=$(ls dist/firebreak-server_*.deb)

step "Packages: lintian (no errors on either .deb)"
lintian --fail-on error "$desktop_deb" "$server_deb"

step "Desktop .deb: installed (apt-get install ./dist/…deb)"
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "./$desktop_deb" >/dev/null
for f in /usr/bin/firebreak-app /usr/bin/firebreak; do [ -x "$f" ] || { echo "$f is not installed" >&2; exit 1; }; done

e2e() { # APP CLI TESTS...: the real-window tests under Xvfb on the given binaries
  local app=$1 cli=$2; shift 2
  FIREBREAK_APP_BIN="$app" FIREBREAK_CLI_BIN="$cli" FIREBREAK_SERVER_BIN="$CARGO_TARGET_DIR/release/firebreak-server" \
    xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash scripts/keyring-session.sh \
    python3 -m pytest -q -p no:warnings -p no:cacheprovider "$@"
}

step "Real-window end-to-end tests on the installed app (tauri-driver + WebKitWebDriver under Xvfb)"
e2e /usr/bin/firebreak-app /usr/bin/firebreak tests/e2e

step "AppImage: extracted (no FUSE), the smoke test (declare, note, restart, find it) and the install checks"
appimage=$(ls "$PWD"/dist/Firebreak_*.AppImage)
rm -rf test-artifacts/appimage && mkdir -p test-artifacts/appimage
(cd test-artifacts/appimage && "$appimage" --appimage-extract >/dev/null)
e2e "$PWD/test-artifacts/appimage/squashfs-root/AppRun" "$PWD/test-artifacts/appimage/squashfs-root/usr/bin/firebreak" \
  tests/e2e/test_foundation.py::test_declare_note_investigate_restart tests/e2e/test_installed.py

step "Server .deb: installed, unit verified, one sync round through the installed server and CLI"
bash scripts/test-server-deb.sh "$server_deb"

step "all tests passed"
