#!/usr/bin/env bash
# Tests the Kotlin binding: ktlint (through Spotless, in Maven's validate phase), then
# JUnit 5 against the real libsmscode and the real emulator. Exits non-zero on any
# failure, and when a test was skipped or none ran.
#
# Env (scripts/test-all.sh sets the first two; standalone runs default to the repo's
# build and build what is missing):
#   SMSCODE_LIB_DIR        directory holding libsmscode.so   (default <repo>/target/release)
#   SMSCODE_EMULATOR       the emulator binary               (default <repo>/target/release/smscode-emulator)
#   SMSCODE_PANIC_LIB_DIR  a build with --features test-panic (default <repo>/target/test-panic/release)
#   SMSCODE_NO_TRANSPORT_LIB_DIR  a build with --no-default-features, as Android ships it
#                          (default <repo>/target/no-transport/release)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
lib_dir=${SMSCODE_LIB_DIR:-$repo/target/release}
emulator=${SMSCODE_EMULATOR:-$repo/target/release/smscode-emulator}
panic_dir=${SMSCODE_PANIC_LIB_DIR:-$repo/target/test-panic/release}
no_transport_dir=${SMSCODE_NO_TRANSPORT_LIB_DIR:-$repo/target/no-transport/release}
case "$(uname -s)" in
  Darwin) lib_file=libsmscode.dylib ;;
  *) lib_file=libsmscode.so ;;
esac

# Java and Maven from Debian when missing (a fresh machine).
if ! command -v mvn >/dev/null 2>&1 || ! command -v javac >/dev/null 2>&1; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq maven default-jdk-headless
fi

# The native pieces: build only what is missing (test-all.sh has built the release ones).
cd "$repo"
if [ ! -f "$lib_dir/$lib_file" ]; then
  cargo build --release -p smscode
fi
if [ ! -x "$emulator" ]; then
  cargo build --release -p smscode-emulator
fi
if [ -z "${SMSCODE_PANIC_LIB_DIR:-}" ]; then
  # Its own target dir, so it never replaces the shipped library; a no-op when fresh.
  cargo build --release -q -p smscode --features test-panic --target-dir "$repo/target/test-panic"
fi
if [ -z "${SMSCODE_NO_TRANSPORT_LIB_DIR:-}" ]; then
  # Its own target dir too; a no-op when fresh.
  cargo build --release -q -p smscode --lib --no-default-features --target-dir "$repo/target/no-transport"
fi
for file in "$lib_dir/$lib_file" "$emulator" "$panic_dir/$lib_file" "$no_transport_dir/$lib_file"; do
  [ -e "$file" ] || { echo "kotlin: missing $file" >&2; exit 1; }
done

# The scripts' own lint, where shellcheck is installed (Kotlin's lint, ktlint, runs in Maven).
if command -v shellcheck >/dev/null 2>&1; then
  shellcheck "$here/test.sh" "$here/android/build-jni-libs.sh"
else
  echo "kotlin: shellcheck not installed, shell scripts not linted"
fi

# Two runs in one work tree would share target/ (and count each other's reports): queue.
mkdir -p "$here/target"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$here/target/.test.lock"
  flock 9
fi

# Old reports would be counted below.
rm -rf "$here/target/surefire-reports" "$here/target/surefire-reports-panic" "$here/target/surefire-reports-no-transport"

# Output filter: Debian's Maven leaves colour resets even in batch mode, and the panic
# tests' forced panics make Rust print "thread ... panicked at ...: forced by
# sms_test_arm_panic". Drop exactly those; any other panic message stays visible.
quiet_filter() {
  awk '
    function flush() { while (blanks > 0) { print ""; blanks-- } if (held != "") { print held; held = "" } }
    { gsub(/\033\[[0-9;]*m/, "") }
    held != "" && $0 == "forced by sms_test_arm_panic" { held = ""; blanks = 0; dropped = 1; fflush(); next }
    dropped && /^note: run with `RUST_BACKTRACE=1`/ { next }
    /^$/ && held == "" { blanks++; next }
    /^thread .* panicked at / && held == "" { held = $0; next }
    { flush(); dropped = 0; print; fflush() }
    END { flush() }
  '
}

status=0
# -q keeps Maven quiet (failures still print in full).
mvn -B -q -ntp -f "$here" test \
  -Djna.library.path="$lib_dir" \
  -Dsmscode.emulator="$emulator" \
  -Dsmscode.panic.library="$panic_dir/$lib_file" \
  -Dsmscode.no.transport.library="$no_transport_dir/$lib_file" 2>&1 | quiet_filter || status=$?

# Surefire's summary, which -q hides, rebuilt from its XML reports.
tests=0 failures=0 errors=0 skipped=0
attr() { sed -n "s/.*<testsuite [^>]* $1=\"\([0-9]*\)\".*/\1/p" "$2" | head -n 1; }
shopt -s nullglob
for report in "$here"/target/surefire-reports/TEST-*.xml "$here"/target/surefire-reports-panic/TEST-*.xml \
  "$here"/target/surefire-reports-no-transport/TEST-*.xml; do
  t=$(attr tests "$report") f=$(attr failures "$report") e=$(attr errors "$report") s=$(attr skipped "$report")
  run=$(basename "$(dirname "$report")" | sed 's/^surefire-reports-*//')
  printf '  %-34s %-13s tests %3d, failures %d, errors %d, skipped %d\n' \
    "$(basename "$report" .xml | sed 's/^TEST-io.smscode.//')" "${run:-shipped}" "${t:-0}" "${f:-0}" "${e:-0}" "${s:-0}"
  tests=$((tests + ${t:-0})) failures=$((failures + ${f:-0})) errors=$((errors + ${e:-0})) skipped=$((skipped + ${s:-0}))
done
echo "Tests run: $tests, Failures: $failures, Errors: $errors, Skipped: $skipped"
echo "kotlin: $((tests - failures - errors - skipped)) passed, $((failures + errors)) failed, $skipped skipped"

if [ "$status" -ne 0 ]; then
  echo "kotlin: maven failed (exit $status)" >&2
  exit "$status"
fi
if [ "$tests" -eq 0 ] || [ "$skipped" -ne 0 ] || [ "$failures" -ne 0 ] || [ "$errors" -ne 0 ]; then
  echo "kotlin: no test may be skipped, fail or be missing" >&2
  exit 1
fi
