#!/usr/bin/env bash
# The C and C++ users' path, end to end: install with scripts/install.sh into a
# temporary prefix (and a DESTDIR staging tree), build the examples against that
# prefix only (pkg-config, CMake, static), run them against the emulator, and check
# the installed files (SONAME, exports, static linking, smscode.hpp standalone).
#
#   bindings/c/test.sh
#
# Env: SMSCODE_LIB_DIR (default <repo>/target/release) and SMSCODE_EMULATOR (default
# <repo>/target/release/smscode-emulator); when the defaults are missing they are
# built with cargo. CARGO_TARGET_DIR: where install.sh's default build (the `ship`
# profile) lives; scripts/test-all.sh points it at the size budget's build. KEEP_WORK=1 keeps the temporary directory. Prints one line per
# check and "N passed, N failed"; exits 1 on any failure.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

passed=0
failed=0
ok() {
  echo "ok   $1"
  passed=$((passed + 1))
}
fail() {
  echo "FAIL $1"
  failed=$((failed + 1))
}
# check NAME COMMAND...: one test, passed when COMMAND succeeds.
check() {
  local name=$1
  shift
  if "$@"; then ok "$name"; else fail "$name"; fi
}
# A failed build or install stops the run: nothing after it could pass.
fatal() {
  echo "FAIL $1" >&2
  [ -f "${2:-}" ] && tail -n 40 "$2" >&2
  echo "$passed passed, $((failed + 1)) failed"
  exit 1
}

# ---- tools: Debian packages, installed only when missing --------------------------
missing=()
command -v cc >/dev/null || missing+=(gcc)
command -v c++ >/dev/null || missing+=(g++)
command -v make >/dev/null || missing+=(make)
command -v pkg-config >/dev/null || missing+=(pkg-config)
command -v cmake >/dev/null || missing+=(cmake)
command -v readelf >/dev/null && command -v nm >/dev/null || missing+=(binutils)
command -v curl >/dev/null || missing+=(curl)
command -v clang-format >/dev/null || missing+=(clang-format)
command -v shellcheck >/dev/null || missing+=(shellcheck)
# libcurl's headers, for examples/send_with_curl.c (your own HTTP stack).
{ command -v pkg-config >/dev/null && pkg-config --exists libcurl; } || missing+=(libcurl4-openssl-dev)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} with apt-get"
  sudo_cmd=()
  [ "$(id -u)" = 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# ---- the library and the emulator ----------------------------------------------
lib_dir=${SMSCODE_LIB_DIR:-$repo/target/release}
emulator=${SMSCODE_EMULATOR:-$repo/target/release/smscode-emulator}
if [ -z "${SMSCODE_LIB_DIR:-}" ] && { [ ! -f "$lib_dir/libsmscode.so" ] || [ ! -f "$lib_dir/libsmscode.a" ]; }; then
  (cd "$repo" && cargo build --release -p smscode)
fi
if [ -z "${SMSCODE_EMULATOR:-}" ] && [ ! -x "$emulator" ]; then
  (cd "$repo" && cargo build --release -p smscode-emulator)
fi
if [ ! -f "$lib_dir/libsmscode.so" ] || [ ! -f "$lib_dir/libsmscode.a" ]; then
  fatal "no libsmscode.so/.a in $lib_dir"
fi
[ -x "$emulator" ] || fatal "no emulator at $emulator"

version=$(awk '
  /^\[/ { in_package = ($0 == "[package]") }
  in_package && /^version[[:space:]]*=/ { gsub(/.*=[[:space:]]*"|".*/, ""); print; exit }
' "$repo/Cargo.toml")
major=${version%%.*}
# The SONAME's ABI version (build.rs): MAJOR, or 0.MINOR while MAJOR is 0 (cargo-c's rule).
if [ "$major" = 0 ]; then abi=$(cut -d. -f1,2 <<<"$version"); else abi=$major; fi

work=$(mktemp -d "${TMPDIR:-/tmp}/smscode-c-test.XXXXXX")
emulator_pid=""
cleanup() {
  if [ -n "$emulator_pid" ]; then kill "$emulator_pid" 2>/dev/null || true; fi
  if [ "${KEEP_WORK:-0}" = 1 ]; then echo "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# Strict flags for everything built here; the examples must compile cleanly with them.
strict=(-Wall -Wextra -Werror -pedantic)

# ---- lint -------------------------------------------------------------------------
check "shellcheck: scripts/install.sh, bindings/c/test.sh" \
  shellcheck "$repo/scripts/install.sh" "$here/test.sh"
check "clang-format: examples, tests and include/smscode.hpp are formatted" \
  clang-format --style="file:$here/.clang-format" --dry-run --Werror \
  "$here"/examples/*.c "$here"/examples/*.cpp "$here"/tests/*.cpp "$repo/include/smscode.hpp"

# ---- install into a temporary prefix --------------------------------------------
prefix=$work/prefix
lib=$prefix/lib
PREFIX=$prefix SMSCODE_LIB_DIR=$lib_dir LDCONFIG=0 "$repo/scripts/install.sh" >"$work/install.log" 2>&1 ||
  fatal "scripts/install.sh into $prefix" "$work/install.log"
ok "scripts/install.sh installs into PREFIX=$prefix"

check "libsmscode.so.$version is a regular file" test -f "$lib/libsmscode.so.$version" -a ! -L "$lib/libsmscode.so.$version"
check "libsmscode.so.$abi -> libsmscode.so.$version" test "$(readlink "$lib/libsmscode.so.$abi")" = "libsmscode.so.$version"
check "libsmscode.so -> libsmscode.so.$abi" test "$(readlink "$lib/libsmscode.so")" = "libsmscode.so.$abi"
check "libsmscode.a installed" test -f "$lib/libsmscode.a"
check "include/smscode.h is the repo's header" cmp -s "$repo/include/smscode.h" "$prefix/include/smscode.h"
check "include/smscode.hpp is the repo's header" cmp -s "$repo/include/smscode.hpp" "$prefix/include/smscode.hpp"
# Without SMSCODE_LIB_DIR the script installs the shipped build: stripped, and byte for
# byte the library the size budget measures.
PREFIX=$work/default-prefix LDCONFIG=0 env -u SMSCODE_LIB_DIR "$repo/scripts/install.sh" \
  >"$work/default-install.log" 2>&1 || fatal "scripts/install.sh (default build)" "$work/default-install.log"
default_lib=$work/default-prefix/lib/libsmscode.so.$version
stripped() { ! readelf -S "$1" | grep -q '\.symtab'; }
check "the default install is stripped (no .symtab)" stripped "$default_lib"
check "the default install is the ship build the size budget measures" \
  cmp -s "$default_lib" "${CARGO_TARGET_DIR:-$repo/target}/ship/libsmscode.so"
check "CMake package files installed" test -f "$lib/cmake/smscode/smscodeConfig.cmake" -a -f "$lib/cmake/smscode/smscodeConfigVersion.cmake"

soname=$(readelf -d "$lib/libsmscode.so.$version" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
check "SONAME is libsmscode.so.$abi (readelf -d)" test "$soname" = "libsmscode.so.$abi"

# Exports: exactly the functions smscode.h declares, and never the test-only hook.
nm -D --defined-only "$lib/libsmscode.so.$version" | awk '{ print $3 }' | sort -u >"$work/exports.txt"
grep -oE '\bsms_[a-z_]+\(' "$prefix/include/smscode.h" | tr -d '(' | grep -vx sms_test_arm_panic |
  sort -u >"$work/declared.txt"
check "the .so exports only sms_ symbols (nm -D --defined-only)" \
  test -s "$work/exports.txt" -a -z "$(grep -v '^sms_' "$work/exports.txt")"
check "the .so exports exactly the $(wc -l <"$work/declared.txt") functions smscode.h declares" \
  cmp -s "$work/exports.txt" "$work/declared.txt"

# pkg-config sees this prefix only.
# libcurl's .pc file stays reachable for the libcurl example only.
system_pc_path=$(pkg-config --variable pc_path pkg-config)
export PKG_CONFIG_LIBDIR=$lib/pkgconfig PKG_CONFIG_PATH=""
check "pkg-config --validate smscode" pkg-config --validate smscode
check "pkg-config --modversion is $version" test "$(pkg-config --modversion smscode)" = "$version"
flags=$(pkg-config --cflags --libs smscode | xargs)
check "pkg-config --cflags --libs point into the prefix ($flags)" \
  test "$flags" = "-I$prefix/include -L$lib -lsmscode"
static_libs=$(pkg-config --static --libs smscode | xargs)
check "pkg-config --static adds Libs.private ($static_libs)" \
  grep -qE -- '-lsmscode .*-lpthread.*-ldl' <<<"$static_libs"

PREFIX=$prefix SMSCODE_LIB_DIR=$lib_dir LDCONFIG=0 "$repo/scripts/install.sh" >"$work/reinstall.log" 2>&1 &&
  reinstall=ok || reinstall=failed
check "installing again over the same prefix works" \
  test "$reinstall" = ok -a "$(readlink "$lib/libsmscode.so.$abi")" = "libsmscode.so.$version"
PREFIX=$work/never SMSCODE_LIB_DIR=$work/no-such-dir LDCONFIG=0 "$repo/scripts/install.sh" >"$work/bad.log" 2>&1 &&
  bad_install=succeeded || bad_install=failed
check "install.sh fails, installing nothing, when the built library is missing" \
  test "$bad_install" = failed -a ! -e "$work/never"

# ---- headers standalone -----------------------------------------------------------
hpp_standalone() { # STD
  echo '#include <smscode.hpp>' |
    c++ -std="$1" "${strict[@]}" -Wshadow -Wconversion -Wsign-conversion -Wold-style-cast -Weffc++ \
      -I"$prefix/include" -x c++ -c - -o /dev/null
}
check "smscode.hpp compiles standalone (C++17 ${strict[*]}, -Wconversion -Wold-style-cast -Weffc++)" \
  hpp_standalone c++17
check "smscode.hpp compiles standalone as C++20 too" hpp_standalone c++20
h_standalone() {
  echo '#include <smscode.h>' | cc -std=c99 "${strict[@]}" -I"$prefix/include" -x c -c - -o /dev/null
}
check "smscode.h compiles standalone (C99 ${strict[*]})" h_standalone

# The README's complete examples must keep compiling (and linking) as documented.
readme_example() { # LANG (c or cpp) COMPILER STD
  awk -v fence="\`\`\`$1" '$0 == fence { inside = 1; next } /^```/ { inside = 0 } inside' \
    "$here/README.md" >"$work/readme.$1"
  # shellcheck disable=SC2046 # pkg-config output is a list of flags
  test -s "$work/readme.$1" &&
    "$2" "$3" "${strict[@]}" -x "$([ "$1" = c ] && echo c || echo c++)" "$work/readme.$1" \
      $(pkg-config --cflags --libs smscode) -o "$work/readme-$1"
}
check "README's complete C example compiles and links" readme_example c cc -std=c11
check "README's C++ example compiles and links" readme_example cpp c++ -std=c++17

# ---- the emulator -----------------------------------------------------------------
"$emulator" --listen 127.0.0.1:0 >"$work/emulator.out" 2>"$work/emulator.log" &
emulator_pid=$!
for _ in $(seq 100); do
  [ "$(wc -l <"$work/emulator.out")" -ge 1 ] && break
  sleep 0.1
done
base=$(sed -n '1s/^listening on //p' "$work/emulator.out")
[[ "$base" =~ ^http://127\.0\.0\.1:[0-9]+$ ]] || fatal "emulator did not start" "$work/emulator.log"
echo "emulator at $base"

# Runs an example that must send a code to PHONE (code type 3, registration).
phone_seq=0
run_example() { # LABEL BINARY
  local label=$1 binary=$2 out phone rc=0 issued
  phone_seq=$((phone_seq + 1))
  phone=$(printf '1390000%04d' "$phone_seq")
  out=$work/run-$phone_seq.txt
  SMSCODE_USER_DOMAIN=demo SMSCODE_SECRET=demo-secret "$binary" "$base" +86 "$phone" 3 >"$out" 2>&1 || rc=$?
  check "$label: exit 0, prints code 200, HTTP status 200, sent" \
    test "$rc" = 0 -a -n "$(grep -x 'code: 200 (.*)' "$out")" -a \
    -n "$(grep -x 'http status: 200' "$out")" -a -n "$(grep -x 'sent' "$out")"
  check "$label: prints the spec example's correct signature" \
    grep -qx 'signature of the spec example: adf0cd13e4a086f78577ca284df28a5382a7af36e011e1aec6375a0a615fb891' "$out"
  # The code the emulator issued to that phone, and its log line "to +86 PHONE: ... code is N".
  issued=$(curl -fsS "$base/emulator/v1/codes?phone=$phone" |
    grep -oE '"code"[[:space:]]*:[[:space:]]*"[0-9]{6}"' | grep -oE '[0-9]{6}' || true)
  check "$label: the emulator issued registration code ${issued:-(none)} to +86 $phone" \
    test -n "$issued" -a "$(wc -w <<<"$issued")" = 1 -a \
    -n "$(grep -F "to +86 $phone: your registration code is $issued" "$work/emulator.log")"
}
# Runs an example that must fail: expected exit status and an output line.
run_failing() { # LABEL EXPECTED_RC EXPECTED_LINE_REGEX ENV_ARGS... BINARY ARGS... (run by env)
  local label=$1 want_rc=$2 want_line=$3 rc=0 out
  shift 3
  out=$work/fail-$RANDOM.txt
  env "$@" >"$out" 2>&1 || rc=$?
  check "$label" test "$rc" = "$want_rc" -a -n "$(grep -E -- "$want_line" "$out")"
}
# (grep >/dev/null rather than -q in pipes: an early exit would SIGPIPE the writer.)
dynamic_from_prefix() { # BINARY: NEEDED libsmscode.so.N and resolved inside the prefix
  readelf -d "$1" | grep "NEEDED.*\[libsmscode.so.$abi\]" >/dev/null &&
    ldd "$1" | grep "libsmscode.so.$abi => $lib/libsmscode.so.$abi" >/dev/null
}
statically_linked() { # BINARY: no libsmscode NEEDED, and the sms_ code is inside
  ! readelf -d "$1" | grep 'NEEDED.*libsmscode' >/dev/null && ! ldd "$1" | grep libsmscode >/dev/null &&
    nm "$1" | grep ' T sms_client_send$' >/dev/null
}

# ---- pkg-config + make ------------------------------------------------------------
cp -r "$here/examples" "$work/make"
make -C "$work/make" CFLAGS="-O2 ${strict[*]}" CXXFLAGS="-O2 ${strict[*]}" all static >"$work/make.log" 2>&1 ||
  fatal "make (pkg-config) all static" "$work/make.log"
ok "make (pkg-config): C and C++ examples, shared and static, build with ${strict[*]}"
for binary in send_code send_code_cpp; do
  check "make $binary: links libsmscode.so.$abi from the prefix (readelf, ldd)" dynamic_from_prefix "$work/make/$binary"
  run_example "make $binary" "$work/make/$binary"
done
for binary in send_code_static send_code_cpp_static; do
  check "make $binary: no libsmscode.so dependency (readelf NEEDED, ldd)" statically_linked "$work/make/$binary"
  run_example "make $binary" "$work/make/$binary"
done

demo=(SMSCODE_USER_DOMAIN=demo SMSCODE_SECRET=demo-secret)
run_failing "C example: a wrong secret prints the server's 5420 and exits 1" 1 '^code: 5420 ' \
  SMSCODE_USER_DOMAIN=demo SMSCODE_SECRET=wrong "$work/make/send_code" "$base" +86 13900009991
run_failing "C++ example: a wrong secret prints the server's 5420 and exits 1" 1 '^code: 5420 ' \
  SMSCODE_USER_DOMAIN=demo SMSCODE_SECRET=wrong "$work/make/send_code_cpp" "$base" +86 13900009991
run_failing "C example: a malformed phone is answered locally (HTTP status 0)" 1 '^http status: 0$' \
  "${demo[@]}" "$work/make/send_code" "$base" +86 12ab
run_failing "C example: connection refused is SMS_ERR_NETWORK (-5), exit 1" 1 'sms_client_send failed: -5 ' \
  "${demo[@]}" "$work/make/send_code" http://127.0.0.1:1 +86 13900009992
run_failing "C++ example: code type 9 throws smscode::Error -3, exit 1" 1 '^smscode error -3 ' \
  "${demo[@]}" "$work/make/send_code_cpp" "$base" +86 13900009993 9
run_failing "C example: no SMSCODE_SECRET is a usage error (exit 2)" 2 'SMSCODE_SECRET' \
  -u SMSCODE_SECRET SMSCODE_USER_DOMAIN=demo "$work/make/send_code" "$base" +86 13900009994

# ---- your own HTTP stack: libcurl sends what the library prepares -----------------
PKG_CONFIG_LIBDIR="$lib/pkgconfig:$system_pc_path" make -C "$work/make" CFLAGS="-O2 ${strict[*]}" curl \
  >"$work/make-curl.log" 2>&1 || fatal "make curl (send_with_curl.c with pkg-config smscode libcurl)" "$work/make-curl.log"
ok "make curl: send_with_curl.c (sms_client_prepare + libcurl + sms_client_read_response) builds with ${strict[*]}"
curl_example() { # LABEL WANT_RC WANT_LINE_REGEX SECRET BASE PHONE
  local rc=0 out=$work/curl-example-$RANDOM.txt
  SMSCODE_USER_DOMAIN=demo SMSCODE_SECRET=$4 "$work/make/send_with_curl" "$5" +86 "$6" 3 >"$out" 2>&1 || rc=$?
  check "$1" test "$rc" = "$2" -a -n "$(grep -E -- "$3" "$out")"
}
curl_example "libcurl example: sends, prints code 200 and HTTP status 200, exit 0" 0 '^http status: 200$' \
  demo-secret "$base" 13900008881
issued=$(curl -fsS "$base/emulator/v1/codes?phone=13900008881" | grep -oE '"code"[[:space:]]*:[[:space:]]*"[0-9]{6}"' | wc -l)
check "libcurl example: the emulator issued one registration code to +86 13900008881" test "$issued" = 1
curl_example "libcurl example: a wrong secret is the server's 5420, exit 1" 1 '^code: 5420 ' \
  wrong "$base" 13900008882
curl_example "libcurl example: a malformed phone is answered locally (HTTP status 0)" 1 '^http status: 0$' \
  demo-secret "$base" 12ab
curl_example "libcurl example: connection refused is reported as SMS_ERR_NETWORK (-5)" 1 '^send failed: -5 ' \
  demo-secret http://127.0.0.1:1 13900008883

# ---- CMake find_package -----------------------------------------------------------
cp -r "$here/examples" "$work/cmake-src"
if ! cmake -S "$work/cmake-src" -B "$work/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_C_FLAGS="${strict[*]}" -DCMAKE_CXX_FLAGS="${strict[*]}" >"$work/cmake.log" 2>&1 ||
  ! cmake --build "$work/cmake-build" >>"$work/cmake.log" 2>&1; then
  fatal "cmake configure and build" "$work/cmake.log"
fi
ok "CMake find_package(smscode): C and C++ examples, shared and static, build with ${strict[*]}"
check "CMake found the package in the prefix (smscode_DIR)" \
  grep -qx "smscode_DIR:PATH=$lib/cmake/smscode" "$work/cmake-build/CMakeCache.txt"
for binary in send_code send_code_cpp; do
  check "cmake $binary (smscode::smscode): links libsmscode.so.$abi from the prefix" dynamic_from_prefix "$work/cmake-build/$binary"
  run_example "cmake $binary" "$work/cmake-build/$binary"
done
for binary in send_code_static send_code_cpp_static; do
  check "cmake $binary (smscode::smscode_static): no libsmscode.so dependency" statically_linked "$work/cmake-build/$binary"
  run_example "cmake $binary" "$work/cmake-build/$binary"
done
cat >"$work/cmake-src/version-check.cmake" <<'EOF'
find_package(smscode 99 QUIET)
if(smscode_FOUND)
  message(FATAL_ERROR "smscode 99 must not be found")
endif()
EOF
check "CMake refuses an incompatible version (find_package(smscode 99))" \
  cmake -DCMAKE_PREFIX_PATH="$prefix" -P "$work/cmake-src/version-check.cmake"

# ---- smscode.hpp behaviour (ASan, UBSan, LeakSanitizer) -------------------------
# shellcheck disable=SC2046 # pkg-config output is a list of flags
c++ -std=c++17 "${strict[@]}" -g -fsanitize=address,undefined -fno-sanitize-recover=undefined \
  -DSMSCODE_EXPECTED_VERSION="\"$version\"" $(pkg-config --cflags smscode) "$here/tests/hpp_test.cpp" \
  -o "$work/hpp_test" -Wl,-rpath,"$lib" $(pkg-config --libs smscode) >"$work/hpp_test.log" 2>&1 ||
  fatal "build tests/hpp_test.cpp" "$work/hpp_test.log"
rc=0
"$work/hpp_test" "$base" >"$work/hpp_test.out" 2>&1 || rc=$?
sed 's/^/  hpp: /' "$work/hpp_test.out"
read -r hpp_passed hpp_failed < <(sed -nE 's/^([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' "$work/hpp_test.out") || true
passed=$((passed + ${hpp_passed:-0}))
failed=$((failed + ${hpp_failed:-0}))
check "hpp_test exits 0 with no sanitizer report" test "$rc" = 0 -a -n "${hpp_passed:-}"

# ---- DESTDIR staging --------------------------------------------------------------
stage=$work/stage
arch=$(cc -dumpmachine)
before=$(ls -d /usr/local/lib/"$arch"/libsmscode* /usr/local/include/smscode.h* 2>/dev/null || true)
PREFIX=/usr/local LIBDIR="lib/$arch" DESTDIR=$stage SMSCODE_LIB_DIR=$lib_dir "$repo/scripts/install.sh" \
  >"$work/stage.log" 2>&1 || fatal "install.sh with DESTDIR" "$work/stage.log"
ok "scripts/install.sh PREFIX=/usr/local LIBDIR=lib/$arch DESTDIR=<stage>"
slib=$stage/usr/local/lib/$arch
check "DESTDIR: the files are staged under DESTDIR/PREFIX/LIBDIR" \
  test -f "$slib/libsmscode.so.$version" -a -L "$slib/libsmscode.so.$abi" -a -L "$slib/libsmscode.so" \
  -a -f "$slib/libsmscode.a" -a -f "$stage/usr/local/include/smscode.hpp" -a -f "$slib/pkgconfig/smscode.pc"
check "DESTDIR: nothing is written to the real /usr/local" \
  test "$(ls -d /usr/local/lib/"$arch"/libsmscode* /usr/local/include/smscode.h* 2>/dev/null || true)" = "$before"
check "DESTDIR: no installed file names the staging directory" \
  test -z "$(grep -rl "$stage" "$stage" || true)"
staged_pc() {
  grep -qx "prefix=/usr/local" "$slib/pkgconfig/smscode.pc" &&
    grep -qxF "libdir=\${prefix}/lib/$arch" "$slib/pkgconfig/smscode.pc"
}
check "DESTDIR: smscode.pc names the final prefix and LIBDIR" staged_pc
# A sysroot-aware pkg-config builds against the staged tree.
cp -r "$here/examples" "$work/stage-make"
PKG_CONFIG_SYSROOT_DIR=$stage PKG_CONFIG_LIBDIR=$slib/pkgconfig \
  make -C "$work/stage-make" CFLAGS="-O2 ${strict[*]}" send_code_static >"$work/stage-make.log" 2>&1 &&
  staged_build=ok || staged_build=failed
check "DESTDIR: pkg-config with PKG_CONFIG_SYSROOT_DIR builds the static C example" \
  test "$staged_build" = ok -a -x "$work/stage-make/send_code_static"
[ "$staged_build" = ok ] && run_example "DESTDIR make send_code_static" "$work/stage-make/send_code_static"
# The CMake package is relocatable: it works from the staging tree as it is.
cp -r "$here/examples" "$work/stage-cmake-src"
cmake -S "$work/stage-cmake-src" -B "$work/stage-cmake" -DCMAKE_PREFIX_PATH="$stage/usr/local" \
  >"$work/stage-cmake.log" 2>&1 && cmake --build "$work/stage-cmake" --target send_code >>"$work/stage-cmake.log" 2>&1 &&
  staged_cmake=ok || staged_cmake=failed
check "DESTDIR: the CMake package in lib/$arch/cmake is found and usable where it was staged" \
  test "$staged_cmake" = ok -a -n "$(ldd "$work/stage-cmake/send_code" | grep "=> $slib/libsmscode.so.$abi")"
[ "$staged_cmake" = ok ] && run_example "DESTDIR cmake send_code" "$work/stage-cmake/send_code"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
