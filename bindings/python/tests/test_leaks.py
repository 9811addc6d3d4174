"""Steady memory: many signs, sends and clients, with RSS read from /proc/self/status."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

import smscode

from .support import DEMO_DOMAIN, DEMO_SECRET, Emulator

MIB = 1024 * 1024


def rss_bytes() -> int:
    status = Path("/proc/self/status")
    if not status.is_file():
        pytest.fail("/proc/self/status is needed to measure RSS (Linux)")
    for line in status.read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS line")


def test_sign_does_not_leak() -> None:
    args = ("13800138000", 3, "76a6L647F02CAoN9", 1744773894369, "secret")
    for _ in range(2_000):  # warm up allocator pools and caches
        smscode.sign(*args)
    gc.collect()
    before = rss_bytes()
    for i in range(100_000):
        smscode.sign("13800138000", 3, "76a6L647F02CAoN9", 1744773894369 + i, "secret")
    gc.collect()
    growth = rss_bytes() - before
    # 100,000 calls: a leak of even 64 bytes a call would be over 6 MiB.
    assert growth < 2 * MIB, f"RSS grew {growth / MIB:.1f} MiB"


def test_sends_and_clients_do_not_leak(load_emulator: Emulator) -> None:
    def cycle(sends: int, clients: int) -> None:
        with smscode.Client(load_emulator.url, DEMO_DOMAIN, DEMO_SECRET) as client:
            for i in range(sends):
                assert client.send_code("+86", f"1360000{i % 10_000:04d}", 1).code == 200
            # Local answers and errors allocate too.
            assert client.send_code("+86", "", 1).code == 5021
            with pytest.raises(smscode.SmsInvalidArgumentError):
                client.send_code("x", "13800138000", 1)
        for _ in range(clients):
            smscode.Client(load_emulator.url, DEMO_DOMAIN, DEMO_SECRET).close()

    cycle(100, 20)  # warm up: connection pool, TLS roots, allocator
    load_emulator.reset()
    gc.collect()
    before = rss_bytes()
    cycle(1_000, 200)
    gc.collect()
    growth = rss_bytes() - before
    # A leaked response, client or connection pool per call would exceed this bound.
    assert growth < 4 * MIB, f"RSS grew {growth / MIB:.1f} MiB"
