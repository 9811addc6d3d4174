#!/usr/bin/env bash
# Builds bindings/swift/Frameworks/CSMSCode.xcframework: the static smscode library for iOS
# devices (aarch64-apple-ios), the iOS simulator (aarch64-apple-ios-sim + x86_64-apple-ios,
# joined with lipo) and macOS (aarch64 + x86_64), each with the header and a module map.
# Built without the library's own HTTPS transport (`--no-default-features`: no ureq, rustls,
# ring or bundled roots): the Swift package sends through URLSession there, its default on
# Apple platforms, and TransportChoice.library throws SMSError.Code.unsupported.
# Once it exists, the root Package.swift uses it as a binaryTarget instead of the system
# library.
#
# Needs macOS with Xcode (xcodebuild, lipo) and rustup. Usage:
#   bindings/swift/build-xcframework.sh                  # build the XCFramework
#   bindings/swift/build-xcframework.sh --headers-only DIR
#       only lay out the Headers folder the XCFramework gets (works anywhere; test.sh
#       type-checks the Swift sources against that layout with swiftc on Linux)
# Env: SMSCODE_PROFILE (cargo profile, default "ship"), CARGO_TARGET_DIR,
#      IPHONEOS_DEPLOYMENT_TARGET (default 16.0), MACOSX_DEPLOYMENT_TARGET (default 13.0):
#      keep them equal to the platforms in Package.swift.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT="$HERE/Frameworks/CSMSCode.xcframework"

# Headers/CSMSCode/{smscode.h,module.modulemap}: the subfolder keeps this module map apart
# from other static XCFrameworks' ones (Xcode copies all their Headers into one folder).
# The same module as Sources/CSMSCode/module.modulemap, with the header next to it and
# without `link "smscode"`: the binaryTarget links the library itself.
stage_headers() {
    local dir="$1/CSMSCode"
    mkdir -p "$dir"
    cp "$ROOT/include/smscode.h" "$dir/smscode.h"
    printf '%s\n' 'module CSMSCode [system] {' '    header "smscode.h"' '    export *' '}' \
        >"$dir/module.modulemap"
}

if [ "${1:-}" = "--headers-only" ]; then
    [ $# -eq 2 ] || { echo "usage: $0 --headers-only DIR" >&2; exit 2; }
    stage_headers "$2"
    exit 0
fi
[ $# -eq 0 ] || { echo "usage: $0 [--headers-only DIR]" >&2; exit 2; }

if [ "$(uname -s)" != Darwin ]; then
    echo "build-xcframework.sh needs macOS with Xcode (xcodebuild, lipo)" >&2
    exit 1
fi

PROFILE="${SMSCODE_PROFILE:-ship}"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
export IPHONEOS_DEPLOYMENT_TARGET="${IPHONEOS_DEPLOYMENT_TARGET:-16.0}"
export MACOSX_DEPLOYMENT_TARGET="${MACOSX_DEPLOYMENT_TARGET:-13.0}"
TARGETS=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin)

rustup target add "${TARGETS[@]}"
for target in "${TARGETS[@]}"; do
    # Only the static library: the cdylib is not needed for an XCFramework.
    cargo rustc --manifest-path "$ROOT/Cargo.toml" -p smscode --lib --crate-type staticlib \
        --no-default-features --profile "$PROFILE" --target "$target"
done
lib() { echo "$TARGET_DIR/$1/$PROFILE/libsmscode.a"; }

STAGE="$TARGET_DIR/swift-xcframework"
rm -rf "$STAGE"
mkdir -p "$STAGE/ios-simulator" "$STAGE/macos"
stage_headers "$STAGE/headers"
# One library per platform variant: the simulator and macOS slices are fat (arm64 + x86_64).
lipo -create "$(lib aarch64-apple-ios-sim)" "$(lib x86_64-apple-ios)" \
    -output "$STAGE/ios-simulator/libsmscode.a"
lipo -create "$(lib aarch64-apple-darwin)" "$(lib x86_64-apple-darwin)" \
    -output "$STAGE/macos/libsmscode.a"

rm -rf "$OUT"
mkdir -p "$(dirname "$OUT")"
xcodebuild -create-xcframework \
    -library "$(lib aarch64-apple-ios)" -headers "$STAGE/headers" \
    -library "$STAGE/ios-simulator/libsmscode.a" -headers "$STAGE/headers" \
    -library "$STAGE/macos/libsmscode.a" -headers "$STAGE/headers" \
    -output "$OUT"
echo "built $OUT"
