#!/usr/bin/env bash
# Builds the JVM jar that carries its native library, so an app needs no
# jna.library.path: target/smscode-kotlin-<v>.jar with linux-x86-64/libsmscode.so
# (JNA's resource path for Linux x86-64) inside.
#
# The library is the shipped one (cargo profile `ship`: LTO, stripped,
# panic = "unwind"), the one scripts/check-size.sh measures. Libraries of other
# platforms go next to it before packaging, each in JNA's folder for its platform:
#   native/darwin-aarch64/libsmscode.dylib, native/darwin-x86-64/libsmscode.dylib,
#   native/linux-aarch64/libsmscode.so, native/win32-x86-64/smscode.dll
#
# Usage: bindings/kotlin/package-jar.sh
# Env:   CARGO_TARGET_DIR  where the `ship` build lives (default <repo>/target)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
target_dir=${CARGO_TARGET_DIR:-$repo/target}

[ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] ||
  { echo "package-jar.sh: builds the linux-x86-64 library only; see the README for others" >&2; exit 1; }
"$repo/scripts/build-ship.sh" --quiet --target-dir "$target_dir"
mkdir -p "$here/native/linux-x86-64"
cp "$target_dir/ship/libsmscode.so" "$here/native/linux-x86-64/libsmscode.so"
mvn -B -q -ntp -f "$here" package -Dmaven.test.skip=true -Dspotless.check.skip=true
version=$(sed -n 's:^  <version>\(.*\)</version>.*:\1:p' "$here/pom.xml" | head -n 1)
echo "jar: $here/target/smscode-kotlin-$version.jar"
