"""Which library is loaded (bundled, or SMSCODE_LIBRARY), and the caught-panic status.

Each case runs in a fresh interpreter, since the library is loaded once at import.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import smscode
from smscode import _native

from .support import REPO


def run_python(code: str, library: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SMSCODE_LIBRARY"}
    if library is not None:
        env["SMSCODE_LIBRARY"] = library
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )


def test_bundled_library_sits_next_to_the_package() -> None:
    package_dir = Path(smscode.__file__).resolve().parent
    assert package_dir / _native.library_file_name() == _native.LIBRARY_PATH


def test_bundled_library_loads_without_the_override() -> None:
    result = run_python("from smscode import _native; print(_native.LIBRARY_PATH)", None)
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).parent == Path(smscode.__file__).resolve().parent


def test_override_loads_the_named_library(tmp_path: Path) -> None:
    # A copy elsewhere proves the override, not the bundled file, is what is loaded.
    copy = tmp_path / "libsmscode-copy.so"
    copy.write_bytes(_native.LIBRARY_PATH.read_bytes())
    code = (
        "import smscode; from smscode import _native\n"
        "print(_native.LIBRARY_PATH)\n"
        "print(smscode.sign('13800138000', 3, '76a6L647F02CAoN9', 1744773894369,"
        " '57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33'))\n"
    )
    result = run_python(code, str(copy))
    assert result.returncode == 0, result.stderr
    path, signature = result.stdout.split()
    assert Path(path) == copy
    assert signature == "adf0cd13e4a086f78577ca284df28a5382a7af36e011e1aec6375a0a615fb891"
    # The copy is mapped into the child process, not the bundled library.
    maps_code = "from smscode import _native\nprint(open('/proc/self/maps').read())\n"
    maps = run_python(maps_code, str(copy)).stdout
    assert str(copy) in maps
    assert str(_native.LIBRARY_PATH) not in maps


def test_override_to_a_missing_file_fails_clearly(tmp_path: Path) -> None:
    missing = tmp_path / "nope" / "libsmscode.so"
    kind, message = import_error(str(missing))
    assert kind == "SmsLibraryError"
    assert "SMSCODE_LIBRARY" in message
    assert str(missing) in message


# Prints the error `import smscode` raises, as "<class name> <ImportError?>|<message>".
IMPORT_PROBE = """
try:
    import smscode
except BaseException as error:
    print(type(error).__name__, isinstance(error, ImportError), error, sep="|")
else:
    print("imported", smscode.library_version(), sep="|")
"""


def import_error(library: str) -> tuple[str, str]:
    """The class name and message of the error `import smscode` gives with ``library``."""
    result = run_python(IMPORT_PROBE, library)
    assert result.returncode == 0, result.stderr
    kind, is_import_error, message = result.stdout.strip().split("|", 2)
    assert is_import_error == "True", result.stdout
    return kind, message


def fake_library(tmp_path: Path, name: str, source: str) -> str:
    """A shared library compiled from ``source`` with the system C compiler."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.fail("a C compiler (cc) is needed to build the fake libraries")
    c_file = tmp_path / f"{name}.c"
    c_file.write_text(source)
    library = tmp_path / f"{name}.so"
    subprocess.run(
        [compiler, "-shared", "-fPIC", "-o", str(library), str(c_file)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return str(library)


def test_a_too_old_library_is_refused_at_import(tmp_path: Path) -> None:
    old = fake_library(tmp_path, "old", 'const char *sms_version(void) { return "0.0.9"; }\n')
    kind, message = import_error(old)
    assert kind == "SmsLibraryError"
    assert "is libsmscode 0.0.9" in message
    assert f"needs {smscode.__version__}" in message
    assert old in message


def test_a_newer_incompatible_series_is_refused_at_import(tmp_path: Path) -> None:
    new = fake_library(tmp_path, "new", 'const char *sms_version(void) { return "0.2.0"; }\n')
    kind, message = import_error(new)
    assert kind == "SmsLibraryError"
    assert "is libsmscode 0.2.0" in message


def test_a_library_lacking_a_function_is_refused_at_import(tmp_path: Path) -> None:
    # The right version but nothing else: the first missing export is named.
    partial = fake_library(
        tmp_path,
        "partial",
        f'const char *sms_version(void) {{ return "{smscode.__version__}"; }}\n',
    )
    kind, message = import_error(partial)
    assert kind == "SmsLibraryError"
    assert "lacks sms_sign()" in message
    assert partial in message


def test_a_library_without_sms_version_is_refused_at_import(tmp_path: Path) -> None:
    other = fake_library(tmp_path, "other", "int unrelated(void) { return 1; }\n")
    kind, message = import_error(other)
    assert kind == "SmsLibraryError"
    assert "has no sms_version()" in message


def test_a_file_that_is_no_library_is_refused_at_import(tmp_path: Path) -> None:
    junk = tmp_path / "libsmscode.so"
    junk.write_bytes(b"not an ELF file")
    kind, message = import_error(str(junk))
    assert kind == "SmsLibraryError"
    assert f"cannot load the smscode library {junk}" in message


def test_the_real_library_imports_through_the_probe() -> None:
    # The probe itself works: the real library imports and reports its version.
    result = run_python(IMPORT_PROBE, str(_native.LIBRARY_PATH))
    assert result.stdout.strip() == f"imported|{smscode.__version__}", result.stderr


@pytest.mark.parametrize(
    ("library", "binding", "compatible"),
    [
        ("0.1.0", "0.1.0", True),
        ("0.1.7", "0.1.0", True),
        ("0.1.0-rc.1", "0.1.0", True),
        ("0.1.0", "0.1.2", False),
        ("0.0.9", "0.1.0", False),
        ("0.2.0", "0.1.0", False),
        ("1.0.0", "0.1.0", False),
        ("1.4.0", "1.2.3", True),
        ("1.2.2", "1.2.3", False),
        ("2.0.0", "1.2.3", False),
        ("unknown", "0.1.0", False),
        ("0.1", "0.1.0", False),
    ],
)
def test_version_compatibility_rule(library: str, binding: str, compatible: bool) -> None:
    assert _native.is_compatible(library, binding) is compatible


def test_the_binding_version_is_the_package_version() -> None:
    assert smscode.__version__ == _native.BINDING_VERSION
    assert smscode.library_version() == _native.LOADED_VERSION


def panic_library_path() -> str:
    """The test-panic build (test.sh builds it into target/test-panic)."""
    path = os.environ.get("SMSCODE_TEST_PANIC_LIBRARY") or str(
        REPO / "target" / "test-panic" / "release" / _native.library_file_name()
    )
    if not Path(path).is_file():
        pytest.fail(
            f"no test-panic library at {path}: build it with `cargo build --release -p smscode"
            " --features test-panic --target-dir target/test-panic` (test.sh does)"
        )
    return path


def test_caught_panic_is_an_internal_error() -> None:
    code = """
import smscode
from smscode import _native
assert _native.HAS_TEST_PANIC
args = ('13800138000', 3, '76a6L647F02CAoN9', 1744773894369, 'secret')
_native.arm_test_panic()
try:
    smscode.sign(*args)
except smscode.SmsInternalError as error:
    assert error.status is smscode.Status.INTERNAL, error.status
    assert not isinstance(error, ValueError)
    print('sign:', error.message)
else:
    raise SystemExit('no SmsInternalError')
# The process lives on and the library still works.
assert len(smscode.sign(*args)) == 64
client = smscode.Client('http://127.0.0.1:1', 'demo', 'secret')
_native.arm_test_panic()
try:
    client.send_code('+86', '13800138000', 1)
except smscode.SmsInternalError as error:
    print('send:', error.message)
else:
    raise SystemExit('no SmsInternalError from send')
assert client.send_code('+86', '', 1).code == 5021
client.close()
print('ok')
"""
    result = run_python(code, panic_library_path())
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "ok"
    assert "sign: sms_sign: internal error" in lines[0]
    assert "send: sms_client_send: internal error" in lines[1]


def test_release_library_has_no_panic_hook() -> None:
    assert not _native.HAS_TEST_PANIC


def test_every_exported_function_is_declared() -> None:
    # From the committed header: a new export must get argtypes/restype here too.
    header = (REPO / "include" / "smscode.h").read_text()
    names = set(re.findall(r"\b(sms_\w+)\(", header)) - {"sms_test_arm_panic"}
    assert len(names) >= 23
    for name in sorted(names):
        function = getattr(_native._lib, name)
        assert function.argtypes is not None, f"{name} has no argtypes"
        assert name in _native.DECLARED, f"{name} is not declared in _native"


def test_unclosed_clients_are_freed_quietly_at_exit() -> None:
    code = (
        "import smscode\n"
        "client = smscode.Client('http://127.0.0.1:1', 'demo', 'secret')\n"
        "cycle = smscode.Client('http://127.0.0.1:1', 'demo', 'secret')\n"
        "cycle.self_reference = cycle\n"
        "print('exiting')\n"
    )
    result = run_python(code, None)
    assert result.returncode == 0
    assert result.stdout == "exiting\n"
    assert result.stderr == ""
