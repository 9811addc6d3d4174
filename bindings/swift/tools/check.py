#!/usr/bin/env python3
"""Static check of the Swift binding against the C ABI: the fallback without a toolchain.

A cheap stand-in for the compiler's view of the C ABI, run by test.sh only where `swift`
is missing. It fails when:
- a `sms_` function the Swift code names is not declared in include/smscode.h (test-only
  declarations excluded), or a call passes another number of arguments than the prototype;
- an `SMS_` constant the Swift code names is not an integer macro of the header (the only
  macros Swift imports);
- a file that names a C function does not `import CSMSCode`;
- a `SMS_CODE_TYPE_*` has no `CodeType` case with its value;
- a module map's header path does not exist, or the package's module map lacks
  `link "smscode"`.
- a function of the two-step send (`sms_client_prepare(_with)`, the `sms_request_*`
  accessors, `sms_client_read_response`), which the URLSession and custom transports
  need, is not used by the sources;
- a `SMS_ERR_*` status (such as `SMS_ERR_UNSUPPORTED`) has no named `SMSError.Code`.
It notes, without failing, any other header function the binding does not use.

It cannot catch what only a compiler can: wrong types, wrong labels, misspelled Swift
names, concurrency errors. `--self-test` proves each check above can fail.
"""

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SWIFT_DIR = Path("bindings/swift")
HEADER = Path("include/smscode.h")
MODULE_MAP = SWIFT_DIR / "Sources/CSMSCode/module.modulemap"
C_MODULE = "CSMSCode"
SKIP_DIRS = {".build", ".venv", ".swiftpm", "Frameworks"}

# Header functions the binding does not call, and why.
DELIBERATELY_UNUSED = {
    # The send's return value is the same code.
    "sms_response_code": "sms_client_send returns the same code",
}


# The two-step send: every transport but the library's own goes through these.
REQUIRED = {
    "sms_client_prepare",
    "sms_client_prepare_with",
    "sms_request_free",
    "sms_request_method",
    "sms_request_url",
    "sms_request_header_count",
    "sms_request_header_name",
    "sms_request_header_value",
    "sms_request_body",
    "sms_request_body_len",
    "sms_client_read_response",
}


def strip_c_comments(text):
    """C text without comments (newlines kept, so line numbers stay right)."""
    text = re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group(0)), text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def drop_test_only_blocks(text):
    """Removes `#if defined(SMSCODE_TEST_PANIC) ... #endif`: Swift never defines it."""
    return re.sub(
        r"#if\s+defined\(SMSCODE_TEST_PANIC\).*?#endif",
        lambda m: re.sub(r"[^\n]", " ", m.group(0)),
        text,
        flags=re.S,
    )


def parse_header(path):
    """Returns ({function: parameter count}, {integer macro: value}, [problems])."""
    text = drop_test_only_blocks(strip_c_comments(path.read_text(encoding="utf-8")))
    functions, problems = {}, []
    for match in re.finditer(r"\b(sms_\w+)\s*\(([^()]*)\)\s*;", text):
        name, params = match.group(1), match.group(2).strip()
        count = 0 if params in ("", "void") else params.count(",") + 1
        if name in functions and functions[name] != count:
            problems.append(
                f"{path}: {name} is declared with {functions[name]} and {count} parameters"
            )
        functions[name] = count
    macros = {}
    for match in re.finditer(r"^#define\s+(SMS_\w+)\s+(-?\d+)\s*$", text, flags=re.M):
        macros[match.group(1)] = int(match.group(2))
    return functions, macros, problems


def swift_code(text):
    """Swift text with comments and string contents blanked (interpolations kept as code).

    Newlines are kept so that positions map to the same lines.
    """
    out = []
    i, n = 0, len(text)
    # Each entry is "code" (with the paren depth of an interpolation) or a string kind.
    stack = [["code", 0]]
    while i < n:
        state = stack[-1]
        c = text[i]
        if state[0] == "code":
            if text.startswith("//", i):
                end = text.find("\n", i)
                end = n if end == -1 else end
                out.append(" " * (end - i))
                i = end
            elif text.startswith("/*", i):
                depth, j = 1, i + 2
                while j < n and depth:
                    if text.startswith("/*", j):
                        depth, j = depth + 1, j + 2
                    elif text.startswith("*/", j):
                        depth, j = depth - 1, j + 2
                    else:
                        j += 1
                out.append(re.sub(r"[^\n]", " ", text[i:j]))
                i = j
            elif text.startswith('"""', i):
                stack.append(["multi", 0])
                out.append('"""')
                i += 3
            elif c == '"':
                stack.append(["single", 0])
                out.append('"')
                i += 1
            else:
                if c == "(":
                    state[1] += 1
                elif c == ")" and len(stack) > 1:
                    if state[1] == 0:
                        stack.pop()  # end of an interpolation: back in the string
                        out.append(" ")
                        i += 1
                        continue
                    state[1] -= 1
                out.append(c)
                i += 1
        else:
            if text.startswith("\\(", i):
                stack.append(["code", 0])
                out.append("  ")
                i += 2
            elif c == "\\":
                out.append("  " if i + 1 < n and text[i + 1] != "\n" else " ")
                i += 2 if i + 1 < n and text[i + 1] != "\n" else 1
            elif state[0] == "multi" and text.startswith('"""', i):
                stack.pop()
                out.append('"""')
                i += 3
            elif state[0] == "single" and c == '"':
                stack.pop()
                out.append('"')
                i += 1
            else:
                out.append("\n" if c == "\n" else " ")
                i += 1
    return "".join(out)


def call_arguments(code, open_paren):
    """Number of top-level arguments of the call whose `(` is at `open_paren`, or None."""
    depth, count, has_token = 0, 0, False
    for j in range(open_paren, len(code)):
        c = code[j]
        if c in "([{":
            depth += 1
            if depth == 1:
                continue
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                return count + 1 if has_token else 0
        elif c == "," and depth == 1:
            count += 1
            continue
        if depth >= 1 and not c.isspace():
            has_token = True
    return None


def line_of(text, index):
    return text.count("\n", 0, index) + 1


def swift_files(swift_dir):
    files = []
    for path in sorted(swift_dir.rglob("*.swift")):
        if not SKIP_DIRS.intersection(path.relative_to(swift_dir).parts):
            files.append(path)
    return files


def module_maps(swift_dir):
    return [
        p
        for p in sorted(swift_dir.rglob("module.modulemap"))
        if not SKIP_DIRS.intersection(p.relative_to(swift_dir).parts)
    ]


def check_module_map(path, require_link):
    """Problems of one module map: missing header paths, wrong module, missing link."""
    problems = []
    text = strip_c_comments(path.read_text(encoding="utf-8"))
    if not re.search(rf"\bmodule\s+{C_MODULE}\b", text):
        problems.append(f"{path}: does not define module {C_MODULE}")
    headers = re.findall(r'\b(?:umbrella\s+)?header\s+"([^"]+)"', text)
    headers += re.findall(r'\bumbrella\s+"([^"]+)"', text)
    if not headers:
        problems.append(f"{path}: names no header")
    for header in headers:
        if not (path.parent / header).exists():
            problems.append(
                f'{path}: header path "{header}" does not exist (relative to {path.parent})'
            )
    if require_link and not re.search(r'\blink\s+"smscode"', text):
        problems.append(f'{path}: lacks link "smscode"')
    return problems


def check(root, extra_module_maps=(), notes=None):
    """All problems of the binding under `root` (a repository root); notes go to `notes`."""
    notes = [] if notes is None else notes
    swift_dir = root / SWIFT_DIR
    functions, macros, problems = parse_header(root / HEADER)

    maps = module_maps(swift_dir)
    if root / MODULE_MAP not in maps:
        problems.append(f"{root / MODULE_MAP} is missing")
    for path in maps:
        problems += check_module_map(path, require_link=(path == root / MODULE_MAP))
    for path in extra_module_maps:
        problems += check_module_map(Path(path), require_link=False)

    used_in_sources = set()
    all_sources = ""
    for path in swift_files(swift_dir):
        text = path.read_text(encoding="utf-8")
        code = swift_code(text)
        rel = path.relative_to(root)
        in_sources = "Sources" in path.relative_to(swift_dir).parts
        if in_sources:
            all_sources += code + "\n"
        named = False
        for match in re.finditer(r"\bsms_\w+", code):
            name = match.group(0)
            named = True
            where = f"{rel}:{line_of(text, match.start())}"
            if name not in functions:
                problems.append(f"{where}: {name} is not declared in {HEADER}")
                continue
            if in_sources:
                used_in_sources.add(name)
            rest = code[match.end() :]
            stripped = rest.lstrip()
            if stripped.startswith("("):
                open_paren = match.end() + (len(rest) - len(stripped))
                count = call_arguments(code, open_paren)
                if count != functions[name]:
                    problems.append(
                        f"{where}: {name} takes {functions[name]} arguments, called with {count}"
                    )
        for match in re.finditer(r"\bSMS_[A-Z0-9_]+\b", code):
            if match.group(0) not in macros:
                problems.append(
                    f"{rel}:{line_of(text, match.start())}: {match.group(0)} is not an integer "
                    f"macro of {HEADER} (Swift imports no other macro)"
                )
        if named and not re.search(rf"^\s*import\s+{C_MODULE}\s*$", code, flags=re.M):
            problems.append(f"{rel}: names C functions without `import {C_MODULE}`")

    for name in sorted(REQUIRED - set(functions)):
        problems.append(f"{name} (the two-step send) is not declared in {HEADER}")
    for name in sorted(functions):
        if name in used_in_sources or name in DELIBERATELY_UNUSED:
            continue
        if name in REQUIRED:
            problems.append(f"{name} (the two-step send) is not used by the Swift sources")
        else:
            notes.append(f"{name} (in {HEADER}) is not used by the Swift binding")

    for name in sorted(m for m in macros if m.startswith("SMS_ERR_")):
        if not re.search(rf"\bCode\(rawValue:\s*{name}\)", all_sources):
            problems.append(f"{name} (in {HEADER}) has no named SMSError.Code")

    enum = re.search(r"enum\s+CodeType\b[^{]*\{(.*?)\n\}", all_sources, flags=re.S)
    cases = dict(re.findall(r"\bcase\s+(\w+)\s*=\s*(\d+)", enum.group(1))) if enum else {}
    expected = {
        m[len("SMS_CODE_TYPE_") :]: v for m, v in macros.items() if m.startswith("SMS_CODE_TYPE_")
    }
    found = {
        re.sub(r"(?<!^)([A-Z])", r"_\1", name).upper(): int(value) for name, value in cases.items()
    }
    if found != expected:
        problems.append(
            f"CodeType cases {found} do not match the header's SMS_CODE_TYPE_* {expected}"
        )
    return problems


def self_test():
    """Runs the check on mutated copies: each mutation must be caught, the copy must pass."""
    root = Path(__file__).resolve().parents[3]
    src = root / SWIFT_DIR
    failures = []

    def fresh():
        tmp = Path(tempfile.mkdtemp(prefix="smscode-swift-check-"))
        (tmp / HEADER).parent.mkdir(parents=True)
        shutil.copy2(root / HEADER, tmp / HEADER)
        shutil.copytree(src, tmp / SWIFT_DIR, ignore=shutil.ignore_patterns(*SKIP_DIRS))
        return tmp

    def edit(tmp, rel, old, new):
        path = tmp / SWIFT_DIR / rel
        text = path.read_text(encoding="utf-8")
        if old not in text:
            failures.append(f"self-test cannot find {old!r} in {rel}")
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def append(tmp, rel, extra):
        path = tmp / SWIFT_DIR / rel
        path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")

    smscode = "Sources/SMSCode/Functions.swift"
    client = "Sources/SMSCode/SMSClient.swift"
    mutations = [
        (
            "an undeclared call inside a string interpolation",
            lambda t: append(t, smscode, '\nlet text = "a \\(sms_interpolated(1)) b"\n'),
            "sms_interpolated",
        ),
        (
            "an undeclared call",
            lambda t: append(t, smscode, "\nlet bogus = sms_bogus_call(nil)\n"),
            "sms_bogus_call",
        ),
        (
            "a wrong argument count",
            lambda t: edit(t, client, "sms_client_free(pointer)", "sms_client_free(pointer, nil)"),
            "sms_client_free takes 1 arguments, called with 2",
        ),
        (
            "a test-only function (not in Swift's view of the header)",
            lambda t: append(t, smscode, "\nlet armed: Void = sms_test_arm_panic()\n"),
            "sms_test_arm_panic is not declared",
        ),
        (
            "a module map header path that does not exist",
            lambda t: edit(
                t, "Sources/CSMSCode/module.modulemap", '"../../../../include/', '"../../include/'
            ),
            "does not exist",
        ),
        (
            "a macro Swift cannot import",
            lambda t: append(t, smscode, "\nlet x = SMS_CLOCK_SKEW_UNKNOWN\n"),
            "SMS_CLOCK_SKEW_UNKNOWN",
        ),
        (
            "a status without a named SMSError.Code",
            lambda t: edit(
                t,
                "Sources/SMSCode/SMSError.swift",
                "public static let unsupported = Code(rawValue: SMS_ERR_UNSUPPORTED)",
                "",
            ),
            "SMS_ERR_UNSUPPORTED (in include/smscode.h) has no named SMSError.Code",
        ),
        (
            "a two-step send function left unused",
            lambda t: edit(t, client, "count: sms_request_body_len(request)", "count: 0"),
            "sms_request_body_len (the two-step send) is not used",
        ),
        (
            "a code type with the wrong value",
            lambda t: edit(t, "Sources/SMSCode/CodeType.swift", "case login = 2", "case login = 7"),
            "CodeType cases",
        ),
    ]

    tmp = fresh()
    # Names in comments and strings are not calls: the lexer must ignore them.
    append(
        tmp,
        smscode,
        "\n// sms_in_a_comment(1, 2)\n"
        'let text = "sms_in_a_string(\\(1 + 2))"\n'
        "/* SMS_NOT_A_MACRO /* nested */ sms_x() */\n",
    )
    problems = check(tmp)
    if problems:
        failures.append(f"the unmutated copy fails: {problems}")
    shutil.rmtree(tmp)

    for what, mutate, expected in mutations:
        tmp = fresh()
        mutate(tmp)
        problems = check(tmp)
        if not any(expected in p for p in problems):
            failures.append(f"{what} was not caught (wanted {expected!r}, got {problems})")
        else:
            print(f"self-test: caught {what}")
        shutil.rmtree(tmp)

    # The command line must exit non-zero on a problem, not only the function report it.
    tmp = fresh()
    append(tmp, smscode, "\nlet bogus = sms_bogus_call(nil)\n")
    run = subprocess.run(
        [sys.executable, __file__, "--root", str(tmp)], capture_output=True, text=True
    )
    if run.returncode == 0 or "sms_bogus_call" not in run.stdout:
        failures.append(f"the command exited {run.returncode} on a bogus call: {run.stdout}")
    shutil.rmtree(tmp)
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[3])
    parser.add_argument(
        "--self-test", action="store_true", help="prove the check catches each kind of problem"
    )
    parser.add_argument(
        "--module-map", action="append", default=[], help="also check this module map"
    )
    args = parser.parse_args()

    if args.self_test:
        failures = self_test()
        for failure in failures:
            print(f"FAIL {failure}")
        print("self-test: " + ("FAILED" if failures else "the check catches every planted problem"))
        return 1 if failures else 0

    notes = []
    problems = check(args.root, args.module_map, notes)
    for note in notes:
        print(f"note: {note}")
    for problem in problems:
        print(f"FAIL {problem}")
    if problems:
        print(f"static check: {len(problems)} problem(s)")
        return 1
    print("static check: Swift binding matches include/smscode.h")
    return 0


if __name__ == "__main__":
    sys.exit(main())
