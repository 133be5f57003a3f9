# Shared build environment for every script: one target directory outside the clone
# (so later runs on the same machine reuse work) and mold as the linker when present.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/firebreak-target}"
if command -v mold >/dev/null 2>&1; then
  export RUSTFLAGS="${RUSTFLAGS:--C link-arg=-fuse-ld=mold}"
fi
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
