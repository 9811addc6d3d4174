#!/usr/bin/env bash
# Builds the JVM jar that carries its native libraries, so an app needs no
# jna.library.path: target/smscode-kotlin-<v>.jar with, in JNA's resource folders,
#   linux-x86-64/libsmscode.so   linux-aarch64/libsmscode.so   linux-arm/libsmscode.so
# (Linux on x86_64, aarch64 and 32-bit ARM hard-float), as sqlite-jdbc and zstd-jni ship.
# JNA loads the one of the JVM's platform.
#
# Each is the shipped build of its target (scripts/build-ship.sh --target TRIPLE: LTO,
# stripped, panic = "unwind", linked against glibc 2.17): the files scripts/check-size.sh
# measures and the cross stage (scripts/test-cross.sh) tests under qemu. Libraries of
# other platforms go next to them before packaging, each in JNA's folder for its
# platform: native/darwin-aarch64/libsmscode.dylib, native/darwin-x86-64/libsmscode.dylib,
# native/win32-x86-64/smscode.dll
#
# Usage: bindings/kotlin/package-jar.sh
# Env:   CARGO_TARGET_DIR  where the shipped builds live (default <repo>/target)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
target_dir=${CARGO_TARGET_DIR:-$repo/target}

# JNA's resource folder of each Linux target.
declare -A folder_of=([x86_64-unknown-linux-gnu]=linux-x86-64
                      [aarch64-unknown-linux-gnu]=linux-aarch64
                      [armv7-unknown-linux-gnueabihf]=linux-arm)
for target in "${!folder_of[@]}"; do
  "$repo/scripts/build-ship.sh" --quiet --target "$target" --target-dir "$target_dir"
  mkdir -p "$here/native/${folder_of[$target]}"
  cp "$target_dir/$target/ship/libsmscode.so" "$here/native/${folder_of[$target]}/libsmscode.so"
done
mvn -B -q -ntp -f "$here" package -Dmaven.test.skip=true -Dspotless.check.skip=true
version=$(sed -n 's:^  <version>\(.*\)</version>.*:\1:p' "$here/pom.xml" | head -n 1)
echo "jar: $here/target/smscode-kotlin-$version.jar"
