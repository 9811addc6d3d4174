#!/usr/bin/env bash
# Installs smscode for C and C++ apps, the way a system library is installed:
#   LIBDIR/libsmscode.so.X.Y.Z (SONAME libsmscode.so.X, or libsmscode.so.0.Y while
#     X is 0, as cargo-c names it: a 0.x minor release may break the ABI) and the
#     symlinks libsmscode.so.<ABI> -> libsmscode.so.X.Y.Z, libsmscode.so -> libsmscode.so.<ABI>
#   LIBDIR/libsmscode.a
#   INCLUDEDIR/smscode.h, INCLUDEDIR/smscode.hpp
#   LIBDIR/pkgconfig/smscode.pc (static link flags in Libs.private)
#   LIBDIR/cmake/smscode/smscodeConfig.cmake and smscodeConfigVersion.cmake
#     (imported targets smscode::smscode and smscode::smscode_static)
#
# Usage (Linux):
#   sudo scripts/install.sh                                  # into /usr/local
#   PREFIX="$HOME/.local" scripts/install.sh
#   PREFIX=/usr LIBDIR=/usr/lib/x86_64-linux-gnu DESTDIR="$PWD/stage" scripts/install.sh
#
# Environment:
#   PREFIX       where the files will live (default /usr/local)
#   DESTDIR      staging root put in front of every path; the installed files still
#                name PREFIX, as with `make install DESTDIR=...` (default: none)
#   LIBDIR       library directory (default $PREFIX/lib; a relative path is under PREFIX)
#   INCLUDEDIR   header directory (default $PREFIX/include; relative: under PREFIX)
#   SMSCODE_LIB_DIR      install libsmscode.so/.a from this directory as they are;
#                        without it the script builds the shipped library with
#                        scripts/build-ship.sh (LTO, stripped; a no-op when up to
#                        date), and uses $CARGO_TARGET_DIR/ship
#                        (default target/ship): the build the size budget measures
#   SMSCODE_STATIC_LIBS  Libs.private, e.g. "-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"
#                        (default: asked of rustc, see static_libs below)
#   LDCONFIG=0   skip `ldconfig`, which otherwise runs after a root install without DESTDIR
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

die() {
  echo "install.sh: $*" >&2
  exit 1
}

[ "$(uname -s)" = Linux ] || die "only Linux is supported (the library's SONAME is an ELF feature)"

prefix=${PREFIX:-/usr/local}
destdir=${DESTDIR:-}
case "$prefix" in /*) ;; *) die "PREFIX must be an absolute path, got '$prefix'" ;; esac
# Absolute paths make the pkg-config and CMake files below exact.
under_prefix() {
  case "$1" in /*) echo "$1" ;; *) echo "$prefix/$1" ;; esac
}
libdir=$(under_prefix "${LIBDIR:-lib}")
includedir=$(under_prefix "${INCLUDEDIR:-include}")

# The version comes from the [package] table of Cargo.toml, the one source of truth.
version=$(awk '
  /^\[/ { in_package = ($0 == "[package]") }
  in_package && /^version[[:space:]]*=/ { gsub(/.*=[[:space:]]*"|".*/, ""); print; exit }
' "$repo/Cargo.toml")
[[ "$version" =~ ^(([0-9]+)\.[0-9]+)\.[0-9]+ ]] || die "no version found in $repo/Cargo.toml"
major_minor=${BASH_REMATCH[1]}
major=${BASH_REMATCH[2]}
# The ABI version in the SONAME (build.rs): X for X >= 1, 0.Y for 0.Y.Z.
if [ "$major" = 0 ]; then abi=$major_minor; else abi=$major; fi

# The built libraries.
if [ -n "${SMSCODE_LIB_DIR:-}" ]; then
  built=$SMSCODE_LIB_DIR
else
  command -v cargo >/dev/null || die "cargo not found: install Rust (https://rustup.rs) or set SMSCODE_LIB_DIR"
  "$repo/scripts/build-ship.sh"
  built=${CARGO_TARGET_DIR:-$repo/target}/ship
fi
for file in libsmscode.so libsmscode.a; do
  [ -f "$built/$file" ] || die "$built/$file is missing (build with: scripts/build-ship.sh)"
done
for file in smscode.h smscode.hpp; do
  [ -f "$repo/include/$file" ] || die "$repo/include/$file is missing"
done

# A mismatch would leave the symlinks pointing at a name the loader never asks for.
if command -v readelf >/dev/null; then
  soname=$(readelf -d "$built/libsmscode.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
  [ "$soname" = "libsmscode.so.$abi" ] ||
    die "$built/libsmscode.so has SONAME '$soname', expected libsmscode.so.$abi"
fi

# What an app linking libsmscode.a must also link: the system libraries Rust's std
# needs, which rustc prints for a static library of the same toolchain and target.
# (`cargo rustc --release -p smscode --crate-type staticlib -- --print native-static-libs`
# prints the same list for smscode itself: its dependencies add no system library; the
# test links the static examples with exactly these flags.) Probing an empty crate takes
# a fraction of a second and rebuilds nothing.
static_libs() {
  if [ -n "${SMSCODE_STATIC_LIBS:-}" ]; then
    echo "$SMSCODE_STATIC_LIBS"
    return
  fi
  local probe libs=""
  if command -v rustc >/dev/null; then
    probe=$(mktemp -d)
    : >"$probe/empty.rs"
    libs=$(rustc --crate-type staticlib --crate-name probe --print native-static-libs \
      -o "$probe/probe.a" "$probe/empty.rs" 2>&1 | sed -n 's/^note: native-static-libs: //p') || true
    rm -rf "$probe"
  fi
  # Measured with Rust 1.95 on x86_64-unknown-linux-gnu; used when rustc is absent.
  echo "${libs:--lgcc_s -lutil -lrt -lpthread -lm -ldl -lc}"
}
libs_private=$(static_libs)

# Paths in the pkg-config file are relative to ${prefix} where they can be.
# shellcheck disable=SC2016 # ${prefix} is pkg-config's variable, written literally
pc_path() {
  case "$1" in
    "$prefix") echo '${prefix}' ;;
    "$prefix"/*) echo "\${prefix}${1#"$prefix"}" ;;
    *) echo "$1" ;;
  esac
}

stage_lib=$destdir$libdir
stage_include=$destdir$includedir
real=libsmscode.so.$version

install -d "$stage_lib" "$stage_include" "$stage_lib/pkgconfig" "$stage_lib/cmake/smscode"
install -m 0755 "$built/libsmscode.so" "$stage_lib/$real"
ln -sfn "$real" "$stage_lib/libsmscode.so.$abi"
ln -sfn "libsmscode.so.$abi" "$stage_lib/libsmscode.so"
install -m 0644 "$built/libsmscode.a" "$stage_lib/libsmscode.a"
install -m 0644 "$repo/include/smscode.h" "$repo/include/smscode.hpp" "$stage_include/"

cat >"$stage_lib/pkgconfig/smscode.pc" <<EOF
prefix=$prefix
libdir=$(pc_path "$libdir")
includedir=$(pc_path "$includedir")

Name: smscode
Description: Sign and send the IoT platform's SMS verification-code request
Version: $version
Libs: -L\${libdir} -lsmscode
Libs.private: $libs_private
Cflags: -I\${includedir}
EOF
chmod 0644 "$stage_lib/pkgconfig/smscode.pc"

# The CMake package finds the files relative to itself, so a staged or moved tree
# works as it is.
cmake_dir=$libdir/cmake/smscode
include_from_cmake=$(realpath -m -s --relative-to="$cmake_dir" "$includedir")
cmake_libs=""
for flag in $libs_private; do
  cmake_libs="$cmake_libs${cmake_libs:+;}${flag#-l}"
done
# EI_CLASS, the ELF header's fifth byte: 1 for 32-bit, 2 for 64-bit code.
elf_class=$(od -An -tu1 -j4 -N1 "$built/libsmscode.so" | tr -d ' ')
pointer_size=$((elf_class == 2 ? 8 : 4))

cat >"$stage_lib/cmake/smscode/smscodeConfig.cmake" <<EOF
# smscode $version, installed by scripts/install.sh.
#   find_package(smscode $major_minor REQUIRED)
#   target_link_libraries(app PRIVATE smscode::smscode)          # libsmscode.so
#   target_link_libraries(app PRIVATE smscode::smscode_static)   # libsmscode.a
# smscode.hpp needs C++17: target_compile_features(app PRIVATE cxx_std_17).

get_filename_component(_smscode_libdir "\${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
get_filename_component(_smscode_includedir "\${CMAKE_CURRENT_LIST_DIR}/$include_from_cmake" ABSOLUTE)

foreach(_smscode_file "\${_smscode_libdir}/$real" "\${_smscode_libdir}/libsmscode.a"
                      "\${_smscode_includedir}/smscode.h")
  if(NOT EXISTS "\${_smscode_file}")
    set(smscode_FOUND FALSE)
    set(smscode_NOT_FOUND_MESSAGE "\${_smscode_file} is missing; reinstall smscode")
    return()
  endif()
endforeach()

if(NOT TARGET smscode::smscode)
  add_library(smscode::smscode SHARED IMPORTED)
  set_target_properties(smscode::smscode PROPERTIES
    IMPORTED_LOCATION "\${_smscode_libdir}/$real"
    IMPORTED_SONAME "libsmscode.so.$abi"
    INTERFACE_INCLUDE_DIRECTORIES "\${_smscode_includedir}")
endif()

if(NOT TARGET smscode::smscode_static)
  add_library(smscode::smscode_static STATIC IMPORTED)
  # The system libraries a Rust static library needs (pkg-config's Libs.private).
  set_target_properties(smscode::smscode_static PROPERTIES
    IMPORTED_LOCATION "\${_smscode_libdir}/libsmscode.a"
    IMPORTED_LINK_INTERFACE_LANGUAGES "C"
    INTERFACE_INCLUDE_DIRECTORIES "\${_smscode_includedir}"
    INTERFACE_LINK_LIBRARIES "$cmake_libs")
endif()

unset(_smscode_file)
unset(_smscode_libdir)
unset(_smscode_includedir)
EOF

# The requested version's ABI, spelled in CMake: MAJOR, or 0.MINOR while MAJOR is 0.
# shellcheck disable=SC2016 # CMake's variables, written literally
if [ "$major" = 0 ]; then
  abi_requested='${PACKAGE_FIND_VERSION_MAJOR}.${PACKAGE_FIND_VERSION_MINOR}'
else
  abi_requested='${PACKAGE_FIND_VERSION_MAJOR}'
fi
cat >"$stage_lib/cmake/smscode/smscodeConfigVersion.cmake" <<EOF
# smscode $version: compatible with any requested version of the same ABI (the
# SONAME's number: $abi) that is not newer; a 32/64-bit mismatch is unsuitable.
set(PACKAGE_VERSION "$version")
if(NOT PACKAGE_FIND_VERSION)
  set(PACKAGE_VERSION_COMPATIBLE TRUE)  # find_package(smscode) asks for no version
elseif(PACKAGE_FIND_VERSION VERSION_GREATER PACKAGE_VERSION OR
       NOT "$abi_requested" STREQUAL "$abi")
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
else()
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
  if(PACKAGE_FIND_VERSION STREQUAL PACKAGE_VERSION)
    set(PACKAGE_VERSION_EXACT TRUE)
  endif()
endif()
if(CMAKE_SIZEOF_VOID_P AND NOT CMAKE_SIZEOF_VOID_P STREQUAL "$pointer_size")
  math(EXPR _smscode_bits "$pointer_size * 8")
  set(PACKAGE_VERSION "\${PACKAGE_VERSION} (\${_smscode_bits}-bit)")
  set(PACKAGE_VERSION_UNSUITABLE TRUE)
  unset(_smscode_bits)
endif()
EOF
chmod 0644 "$stage_lib/cmake/smscode/"*.cmake

# The loader finds a new library in a system directory only after ldconfig.
if [ -z "$destdir" ] && [ "${LDCONFIG:-1}" != 0 ] && [ "$(id -u)" = 0 ] && command -v ldconfig >/dev/null; then
  ldconfig
fi

echo "installed smscode $version into ${destdir}${prefix}:"
echo "  $stage_lib/{$real,libsmscode.so.$abi,libsmscode.so,libsmscode.a}"
echo "  $stage_include/{smscode.h,smscode.hpp}"
echo "  $stage_lib/pkgconfig/smscode.pc"
echo "  $stage_lib/cmake/smscode/{smscodeConfig.cmake,smscodeConfigVersion.cmake}"
