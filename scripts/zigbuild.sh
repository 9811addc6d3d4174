#!/usr/bin/env bash
# Runs cargo-zigbuild (cargo with zig as the linker, so a `--target TRIPLE.2.17` build
# needs nothing above glibc 2.17) with the given arguments, e.g.
#   scripts/zigbuild.sh build --release -p smscode --target aarch64-unknown-linux-gnu.2.17
# zig and cargo-zigbuild come from PyPI into $ZIG_VENV (default <repo>/target/zig-venv)
# the first time. A target that rustup's toolchain has no standard library for (the ARM
# ones here: rustup cannot download targets offline) is built with Debian's
# /usr/bin/rustc and rustdoc (packages rustc-web and libstd-rust-web-dev:ARCH).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

triple=""
previous=""
for arg in "$@"; do
  case "$arg" in --target=*) triple=${arg#--target=} ;; esac
  [ "$previous" = --target ] && triple=$arg
  previous=$arg
done
triple=${triple%.2.*}
if [ -n "$triple" ] && [ ! -d "$(rustc --print sysroot)/lib/rustlib/$triple/lib" ]; then
  [ -d "/usr/lib/rustlib/$triple/lib" ] || {
    echo "zigbuild.sh: no Rust standard library for $triple (rustup target add $triple," \
      "or Debian's rustc-web and libstd-rust-web-dev for its architecture)" >&2
    exit 1
  }
  # rustdoc too: `cargo test` builds and runs the doc tests for the target.
  export RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc
fi

venv=${ZIG_VENV:-$repo/target/zig-venv}
if [ ! -x "$venv/bin/cargo-zigbuild" ] || [ ! -x "$venv/bin/python-zig" ]; then
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    ziglang==0.17.1 cargo-zigbuild==0.24.1
fi
# cargo-zigbuild runs zig as `python3 -m ziglang`: the venv's python3 comes first.
PATH="$venv/bin:$PATH" exec cargo-zigbuild "$@"
