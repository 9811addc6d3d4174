#!/usr/bin/env bash
# Size budget of the shipped library: the cdylib built with the `ship` profile
# (opt-level "s", LTO, one codegen unit, stripped, panic = "unwind"), TLS included.
# Size is deterministic for a given toolchain, so it is checked, not just reported.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# Measured 2,052,560 bytes (docs/size.md); the issue's limit is 2.0 MiB (2,097,152).
budget_bytes=${SMSCODE_SIZE_BUDGET:-2070000}
target_dir=${SMSCODE_SIZE_TARGET_DIR:-target}
cargo build --profile ship -p smscode --lib --locked --quiet --target-dir "$target_dir"
lib=$target_dir/ship/libsmscode.so
size=$(stat -c %s "$lib")
echo "shipped cdylib: $size bytes ($(( size / 1024 )) KiB), budget $budget_bytes bytes"
if [ "$size" -gt "$budget_bytes" ]; then
  echo "over budget by $(( size - budget_bytes )) bytes: find what grew (cargo bloat) before raising it"
  exit 1
fi
