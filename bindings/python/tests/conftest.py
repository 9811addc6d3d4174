"""Fixtures: the real emulator on a free port, one process per session and kind,
reset before each test that uses it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .support import DEMO_DOMAIN, DEMO_SECRET, MARKER_DOMAIN, MARKER_SECRET, Emulator


def _domains() -> list[str]:
    return [
        "--user-domain",
        f"{DEMO_DOMAIN}={DEMO_SECRET}",
        "--user-domain",
        f"{MARKER_DOMAIN}={MARKER_SECRET}",
    ]


@pytest.fixture(scope="session")
def emulator_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """The emulator with its default rate limits (one per minute, ten a day)."""
    emulator = Emulator(_domains(), tmp_path_factory.mktemp("emulator") / "stderr.log")
    yield emulator
    emulator.stop()


@pytest.fixture(scope="session")
def load_emulator_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """The emulator with its rate limits off, for load and leak tests."""
    emulator = Emulator(
        [*_domains(), "--min-interval-secs", "0", "--daily-limit", "0"],
        tmp_path_factory.mktemp("load-emulator") / "stderr.log",
    )
    yield emulator
    emulator.stop()


@pytest.fixture(scope="session")
def tls_emulator_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """The emulator over HTTPS with a fresh self-signed certificate (``cert_path``)."""
    directory = tmp_path_factory.mktemp("tls-emulator")
    cert_path = directory / "cert.pem"
    emulator = Emulator(_domains(), directory / "stderr.log", cert_path)
    yield emulator
    emulator.stop()


@pytest.fixture
def emulator(emulator_process: Emulator) -> Emulator:
    """The rate-limited emulator, reset before the test."""
    emulator_process.reset()
    return emulator_process


@pytest.fixture
def load_emulator(load_emulator_process: Emulator) -> Emulator:
    """The unlimited emulator, reset before the test."""
    load_emulator_process.reset()
    return load_emulator_process


@pytest.fixture
def tls_emulator(tls_emulator_process: Emulator) -> Emulator:
    """The HTTPS emulator, reset before the test."""
    tls_emulator_process.reset()
    return tls_emulator_process
