#!/usr/bin/env bash
# Size budget of the shipped library: the cdylib built by scripts/build-ship.sh (the
# `ship` profile: opt-level "s", fat LTO, one codegen unit, stripped, panic = "unwind"),
# TLS included.
# Size is deterministic for a given toolchain, so it is checked, not just reported.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# Measured 1,715,264 bytes (docs/size.md), under issue 13's limit of 2.0 MiB; the
# budget is what was reached plus room for small changes.
budget_bytes=${SMSCODE_SIZE_BUDGET:-1730000}
target_dir=${SMSCODE_SIZE_TARGET_DIR:-target}
scripts/build-ship.sh --quiet --target-dir "$target_dir"
lib=$target_dir/ship/libsmscode.so
size=$(stat -c %s "$lib")
echo "shipped cdylib: $size bytes ($(( size / 1024 )) KiB), budget $budget_bytes bytes"
if [ "$size" -gt "$budget_bytes" ]; then
  echo "over budget by $(( size - budget_bytes )) bytes: find what grew (cargo bloat) before raising it"
  exit 1
fi

# The library without the built-in transport (cargo feature `transport` off: no ureq,
# rustls, ring or roots), for apps that send through the platform's HTTP stack; same
# profile, its own target dir so the two builds never replace each other's file.
# Measured 354,936 bytes (docs/size.md), under issue 14's limit of 400 KiB; the budget
# is what was reached plus room for small changes.
no_transport_budget_bytes=${SMSCODE_SIZE_BUDGET_NO_TRANSPORT:-360000}
no_transport_dir=$target_dir/no-transport
scripts/build-ship.sh --quiet --no-default-features --target-dir "$no_transport_dir"
lib=$no_transport_dir/ship/libsmscode.so
size=$(stat -c %s "$lib")
echo "shipped cdylib without the built-in transport: $size bytes ($(( size / 1024 )) KiB)," \
  "budget $no_transport_budget_bytes bytes"
if [ "$size" -gt "$no_transport_budget_bytes" ]; then
  echo "over budget by $(( size - no_transport_budget_bytes )) bytes: find what grew before raising it"
  exit 1
fi
# Code from a crate leaves its source paths (panic locations) in the binary.
if grep -a -q -E '/(ureq|rustls|ring|webpki-root-certs|webpki-roots)-[0-9]' "$lib"; then
  echo "the library without the built-in transport holds transport code:" \
    "$(grep -a -o -E '/(ureq|rustls|ring|webpki-root-certs|webpki-roots)-[0-9][^/]*/' "$lib" | sort -u | xargs)"
  exit 1
fi
