"""Build hook: compiles the smscode Rust library with cargo and ships it inside the package.

Everything else (name, version, metadata) is in pyproject.toml. The wheel holds a native
library but no CPython extension, so it is tagged ``py3-none-<platform>``: one wheel serves
every Python 3 on that platform.

The sdist carries the crate's sources under ``rust/`` (the workspace manifest, lock file,
``src/``, ``include/`` and the emulator and CLI members cargo needs to read the
workspace), so ``pip install smscode-<v>.tar.gz`` builds the library with cargo on any
machine; a build from a checkout uses the repository itself.

Environment:
    CARGO                  the cargo executable (default: ``cargo`` on PATH)
    CARGO_TARGET_DIR       cargo's target directory (default: the repository's ``target/``,
                           so an existing release build is reused instead of rebuilt)
    SMSCODE_CARGO_PROFILE  the cargo profile (default ``release``; ``ship`` is the small,
                           LTO-optimised one)
    SMSCODE_LIBRARY        a library already built (build-wheel.sh passes the shipped one,
                           built by scripts/build-ship.sh for each CPU): packaged as it is,
                           without cargo, and the wheel is tagged for the CPU its ELF header
                           names (``linux_aarch64`` for an aarch64 library on any build host)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.bdist_wheel import bdist_wheel
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist
from setuptools.dist import Distribution

HERE = Path(__file__).resolve().parent
# bindings/python/ -> the repository root, whose Cargo workspace holds the library.
REPO = HERE.parent.parent
# Where an unpacked sdist keeps the crate (see SdistWithCrate).
SDIST_CRATE = HERE / "rust"
# What the sdist copies from the repository: enough for `cargo build -p smscode`.
CRATE_FILES = ("Cargo.toml", "Cargo.lock", "build.rs", "cbindgen.toml")
CRATE_DIRS = ("src", "include", "benches", "emulator/src", "cli/src")
CRATE_MEMBER_FILES = ("emulator/Cargo.toml", "cli/Cargo.toml")


def crate_root() -> Path:
    """The Cargo workspace to build: the sdist's copy, else the repository checkout."""
    return SDIST_CRATE if (SDIST_CRATE / "Cargo.toml").is_file() else REPO


def library_file_name() -> str:
    """The file name cargo gives the shared library on this platform."""
    if sys.platform == "darwin":
        return "libsmscode.dylib"
    if sys.platform == "win32":
        return "smscode.dll"
    return "libsmscode.so"


# ELF e_machine values and the wheel platform tag of each Linux CPU a wheel is built for.
ELF_MACHINE_PLATFORMS = {0x3E: "linux_x86_64", 0xB7: "linux_aarch64", 0x28: "linux_armv7l"}


def prebuilt_library() -> Path | None:
    """The library named by SMSCODE_LIBRARY, if any."""
    name = os.environ.get("SMSCODE_LIBRARY")
    if not name:
        return None
    library = Path(name).resolve()
    if not library.is_file():
        raise SystemExit(f"smscode: SMSCODE_LIBRARY={name} is not a file")
    return library


def prebuilt_platform() -> str | None:
    """The wheel platform tag of SMSCODE_LIBRARY's CPU, read from its ELF header."""
    library = prebuilt_library()
    if library is None:
        return None
    header = library.read_bytes()[:20]
    if header[:4] != b"\x7fELF" or header[5] != 1:
        raise SystemExit(f"smscode: {library} is not a little-endian ELF library")
    machine = int.from_bytes(header[18:20], "little")
    if machine not in ELF_MACHINE_PLATFORMS:
        raise SystemExit(f"smscode: {library} is for ELF machine {machine:#x}, not a known CPU")
    return ELF_MACHINE_PLATFORMS[machine]


def build_library() -> Path:
    """The library to package: SMSCODE_LIBRARY as it is, else a cargo build (a no-op when
    the build is up to date)."""
    library = prebuilt_library()
    if library is not None:
        print(f"smscode: packaging the prebuilt {library}", flush=True)
        return library
    root = crate_root()
    manifest = root / "Cargo.toml"
    if not manifest.is_file():
        raise SystemExit(
            f"smscode: {manifest} not found. The package is built from the smscode "
            "repository: run `pip install ./bindings/python` in a checkout."
        )
    cargo = os.environ.get("CARGO", "cargo")
    if shutil.which(cargo) is None:
        raise SystemExit("smscode: cargo (Rust) is needed to build the library: https://rustup.rs")
    target_dir = Path(os.environ.get("CARGO_TARGET_DIR") or root / "target").resolve()
    profile = os.environ.get("SMSCODE_CARGO_PROFILE") or "release"
    command = [
        cargo,
        "build",
        "--manifest-path",
        str(manifest),
        "--package",
        "smscode",
        "--lib",
        "--profile",
        profile,
        "--locked",
    ]
    if profile == "ship":
        # As scripts/build-ship.sh builds it: with the crate types named, cargo runs
        # the profile's LTO, which it skips for a build that also makes the rlib.
        command[1] = "rustc"
        command += ["--crate-type", "cdylib,staticlib"]
    print("smscode: " + " ".join(command), flush=True)
    subprocess.run(command, check=True, env={**os.environ, "CARGO_TARGET_DIR": str(target_dir)})
    library = target_dir / ("debug" if profile == "dev" else profile) / library_file_name()
    if not library.is_file():
        raise SystemExit(f"smscode: cargo finished but {library} is missing")
    return library


class BuildPyWithLibrary(build_py):
    """build_py that also places the freshly built library next to the Python modules."""

    def run(self) -> None:
        super().run()
        library = build_library()
        package_dir = Path(self.build_lib) / "smscode"
        package_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(library, package_dir / library_file_name())

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        library = Path(self.build_lib) / "smscode" / library_file_name()
        return [*super().get_outputs(include_bytecode), str(library)]


class SdistWithCrate(sdist):
    """sdist that also carries the crate's sources, so it builds without the repository."""

    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        super().make_release_tree(base_dir, files)
        if crate_root() != REPO:
            # Rebuilding an sdist from an unpacked sdist: rust/ is already in `files`.
            return
        crate = Path(base_dir) / "rust"
        for name in (*CRATE_FILES, *CRATE_MEMBER_FILES):
            if (REPO / name).is_file():
                (crate / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(REPO / name, crate / name)
        for name in CRATE_DIRS:
            shutil.copytree(REPO / name, crate / name, dirs_exist_ok=True)


class BinaryDistribution(Distribution):
    """Marks the distribution as platform-specific, so it installs to platlib."""

    def has_ext_modules(self) -> bool:
        return True


class BdistWheelAnyPython(bdist_wheel):
    """Tags the wheel py3-none-<platform>: the library is loaded with ctypes, not an ABI.
    The platform is the prebuilt library's CPU when there is one (a cross-built wheel),
    else the build host's."""

    def get_tag(self) -> tuple[str, str, str]:
        _, _, platform = super().get_tag()
        return "py3", "none", prebuilt_platform() or platform


setup(
    distclass=BinaryDistribution,
    cmdclass={
        "build_py": BuildPyWithLibrary,
        "bdist_wheel": BdistWheelAnyPython,
        "sdist": SdistWithCrate,
    },
)
