#!/usr/bin/env bash
# Builds the shipped library: the `ship` profile (opt-level "s", fat LTO, one codegen
# unit, stripped, panic = "unwind") as libsmscode.so and libsmscode.a.
#
# Usage: scripts/build-ship.sh [--target TRIPLE] [cargo arguments, e.g.
#        --no-default-features, --features test-panic, --target-dir DIR, --quiet]
#
# On Linux every build (the host's and a --target's) links against glibc 2.17 through
# cargo-zigbuild (zig's linker and glibc stubs), so the one file serves RHEL 8, Amazon
# Linux 2, Ubuntu 20.04 and Debian 11 alike (manylinux2014): the wheels, the jar, the C
# install and the size budget all carry this build. zig and cargo-zigbuild come from
# PyPI (scripts/zigbuild.sh). The file lands in
# DIR/TRIPLE/ship/ (DIR: --target-dir, else $CARGO_TARGET_DIR, else <repo>/target);
# without --target, the host's is also copied to DIR/ship/, where the C install, the
# benchmarks and the tests look. Elsewhere (macOS) it is plain `cargo rustc` into DIR/ship/.
#
# Why `cargo rustc --crate-type` and not `cargo build --profile ship`: the crate is
# also an rlib (for the CLI, the emulator and the Rust tests), and cargo runs LTO only
# when every crate type of a build can take it, which an rlib cannot. `cargo build`
# therefore silently skips the profile's `lto = true`; naming the two C crate types
# here lets it run (cargo-c builds the same way; docs/size.md).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

target=""
args=()
target_dir=${CARGO_TARGET_DIR:-$repo/target}
while [ $# -gt 0 ]; do
  case "$1" in
    --target) target=$2; shift 2 ;;
    --target=*) target=${1#--target=}; shift ;;
    --target-dir) target_dir=$2; shift 2 ;;
    --target-dir=*) target_dir=${1#--target-dir=}; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
ship=(rustc --profile ship -p smscode --lib --locked --crate-type "cdylib,staticlib" --target-dir "$target_dir")

if [ "$(uname -s)" != Linux ]; then
  exec cargo "${ship[@]}" ${target:+--target "$target"} "${args[@]}"
fi

host=$(rustc -vV | sed -n 's/^host: //p')
triple=${target:-$host}
case "$triple" in
  *-linux-gnu*) ;;
  *) echo "build-ship.sh: $triple is not a glibc Linux target; build it with its own script" >&2; exit 1 ;;
esac
scripts/zigbuild.sh "${ship[@]}" --target "$triple.2.17" "${args[@]}"
if [ -z "$target" ]; then
  mkdir -p "$target_dir/ship"
  for file in libsmscode.so libsmscode.a; do
    cp "$target_dir/$triple/ship/$file" "$target_dir/ship/$file.tmp"
    mv "$target_dir/ship/$file.tmp" "$target_dir/ship/$file"
  done
fi
