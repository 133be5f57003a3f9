#!/usr/bin/env bash
# Every figure of issue 13 beside its yardstick, measured in one run on this machine:
# release binaries (the window with its UI embedded), a bare Tauri window built from this
# repository's lockfile (bench/bare-window), a bare rusqlite insert, typst when installed,
# and the existing PDF, metrics and sync benchmarks plus 1,000 long-polling clients.
# Not part of .ci/run. Usage: bash scripts/bench.sh [--quick]
#   --quick: fewer runs and shorter idle/server windows (a smoke run of the harness).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
quick=0
[ "${1:-}" = "--quick" ] && quick=1
runs=5 idle=20 cli_runs=15 poll_secs=40
[ $quick = 1 ] && runs=2 idle=5 cli_runs=5 poll_secs=10

section() { printf '\n===== %s\n' "$1"; }
section "machine"
echo "cores: $(nproc); memory: $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown); $(rustc --version)"

section "build (release)"
bash scripts/setup.sh >/dev/null
(cd ui && npx vite build --logLevel warn)
cargo build --release --locked -p firebreak-cli -p firebreak-server
# One package per invocation, with the features scripts/package.sh builds the window with,
# so the packaged build is reused instead of rebuilt with features unified across both.
cargo build --release --locked -p firebreak-app --features tauri/custom-protocol
cargo build --release --locked -p bare-window --features bare-window/custom-protocol
rel="$CARGO_TARGET_DIR/release"
python3 -c 'import typst' 2>/dev/null || pip install -q typst 2>/dev/null || echo "typst could not be installed; its yardstick is skipped"

section "CLI: PIR import, append, PIR PDF beside typst"
python3 bench/cli_bench.py "$rel/firebreak" --runs "$cli_runs"

section "store: append in-process beside a bare rusqlite insert (criterion)"
cargo bench -q -p firebreak-store --bench append -- --noplot 2>&1 | grep -E "^(append|import|Store|yardstick)|time:" || true

section "window: cold start, memory, idle CPU, 10,000-entry timeline (release, Xvfb, WebDriver)"
xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash scripts/keyring-session.sh \
  python3 bench/window_bench.py "$rel/firebreak-app" "$rel/bare-window" "$rel/firebreak" --runs "$runs" --idle-seconds "$idle"

section "PDF, metrics and sync benchmarks"
cargo bench -q -p firebreak-pdf 2>&1 | grep -E "render" || true
cargo bench -q -p firebreak-metrics 2>&1 | grep -Ev "^\s*$|Finished|Running" || true
cargo bench -q -p firebreak-server --bench sync_bench 2>&1 | grep -Ev "^\s*$|Finished|Running" || true

section "server: 1,000 long-polling clients across 100 teams"
FIREBREAK_SERVER_BIN="$rel/firebreak-server" FIREBREAK_BENCH_SECS="$poll_secs" \
  cargo bench -q -p firebreak-server --bench longpoll_bench 2>&1 | grep -Ev "^\s*$|Finished|Running"
section "done"
