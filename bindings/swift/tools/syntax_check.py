#!/usr/bin/env python3
"""Parses every Swift file of the package with tree-sitter-swift and fails on a syntax error.

Only syntax: types and names are checked by the compiler (and the ABI by check.py). Needs the
`tree-sitter` and `tree-sitter-swift` packages (test.sh installs them into a venv).
`--self-test` proves that a broken file is caught.
"""

import sys
from pathlib import Path

import tree_sitter
import tree_sitter_swift

SWIFT_DIR = Path(__file__).resolve().parents[1]
SKIP_DIRS = {".build", ".venv", ".swiftpm", "Frameworks"}
PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_swift.language()))


def errors(source):
    """(line, text) of each ERROR or MISSING node of `source` (bytes)."""
    found = []
    stack = [PARSER.parse(source).root_node]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            line = node.start_point[0] + 1
            what = "missing " + node.type if node.is_missing else "unexpected"
            snippet = source[node.start_byte : node.end_byte][:60].decode("utf-8", "replace")
            found.append((line, f"{what} {snippet!r}"))
        elif node.has_error:
            stack.extend(node.children)
    return sorted(found)


def main():
    if sys.argv[1:] == ["--self-test"]:
        broken = b"func f(x: Int {\n    let = x\n}\n"
        fine = b"let x: [Int] = [1, 2]\nfunc f() async throws -> Int { try await g(x) }\n"
        ok = bool(errors(broken)) and not errors(fine)
        print("syntax self-test: " + ("a broken file is caught" if ok else "FAILED"))
        return 0 if ok else 1

    files = [
        p
        for p in sorted(SWIFT_DIR.rglob("*.swift"))
        if not SKIP_DIRS.intersection(p.relative_to(SWIFT_DIR).parts)
    ]
    bad = 0
    for path in files:
        for line, what in errors(path.read_bytes()):
            print(f"FAIL {path.relative_to(SWIFT_DIR)}:{line}: syntax: {what}")
            bad += 1
    print(f"syntax check: {len(files)} Swift files, {bad} error(s)")
    return 1 if bad or not files else 0


if __name__ == "__main__":
    sys.exit(main())
