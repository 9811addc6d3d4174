#!/usr/bin/env bash
# C and C++ tests of the C ABI (include/smscode.h + libsmscode.so) against real emulators:
#   1. test_abi built with -fsanitize=address,undefined: every group (vectors, local codes,
#      bad input on every export, last error, sends, faults, TLS, clock, secrets, 8x500 load)
#   2. test_cpp: the header from C++17 (-Wall -Wextra -Werror -pedantic)
#   3. test_panic against the test-panic build (target/test-panic), with sanitizers
#   4. test_abi built without sanitizers under valgrind memcheck (smaller load), and
#      test_fork: a send, fork() and a send in the child, the child checked by valgrind
#      for definite leaks (the parent's pool it abandons stays reachable)
#   5. the secret marker appears in no output and no emulator log
#   6. the build without the built-in transport (SMSCODE_NO_TRANSPORT_LIB_DIR): it holds
#      no ureq, rustls or ring; test_platform (signing, prepare + read_response against
#      the emulator through the test's own socket, the refusing exports) under ASan; and
#      bindings/c/examples/send_with_curl.c, built with -Wall -Wextra -Werror, sending
#      through libcurl to the emulator
# Plus: the sources are clang-format clean and compile with -Wall -Wextra -Werror -pedantic.
# Env: SMSCODE_LIB_DIR (default target/release), SMSCODE_EMULATOR (default
# target/release/smscode-emulator); both are built with cargo when missing.
#
# Cross mode (scripts/test-cross.sh): SMSCODE_CROSS_TARGET=aarch64-unknown-linux-gnu or
# armv7-unknown-linux-gnueabihf, with SMSCODE_LIB_DIR, SMSCODE_PANIC_LIB_DIR and
# SMSCODE_NO_TRANSPORT_LIB_DIR naming that target's builds and SMSCODE_EMULATOR the
# host's emulator. The tests are built with the target's cross gcc and run under
# qemu-user (loopback to the host's emulators): test_abi, test_panic and test_platform,
# without sanitizers or valgrind (neither runs under qemu-user); test_cpp (the header
# from C++) and send_with_curl (the target's libcurl) run in the native mode only.
# Prints "N passed, N failed" last; exits non-zero on any failure.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
# Cross mode builds apart, so a native run and a cross run can go side by side.
build="$here/build${SMSCODE_CROSS_TARGET:+/$SMSCODE_CROSS_TARGET}"
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
command -v python3 >/dev/null || missing+=(python3)
command -v pkg-config >/dev/null || missing+=(pkg-config)
# libcurl for bindings/c/examples/send_with_curl.c (the headers; the library comes with them).
{ command -v pkg-config >/dev/null && pkg-config --exists libcurl; } || missing+=(libcurl4-openssl-dev)
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

# --- cross mode: compiler and runner ------------------------------------------------------
cross=${SMSCODE_CROSS_TARGET:-}
cc=gcc
run_on_target=()
case "$cross" in
  "") ;;
  aarch64-unknown-linux-gnu) cc=aarch64-linux-gnu-gcc run_on_target=(qemu-aarch64) ;;
  armv7-unknown-linux-gnueabihf) cc=arm-linux-gnueabihf-gcc run_on_target=(qemu-arm) ;;
  *) fail "unknown SMSCODE_CROSS_TARGET $cross"; finish ;;
esac
if [ -n "$cross" ]; then
  # No -L: the target's loader and libc come from Debian's multiarch packages in
  # /usr/lib/<triplet>; with -L /usr/<triplet> the cross libc's loader meets the
  # multiarch libc and every binary hangs (aarch64) or crashes (armv7).
  for name in SMSCODE_LIB_DIR SMSCODE_PANIC_LIB_DIR SMSCODE_NO_TRANSPORT_LIB_DIR SMSCODE_EMULATOR; do
    [ -n "${!name:-}" ] || { fail "cross mode needs $name"; finish; }
  done
  echo "cross: $cross, $cc, run under ${run_on_target[*]}"
fi

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

# The build without the built-in transport (cargo feature `transport` off).
nt_lib_dir=${SMSCODE_NO_TRANSPORT_LIB_DIR:-$repo/target/no-transport/release}
if [ -z "${SMSCODE_NO_TRANSPORT_LIB_DIR:-}" ]; then
  # Its own target dir, so it never replaces the default build's library.
  cargo build --release -p smscode --no-default-features --target-dir "$repo/target/no-transport" \
    || { fail "cargo build --no-default-features"; finish; }
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
link_dir "$build/nt-lib" "$nt_lib_dir/libsmscode.so"

# The prepared-request vectors as a C header.
if python3 "$here/prepared_vectors.py" "$repo/tests/data/prepared_request_vectors.json" \
     "$build/prepared_vectors.h"; then
  pass
else
  fail "tests/c/prepared_vectors.py"
fi

# --- compile -----------------------------------------------------------------------------
warn=(-Wall -Wextra -Werror -pedantic)
cflags=(-std=c11 "${warn[@]}" -g -O1 -I"$repo/include" -I"$build" -pthread)
sanitize=("-fsanitize=address,undefined" -fno-sanitize-recover=all -fno-omit-frame-pointer)
sources=("$here"/main.c "$here"/harness.c "$here"/test_sign.c "$here"/test_local.c
         "$here"/test_bad_input.c "$here"/test_last_error.c "$here"/test_send.c
         "$here"/test_faults.c "$here"/test_clock.c "$here"/test_secrets.c "$here"/test_load.c
         "$here"/test_prepare.c)
link=(-L"$build/lib" "-Wl,-rpath,$build/lib" -lsmscode)
panic_link=(-L"$build/panic-lib" "-Wl,-rpath,$build/panic-lib" -lsmscode)
nt_link=(-L"$build/nt-lib" "-Wl,-rpath,$build/nt-lib" -lsmscode)

compile() { # NAME COMMAND...
  local name=$1; shift
  if "$@"; then pass; else fail "compile $name"; fi
}
if [ -n "$cross" ]; then sanitize=(); fi
compile "test_abi (plain)" "$cc" "${cflags[@]}" "${sources[@]}" "${link[@]}" -o "$build/test_abi_plain"
compile "test_panic" "$cc" "${cflags[@]}" "${sanitize[@]}" -DSMSCODE_TEST_PANIC \
  "$here/test_panic.c" "$here/harness.c" "${panic_link[@]}" -o "$build/test_panic"
compile "test_platform (no built-in transport)" "$cc" "${cflags[@]}" "${sanitize[@]}" \
  "$here/test_platform.c" "$here/harness.c" "$here/test_sign.c" "$here/test_prepare.c" \
  "${nt_link[@]}" -o "$build/test_platform"
if [ -z "$cross" ]; then
  compile "test_abi (asan)" gcc "${cflags[@]}" "${sanitize[@]}" "${sources[@]}" "${link[@]}" -o "$build/test_abi_asan"
  # shellcheck disable=SC2046 # pkg-config output is a list of flags
  compile "send_with_curl (no built-in transport)" gcc -std=c11 "${warn[@]}" -O2 -I"$repo/include" \
    "$repo/bindings/c/examples/send_with_curl.c" -o "$build/send_with_curl" "${nt_link[@]}" \
    $(pkg-config --cflags --libs libcurl)
  compile "test_fork" gcc "${cflags[@]}" "$here/test_fork.c" "${link[@]}" -o "$build/test_fork"
  compile "test_cpp" g++ -std=c++17 "${warn[@]}" -g -I"$repo/include" "${sanitize[@]}" \
    "$here/test_cpp.cpp" "${link[@]}" -o "$build/test_cpp"
fi

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

if [ -n "$cross" ]; then
  run_test "test_abi-$cross" "${run_on_target[@]}" "$build/test_abi_plain"
  run_test "test_panic-$cross" "${run_on_target[@]}" "$build/test_panic"
else
  run_test "test_abi-asan" "$build/test_abi_asan"
  run_test "test_cpp" "$build/test_cpp"
  run_test "test_panic" "$build/test_panic"
  # valgrind: every group, a smaller load (valgrind runs threads one at a time).
  SMSCODE_TEST_VALGRIND=1 SMSCODE_TEST_LOAD_THREADS=4 SMSCODE_TEST_LOAD_SENDS=25 \
    run_test "test_abi-valgrind" valgrind -q --error-exitcode=1 --leak-check=full \
    --errors-for-leak-kinds=definite --show-leak-kinds=definite \
    --suppressions="$here/valgrind.supp" "$build/test_abi_plain"
  # fork after a send, under valgrind in the child too: the pool a child abandons must
  # stay reachable, so a program checked for definite leaks does not fail in its children.
  run_test "test_fork-valgrind" valgrind -q --error-exitcode=11 --leak-check=full \
    --errors-for-leak-kinds=definite --show-leak-kinds=definite \
    --suppressions="$here/valgrind.supp" "$build/test_fork"
fi

# --- the build without the built-in transport ----------------------------------------------
# None of ureq, rustls, ring or the roots: code from a crate leaves its source paths
# (panic locations) in the binary, stripped or not; the default build shows they are found.
transport_paths() { grep -a -o -E '/(ureq|rustls|ring|webpki-root-certs|webpki-roots)-[0-9][^/]*/' "$1" | sort -u | xargs; }
if [ -z "$(transport_paths "$lib_dir/libsmscode.so")" ]; then
  fail "no transport source path found in the default build: the check below would see nothing"
elif [ -n "$(transport_paths "$nt_lib_dir/libsmscode.so")" ]; then
  fail "the no-transport library holds transport code: $(transport_paths "$nt_lib_dir/libsmscode.so")"
else
  pass
fi
# Every export of the default build is there too (the transport's ones refuse).
exports() { nm -D --defined-only "$1" | awk '{ print $3 }' | sort; }
if [ "$(exports "$lib_dir/libsmscode.so")" = "$(exports "$nt_lib_dir/libsmscode.so")" ]; then
  pass
else
  fail "the two builds export different functions: $(diff <(exports "$lib_dir/libsmscode.so") \
    <(exports "$nt_lib_dir/libsmscode.so") | grep '^[<>]' | xargs)"
fi
run_test "test_platform${cross:+-$cross}" "${run_on_target[@]}" "$build/test_platform"
# libcurl moves the bytes; the library prepares and reads (native mode only).
if [ -z "$cross" ]; then
  curl_run() { # NAME WANT_EXIT WANT_LINE_REGEX BASE PHONE SECRET
    local rc=0
    SMSCODE_USER_DOMAIN=demo SMSCODE_SECRET=$6 "$build/send_with_curl" "$4" +86 "$5" 3 \
      >"$run/curl-$1.out" 2>&1 || rc=$?
    if [ "$rc" = "$2" ] && grep -Eq -- "$3" "$run/curl-$1.out"; then
      pass
    else
      fail "send_with_curl $1: exit $rc (want $2), see $run/curl-$1.out"
      cat "$run/curl-$1.out"
    fi
  }
  curl_run sent 0 '^code: 200 ' "$SMSCODE_TEST_EMU_FREE" 13911110001 demo-secret
  curl_run sent-line 0 '^sent$' "$SMSCODE_TEST_EMU_FREE" 13911110002 demo-secret
  curl_run wrong-secret 1 '^code: 5420 ' "$SMSCODE_TEST_EMU_FREE" 13911110003 wrong
  curl_run local-answer 1 '^http status: 0$' "$SMSCODE_TEST_EMU_FREE" 12ab demo-secret
  curl_run refused 1 '^send failed: -5 ' "http://127.0.0.1:1" 13911110004 demo-secret
  for phone in 13911110001 13911110002; do
    issued=$(python3 -c 'import json, sys, urllib.request; print(len(json.load(urllib.request.urlopen(sys.argv[1] + "/emulator/v1/codes?phone=" + sys.argv[2]))["codes"]))' "$SMSCODE_TEST_EMU_FREE" "$phone")
    if [ "$issued" = 1 ]; then pass; else fail "send_with_curl: the emulator issued $issued codes to $phone"; fi
  done
fi

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
