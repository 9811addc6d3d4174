#!/usr/bin/env bash
# Builds libsmscode.so for Android into android/src/main/jniLibs/<abi>/ with cargo-ndk:
# arm64-v8a, armeabi-v7a and x86_64, linked with 16 KB page alignment (required for
# apps targeting Android 15+ on 16 KB-page devices), using the `ship` profile (small,
# stripped, and panic = "unwind" so the C boundary can catch a panic).
#
# Without the built-in transport (`--no-default-features`: no ureq, rustls, ring or root
# certificates): on Android the app sends through HttpUrlConnectionTransport, the
# platform's HTTP stack (Network Security Config, user and MDM CAs, system proxy, VPN),
# which is SmsClient's default there. LibraryTransport, setProxy and addCaFile then
# answer SmsException.Unsupported.
#
# Needs: rustup, an Android NDK (ANDROID_NDK_HOME, or Android Studio's default place,
# which cargo-ndk finds itself). Not run by the tests: the test machine has no NDK.
#
# Usage: bindings/kotlin/android/build-jni-libs.sh [min-sdk, default 21]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)
out="$here/src/main/jniLibs"
min_sdk=${1:-21}
abis=(arm64-v8a armeabi-v7a x86_64)
triples=(aarch64-linux-android armv7-linux-androideabi x86_64-linux-android)

rustup target add "${triples[@]}"
command -v cargo-ndk >/dev/null 2>&1 || cargo install --locked cargo-ndk

# 16 KB pages: per-target flags, so build scripts and proc macros (host) are untouched.
page_flags="-C link-arg=-Wl,-z,max-page-size=16384"
for triple in "${triples[@]}"; do
  var="CARGO_TARGET_$(echo "$triple" | tr 'a-z-' 'A-Z_')_RUSTFLAGS"
  export "$var=${!var:-} $page_flags"
done

# `cargo rustc --crate-type cdylib`, as scripts/build-ship.sh builds the shipped
# library: cargo runs the profile's LTO only when the crate types are named (a build
# that also makes the crate's rlib skips it). One ABI at a time, each copied into
# jniLibs/<abi>/ here.
cd "$repo"
target_dir=${CARGO_TARGET_DIR:-$repo/target}
for i in "${!abis[@]}"; do
  cargo ndk -t "${abis[$i]}" --platform "$min_sdk" \
    rustc --profile ship -p smscode --lib --locked --no-default-features --crate-type cdylib
  mkdir -p "$out/${abis[$i]}"
  cp "$target_dir/${triples[$i]}/ship/libsmscode.so" "$out/${abis[$i]}/libsmscode.so"
done

# Check what was asked for: every library present and every LOAD segment 16 KB aligned.
readelf_bin=$(command -v llvm-readelf || command -v readelf || true)
if [ -n "${ANDROID_NDK_HOME:-}" ]; then
  for candidate in "$ANDROID_NDK_HOME"/toolchains/llvm/prebuilt/*/bin/llvm-readelf; do
    [ -x "$candidate" ] && readelf_bin=$candidate
  done
fi
for abi in "${abis[@]}"; do
  lib="$out/$abi/libsmscode.so"
  [ -f "$lib" ] || { echo "missing $lib" >&2; exit 1; }
  if [ -n "$readelf_bin" ]; then
    bad=$("$readelf_bin" -lW "$lib" | awk '$1 == "LOAD" && $NF != "0x4000" { print $NF }')
    [ -z "$bad" ] || { echo "$lib: LOAD segments aligned to $bad, not 0x4000" >&2; exit 1; }
  fi
  echo "$abi: $(du -h "$lib" | cut -f1) $lib"
done
