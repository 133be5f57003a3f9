#!/usr/bin/env bash
# Installs everything Firebreak needs to build, run and test on a fresh Debian/Ubuntu
# machine, skipping what is already there. Idempotent; needs root (or sudo) for apt.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi

APT_PACKAGES=(
  # desktop build
  libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev libssl-dev
  libsoup-3.0-dev libjavascriptcoregtk-4.1-dev libxdo-dev pkg-config build-essential mold
  # the OS keyring for the team server token (Secret Service over D-Bus)
  libdbus-1-dev gnome-keyring
  # running and testing the real window
  xvfb xauth webkit2gtk-driver imagemagick dbus dbus-x11
  # answering the desktop's save and open dialogs in the real-window tests
  xdotool
  # the team server's PostgreSQL tests
  postgresql
  # building and checking the server package as installed (scripts/server-deb.sh)
  dpkg-dev lintian systemd binutils
  # checking exported PDFs
  poppler-utils qpdf fonts-dejavu-core fonts-noto-cjk
  # packages (scripts/package.sh): Debian tools, the AppImage's squashfs and its runtime's
  # libraries, and the checks run on what is built (lintian, systemd-analyze)
  dpkg-dev lintian squashfs-tools libsquashfuse-dev zlib1g-dev liblzma-dev libzstd-dev systemd
  # toolchain helpers
  nodejs npm python3-pip
)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node/npm/pip may come from elsewhere than apt (as on the CI image); only install them when absent.
filtered=()
for p in "${missing[@]}"; do
  case "$p" in
    nodejs) command -v node >/dev/null || filtered+=("$p") ;;
    npm) command -v npm >/dev/null || filtered+=("$p") ;;
    python3-pip) python3 -m pip --version >/dev/null 2>&1 || filtered+=("$p") ;;
    *) filtered+=("$p") ;;
  esac
done
if [ ${#filtered[@]} -gt 0 ]; then
  echo "setup: installing ${filtered[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${filtered[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null; then
  echo "setup: Rust is required (https://rustup.rs); cargo was not found" >&2
  exit 1
fi

# tauri-driver 2.x (crates.io's newest is a 3.0 alpha)
if ! command -v tauri-driver >/dev/null || ! tauri-driver --help 2>&1 | grep -q -- "--native-port"; then
  echo "setup: installing tauri-driver 2"
  cargo install tauri-driver --version ^2 --locked --quiet
fi

# Python test tools for the real-window tests
python3 - <<'PY' 2>/dev/null || python3 -m pip install -q --disable-pip-version-check pytest selenium
import pytest, selenium  # noqa: F401
PY

# UI dependencies at the locked versions. (`npm ci` is not used: this npm writes locks
# without other platforms' optional packages and then refuses them in `npm ci`;
# `install --no-save` installs the locked versions and leaves the lock untouched.)
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  (cd ui && npm install --no-save --no-audit --no-fund --loglevel=error)
fi
