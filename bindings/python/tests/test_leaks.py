"""Steady memory: many signs (RSS from /proc/self/status), sends and clients (the C heap's
bytes in use, from glibc, and the handles the library gives out counted against those freed)."""

from __future__ import annotations

import ctypes
import gc
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import smscode
from smscode import _native

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


class _MallInfo2(ctypes.Structure):
    # glibc's struct mallinfo2 (malloc.h), all size_t.
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def heap_in_use() -> int:
    """Bytes the C allocator has handed out and not had back, over all arenas (glibc's
    mallinfo2: ``uordblks`` plus mmapped blocks). The library allocates with it."""
    libc = ctypes.CDLL(None)
    mallinfo2 = getattr(libc, "mallinfo2", None)
    if mallinfo2 is None:
        pytest.fail("glibc's mallinfo2 is needed to count heap bytes in use (glibc >= 2.33)")
    mallinfo2.restype = _MallInfo2
    mallinfo2.argtypes = []
    info: _MallInfo2 = mallinfo2()
    return int(info.uordblks) + int(info.hblkhd)


def test_sends_and_clients_do_not_leak(
    load_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every handle the library gives out is given back: count both through the binding.
    calls: Counter[str] = Counter()

    def counting(name: str) -> Callable[..., Any]:
        real = getattr(_native, name)

        def call(*args: Any) -> Any:
            calls[name] += 1
            return real(*args)

        return call

    for name in ("client_new", "client_free", "client_send", "response_free"):
        monkeypatch.setattr(_native, name, counting(name))

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

    cycle(300, 50)  # warm up: connection pool, TLS roots, allocator
    growths = []
    for _ in range(2):
        load_emulator.reset()
        calls.clear()
        gc.collect()
        before = heap_in_use()
        cycle(1_000, 200)
        gc.collect()
        growths.append(heap_in_use() - before)
        # 1,001 responses (the refused send writes none) and 201 clients, each freed.
        assert calls["client_send"] == 1_002
        assert calls["response_free"] == 1_001
        assert calls["client_new"] == calls["client_free"] == 201
    # Steady state allocates nothing for good: the freed memory really went back. A
    # leaked response (about 150 bytes) per send would be over 140 KiB; allow 16 bytes.
    assert min(growths) < 16 * 1_000, f"heap in use grew {growths} bytes over 1,000 sends"
