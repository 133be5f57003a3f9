#!/usr/bin/env bash
# Sets everything up, builds the window and launches Firebreak. Data lives in the
# platform's data directory (~/.local/share/firebreak) unless FIREBREAK_DATA_DIR is set.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
(cd ui && npm run --silent build)
cargo build -p firebreak-app -p firebreak-cli
echo "Firebreak: data in ${FIREBREAK_DATA_DIR:-the platform data directory}; CLI at $CARGO_TARGET_DIR/debug/firebreak"
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "no display found: starting under Xvfb (screen 1280x800)"
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$CARGO_TARGET_DIR/debug/firebreak-app"
fi
exec "$CARGO_TARGET_DIR/debug/firebreak-app"
