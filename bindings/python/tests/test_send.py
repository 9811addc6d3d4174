"""Sends through the real emulator: success, server codes, enterprise codes, options."""

from __future__ import annotations

import pytest

import smscode

from .support import (
    DEMO_DOMAIN,
    DEMO_SECRET,
    MARKER_DOMAIN,
    MARKER_SECRET,
    Emulator,
    closed_port,
)


def test_module_send_code(emulator: Emulator) -> None:
    code = smscode.send_code(
        emulator.url, DEMO_DOMAIN, DEMO_SECRET, "+86", "13800138000", smscode.CodeType.REGISTRATION
    )
    assert code == 200
    assert isinstance(code, int)
    (issued,) = emulator.codes("13800138000")
    assert issued["codeType"] == 3
    assert issued["internationalCode"] == "+86"
    assert issued["userDomain"] == DEMO_DOMAIN
    assert issued["valid"] is True


def test_module_send_code_takes_an_int_code_type(emulator: Emulator) -> None:
    assert smscode.send_code(emulator.url, DEMO_DOMAIN, DEMO_SECRET, "+49", "15112345678", 5) == 200
    assert [c["codeType"] for c in emulator.codes("15112345678")] == [5]


def test_module_send_code_passes_server_codes_through(emulator: Emulator) -> None:
    assert smscode.send_code(emulator.url, "nobody", DEMO_SECRET, "+86", "13800138000", 2) == 5092
    assert smscode.send_code(emulator.url, DEMO_DOMAIN, "wrong", "+86", "13800138000", 2) == 5420
    assert emulator.codes() == []


def test_client_send(emulator: Emulator) -> None:
    with smscode.Client(emulator.url, DEMO_DOMAIN, DEMO_SECRET) as client:
        result = client.send_code("+86", "13800138000", smscode.CodeType.LOGIN)
    assert result.code == 200
    assert result.status is smscode.ServerCode.SENT
    assert result.ok
    assert result.http_status == 200
    assert not result.answered_locally
    assert result.message == ""
    assert result.extended_message is None
    # The emulator runs on this machine's clock.
    assert result.clock_skew_ms is not None
    assert abs(result.clock_skew_ms) < 5000
    assert result.raise_for_status() is result
    assert [c["codeType"] for c in emulator.codes("13800138000")] == [2]


def test_every_code_type(emulator: Emulator) -> None:
    with smscode.Client(emulator.url, DEMO_DOMAIN, DEMO_SECRET) as client:
        for code_type in smscode.CodeType:
            assert client.send_code("+86", "13800138000", code_type).code == 200
    assert sorted(c["codeType"] for c in emulator.codes("13800138000")) == [1, 2, 3, 4, 5]


def test_emulator_rate_limit_answers_5058(emulator: Emulator) -> None:
    with smscode.Client(emulator.url, DEMO_DOMAIN, DEMO_SECRET) as client:
        first = client.send_code("+86", "13800138001", smscode.CodeType.LOGIN)
        second = client.send_code("+86", "13800138001", smscode.CodeType.LOGIN)
        other_phone = client.send_code("+86", "13800138002", smscode.CodeType.LOGIN)
    assert first.code == 200
    assert other_phone.code == 200
    # The server's answer, not the guard's: it went over HTTP.
    assert second.code == 5058
    assert second.status is smscode.ServerCode.FREQUENCY_LIMIT
    assert second.http_status == 200
    assert second.message == "SMS sending exceeds frequency limit"
    assert not second.ok
    with pytest.raises(smscode.SmsServerError) as caught:
        second.raise_for_status()
    error = caught.value
    assert error.code == 5058
    assert error.status is smscode.ServerCode.FREQUENCY_LIMIT
    assert error.result.message == "SMS sending exceeds frequency limit"
    assert error.result is second
    assert "5058" in str(error)
    assert len(emulator.codes("13800138001")) == 1


def test_module_send_code_rate_limit(emulator: Emulator) -> None:
    args = (emulator.url, DEMO_DOMAIN, DEMO_SECRET, "+86", "13800138003", 1)
    assert smscode.send_code(*args) == 200
    assert smscode.send_code(*args) == 5058


def test_resend_guard_answers_5058_locally(load_emulator: Emulator) -> None:
    # The unlimited emulator: any 5058 here comes from the client's guard.
    with smscode.Client(
        load_emulator.url, DEMO_DOMAIN, DEMO_SECRET, resend_guard_ms=60_000
    ) as client:
        first = client.send_code("+86", "13800138004", smscode.CodeType.LOGIN)
        again = client.send_code("+86", "13800138004", smscode.CodeType.LOGIN)
        other_type = client.send_code("+86", "13800138004", smscode.CodeType.REGISTRATION)
        client.set_resend_guard_ms(0)
        unguarded = client.send_code("+86", "13800138004", smscode.CodeType.LOGIN)
    assert first.code == 200
    assert again.code == 5058
    assert again.status is smscode.ServerCode.FREQUENCY_LIMIT
    assert again.http_status == 0
    assert again.answered_locally
    assert other_type.code == 200
    assert unguarded.code == 200
    # Three codes issued: the guarded send never reached the emulator.
    assert len(load_emulator.codes("13800138004")) == 3


def test_resend_guard_expires(load_emulator: Emulator) -> None:
    import time

    with smscode.Client(load_emulator.url, DEMO_DOMAIN, DEMO_SECRET, resend_guard_ms=300) as c:
        assert c.send_code("+86", "13800138005", 1).code == 200
        assert c.send_code("+86", "13800138005", 1).code == 5058
        time.sleep(0.5)
        assert c.send_code("+86", "13800138005", 1).code == 200


def test_server_codes_are_results(emulator: Emulator) -> None:
    with smscode.Client(emulator.url, "nobody", DEMO_SECRET) as client:
        unknown_domain = client.send_code("+86", "13800138000", 1)
    with smscode.Client(emulator.url, DEMO_DOMAIN, "not-the-secret") as client:
        bad_signature = client.send_code("+86", "13800138000", 1)
    assert unknown_domain.status is smscode.ServerCode.USER_DOMAIN_NOT_SET
    assert unknown_domain.http_status == 200
    assert bad_signature.status is smscode.ServerCode.SIGNATURE_VERIFICATION_FAILED
    assert bad_signature.message == "Signature verification failed"


# The emulator's built-in enterprise data set (emulator contract).
ENTERPRISE_CASES = [
    ("sig-ok", "tpl-ok", 200),
    ("sig-ok", None, 5118),
    (None, "tpl-ok", 5117),
    ("sig-unknown", "tpl-ok", 5202),
    ("sig-ok", "tpl-unknown", 5209),
    ("sig-noperm", "tpl-ok", 5122),
    ("sig-disabled", "tpl-ok", 5123),
    ("sig-ok", "tpl-noperm", 5124),
    ("sig-ok", "tpl-disabled", 5125),
    ("sig-acct2", "tpl-ok", 5126),
    ("sig-acct-missing", "tpl-acct-missing", 5188),
    ("sig-acct-disabled", "tpl-acct-disabled", 5128),
    ("sig-ok", "tpl-type2", 5216),
]


@pytest.mark.parametrize(("ssid", "stid", "code"), ENTERPRISE_CASES)
def test_enterprise_codes(
    emulator: Emulator, ssid: str | None, stid: str | None, code: int
) -> None:
    with smscode.Client(emulator.url, DEMO_DOMAIN, DEMO_SECRET, ssid=ssid, stid=stid) as client:
        result = client.send_code("+86", "13800138000", smscode.CodeType.PASSWORD_RESET)
    assert result.code == code
    assert result.status is smscode.ServerCode(code)
    assert result.http_status == 200


def test_set_enterprise_switches_and_clears(emulator: Emulator) -> None:
    with smscode.Client(emulator.url, DEMO_DOMAIN, DEMO_SECRET) as client:
        client.set_enterprise("sig-ok", "tpl-disabled")
        assert client.send_code("+86", "13800138010", 1).code == 5125
        client.set_enterprise("sig-ok", "tpl-ok")
        assert client.send_code("+86", "13800138011", 1).code == 200
        client.set_enterprise(None, None)
        assert client.send_code("+86", "13800138012", 1).code == 200


def test_clock_offset_and_skew_correction(emulator: Emulator) -> None:
    hour_ms = 3_600_000
    with smscode.Client(emulator.url, DEMO_DOMAIN, DEMO_SECRET, clock_offset_ms=-hour_ms) as client:
        assert client.clock_offset_ms == -hour_ms
        refused = client.send_code("+86", "13800138020", 1)
        assert refused.status is smscode.ServerCode.TIMESTAMP_INCORRECT
        assert refused.clock_skew_ms is not None
        # The server's clock is an hour ahead of the client's (to about a second).
        assert abs(refused.clock_skew_ms - hour_ms) < 5000
        client.set_clock_offset_ms(client.clock_offset_ms + refused.clock_skew_ms)
        assert abs(client.clock_offset_ms) < 5000
        assert client.send_code("+86", "13800138020", 1).code == 200


def test_proxy_is_used_and_can_be_removed(emulator: Emulator) -> None:
    # A proxy nobody listens on makes the send fail, which proves it is used.
    proxy = f"http://127.0.0.1:{closed_port()}"
    with smscode.Client(emulator.url, DEMO_DOMAIN, DEMO_SECRET, proxy=proxy) as client:
        with pytest.raises(smscode.SmsNetworkError):
            client.send_code("+86", "13800138030", 1)
        client.set_proxy(None)
        assert client.send_code("+86", "13800138030", 1).code == 200


def test_language_and_user_agent_options_send(emulator: Emulator) -> None:
    with smscode.Client(
        emulator.url,
        DEMO_DOMAIN,
        DEMO_SECRET,
        language="en-US",
        user_agent="smscode-python-tests/1.0",
        connect_timeout_ms=5000,
        timeout_ms=10_000,
    ) as client:
        assert client.send_code("+86", "13800138040", 1).code == 200
        client.set_language(None)
        client.set_user_agent("another-agent")
        assert client.send_code("+86", "13800138041", 1).code == 200


def test_marker_domain_sends(emulator: Emulator) -> None:
    with smscode.Client(emulator.url, MARKER_DOMAIN, MARKER_SECRET) as client:
        assert client.send_code("+1", "2025550143", smscode.CodeType.LOGIN).code == 200
