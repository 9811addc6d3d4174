#!/usr/bin/env bash
# The cross stage: the library on the ARM CPUs its users have, built here and run under
# qemu-user. For each of aarch64-unknown-linux-gnu and armv7-unknown-linux-gnueabihf
# (32-bit ARM: size_t is 4 bytes there):
#   1. the Rust tests (release profile), with and without the built-in transport,
#      under qemu; the emulator they start runs under qemu too, over loopback;
#   2. the shipped library of the target, both feature sets (scripts/build-ship.sh:
#      LTO, linked against glibc 2.17 by zig): the very files the wheels, the jar and
#      the size check carry;
#   3. the C ABI tests (tests/c/test.sh in cross mode: test_abi, test_panic,
#      test_platform, built with the target's gcc) against those shipped files, and
#      test_panic against a zig-linked release build with the `test-panic` feature.
# Every Rust build of the stage links through zig (scripts/zigbuild.sh), as the shipped
# one does, with Debian's rustc (rustup's toolchain has no ARM standard library and
# cannot download one here).
#
# Usage: scripts/test-cross.sh [TARGET...]        (default: both targets)
# Env:   SMSCODE_EMULATOR       the host's emulator for the C tests
#                               (default target/release/smscode-emulator, built if missing)
#        SMSCODE_SHIP_DIR       where the shipped builds go (default target/size, where
#                               scripts/check-size.sh, the wheel and the jar find them)
# It installs what it lacks with apt-get (about 2.3 GB); where that cannot be done it
# prints `SKIPPED cross: <why>` and exits 0. Last line: "N passed, N failed".
set -uo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo" || exit 1

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(aarch64-unknown-linux-gnu armv7-unknown-linux-gnueabihf)
ship_dir=${SMSCODE_SHIP_DIR:-target/size}
cross_dir=target/cross

# Per target: Debian architecture, cross gcc, qemu-user runner.
declare -A arch=([aarch64-unknown-linux-gnu]=arm64 [armv7-unknown-linux-gnueabihf]=armhf)
declare -A gcc_of=([aarch64-unknown-linux-gnu]=aarch64-linux-gnu-gcc
                   [armv7-unknown-linux-gnueabihf]=arm-linux-gnueabihf-gcc)
declare -A qemu_of=([aarch64-unknown-linux-gnu]=qemu-aarch64 [armv7-unknown-linux-gnueabihf]=qemu-arm)
declare -A libc_dev_of=([arm64]=libc6-dev-arm64-cross [armhf]=libc6-dev-armhf-cross)
declare -A gcc_package_of=([arm64]=gcc-aarch64-linux-gnu [armhf]=gcc-arm-linux-gnueabihf)
for target in "${targets[@]}"; do
  [ -n "${arch[$target]:-}" ] || { echo "test-cross.sh: unknown target $target"; exit 1; }
done

# --- packages ------------------------------------------------------------------------
ready() {
  local target
  [ -x /usr/bin/rustc ] || return 1
  for target in "${targets[@]}"; do
    [ -d "/usr/lib/rustlib/$target/lib" ] && command -v "${gcc_of[$target]}" >/dev/null &&
      command -v "${qemu_of[$target]}" >/dev/null || return 1
  done
}
if ! ready; then
  packages=(rustc-web cargo-web qemu-user)
  for target in "${targets[@]}"; do
    a=${arch[$target]}
    packages+=("libstd-rust-web-dev:$a" "${gcc_package_of[$a]}" "${libc_dev_of[$a]}")
  done
  as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 ||
      { echo "SKIPPED cross: not root and no sudo to install ${packages[*]}"; exit 0; }
    as_root=(sudo)
  fi
  echo "installing: ${packages[*]}"
  for target in "${targets[@]}"; do "${as_root[@]}" dpkg --add-architecture "${arch[$target]}"; done
  if ! { "${as_root[@]}" apt-get update -qq &&
         DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq \
           --no-install-recommends "${packages[@]}" >/dev/null; } || ! ready; then
    echo "SKIPPED cross: cannot install ${packages[*]} with apt-get"
    exit 0
  fi
fi
# Debian's cargo and rustc land in /usr/bin; rustup's (in ~/.cargo/bin) stay first on
# PATH for every other stage, and this stage names /usr/bin/rustc where it needs it.
echo "cargo: $(command -v cargo), rustc: $(command -v rustc) ($(rustc -V)); ARM std from $(/usr/bin/rustc -V)"

emulator=${SMSCODE_EMULATOR:-$repo/target/release/smscode-emulator}
[ -x "$emulator" ] || cargo build --release --locked -p smscode-emulator || exit 1

passed=0 failed=0
summary=()
step() { # NAME COMMAND...
  local name=$1 start=$SECONDS; shift
  echo "--- $name"
  if "$@"; then
    passed=$((passed + 1)); echo "--- $name: ok ($((SECONDS - start)) s)"
  else
    failed=$((failed + 1)); echo "--- $name: FAILED ($((SECONDS - start)) s)"
  fi
}
# The tests' own counts, summed from cargo's "test result:" lines.
rust_tests() { # TARGET LABEL CARGO_ARGS...
  local target=$1 label=$2 log status; shift 2
  log=$cross_dir/$target-tests$label.log
  scripts/zigbuild.sh test --release -p smscode --locked --no-fail-fast \
    --target "$target.2.17" --target-dir "$cross_dir" "$@" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  summary+=("$target: Rust tests$label: $(awk '/^test result:/ { p += $4; f += $6 }
    END { print p + 0 " passed, " f + 0 " failed" }' "$log")")
  return "$status"
}
panic_build() { # TARGET: the test-panic build, linked by zig, copied out of the way
  scripts/zigbuild.sh build --release -p smscode --lib --locked --features test-panic \
    --target "$1.2.17" --target-dir "$cross_dir" &&
    mkdir -p "$cross_dir/$1/test-panic-lib" &&
    cp "$cross_dir/$1/release/libsmscode.so" "$cross_dir/$1/test-panic-lib/libsmscode.so"
}
c_tests() { # TARGET
  local log=$cross_dir/$1-c.log status
  SMSCODE_CROSS_TARGET=$1 SMSCODE_EMULATOR=$emulator \
    SMSCODE_LIB_DIR=$repo/$ship_dir/$1/ship \
    SMSCODE_NO_TRANSPORT_LIB_DIR=$repo/$ship_dir/no-transport/$1/ship \
    SMSCODE_PANIC_LIB_DIR=$repo/$cross_dir/$1/test-panic-lib \
    tests/c/test.sh 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  summary+=("$1: C ABI tests: $(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)")
  return "$status"
}

mkdir -p "$cross_dir"
for target in "${targets[@]}"; do
  runner_var=CARGO_TARGET_$(tr 'a-z-' 'A-Z_' <<<"$target")_RUNNER
  # No -L: the target's loader and libc are Debian's multiarch ones; with
  # -L /usr/<triplet> the cross libc's loader meets them and every test binary hangs
  # (aarch64) or crashes (armv7).
  export "$runner_var=${qemu_of[$target]}"
  step "$target: Rust tests" rust_tests "$target" ""
  step "$target: Rust tests without the built-in transport" \
    rust_tests "$target" " (no built-in transport)" --no-default-features
  step "$target: shipped library" scripts/build-ship.sh --quiet --target "$target" --target-dir "$ship_dir"
  step "$target: shipped library without the built-in transport" scripts/build-ship.sh --quiet \
    --target "$target" --target-dir "$ship_dir/no-transport" --no-default-features
  step "$target: test-panic build" panic_build "$target"
  step "$target: C ABI tests under qemu" c_tests "$target"
  unset "$runner_var"
done

echo
printf '%s\n' "${summary[@]}"
echo "cross: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
