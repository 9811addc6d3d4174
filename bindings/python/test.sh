#!/usr/bin/env bash
# Tests the Python binding: builds what is missing, installs the package into a venv it
# creates (bindings/python/.venv) with `pip install ./bindings/python`, checks the wheel
# `pip wheel` makes, runs mypy --strict, ruff check, ruff format --check, then pytest
# against the real emulator. Exits non-zero if any step fails.
#
# Environment (scripts/test-all.sh sets the first two; standalone they default to the repo):
#   SMSCODE_EMULATOR            emulator binary (default <repo>/target/release/smscode-emulator)
#   SMSCODE_LIB_DIR             where the release library was built (informational: pip's
#                               build hook reruns cargo on <repo>/target, a no-op when fresh)
#   SMSCODE_TEST_PANIC_LIBRARY  a `--features test-panic` build (default: built here into
#                               <repo>/target/test-panic)
#   PYTHON                      the interpreter for the venv (default python3)
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"

python=${PYTHON:-python3}
venv="$here/.venv"
emulator=${SMSCODE_EMULATOR:-$repo/target/release/smscode-emulator}
panic_target="$repo/target/test-panic"
panic_library=${SMSCODE_TEST_PANIC_LIBRARY:-$panic_target/release/libsmscode.so}

step() { echo; echo "--- python: $*"; }
die() { echo "python binding: $*" >&2; exit 1; }

# A fresh Debian may lack venv/ensurepip; install it only when missing.
if ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then
  step "installing python3-venv"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq python3-venv \
    || die "cannot install python3-venv"
fi
command -v cargo >/dev/null || die "cargo (Rust) is required: https://rustup.rs"

if [ ! -x "$emulator" ]; then
  step "building the emulator"
  cargo build --release --locked -p smscode-emulator || die "emulator build failed"
fi
[ -x "$emulator" ] || die "no emulator at $emulator"

if [ -z "${SMSCODE_TEST_PANIC_LIBRARY:-}" ]; then
  # Its own target dir, so it never replaces the shipped library (a no-op when fresh).
  step "building the test-panic library"
  cargo build --release --locked -p smscode --lib --features test-panic \
    --target-dir "$panic_target" || die "test-panic build failed"
fi
[ -f "$panic_library" ] || die "no test-panic library at $panic_library"

step "venv at $venv"
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv" || die "cannot create the venv"
fi
vpy="$venv/bin/python"
"$vpy" -m pip install --quiet --disable-pip-version-check -r "$here/requirements-dev.txt" \
  || die "cannot install the test tools"

step "pip install ./bindings/python (cargo builds the library in $repo/target)"
export CARGO_TARGET_DIR="$repo/target"
"$vpy" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps \
  ./bindings/python || die "pip install failed"

failures=()

step "pip wheel ./bindings/python"
wheel_dir=$(mktemp -d)
trap 'rm -rf "$wheel_dir"' EXIT
if "$vpy" -m pip wheel --quiet --disable-pip-version-check --no-deps -w "$wheel_dir" \
     ./bindings/python; then
  # One wheel for every Python 3 on this platform, with the library inside the package.
  "$vpy" - "$wheel_dir" <<'EOF' || failures+=("wheel contents")
import pathlib, sys, zipfile
(wheel,) = pathlib.Path(sys.argv[1]).glob("*.whl")
print(wheel.name)
parts = wheel.name[: -len(".whl")].split("-")
assert parts[2:4] == ["py3", "none"], f"wheel tag is {parts[2:]}"
assert parts[4] != "any", "the wheel must be platform-specific"
names = zipfile.ZipFile(wheel).namelist()
for needed in ("smscode/__init__.py", "smscode/_native.py", "smscode/py.typed", "smscode/libsmscode.so"):
    assert needed in names, f"{needed} missing from {names}"
EOF
else
  failures+=("pip wheel")
fi

cd "$here"
step "mypy --strict"
"$venv/bin/mypy" --strict || failures+=("mypy")
step "ruff check"
"$venv/bin/ruff" check . || failures+=("ruff check")
step "ruff format --check"
"$venv/bin/ruff" format --check . || failures+=("ruff format")

step "pytest"
# The installed package with its bundled library, not an override from the caller.
unset SMSCODE_LIBRARY
export SMSCODE_EMULATOR="$emulator" SMSCODE_TEST_PANIC_LIBRARY="$panic_library"
"$vpy" -m pytest -p no:cacheprovider --durations=8 tests
pytest_status=$?
[ "$pytest_status" -eq 0 ] || failures+=("pytest (exit $pytest_status)")

if [ ${#failures[@]} -gt 0 ]; then
  echo "python binding: FAILED: ${failures[*]}" >&2
  exit 1
fi
echo "python binding: all checks passed"
