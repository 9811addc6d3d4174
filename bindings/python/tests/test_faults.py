"""The emulator's fault modes and TLS: each local failure kind from a real socket."""

from __future__ import annotations

import time

import pytest

import smscode

from .support import DEMO_DOMAIN, DEMO_SECRET, Emulator

TIMEOUT_MS = 1000


def _client(emulator: Emulator) -> smscode.Client:
    return smscode.Client(
        emulator.url, DEMO_DOMAIN, DEMO_SECRET, connect_timeout_ms=TIMEOUT_MS, timeout_ms=TIMEOUT_MS
    )


@pytest.mark.parametrize(("fault", "delay_ms"), [("delay", 4000), ("hang", 0), ("slow_drip", 0)])
def test_timeouts(emulator: Emulator, fault: str, delay_ms: int) -> None:
    emulator.arm_fault(fault, delay_ms=delay_ms)
    with _client(emulator) as client:
        start = time.monotonic()
        with pytest.raises(smscode.SmsTimeoutError) as caught:
            client.send_code("+86", "13800138000", smscode.CodeType.LOGIN)
        elapsed = time.monotonic() - start
    assert caught.value.status == smscode.Status.TIMEOUT
    assert caught.value.message.startswith("sms_client_send: ")
    # The 1 s total timeout holds, body included (a generous bound).
    assert 0.8 <= elapsed < 2.5, elapsed
    if fault != "delay":  # a delayed request is answered normally, only too late
        assert emulator.codes() == []


def test_short_delay_is_answered(emulator: Emulator) -> None:
    emulator.arm_fault("delay", delay_ms=300)
    with _client(emulator) as client:
        assert client.send_code("+86", "13800138000", 1).code == 200


def test_close_is_a_network_error(emulator: Emulator) -> None:
    emulator.arm_fault("close")
    with _client(emulator) as client:
        with pytest.raises(smscode.SmsNetworkError) as caught:
            client.send_code("+86", "13800138000", 1)
        assert caught.value.status == smscode.Status.NETWORK
        # Never retried: the next send is answered normally and only it issued a code.
        assert client.send_code("+86", "13800138001", 1).code == 200
    assert [c["phone"] for c in emulator.codes()] == ["13800138001"]


def test_http500_is_an_http_status_error(emulator: Emulator) -> None:
    emulator.arm_fault("http500")
    with _client(emulator) as client, pytest.raises(smscode.SmsHttpStatusError) as caught:
        client.send_code("+86", "13800138000", 1)
    assert caught.value.status == smscode.Status.HTTP_STATUS
    assert "500" in caught.value.message


@pytest.mark.parametrize("fault", ["not_json", "huge_body"])
def test_bad_bodies_are_bad_response_errors(emulator: Emulator, fault: str) -> None:
    emulator.arm_fault(fault)
    with _client(emulator) as client, pytest.raises(smscode.SmsBadResponseError) as caught:
        client.send_code("+86", "13800138000", 1)
    assert caught.value.status == smscode.Status.BAD_RESPONSE


def test_redirect_is_not_followed(emulator: Emulator) -> None:
    # Following it would reach 127.0.0.1:1 and fail with a network error instead.
    emulator.arm_fault("redirect")
    with _client(emulator) as client, pytest.raises(smscode.SmsHttpStatusError) as caught:
        client.send_code("+86", "13800138000", 1)
    assert "302" in caught.value.message


def test_module_send_code_raises_local_failures(emulator: Emulator) -> None:
    emulator.arm_fault("not_json")
    with pytest.raises(smscode.SmsBadResponseError):
        smscode.send_code(emulator.url, DEMO_DOMAIN, DEMO_SECRET, "+86", "13800138000", 1)


def test_faults_queue_in_order(emulator: Emulator) -> None:
    emulator.arm_fault("http500")
    emulator.arm_fault("not_json")
    with _client(emulator) as client:
        with pytest.raises(smscode.SmsHttpStatusError):
            client.send_code("+86", "13800138000", 1)
        with pytest.raises(smscode.SmsBadResponseError):
            client.send_code("+86", "13800138000", 1)
        assert client.send_code("+86", "13800138000", 1).code == 200


def test_untrusted_certificate_is_a_tls_error(tls_emulator: Emulator) -> None:
    assert tls_emulator.url.startswith("https://")
    with (
        smscode.Client(tls_emulator.url, DEMO_DOMAIN, DEMO_SECRET) as client,
        pytest.raises(smscode.SmsTlsError) as caught,
    ):
        client.send_code("+86", "13800138000", 1)
    assert caught.value.status == smscode.Status.TLS
    with pytest.raises(smscode.SmsTlsError):
        smscode.send_code(tls_emulator.url, DEMO_DOMAIN, DEMO_SECRET, "+86", "13800138000", 1)
    assert tls_emulator.codes() == []


def test_trusted_certificate_via_ca_file(tls_emulator: Emulator) -> None:
    assert tls_emulator.cert_path is not None
    with smscode.Client(
        tls_emulator.url, DEMO_DOMAIN, DEMO_SECRET, ca_file=tls_emulator.cert_path
    ) as client:
        result = client.send_code("+86", "13800138000", smscode.CodeType.LOGIN)
    assert result.code == 200
    assert result.http_status == 200
    # The certificate also names localhost.
    localhost = tls_emulator.url.replace("127.0.0.1", "localhost")
    with smscode.Client(localhost, DEMO_DOMAIN, DEMO_SECRET) as client:
        client.add_ca_file(str(tls_emulator.cert_path))
        assert client.send_code("+86", "13800138001", 1).code == 200
    assert len(tls_emulator.codes()) == 2
