#!/usr/bin/env bash
# C and C++ tests of the C ABI (include/smscode.h + libsmscode.so) against real emulators:
#   1. test_abi built with -fsanitize=address,undefined: every group (vectors, local codes,
#      bad input on every export, last error, sends, faults, TLS, clock, secrets, 8x500 load)
#   2. test_cpp: the header from C++17 (-Wall -Wextra -Werror -pedantic)
#   3. test_panic against the test-panic build (target/test-panic), with sanitizers
#   4. test_abi built without sanitizers under valgrind memcheck (smaller load)
#   5. the secret marker appears in no output and no emulator log
# Plus: the sources are clang-format clean and compile with -Wall -Wextra -Werror -pedantic.
# Env: SMSCODE_LIB_DIR (default target/release), SMSCODE_EMULATOR (default
# target/release/smscode-emulator); both are built with cargo when missing.
# Prints "N passed, N failed" last; exits non-zero on any failure.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
build="$here/build"
run="$build/run"
rm -rf "$run"
mkdir -p "$build" "$run"

passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}

# --- tools (Debian packages, only when missing) -------------------------------------
missing=()
command -v gcc >/dev/null || missing+=(gcc)
command -v g++ >/dev/null || missing+=(g++)
command -v valgrind >/dev/null || missing+=(valgrind)
command -v readelf >/dev/null || missing+=(binutils)
command -v clang-format >/dev/null || missing+=(clang-format)
command -v shellcheck >/dev/null || missing+=(shellcheck)
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  if ! { $sudo_cmd apt-get update -qq &&
         DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"; }; then
    fail "cannot install ${missing[*]}"
    finish
  fi
fi

# --- format and lint: clang-format (style in .clang-format), shellcheck ------------------------
if clang-format --style="file:$here/.clang-format" --dry-run --Werror \
     "$here"/*.c "$here"/*.h "$here"/*.cpp; then
  pass
else
  fail "clang-format: run clang-format --style=file:tests/c/.clang-format -i tests/c/*.{c,h,cpp}"
fi

if shellcheck "$here/test.sh"; then pass; else fail "shellcheck tests/c/test.sh"; fi

# --- the library, the emulator and the test-panic build --------------------------------
cd "$repo" || exit 1
if [ -z "${SMSCODE_LIB_DIR:-}" ]; then
  # Standalone: make sure the library is current (a no-op when it is).
  cargo build --release -p smscode -p smscode-emulator || { fail "cargo build"; finish; }
fi
lib_dir=${SMSCODE_LIB_DIR:-$repo/target/release}
emulator=${SMSCODE_EMULATOR:-$repo/target/release/smscode-emulator}
[ -f "$lib_dir/libsmscode.so" ] || cargo build --release -p smscode || { fail "cargo build -p smscode"; finish; }
[ -x "$emulator" ] || cargo build --release -p smscode-emulator || { fail "cargo build -p smscode-emulator"; finish; }
panic_lib_dir=${SMSCODE_PANIC_LIB_DIR:-$repo/target/test-panic/release}
if [ -z "${SMSCODE_PANIC_LIB_DIR:-}" ]; then
  # A separate target dir, so the shipped library is never the panicking one.
  cargo build --release -p smscode --features test-panic --target-dir "$repo/target/test-panic" \
    || { fail "cargo build --features test-panic"; finish; }
fi

# The library's SONAME (e.g. libsmscode.so.0.1) is not the name cargo writes
# (libsmscode.so): link through a directory that has both names.
link_dir() { # DIR LIBRARY
  mkdir -p "$1"
  ln -sf "$2" "$1/libsmscode.so"
  ln -sf "$2" "$1/$(readelf -d "$2" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')"
}
link_dir "$build/lib" "$lib_dir/libsmscode.so"
link_dir "$build/panic-lib" "$panic_lib_dir/libsmscode.so"

# --- compile -----------------------------------------------------------------------------
warn=(-Wall -Wextra -Werror -pedantic)
cflags=(-std=c11 "${warn[@]}" -g -O1 -I"$repo/include" -pthread)
sanitize=("-fsanitize=address,undefined" -fno-sanitize-recover=all -fno-omit-frame-pointer)
sources=("$here"/main.c "$here"/harness.c "$here"/test_sign.c "$here"/test_local.c
         "$here"/test_bad_input.c "$here"/test_last_error.c "$here"/test_send.c
         "$here"/test_faults.c "$here"/test_clock.c "$here"/test_secrets.c "$here"/test_load.c)
link=(-L"$build/lib" "-Wl,-rpath,$build/lib" -lsmscode)
panic_link=(-L"$build/panic-lib" "-Wl,-rpath,$build/panic-lib" -lsmscode)

compile() { # NAME COMMAND...
  local name=$1; shift
  if "$@"; then pass; else fail "compile $name"; fi
}
compile "test_abi (asan)" gcc "${cflags[@]}" "${sanitize[@]}" "${sources[@]}" "${link[@]}" -o "$build/test_abi_asan"
compile "test_abi (plain)" gcc "${cflags[@]}" "${sources[@]}" "${link[@]}" -o "$build/test_abi_plain"
compile "test_panic (asan)" gcc "${cflags[@]}" "${sanitize[@]}" -DSMSCODE_TEST_PANIC \
  "$here/test_panic.c" "$here/harness.c" "${panic_link[@]}" -o "$build/test_panic"
compile "test_cpp" g++ -std=c++17 "${warn[@]}" -g -I"$repo/include" "${sanitize[@]}" \
  "$here/test_cpp.cpp" "${link[@]}" -o "$build/test_cpp"

# --- emulators ------------------------------------------------------------------------------
marker="MARKER$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')SECRET"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done; }
trap cleanup EXIT

start_emulator() { # NAME ARGS... ; sets $emulator_url
  local name=$1; shift
  "$emulator" --listen 127.0.0.1:0 "$@" >"$run/$name.out" 2>"$run/$name.err" &
  pids+=($!)
  emulator_url=""
  for _ in $(seq 100); do
    emulator_url=$(head -n 1 "$run/$name.out" 2>/dev/null | sed -n 's/^listening on //p')
    [ -n "$emulator_url" ] && return 0
    sleep 0.1
  done
  fail "emulator $name did not start (see $run/$name.err)"
  return 1
}
start_emulator limits || finish
export SMSCODE_TEST_EMU=$emulator_url
start_emulator free --min-interval-secs 0 --daily-limit 0 \
  --user-domain demo=demo-secret --user-domain "marker=$marker" || finish
export SMSCODE_TEST_EMU_FREE=$emulator_url
start_emulator tls --min-interval-secs 0 --daily-limit 0 --tls-cert-out "$run/tls-cert.pem" || finish
export SMSCODE_TEST_EMU_TLS=$emulator_url
export SMSCODE_TEST_TLS_CERT=$run/tls-cert.pem
export SMSCODE_TEST_MARKER=$marker
echo "emulators: $SMSCODE_TEST_EMU $SMSCODE_TEST_EMU_FREE $SMSCODE_TEST_EMU_TLS"

# --- run -----------------------------------------------------------------------------------
# Runs a test binary, adds its RESULT counts, and counts a crash, a sanitizer report
# or a valgrind error (non-zero exit without a counted failure) as one more failure.
run_test() { # NAME COMMAND...
  local name=$1; shift
  echo "=== $name"
  # A library that ignored its timeouts would hang on the hang fault: bound every run.
  timeout -k 10 300 "$@" >"$run/$name.stdout" 2>"$run/$name.stderr"
  local status=$?
  cat "$run/$name.stdout"
  local result
  result=$(grep '^RESULT ' "$run/$name.stdout" | tail -n 1)
  if [ -z "$result" ]; then
    head -n 80 "$run/$name.stderr" >&2
    fail "$name ended without a result (exit $status; see $run/$name.stderr)"
    return
  fi
  local p f
  p=$(sed -n 's/.*passed=\([0-9]*\).*/\1/p' <<<"$result")
  f=$(sed -n 's/.*failed=\([0-9]*\).*/\1/p' <<<"$result")
  passed=$((passed + p))
  failed=$((failed + f))
  # stderr holds failures and sanitizer/valgrind reports (and test_panic's caught panics).
  if [ "$status" -ne 0 ] || [ "$f" -ne 0 ]; then head -n 80 "$run/$name.stderr" >&2; fi
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
    fail "$name exited $status (sanitizer or valgrind report: see $run/$name.stderr)"
  fi
}

# LeakSanitizer needs no suppressions: Rust's statics stay reachable, so nothing is reported.
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export RUST_BACKTRACE=0

run_test "test_abi-asan" "$build/test_abi_asan"
run_test "test_cpp" "$build/test_cpp"
run_test "test_panic" "$build/test_panic"
# valgrind: every group, a smaller load (valgrind runs threads one at a time).
SMSCODE_TEST_VALGRIND=1 SMSCODE_TEST_LOAD_THREADS=4 SMSCODE_TEST_LOAD_SENDS=25 \
  run_test "test_abi-valgrind" valgrind -q --error-exitcode=1 --leak-check=full \
  --errors-for-leak-kinds=definite --show-leak-kinds=definite \
  --suppressions="$here/valgrind.supp" "$build/test_abi_plain"

# --- the secret marker leaked nowhere -----------------------------------------------------
for file in "$run"/*.out "$run"/*.err "$run"/*.stdout "$run"/*.stderr; do
  if grep -q -- "$marker" "$file"; then
    fail "the secret marker appears in $(basename "$file")"
  else
    pass
  fi
done

cleanup
finish
