#!/usr/bin/env bash
# Tests the packages a Python user installs without Rust (build-wheel.sh makes them):
#   1. the x86_64 and aarch64 wheels are tagged manylinux_2_17 (manylinux2014), the glibc
#      floor the README states, and each carries byte for byte the shipped library of its
#      CPU: the file scripts/check-size.sh measures and, for aarch64, the cross stage
#      (scripts/test-cross.sh) tests under qemu;
#   2. the x86_64 wheel, installed into a fresh venv by a shell whose PATH has no cargo
#      and no rustc, sends a code to the real emulator and the delivered code is read back;
#   3. the sdist, unpacked away from the repository, builds a working wheel with cargo.
#
# Env: CARGO_TARGET_DIR  where the shipped builds live (default <repo>/target)
#      SMSCODE_EMULATOR  emulator binary (default <repo>/target/release/smscode-emulator)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$repo/target}
emulator=${SMSCODE_EMULATOR:-$repo/target/release/smscode-emulator}
# The glibc floor the README promises: zig links the library against glibc 2.17
# (scripts/build-ship.sh), and auditwheel confirms it from the library's symbols.
wheel_tag() { echo "py3-none-manylinux2014_$1.manylinux_2_17_$1"; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
check() {
  if "$@"; then passed=$((passed + 1)); echo "ok: $*"; else failed=$((failed + 1)); echo "FAIL: $*"; fi
}

[ -x "$emulator" ] || cargo build --release --locked -p smscode-emulator
"$here/build-wheel.sh" "$work/dist"
sdist=$(find "$work/dist" -name '*.tar.gz')
wheel=$(find "$work/dist" -name "*-$(wheel_tag x86_64).whl")

# CPU TRIPLE: the wheel of the CPU exists with the manylinux2014 tag and holds the
# shipped build of its target.
wheel_carries_shipped_library() {
  local found
  found=$(find "$work/dist" -name "*-$(wheel_tag "$1").whl")
  [ -n "$found" ] && unzip -p "$found" smscode/libsmscode.so >"$work/from-wheel-$1.so" &&
    cmp -s "$work/from-wheel-$1.so" "$CARGO_TARGET_DIR/$2/ship/libsmscode.so"
}
check wheel_carries_shipped_library x86_64 x86_64-unknown-linux-gnu
check wheel_carries_shipped_library aarch64 aarch64-unknown-linux-gnu

# A PATH of one folder that holds every tool of the system's PATH but cargo and rustc
# (Debian's rustc-web puts them in /usr/bin, next to everything else).
no_rust_bin="$work/no-rust-bin"
mkdir "$no_rust_bin"
for dir in /usr/local/bin /usr/bin /bin; do
  for tool in "$dir"/*; do
    case "${tool##*/}" in cargo | cargo-* | rustc | rustc-* | rustdoc | rustup) continue ;; esac
    [ -e "$no_rust_bin/${tool##*/}" ] || ln -s "$tool" "$no_rust_bin/${tool##*/}"
  done
done
bare_env=(env -i "HOME=$work" "PATH=$no_rust_bin" "LANG=C.UTF-8")
no_rust_on_path() {
  "${bare_env[@]}" sh -c 'command -v ls >/dev/null && ! command -v cargo && ! command -v rustc'
}
check no_rust_on_path

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
