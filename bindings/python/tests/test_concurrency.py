"""Many threads sharing one client, and the async API."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter

import pytest

import smscode

from .support import DEMO_DOMAIN, DEMO_SECRET, Emulator

THREADS = 8
SENDS_PER_THREAD = 500


def test_threads_share_one_client(load_emulator: Emulator) -> None:
    codes: Counter[int] = Counter()
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    with smscode.Client(load_emulator.url, DEMO_DOMAIN, DEMO_SECRET) as client:

        def worker(index: int) -> None:
            start.wait()
            for i in range(SENDS_PER_THREAD):
                try:
                    result = client.send_code("+86", f"139{index:02d}{i:06d}", 1)
                except BaseException as error:  # counted, then asserted on below
                    with lock:
                        errors.append(error)
                else:
                    with lock:
                        codes[result.code] += 1

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert errors == []
    assert codes == Counter({200: THREADS * SENDS_PER_THREAD})
    assert len(load_emulator.codes()) == THREADS * SENDS_PER_THREAD


def test_sends_run_in_parallel(emulator: Emulator) -> None:
    # ctypes releases the GIL: four sends each delayed 1 s take about 1 s, not 4 s.
    emulator.arm_fault("delay", count=4, delay_ms=1000)
    with smscode.Client(emulator.url, DEMO_DOMAIN, DEMO_SECRET) as client:
        results: list[int] = []

        def send(phone: str) -> None:
            results.append(client.send_code("+86", phone, 1).code)

        threads = [threading.Thread(target=send, args=(f"1380013800{n}",)) for n in range(4)]
        start = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - start
    assert results == [200, 200, 200, 200]
    assert elapsed < 3.0, elapsed


def test_close_waits_for_a_send_in_progress(emulator: Emulator) -> None:
    emulator.arm_fault("delay", delay_ms=500)
    client = smscode.Client(emulator.url, DEMO_DOMAIN, DEMO_SECRET)
    results: list[int] = []
    thread = threading.Thread(
        target=lambda: results.append(client.send_code("+86", "13800138000", 1).code)
    )
    thread.start()
    time.sleep(0.2)
    client.close()  # while the send is under way: the handle is freed after it
    with pytest.raises(smscode.SmsClientClosedError):
        client.send_code("+86", "13800138001", 1)
    thread.join()
    assert results == [200]


def test_async_client_send(load_emulator: Emulator) -> None:
    async def main() -> list[smscode.SendResult]:
        with smscode.Client(load_emulator.url, DEMO_DOMAIN, DEMO_SECRET) as client:
            return await asyncio.gather(
                *(client.send_code_async("+86", f"1370000{n:04d}", 2) for n in range(50))
            )

    results = asyncio.run(main())
    assert [r.code for r in results] == [200] * 50
    assert len(load_emulator.codes()) == 50


def test_async_does_not_block_the_event_loop(emulator: Emulator) -> None:
    emulator.arm_fault("delay", delay_ms=1000)

    async def main() -> tuple[int, int]:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.05)
                ticks += 1

        task = asyncio.create_task(ticker())
        with smscode.Client(emulator.url, DEMO_DOMAIN, DEMO_SECRET) as client:
            result = await client.send_code_async("+86", "13800138000", smscode.CodeType.LOGIN)
        task.cancel()
        return result.code, ticks

    code, ticks = asyncio.run(main())
    assert code == 200
    # The loop kept running during the 1 s send.
    assert ticks >= 5


def test_async_errors_propagate(emulator: Emulator) -> None:
    emulator.arm_fault("http500")

    async def main() -> None:
        with smscode.Client(emulator.url, DEMO_DOMAIN, DEMO_SECRET) as client:
            await client.send_code_async("+86", "13800138000", 1)

    with pytest.raises(smscode.SmsHttpStatusError):
        asyncio.run(main())


def test_async_module_send_code(emulator: Emulator) -> None:
    code = asyncio.run(
        smscode.send_code_async(emulator.url, DEMO_DOMAIN, DEMO_SECRET, "+86", "13800138000", 3)
    )
    assert code == 200
