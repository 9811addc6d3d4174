#!/usr/bin/env bash
# Makes the XCFramework of a release and points the root Package.swift at it: builds
# bindings/swift/Frameworks/CSMSCode.xcframework (build-xcframework.sh), zips it into
# target/CSMSCode.xcframework.zip, and writes the URL where the release will publish that
# zip and its checksum (`swift package compute-checksum`, SHA-256) into the Apple
# `.binaryTarget(name: "CSMSCode", url:, checksum:)` of Package.swift. Upload the zip to
# that URL and commit Package.swift with the release's tag: SwiftPM downloads the zip on
# Apple hosts and refuses it if its checksum differs.
#
# Usage: bindings/swift/release-xcframework.sh URL
#            on a Mac (NOT RUN on this project's Linux machines): all of the above
#        bindings/swift/release-xcframework.sh --manifest-only ZIP URL [MANIFEST]
#            only the checksum of ZIP and the rewrite of MANIFEST (default the root
#            Package.swift); runs anywhere with swift, and test.sh runs it on a copy
# URL: e.g. https://github.com/OWNER/smscode/releases/download/v0.1.0/CSMSCode.xcframework.zip
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

# Writes URL and the checksum of ZIP into MANIFEST's binaryTarget.
update_manifest() { # zip url manifest
    local checksum
    # compute-checksum reads the zip only, but SwiftPM wants to run inside a package.
    checksum=$(cd "$ROOT" && swift package compute-checksum "$1")
    python3 - "$3" "$2" "$checksum" <<'EOF'
import re
import sys

path, url, checksum = sys.argv[1:]
text = open(path).read()
# Exactly one url: and one checksum: line, those of the binaryTarget.
text, urls = re.subn(r'(?m)^(\s*url: )"[^"]*"', lambda m: f'{m.group(1)}"{url}"', text)
text, sums = re.subn(
    r'(?m)^(\s*checksum: )"[^"]*"', lambda m: f'{m.group(1)}"{checksum}"', text)
if (urls, sums) != (1, 1):
    sys.exit(f"{path}: expected one url: and one checksum: line, found {urls} and {sums}")
open(path, "w").write(text)
EOF
    echo "Package.swift: url $2, checksum $checksum"
}

if [ "${1:-}" = "--manifest-only" ]; then
    [ $# -eq 3 ] || [ $# -eq 4 ] || {
        echo "usage: $0 --manifest-only ZIP URL [MANIFEST]" >&2
        exit 2
    }
    update_manifest "$2" "$3" "${4:-$ROOT/Package.swift}"
    exit 0
fi
[ $# -eq 1 ] || { echo "usage: $0 URL | --manifest-only ZIP URL [MANIFEST]" >&2; exit 2; }

"$HERE/build-xcframework.sh"
ZIP="$ROOT/target/CSMSCode.xcframework.zip"
rm -f "$ZIP"
# ditto keeps the macOS framework's symlinks (Versions/Current, ...), which plain zip
# without -y would turn into copies; --keepParent puts CSMSCode.xcframework/ at the top.
(cd "$HERE/Frameworks" && ditto -c -k --sequesterRsrc --keepParent CSMSCode.xcframework "$ZIP")
update_manifest "$ZIP" "$1" "$ROOT/Package.swift"
echo "upload $ZIP to $1"
