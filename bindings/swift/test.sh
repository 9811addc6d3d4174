#!/usr/bin/env bash
# Tests of the Swift binding (module SMSCode; the package manifest is the repository's root
# Package.swift, its targets live in bindings/swift).
#
# With `swift` on PATH, in this order (each one fails the stage):
#   1. swift format lint --strict on the manifest, the sources and the tests;
#   2. the C library installed into a temporary prefix with scripts/install.sh (the README's
#      one step), then `swift build --build-tests` and `swift test` against it and the real
#      emulator, every scenario through both transports (the library's and URLSession), with
#      bogus proxy variables set (only URLSession honours them, and loopback is in no_proxy);
#   3. a throwaway package in a temporary folder that depends on this repository by path,
#      imports SMSCode, signs the spec example and sends to an emulator;
#   4. iOS, what can be checked without a Mac: swiftc type-checks the sources against the
#      frameworks' Headers and Modules layout; the privacy manifest is a valid plist with the
#      expected declarations (Python's plistlib); the release script's rewrite of
#      Package.swift, on a copy, writes the zip's SHA-256; the Linux cdylib exports only
#      sms_* (what the XCFramework's dynamic frameworks rely on to hide the Rust runtime).
# The last line is "swift: N passed, M failed".
# Without `swift`: "SKIPPED swift: no toolchain", nothing else.
#
# Env (set by scripts/test-all.sh; the defaults work from a fresh clone):
#   SMSCODE_LIB_DIR   folder with libsmscode.so (default <repo>/target/release)
#   SMSCODE_EMULATOR  emulator binary (default <repo>/target/release/smscode-emulator)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"

step() { printf '\n== %s\n' "$*"; }

if ! command -v swift >/dev/null; then
    echo "SKIPPED swift: no toolchain (swift is not on PATH)"
    exit 0
fi

TMP=$(mktemp -d)
EMULATOR_PID=""
# Never leave an emulator behind: the one started here, and any the tests started (their
# pids are files in $TMP/pids) if the test process died before its teardown.
cleanup() {
    local pid
    for pid in $EMULATOR_PID $(ls "$TMP/pids" 2>/dev/null); do
        kill "$pid" 2>/dev/null || true
    done
    rm -rf "$TMP"
}
trap cleanup EXIT

passed=0
failed=0
summary() { echo "swift: $passed passed, $failed failed"; }

step "swift format lint --strict"
swift format lint --strict --configuration "$HERE/.swift-format" --recursive \
    Package.swift "$HERE/Sources" "$HERE/Tests"
echo "clean"

step "the C library, installed into a temporary prefix (README: one step)"
LIB_DIR="${SMSCODE_LIB_DIR:-$ROOT/target/release}"
EMULATOR="${SMSCODE_EMULATOR:-$ROOT/target/release/smscode-emulator}"
if [ ! -e "$LIB_DIR/libsmscode.so" ] || [ ! -x "$EMULATOR" ]; then
    cargo build --release -p smscode -p smscode-emulator
fi
PREFIX="$TMP/prefix"
PREFIX="$PREFIX" SMSCODE_LIB_DIR="$LIB_DIR" LDCONFIG=0 scripts/install.sh >/dev/null
export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig"
export LD_LIBRARY_PATH="$PREFIX/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export SMSCODE_EMULATOR="$EMULATOR"
echo "PKG_CONFIG_PATH=$PKG_CONFIG_PATH LD_LIBRARY_PATH=$PREFIX/lib"

# "passed failed" of a Swift Testing xunit file: test cases without and with a <failure> or
# <error> (a parameterized test is one case; skipped ones are not counted); "0 0" when the
# file is missing.
count_results() {
    [ -f "$1" ] || { echo "0 0"; return; }
    python3 - "$1" <<'EOF'
import sys
import xml.etree.ElementTree as ET

# A skipped case (a test enabled only in the other run) is neither.
cases = [c for c in ET.parse(sys.argv[1]).iter("testcase") if c.find("skipped") is None]
bad = sum(1 for c in cases if c.find("failure") is not None or c.find("error") is not None)
print(len(cases) - bad, bad)
EOF
}

step "swift build --build-tests and swift test"
swift build --build-tests
mkdir -p "$TMP/pids"
# Proxy variables pointing nowhere: the library and the harness must ignore them. The
# URLSession transport honours them by design (FoundationNetworking is libcurl, and the system's
# proxy is what a platform transport is for), so loopback, where the emulators listen, is in
# no_proxy; the library ignores that variable too.
status=0
SMSCODE_SWIFT_PID_DIR="$TMP/pids" no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost \
    http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9 all_proxy=http://127.0.0.1:9 \
    HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 ALL_PROXY=http://127.0.0.1:9 \
    swift test --skip-build --xunit-output "$TMP/xunit.xml" || status=$?
# SwiftPM writes Swift Testing's results to xunit-swift-testing.xml next to the XCTest one.
results="$TMP/xunit-swift-testing.xml"
if [ -f "$results" ]; then
    # "passed failed": test cases without and with a <failure> or <error> (a parameterized
    # test is one case).
    read -r passed failed < <(count_results "$results")
fi
if [ "$status" -ne 0 ] || [ "$passed" -eq 0 ]; then
    failed=$((failed > 0 ? failed : 1))
    echo "swift test failed (exit status $status)" >&2
    summary
    exit 1
fi

step "the URLSession scenarios against the library built without its transport (the iOS build)"
# The XCFramework is built with --no-default-features; the same C library on Linux proves the
# URLSession transport needs nothing else (every transport-parameterized scenario, the
# two-step tests, and `.library` answering `.unsupported`). The test binary finds libsmscode
# through its SONAME, so pointing LD_LIBRARY_PATH at that build is enough. (install.sh would
# also want the static library, which scripts/test-all.sh does not build for this variant.)
NO_TRANSPORT_LIB="${SMSCODE_NO_TRANSPORT_LIB_DIR:-}"
if [ -n "$NO_TRANSPORT_LIB" ] && [ -e "$NO_TRANSPORT_LIB/libsmscode.so" ]; then
    # That build under every file name install.sh gave the default one (the SONAME among them).
    mkdir -p "$TMP/lib-no-transport"
    for installed in "$PREFIX"/lib/libsmscode.so*; do
        cp "$NO_TRANSPORT_LIB/libsmscode.so" "$TMP/lib-no-transport/$(basename "$installed")"
    done
    # Every test function taking a `transport:` argument, then the suites without a network.
    filter=$(python3 - "$HERE"/Tests/SMSCodeTests/*.swift <<'EOF'
import re
import sys

names = set()
for path in sys.argv[1:]:
    names.update(re.findall(r"func (\w+)\(\s*transport: TransportChoice", open(path).read()))
print("|".join(sorted(names)))
EOF
    )
    mkdir -p "$TMP/nt"
    status=0
    SMSCODE_SWIFT_PID_DIR="$TMP/pids" SMSCODE_SWIFT_NO_TRANSPORT=1 \
        LD_LIBRARY_PATH="$TMP/lib-no-transport" no_proxy=127.0.0.1,localhost \
        NO_PROXY=127.0.0.1,localhost http_proxy=http://127.0.0.1:9 \
        https_proxy=http://127.0.0.1:9 all_proxy=http://127.0.0.1:9 \
        swift test --skip-build --xunit-output "$TMP/nt/xunit.xml" \
        --filter "PreparedTests|SignTests|theURLSessionTransportRefusesAnExtraCAOnLinux|$filter" \
        --skip theEmulatorsCertificateAsAnExtraCAIsTrusted || status=$?
    read -r more_passed more_failed < <(count_results "$TMP/nt/xunit-swift-testing.xml")
    passed=$((passed + more_passed))
    failed=$((failed + more_failed))
    if [ "$status" -ne 0 ] || [ "$more_passed" -eq 0 ]; then
        failed=$((failed > 0 ? failed : 1))
        echo "swift test without the built-in transport failed (exit status $status)" >&2
        summary
        exit 1
    fi
    echo "$more_passed passed against $NO_TRANSPORT_LIB/libsmscode.so"
else
    echo "not run: SMSCODE_NO_TRANSPORT_LIB_DIR (set by scripts/test-all.sh) has no libsmscode.so"
fi

step "a package that depends on this repository by path"
CONSUMER="$TMP/consumer"
# SwiftPM names a path dependency after its folder (lowercased), as it names a URL one after
# the URL's last component: "smscode" for a clone of the repository.
IDENTITY=$(basename "$ROOT" | tr '[:upper:]' '[:lower:]')
mkdir -p "$CONSUMER/Sources/Consumer"
cat >"$CONSUMER/Package.swift" <<EOF
// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Consumer",
    platforms: [.macOS(.v13)],
    dependencies: [.package(path: "$ROOT")],
    targets: [
        .executableTarget(
            name: "Consumer", dependencies: [.product(name: "SMSCode", package: "$IDENTITY")])
    ]
)
EOF
cat >"$CONSUMER/Sources/Consumer/main.swift" <<'EOF'
import Foundation
import SMSCode

let signature = try SMSCode.sign(
    phone: "13800138000", codeType: .registration, random: "76a6L647F02CAoN9",
    timestamp: 1_744_773_894_369, userDomainSecret: "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33")
print("signature \(signature)")
let client = try SMSClient(
    endpoint: .url(URL(string: CommandLine.arguments[1])!), userDomain: "demo",
    userDomainSecret: "demo-secret")
let result = try await client.sendCode(
    internationalCode: "+86", phone: "13800138000", codeType: .registration)
print("sent \(result.code.rawValue) \(result.isSuccess)")
EOF
"$EMULATOR" --listen 127.0.0.1:0 >"$TMP/emulator.out" 2>"$TMP/emulator.log" &
EMULATOR_PID=$!
for _ in $(seq 100); do
    [ -s "$TMP/emulator.out" ] && break
    sleep 0.1
done
URL=$(sed -n 's/^listening on //p' "$TMP/emulator.out")
[ -n "$URL" ] || { echo "the emulator did not start" >&2; exit 1; }
(cd "$CONSUMER" && swift build -q && "$(swift build --show-bin-path)/Consumer" "$URL") \
    | tee "$TMP/consumer.out"
grep -qx 'signature adf0cd13e4a086f78577ca284df28a5382a7af36e011e1aec6375a0a615fb891' \
    "$TMP/consumer.out"
grep -qx 'sent 200 true' "$TMP/consumer.out"
grep -q 'to +86 13800138000: your registration code is [0-9]\{6\}' "$TMP/emulator.log"
kill "$EMULATOR_PID"
wait "$EMULATOR_PID" || true
EMULATOR_PID=""
echo "the consumer package built, signed and sent; the emulator issued its code"

step "iOS: the sources type-check against the frameworks' Headers and Modules layout"
"$HERE/build-xcframework.sh" --headers-only "$TMP/frameworks"
swiftc -typecheck -swift-version 6 -F "$TMP/frameworks" "$HERE"/Sources/SMSCode/*.swift
echo "SMSCode type-checks with CSMSCode.framework/Modules/module.modulemap"

step "iOS: the privacy manifest"
python3 - "$HERE/Sources/SMSCode/PrivacyInfo.xcprivacy" <<'EOF'
import plistlib
import sys

manifest = plistlib.load(open(sys.argv[1], "rb"))
expected = {
    "NSPrivacyTracking": False,
    "NSPrivacyTrackingDomains": [],
    "NSPrivacyCollectedDataTypes": [
        {
            "NSPrivacyCollectedDataType": "NSPrivacyCollectedDataTypePhoneNumber",
            "NSPrivacyCollectedDataTypeLinked": True,
            "NSPrivacyCollectedDataTypeTracking": False,
            "NSPrivacyCollectedDataTypePurposes": [
                "NSPrivacyCollectedDataTypePurposeAppFunctionality"
            ],
        }
    ],
    # C617.1: timestamps of files inside the app's container (the Rust std's stat/fstat).
    "NSPrivacyAccessedAPITypes": [
        {
            "NSPrivacyAccessedAPIType": "NSPrivacyAccessedAPICategoryFileTimestamp",
            "NSPrivacyAccessedAPITypeReasons": ["C617.1"],
        }
    ],
}
if manifest != expected:
    sys.exit(f"PrivacyInfo.xcprivacy: {manifest} != {expected}")
print("PrivacyInfo.xcprivacy: phone number (linked, app functionality), file timestamps C617.1")
EOF

step "iOS: the release script's Package.swift rewrite (on a copy)"
mkdir -p "$TMP/release/CSMSCode.xcframework"
echo "stand-in" >"$TMP/release/CSMSCode.xcframework/Info.plist"
(cd "$TMP/release" && python3 -m zipfile -c CSMSCode.xcframework.zip CSMSCode.xcframework)
cp Package.swift "$TMP/release/Package.swift"
release_url="https://example.com/download/v9.9.9/CSMSCode.xcframework.zip"
"$HERE/release-xcframework.sh" --manifest-only "$TMP/release/CSMSCode.xcframework.zip" \
    "$release_url" "$TMP/release/Package.swift"
sha=$(sha256sum "$TMP/release/CSMSCode.xcframework.zip" | cut -d' ' -f1)
grep -qF "url: \"$release_url\"" "$TMP/release/Package.swift"
grep -qF "checksum: \"$sha\"" "$TMP/release/Package.swift"
# Those two lines changed, nothing else.
[ "$(diff "$TMP/release/Package.swift" Package.swift | grep -c '^[<>]')" -eq 4 ]
echo "url and checksum (the zip's SHA-256) written, nothing else changed"

step "the C library exports only sms_* (a cdylib keeps the Rust runtime's symbols inside)"
exported=$(nm -D --defined-only "$LIB_DIR/libsmscode.so" | awk '{ print $3 }')
others=$(echo "$exported" | grep -v '^sms_' || true)
[ -z "$others" ] || { echo "exported besides sms_*: $others" >&2; exit 1; }
echo "$(echo "$exported" | wc -l) symbols, all sms_*"

summary
