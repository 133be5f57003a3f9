#!/usr/bin/env bash
# Runs every cargo-fuzz target (fuzz/src/bin/*.rs) for N seconds each, default 60:
#   bash scripts/fuzz.sh            # every target, 60 s each
#   bash scripts/fuzz.sh 600        # every target, 10 min each
#   bash scripts/fuzz.sh 30 wire_json pir_import
# Only the stable toolchain is installed: RUSTC_BOOTSTRAP=1 lets cargo-fuzz use the
# nightly-only flags it needs (-Zsanitizer=address). Each target starts from the seeds
# in fuzz/seeds/<target>/ plus what earlier runs found (kept in the target directory,
# not in the repository). A crash is saved under fuzz/artifacts/<target>/ and ends the
# script with a non-zero status; reproduce it with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run <target> fuzz/artifacts/<target>/<file>
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-60}"
shift || true
if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for f in fuzz/src/bin/*.rs; do targets+=("$(basename "$f" .rs)"); done
fi
export RUSTC_BOOTSTRAP=1
# Sanitizer builds must not share the workspace's target directory (other flags).
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$HOME/.cache/firebreak-fuzz-target}"
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi
failed=()
for t in "${targets[@]}"; do
  corpus="$CARGO_TARGET_DIR/corpus/$t"
  mkdir -p "$corpus"
  if [ -d "fuzz/seeds/$t" ]; then cp -L fuzz/seeds/"$t"/* "$corpus"/ 2>/dev/null || true; fi
  echo "=== $t: ${secs}s"
  if ! cargo fuzz run --fuzz-dir fuzz "$t" "$corpus" -- \
      -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 -max_len=65536 -print_final_stats=1; then
    failed+=("$t")
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "findings in: ${failed[*]} (see fuzz/artifacts/)" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, ${secs}s each, no findings"
