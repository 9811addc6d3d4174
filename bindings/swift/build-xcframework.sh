#!/usr/bin/env bash
# Builds bindings/swift/Frameworks/CSMSCode.xcframework: the smscode C library as a dynamic
# framework for iOS devices (aarch64-apple-ios), the iOS simulator (aarch64-apple-ios-sim +
# x86_64-apple-ios, joined with lipo) and macOS (aarch64 + x86_64), each with the header, a
# module map and the privacy manifest. bindings/swift/release-xcframework.sh zips it for a
# release and writes its URL and checksum into the root Package.swift.
#
# NOT RUN on this project's machines (Linux): it needs macOS with Xcode (xcodebuild, lipo,
# install_name_tool, nm) and rustup. Written against Apple's documentation: "Creating a
# multiplatform binary framework bundle" (xcodebuild -create-xcframework -framework),
# "Placing content in a bundle" (iOS frameworks are shallow bundles, macOS ones deep:
# Versions/A/...), "Adding a privacy manifest to your app or third-party SDK"
# (PrivacyInfo.xcprivacy at the root of an iOS framework, in Resources/ of a macOS one).
# What runs here: test.sh lays out the framework's Headers and Modules with --headers-only
# and type-checks the Swift sources against them, and validates the privacy manifest.
#
# Without the library's own transport (`--no-default-features`: no ureq, rustls, ring or
# bundled roots): the Swift package sends through URLSession there, its default on Apple
# platforms, and TransportChoice.library throws SMSError.Code.unsupported.
#
# A dynamic framework, not a static library, because of the Rust runtime's global symbols:
# a static libsmscode.a carries rust_eh_personality, compiler-builtins (__udivti3, ...) and
# std's symbols, which clash with any other Rust static library linked into the same app
# ("duplicate symbol"). A cdylib is linked by rustc with a list of exported symbols holding
# only the crate's `#[no_mangle] extern "C"` functions (`_sms_*`), so everything else stays
# inside the dylib, and Apple's two-level namespace binds the app's calls to this dylib by
# name. (The alternative, a relocatable object prelinked with `ld -r -exported_symbols_list`,
# keeps a static library but depends on a linker mode Cargo does not drive.) The script
# checks the export list with nm and stops if any other symbol is exported. Xcode embeds and
# signs a dynamic binary target of a Swift package in the app like any framework.
# Needs: xcodebuild, lipo, install_name_tool, codesign, nm (Xcode's command line tools).
#
# Usage: bindings/swift/build-xcframework.sh
#        bindings/swift/build-xcframework.sh --headers-only DIR
#            only lay out DIR/CSMSCode.framework/{Headers,Modules} as the frameworks get them
#            (works anywhere; test.sh type-checks the Swift sources against it on Linux)
# Env: SMSCODE_PROFILE (cargo profile, default "ship"), CARGO_TARGET_DIR,
#      SMSCODE_BUNDLE_ID (CFBundleIdentifier, default org.smscode.CSMSCode),
#      SMSCODE_SIGN_IDENTITY (when set, the XCFramework is signed with it: Xcode checks the
#      signature of a binary dependency and shows who signed it),
#      IPHONEOS_DEPLOYMENT_TARGET (default 16.0), MACOSX_DEPLOYMENT_TARGET (default 13.0):
#      keep them equal to the platforms in Package.swift.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT="$HERE/Frameworks/CSMSCode.xcframework"
PRIVACY="$HERE/Sources/SMSCode/PrivacyInfo.xcprivacy"

# The module of a framework: the same module CSMSCode as Sources/CSMSCode/module.modulemap
# (the Linux system library), without `link`: the framework is the library.
module_map() {
    printf '%s\n' 'framework module CSMSCode {' '    header "smscode.h"' '    export *' '}'
}

# Headers/ and Modules/ of a framework at $1.
stage_interface() {
    mkdir -p "$1/Headers" "$1/Modules"
    cp "$ROOT/include/smscode.h" "$1/Headers/smscode.h"
    module_map >"$1/Modules/module.modulemap"
}

if [ "${1:-}" = "--headers-only" ]; then
    [ $# -eq 2 ] || { echo "usage: $0 --headers-only DIR" >&2; exit 2; }
    stage_interface "$2/CSMSCode.framework"
    exit 0
fi
[ $# -eq 0 ] || { echo "usage: $0 [--headers-only DIR]" >&2; exit 2; }

if [ "$(uname -s)" != Darwin ]; then
    echo "build-xcframework.sh needs macOS with Xcode (xcodebuild, lipo)" >&2
    exit 1
fi

PROFILE="${SMSCODE_PROFILE:-ship}"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
BUNDLE_ID="${SMSCODE_BUNDLE_ID:-org.smscode.CSMSCode}"
export IPHONEOS_DEPLOYMENT_TARGET="${IPHONEOS_DEPLOYMENT_TARGET:-16.0}"
export MACOSX_DEPLOYMENT_TARGET="${MACOSX_DEPLOYMENT_TARGET:-13.0}"
VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' "$ROOT/Cargo.toml" | head -1)
TARGETS=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin)

rustup target add "${TARGETS[@]}"
for target in "${TARGETS[@]}"; do
    cargo rustc --manifest-path "$ROOT/Cargo.toml" -p smscode --lib --crate-type cdylib \
        --no-default-features --profile "$PROFILE" --target "$target"
done
dylib() { echo "$TARGET_DIR/$1/$PROFILE/libsmscode.dylib"; }

STAGE="$TARGET_DIR/swift-xcframework"
rm -rf "$STAGE"
mkdir -p "$STAGE"

# One dylib per platform variant: the simulator and macOS ones are fat (arm64 + x86_64).
lipo -create "$(dylib aarch64-apple-ios)" -output "$STAGE/ios.dylib"
lipo -create "$(dylib aarch64-apple-ios-sim)" "$(dylib x86_64-apple-ios)" \
    -output "$STAGE/ios-simulator.dylib"
lipo -create "$(dylib aarch64-apple-darwin)" "$(dylib x86_64-apple-darwin)" \
    -output "$STAGE/macos.dylib"

# Only the C API leaves the dylib: every exported, defined symbol is _sms_*.
for variant in ios ios-simulator macos; do
    others=$(nm -gU "$STAGE/$variant.dylib" | awk 'NF == 3 { print $3 }' | grep -v '^_sms_' |
        sort -u || true)
    if [ -n "$others" ]; then
        echo "$variant.dylib exports symbols other than _sms_*:" >&2
        echo "$others" >&2
        exit 1
    fi
done

# Info.plist of a framework: $1 the platform (CFBundleSupportedPlatforms), $2 the minimum
# OS key and $3 its value.
info_plist() {
    cat <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>CFBundleDevelopmentRegion</key>
	<string>en</string>
	<key>CFBundleExecutable</key>
	<string>CSMSCode</string>
	<key>CFBundleIdentifier</key>
	<string>$BUNDLE_ID</string>
	<key>CFBundleInfoDictionaryVersion</key>
	<string>6.0</string>
	<key>CFBundleName</key>
	<string>CSMSCode</string>
	<key>CFBundlePackageType</key>
	<string>FMWK</string>
	<key>CFBundleShortVersionString</key>
	<string>$VERSION</string>
	<key>CFBundleVersion</key>
	<string>$VERSION</string>
	<key>CFBundleSupportedPlatforms</key>
	<array>
		<string>$1</string>
	</array>
	<key>$2</key>
	<string>$3</string>
</dict>
</plist>
EOF
}

# iOS and the simulator: a shallow bundle, everything at the framework's root.
ios_framework() { # variant platform
    local fw="$STAGE/$1/CSMSCode.framework"
    mkdir -p "$fw"
    cp "$STAGE/$1.dylib" "$fw/CSMSCode"
    install_name_tool -id @rpath/CSMSCode.framework/CSMSCode "$fw/CSMSCode"
    # install_name_tool invalidates the linker's ad-hoc signature: sign again (ad hoc; the
    # app's build signs the embedded framework with its own identity).
    codesign --force --sign - "$fw/CSMSCode"
    stage_interface "$fw"
    info_plist "$2" MinimumOSVersion "$IPHONEOS_DEPLOYMENT_TARGET" >"$fw/Info.plist"
    cp "$PRIVACY" "$fw/PrivacyInfo.xcprivacy"
}
ios_framework ios iPhoneOS
ios_framework ios-simulator iPhoneSimulator

# macOS: a deep bundle, Versions/A with the symlinks Versions/Current and at the root.
fw="$STAGE/macos/CSMSCode.framework"
mkdir -p "$fw/Versions/A/Resources"
cp "$STAGE/macos.dylib" "$fw/Versions/A/CSMSCode"
install_name_tool -id @rpath/CSMSCode.framework/Versions/A/CSMSCode "$fw/Versions/A/CSMSCode"
codesign --force --sign - "$fw/Versions/A/CSMSCode"
stage_interface "$fw/Versions/A"
info_plist MacOSX LSMinimumSystemVersion "$MACOSX_DEPLOYMENT_TARGET" \
    >"$fw/Versions/A/Resources/Info.plist"
cp "$PRIVACY" "$fw/Versions/A/Resources/PrivacyInfo.xcprivacy"
ln -s A "$fw/Versions/Current"
for entry in CSMSCode Headers Modules Resources; do
    ln -s "Versions/Current/$entry" "$fw/$entry"
done

rm -rf "$OUT"
mkdir -p "$(dirname "$OUT")"
xcodebuild -create-xcframework \
    -framework "$STAGE/ios/CSMSCode.framework" \
    -framework "$STAGE/ios-simulator/CSMSCode.framework" \
    -framework "$STAGE/macos/CSMSCode.framework" \
    -output "$OUT"
if [ -n "${SMSCODE_SIGN_IDENTITY:-}" ]; then
    codesign --timestamp -s "$SMSCODE_SIGN_IDENTITY" "$OUT"
fi
echo "built $OUT"
