"""A marker secret never appears in repr, exception messages or the emulator's log."""

from __future__ import annotations

import pickle
import traceback

import pytest

import smscode

from .support import MARKER_DOMAIN, MARKER_SECRET, Emulator, closed_port


def assert_hidden(error: BaseException) -> None:
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    for shown in (str(error), repr(error), text, repr(error.args), repr(pickle.dumps(error))):
        assert MARKER_SECRET not in shown


def test_repr_never_shows_the_secret(emulator: Emulator) -> None:
    client = smscode.Client(
        emulator.url, MARKER_DOMAIN, MARKER_SECRET, ssid="sig-ok", stid="tpl-ok"
    )
    for shown in (repr(client), str(client), repr(vars(client)), format(client)):
        assert MARKER_SECRET not in shown
    assert repr(client).startswith("<smscode.Client ")
    client.close()
    assert MARKER_SECRET not in repr(client)


def test_errors_never_show_the_secret(emulator: Emulator, tls_emulator: Emulator) -> None:
    failures = []

    def expect(error_type: type[smscode.SmsError], call: object, *args: object) -> None:
        assert callable(call)
        with pytest.raises(error_type) as caught:
            call(*args)
        failures.append(caught.value)

    secret = MARKER_SECRET
    expect(smscode.SmsInvalidArgumentError, smscode.sign, "1", 9, "0123456789abcdef", 1, secret)
    expect(smscode.SmsInvalidArgumentError, smscode.sign, "1", 1, "short", 1, secret)
    expect(
        smscode.SmsInvalidArgumentError, smscode.sign, "1", 1, "0123456789abcdef", 1, secret + "\0"
    )
    expect(
        smscode.SmsInvalidArgumentError,
        smscode.sign,
        "1",
        1,
        "0123456789abcdef",
        1,
        secret + "\ud800",
    )
    expect(
        smscode.SmsInvalidArgumentError,
        smscode.send_code,
        emulator.url,
        MARKER_DOMAIN,
        secret,
        "86x",
        "13800138000",
        1,
    )
    expect(
        smscode.SmsInsecureUrlError,
        smscode.send_code,
        "http://smscode-test.invalid",
        MARKER_DOMAIN,
        secret,
        "+86",
        "1",
        1,
    )
    expect(
        smscode.SmsNetworkError,
        smscode.send_code,
        f"http://127.0.0.1:{closed_port()}",
        MARKER_DOMAIN,
        secret,
        "+86",
        "1",
        1,
    )
    expect(smscode.SmsInvalidArgumentError, smscode.Client, "gopher://x", MARKER_DOMAIN, secret)
    with smscode.Client(emulator.url, MARKER_DOMAIN, secret, timeout_ms=800) as client:
        emulator.arm_fault("hang")
        expect(smscode.SmsTimeoutError, client.send_code, "+86", "13800138000", 1)
        emulator.arm_fault("not_json")
        expect(smscode.SmsBadResponseError, client.send_code, "+86", "13800138000", 1)
        expect(smscode.SmsInvalidArgumentError, client.set_user_agent, "bad\nagent")
        # A server refusal raised on request.
        client.set_enterprise("sig-ok", None)
        result = client.send_code("+86", "13800138000", 1)
        expect(smscode.SmsServerError, result.raise_for_status)
    with smscode.Client(tls_emulator.url, MARKER_DOMAIN, secret) as client:
        expect(smscode.SmsTlsError, client.send_code, "+86", "13800138000", 1)
    assert len(failures) == 13
    for error in failures:
        assert_hidden(error)


def test_the_secret_never_reaches_the_emulator_log(emulator: Emulator) -> None:
    # A successful send, a refused one and a wrong-domain one: only the signature travels.
    with smscode.Client(emulator.url, MARKER_DOMAIN, MARKER_SECRET) as client:
        assert client.send_code("+86", "13800138050", 2).code == 200
        assert client.send_code("+86", "13800138050", 2).code == 5058
    assert smscode.send_code(emulator.url, "demo", MARKER_SECRET, "+86", "13800138051", 2) == 5420
    log = emulator.log()
    assert "13800138050" in log  # the log is the one written by this emulator
    assert MARKER_SECRET not in log
