"""A marker secret never appears in repr, exception messages or the emulator's log."""

from __future__ import annotations

import pickle
import traceback
from collections.abc import Callable

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
    failures: list[smscode.SmsError] = []

    def expect(error_type: type[smscode.SmsError], call: Callable[[], object]) -> None:
        with pytest.raises(error_type) as caught:
            call()
        failures.append(caught.value)

    secret, domain, random = MARKER_SECRET, MARKER_DOMAIN, "0123456789abcdef"
    invalid = smscode.SmsInvalidArgumentError
    expect(invalid, lambda: smscode.sign("1", 9, random, 1, secret))
    expect(invalid, lambda: smscode.sign("1", 1, "short", 1, secret))
    expect(invalid, lambda: smscode.sign("1", 1, random, 1, secret + "\0"))
    expect(invalid, lambda: smscode.sign("1", 1, random, 1, secret + "\ud800"))
    expect(invalid, lambda: smscode.send_code(emulator.url, domain, secret, "86x", "1", 1))
    expect(invalid, lambda: smscode.Client("gopher://x", domain, secret))
    expect(
        smscode.SmsInsecureUrlError,
        lambda: smscode.send_code("http://smscode-test.invalid", domain, secret, "+86", "1", 1),
    )
    dead = f"http://127.0.0.1:{closed_port()}"
    expect(smscode.SmsNetworkError, lambda: smscode.send_code(dead, domain, secret, "+86", "1", 1))
    with smscode.Client(emulator.url, domain, secret, timeout_ms=800) as client:
        emulator.arm_fault("hang")
        expect(smscode.SmsTimeoutError, lambda: client.send_code("+86", "13800138000", 1))
        emulator.arm_fault("not_json")
        expect(smscode.SmsBadResponseError, lambda: client.send_code("+86", "13800138000", 1))
        expect(invalid, lambda: client.set_user_agent("bad\nagent"))
        # A server refusal, raised on request.
        client.set_enterprise("sig-ok", None)
        result = client.send_code("+86", "13800138000", 1)
        expect(smscode.SmsServerError, result.raise_for_status)
    with smscode.Client(tls_emulator.url, domain, secret) as client:
        expect(smscode.SmsTlsError, lambda: client.send_code("+86", "13800138000", 1))
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
