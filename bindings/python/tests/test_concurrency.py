"""Many threads sharing one client, and the async API."""

from __future__ import annotations

import asyncio
import ctypes
import threading
import time
from collections import Counter
from typing import Any

import pytest

import smscode
from smscode import _native

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


def _address(handle: Any) -> int | None:
    value: int | None = ctypes.cast(handle, ctypes.c_void_p).value
    return value


def wait_until_received(emulator: Emulator, phone: str) -> None:
    """Returns once the emulator holds a code for ``phone``: with the ``delay`` fault it
    issues the code on arrival, then holds the answer back, so the send is in flight."""
    deadline = time.monotonic() + 30
    while not emulator.codes(phone):
        assert time.monotonic() < deadline, "the send never reached the emulator"
        time.sleep(0.01)


def test_close_during_a_send_frees_the_handle_after_it(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The library's send holds its own reference once started, so freeing the handle
    # under it would go unnoticed by the result alone: record the order of the native
    # calls instead ("send returned" must come before "client freed").
    events: list[tuple[str, int | None]] = []
    real_send, real_free = _native.client_send, _native.client_free

    def recording_send(handle: Any, *args: Any) -> tuple[int, Any]:
        try:
            return real_send(handle, *args)
        finally:
            events.append(("send returned", _address(handle)))

    def recording_free(handle: Any) -> None:
        events.append(("client freed", _address(handle)))
        real_free(handle)

    monkeypatch.setattr(_native, "client_send", recording_send)
    monkeypatch.setattr(_native, "client_free", recording_free)

    emulator.arm_fault("delay", delay_ms=2000)
    client = smscode.Client(emulator.url, DEMO_DOMAIN, DEMO_SECRET)
    address = _address(client._handle)
    results: list[int] = []
    phone = "13800138000"
    thread = threading.Thread(target=lambda: results.append(client.send_code("+86", phone, 1).code))
    thread.start()
    wait_until_received(emulator, phone)

    client.close()  # returns at once; the send still running frees the handle
    mine = [event for event, where in events if where == address]
    assert mine == [], "close() freed the handle (or waited) while a send was using it"
    with pytest.raises(smscode.SmsClientClosedError):
        client.send_code("+86", "13800138001", 1)
    thread.join()
    assert results == [200]
    mine = [event for event, where in events if where == address]
    assert mine == ["send returned", "client freed"]


def test_cancelling_the_task_does_not_stop_a_started_send(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As the README says: cancellation stops the waiting, not the send.
    returned = threading.Event()
    codes: list[int] = []
    real_send = _native.client_send

    def recording_send(*args: Any) -> tuple[int, Any]:
        code, response = real_send(*args)
        codes.append(code)
        returned.set()
        return code, response

    monkeypatch.setattr(_native, "client_send", recording_send)
    emulator.arm_fault("delay", delay_ms=1000)
    phone = "13800138000"

    async def main(client: smscode.Client) -> None:
        task = asyncio.create_task(client.send_code_async("+86", phone, 1))
        deadline = time.monotonic() + 10
        while not await asyncio.to_thread(emulator.codes, phone):
            assert time.monotonic() < deadline, "the send never reached the emulator"
            await asyncio.sleep(0.01)  # until the request is at the server
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    with smscode.Client(emulator.url, DEMO_DOMAIN, DEMO_SECRET) as client:
        asyncio.run(main(client))
        # The native send went on after the cancellation and got its answer.
        assert returned.wait(30)
    assert codes == [200]
    (issued,) = emulator.codes(phone)
    assert issued["valid"]


def test_wait_for_timing_out_still_delivers_the_code(emulator: Emulator) -> None:
    # The caller sees a timeout, yet the request goes on and the code is sent.
    emulator.arm_fault("delay", delay_ms=1000)
    phone = "13800138001"

    async def main(client: smscode.Client) -> None:
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(client.send_code_async("+86", phone, 1), timeout=0.05)

    with smscode.Client(emulator.url, DEMO_DOMAIN, DEMO_SECRET) as client:
        asyncio.run(main(client))
    deadline = time.monotonic() + 10
    while not emulator.codes(phone):
        assert time.monotonic() < deadline, "the cancelled send never reached the emulator"
        time.sleep(0.01)
    (issued,) = emulator.codes(phone)
    assert issued["valid"]


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
