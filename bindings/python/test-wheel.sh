#!/usr/bin/env bash
# Tests the packages a Python user installs without Rust (build-wheel.sh makes them):
#   1. the repaired wheel is tagged manylinux at the glibc floor the README states, and
#      carries byte for byte the shipped library that scripts/check-size.sh measures;
#   2. installed into a fresh venv by a shell whose PATH has no cargo, it sends a code
#      to the real emulator and the delivered code is read back;
#   3. the sdist, unpacked away from the repository, builds a working wheel with cargo.
#
# Env: CARGO_TARGET_DIR  where the `ship` build lives (default <repo>/target)
#      SMSCODE_EMULATOR  emulator binary (default <repo>/target/release/smscode-emulator)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$repo/target}
emulator=${SMSCODE_EMULATOR:-$repo/target/release/smscode-emulator}
# The glibc floor the README promises; auditwheel derives it from the library's symbols
# (built on Debian 12, Rust's std asks for pthread_* and dlsym at GLIBC_2.34). A build
# host with another glibc moves it: then update the README's install section.
expected_platform=manylinux_2_34_x86_64

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
check() {
  if "$@"; then passed=$((passed + 1)); echo "ok: $*"; else failed=$((failed + 1)); echo "FAIL: $*"; fi
}

[ -x "$emulator" ] || cargo build --release --locked -p smscode-emulator
"$here/build-wheel.sh" "$work/dist"
wheel=$(find "$work/dist" -name '*.whl')
sdist=$(find "$work/dist" -name '*.tar.gz')

tagged_at_floor() { [[ "$(basename "$wheel")" == *-py3-none-"$expected_platform".whl ]]; }
check tagged_at_floor
same_library_as_budget() {
  local budget_lib="$CARGO_TARGET_DIR/ship/libsmscode.so"
  unzip -p "$wheel" smscode/libsmscode.so >"$work/from-wheel.so"
  cmp -s "$work/from-wheel.so" "$budget_lib"
}
check same_library_as_budget

# A shell with only the system's PATH: neither cargo nor rustc is reachable.
bare_env=(env -i "HOME=$work" "PATH=/usr/local/bin:/usr/bin:/bin" "LANG=C.UTF-8")
no_cargo_on_path() { ! "${bare_env[@]}" sh -c 'command -v cargo || command -v rustc'; }
check no_cargo_on_path

python=$(command -v "${PYTHON:-python3}")
"$python" -m venv "$work/venv"
"${bare_env[@]}" "$work/venv/bin/python" -m pip install --quiet --no-index \
  --disable-pip-version-check "$wheel"

# Sends through the installed package and reads the delivered code back from the
# emulator; prints "sent <code>" on success.
cat >"$work/send.py" <<'EOF'
import json, subprocess, sys, urllib.request

import smscode

assert "site-packages" in smscode.__file__, smscode.__file__
emulator = subprocess.Popen([sys.argv[1], "--listen", "127.0.0.1:0"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
try:
    url = emulator.stdout.readline().decode().split("listening on ")[1].strip()
    with smscode.Client(url, "demo", "demo-secret") as client:
        result = client.send_code("+86", "13800138000", smscode.CodeType.REGISTRATION)
    assert result.ok, result
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url + "/emulator/v1/codes?phone=13800138000") as answer:
        codes = json.load(answer)["codes"]
    assert len(codes) == 1 and codes[0]["valid"], codes
    print("sent", codes[0]["code"])
finally:
    emulator.terminate()
    emulator.wait(10)
EOF
sends_from_wheel() { "${bare_env[@]}" "$work/venv/bin/python" "$work/send.py" "$emulator" | grep -q '^sent [0-9]'; }
check sends_from_wheel

# The sdist alone (no repository around it) builds with cargo and works.
mkdir "$work/sdist"
tar -xzf "$sdist" -C "$work/sdist"
sdist_dir=$(find "$work/sdist" -mindepth 1 -maxdepth 1 -type d)
sdist_builds() {
  # Its own target dir, so nothing from the repository's build leaks in; the dev profile,
  # since what counts here is that cargo builds it, not how fast it runs.
  CARGO_TARGET_DIR="$work/sdist-target" SMSCODE_CARGO_PROFILE=dev "$work/venv/bin/python" -m pip wheel --quiet \
    --no-deps --disable-pip-version-check -w "$work/sdist-wheel" "$sdist_dir" >/dev/null &&
    "$work/venv/bin/python" -m pip install --quiet --no-index --force-reinstall \
      --disable-pip-version-check "$work"/sdist-wheel/*.whl &&
    "${bare_env[@]}" "$work/venv/bin/python" "$work/send.py" "$emulator" | grep -q '^sent [0-9]'
}
check sdist_builds

echo "python packages: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
