#!/usr/bin/env bash
# Tests the jar a JVM user adds without Rust (package-jar.sh makes it):
#   1. it carries linux-x86-64, linux-aarch64 and linux-arm/libsmscode.so, each byte for
#      byte the shipped library of its target (scripts/build-ship.sh --target TRIPLE):
#      the files scripts/check-size.sh measures and scripts/test-cross.sh tests under qemu;
#   2. in an empty folder, a Java program with only that jar, JNA and the Kotlin
#      runtime on its classpath (no jna.library.path, no LD_LIBRARY_PATH) loads the
#      host's library from it, sends a code to the real emulator and reads the
#      delivered code back.
#
# Env: CARGO_TARGET_DIR  where the `ship` build lives (default <repo>/target)
#      SMSCODE_EMULATOR  emulator binary (default <repo>/target/release/smscode-emulator)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$repo/target}
emulator=${SMSCODE_EMULATOR:-$repo/target/release/smscode-emulator}
m2=${MAVEN_REPOSITORY:-$HOME/.m2/repository}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
check() {
  if "$@"; then passed=$((passed + 1)); echo "ok: $*"; else failed=$((failed + 1)); echo "FAIL: $*"; fi
}

[ -x "$emulator" ] || (cd "$repo" && cargo build --release --locked -p smscode-emulator)
# Two Maven runs in one work tree would share target/: queue behind test.sh's lock.
mkdir -p "$here/target"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$here/target/.test.lock"
  flock 9
fi
"$here/package-jar.sh"
version=$(sed -n 's:^  <version>\(.*\)</version>.*:\1:p' "$here/pom.xml" | head -n 1)
jar="$here/target/smscode-kotlin-$version.jar"

carries_shipped_library() { # JNA_FOLDER TARGET
  unzip -p "$jar" "$1/libsmscode.so" >"$work/from-jar-$1.so" &&
    cmp -s "$work/from-jar-$1.so" "$CARGO_TARGET_DIR/$2/ship/libsmscode.so"
}
check carries_shipped_library linux-x86-64 x86_64-unknown-linux-gnu
check carries_shipped_library linux-aarch64 aarch64-unknown-linux-gnu
check carries_shipped_library linux-arm armv7-unknown-linux-gnueabihf

# The empty folder: the jar, JNA and kotlin-stdlib (every Kotlin program has it).
property() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$here/pom.xml" | head -n 1; }
app="$work/app"
mkdir "$app"
cp "$jar" "$m2/net/java/dev/jna/jna/$(property jna.version)/jna-$(property jna.version).jar" \
  "$m2/org/jetbrains/kotlin/kotlin-stdlib/$(property kotlin.version)/kotlin-stdlib-$(property kotlin.version).jar" \
  "$app/"
cat >"$app/Main.java" <<'JAVA'
import io.smscode.CodeType;
import io.smscode.SendResult;
import io.smscode.SmsClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URL;

public class Main {
    public static void main(String[] args) throws Exception {
        Process emulator = new ProcessBuilder(args[0], "--listen", "127.0.0.1:0")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String url = new BufferedReader(new InputStreamReader(emulator.getInputStream()))
                    .readLine().replace("listening on ", "").trim();
            try (SmsClient client = new SmsClient(url, "demo", "demo-secret")) {
                SendResult result = client.sendCodeBlocking("+86", "13800138000", CodeType.REGISTRATION);
                if (!result.getOk()) throw new AssertionError("not sent: " + result);
            }
            HttpURLConnection codes = (HttpURLConnection) new URL(url + "/emulator/v1/codes?phone=13800138000")
                    .openConnection(Proxy.NO_PROXY);
            String body = new String(codes.getInputStream().readAllBytes(), "UTF-8");
            if (!body.contains("\"valid\":true")) throw new AssertionError("no code delivered: " + body);
            System.out.println("sent " + body.replaceAll(".*\"code\":\"([0-9]+)\".*", "$1"));
        } finally {
            emulator.destroy();
            emulator.waitFor();
        }
    }
}
JAVA
java_home_bin=$(dirname "$(readlink -f "$(command -v javac)")")
(cd "$app" && "$java_home_bin/javac" -cp '*' Main.java)
sends_from_jar() {
  # No jna.library.path, no LD_LIBRARY_PATH: the library can only come from the jar.
  (cd "$app" && env -i "HOME=$work" "PATH=/usr/bin:/bin" \
    "$java_home_bin/java" -cp '*:.' Main "$emulator") | tee "$work/out" | grep -q '^sent [0-9]'
}
check sends_from_jar
no_library_outside_jar() { [ -z "$(find "$app" -name 'libsmscode*')" ]; }
check no_library_outside_jar

echo "kotlin jar: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
