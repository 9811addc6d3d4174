"""Local failures: the exception hierarchy, argument checks, options, closed clients."""

from __future__ import annotations

import copy
import pickle
from pathlib import Path
from typing import Any

import pytest

import smscode
from smscode._errors import error_for_status

from .support import DEMO_DOMAIN, DEMO_SECRET, closed_port


def test_hierarchy() -> None:
    for error in (
        smscode.SmsInvalidArgumentError,
        smscode.SmsNetworkError,
        smscode.SmsTimeoutError,
        smscode.SmsTlsError,
        smscode.SmsHttpStatusError,
        smscode.SmsBadResponseError,
        smscode.SmsInsecureUrlError,
        smscode.SmsUnsupportedError,
        smscode.SmsInternalError,
        smscode.SmsServerError,
        smscode.SmsClientClosedError,
    ):
        assert issubclass(error, smscode.SmsError)
    assert issubclass(smscode.SmsInvalidArgumentError, ValueError)
    assert issubclass(smscode.SmsClientClosedError, smscode.SmsInvalidArgumentError)
    # The distinct kinds are not mistaken for one another.
    assert not issubclass(smscode.SmsInternalError, ValueError)
    assert not issubclass(smscode.SmsTimeoutError, smscode.SmsNetworkError)


@pytest.mark.parametrize("status", [-12, -42, -98, -100, -(2**31)])
def test_an_unknown_negative_status_is_internal(status: int) -> None:
    # As in the Kotlin binding (SmsException.Internal): never the caller's input.
    error = error_for_status(status, "sms_client_send: something new")
    assert type(error) is smscode.SmsInternalError
    assert error.status == status
    assert error.message == "sms_client_send: something new"


def test_errors_pickle() -> None:
    error = smscode.SmsTimeoutError(smscode.Status.TIMEOUT, "sms_client_send: timed out")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is smscode.SmsTimeoutError
    assert copy.status is smscode.Status.TIMEOUT
    assert copy.message == error.message
    result = smscode.SendResult(code=5058, message="limit", http_status=200)
    server = pickle.loads(pickle.dumps(smscode.SmsServerError(result)))
    assert server.code == 5058
    assert server.result == result


def test_descriptions_come_from_the_library() -> None:
    assert smscode.describe(5058) == "SMS sending exceeds frequency limit"
    assert smscode.describe(7777) == "Unknown code"
    assert smscode.Status.TIMEOUT.description == "Timed out"
    assert smscode.is_success(200)
    assert smscode.is_success(0)
    assert not smscode.is_success(5058)
    assert not smscode.is_success(201)


def test_every_server_code_member_is_documented_by_the_library() -> None:
    for member in smscode.ServerCode:
        assert member.description != "Unknown code", member


def test_every_status_member_is_known_to_the_library() -> None:
    for member in smscode.Status:
        assert member.description != "Unknown status", member


def test_code_type_names() -> None:
    assert [(t.name, t.value) for t in smscode.CodeType] == [
        ("PASSWORD_RESET", 1),
        ("LOGIN", 2),
        ("REGISTRATION", 3),
        ("ACCOUNT_CANCELLATION", 4),
        ("ADD_PUSH_RECIPIENT", 5),
    ]


def test_version_matches_the_library() -> None:
    assert smscode.library_version() == smscode.__version__


# One-call send_code: errors found before any network traffic.


def _send(**changes: Any) -> int:
    args: dict[str, Any] = {
        "base_url": f"http://127.0.0.1:{closed_port()}",
        "user_domain": DEMO_DOMAIN,
        "secret": DEMO_SECRET,
        "international_code": "+86",
        "phone": "13800138000",
        "code_type": smscode.CodeType.LOGIN,
    }
    args.update(changes)
    return smscode.send_code(**args)


@pytest.mark.parametrize(
    "changes",
    [
        {"international_code": "86x"},
        {"international_code": "+1234567"},
        {"secret": ""},
        {"code_type": 0},
        {"code_type": 6},
        {"base_url": "ftp://127.0.0.1/"},
        {"base_url": "mars"},
    ],
)
def test_send_code_invalid_argument(changes: dict[str, Any]) -> None:
    with pytest.raises(smscode.SmsInvalidArgumentError) as caught:
        _send(**changes)
    assert caught.value.status == smscode.Status.INVALID_ARGUMENT
    assert caught.value.message.startswith("sms_send_code: ")


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"phone": ""}, 5021),
        ({"user_domain": ""}, 5023),
        ({"international_code": ""}, 5116),
        ({"phone": "138-0013"}, 5019),
        ({"phone": "1" * 21}, 5019),
    ],
)
def test_send_code_answers_bad_input_locally(changes: dict[str, Any], code: int) -> None:
    # Nothing listens on the port: a code (not a network error) proves nothing was sent.
    assert _send(**changes) == code


def test_send_code_insecure_url() -> None:
    # Refused before any lookup: the .invalid name never resolves anyway.
    with pytest.raises(smscode.SmsInsecureUrlError) as caught:
        _send(base_url="http://smscode-test.invalid/")
    assert caught.value.status == smscode.Status.INSECURE_URL
    assert "http://" in caught.value.message


def test_send_code_network_error() -> None:
    with pytest.raises(smscode.SmsNetworkError) as caught:
        _send()
    assert caught.value.status == smscode.Status.NETWORK
    assert caught.value.message


def test_send_code_embedded_nul() -> None:
    with pytest.raises(smscode.SmsInvalidArgumentError, match="`phone` contains a NUL"):
        _send(phone="1380013800\x000")


# Client options.


def _client(**options: Any) -> smscode.Client:
    return smscode.Client(f"http://127.0.0.1:{closed_port()}", DEMO_DOMAIN, DEMO_SECRET, **options)


@pytest.mark.parametrize(
    "options",
    [
        {"connect_timeout_ms": 0},
        {"timeout_ms": 0},
        {"proxy": "not a proxy url"},
        {"user_agent": "a\nb"},
        {"user_agent": "x" * 257},
        {"user_agent": ""},
        {"user_agent": "caf\u00e9/1"},
        {"language": "fran\u00e7ais"},
        {"language": "en\x01US"},
        {"language": "x" * 257},
        {"ssid": "s" * 257},
        {"stid": "bell\x07"},
        {"clock_offset_ms": 101 * 366 * 24 * 3600 * 1000},
    ],
)
def test_client_rejects_bad_options(options: dict[str, Any]) -> None:
    with pytest.raises(smscode.SmsInvalidArgumentError) as caught:
        _client(**options)
    assert caught.value.status == smscode.Status.INVALID_ARGUMENT
    assert caught.value.message.startswith("sms_client_set_")


def test_a_clock_offset_that_puts_ts_before_1970_is_refused_before_sending() -> None:
    hundred_years_ms = 100 * 365 * 24 * 3600 * 1000
    with _client(clock_offset_ms=-hundred_years_ms) as client:
        assert client.clock_offset_ms == -hundred_years_ms
        with pytest.raises(smscode.SmsInvalidArgumentError, match="before 1970"):
            client.send_code("+86", "13800138000", smscode.CodeType.LOGIN)
        client.set_clock_offset_ms(0)
        assert client.clock_offset_ms == 0


@pytest.mark.parametrize(
    "options",
    [
        {"timeout_ms": 2**32},
        {"timeout_ms": -1},
        {"resend_guard_ms": 2**32},
        {"clock_offset_ms": 2**63},
    ],
)
def test_client_refuses_integers_that_do_not_fit(options: dict[str, Any]) -> None:
    with pytest.raises(smscode.SmsInvalidArgumentError, match="out of range"):
        _client(**options)


def test_client_ca_file_errors(tmp_path: Path) -> None:
    with pytest.raises(smscode.SmsInvalidArgumentError) as caught:
        _client(ca_file=tmp_path / "missing.pem")
    assert caught.value.message.startswith("sms_client_add_ca_file: ")
    empty = tmp_path / "empty.pem"
    empty.write_text("no certificate here\n")
    with pytest.raises(smscode.SmsInvalidArgumentError):
        _client(ca_file=str(empty))


def test_client_new_errors() -> None:
    with pytest.raises(smscode.SmsInsecureUrlError):
        smscode.Client("http://smscode-test.invalid", DEMO_DOMAIN, DEMO_SECRET)
    with pytest.raises(smscode.SmsInvalidArgumentError) as caught:
        smscode.Client("gopher://127.0.0.1", DEMO_DOMAIN, DEMO_SECRET)
    assert caught.value.message.startswith("sms_client_new: ")


def test_a_rejected_setting_leaves_the_client_usable() -> None:
    with _client() as client:
        with pytest.raises(smscode.SmsInvalidArgumentError):
            client.set_timeouts(0, 0)
        # Still configured and answering: the local validation code proves it ran.
        assert client.send_code("+86", "", smscode.CodeType.LOGIN).code == 5021


def test_client_send_errors() -> None:
    with _client(timeout_ms=2000) as client:
        with pytest.raises(smscode.SmsNetworkError) as network:
            client.send_code("+86", "13800138000", smscode.CodeType.LOGIN)
        assert network.value.message.startswith("sms_client_send: ")
        with pytest.raises(smscode.SmsInvalidArgumentError):
            client.send_code("86x", "13800138000", smscode.CodeType.LOGIN)
        with pytest.raises(smscode.SmsInvalidArgumentError):
            client.send_code("+86", "13800138000", 9)
        with pytest.raises(smscode.SmsInvalidArgumentError, match="NUL"):
            client.send_code("+86\x00", "13800138000", 1)


@pytest.mark.parametrize(
    ("phone", "intl", "code", "status"),
    [
        ("", "+86", 5021, smscode.ServerCode.PHONE_REQUIRED),
        ("12ab", "+86", 5019, smscode.ServerCode.PHONE_FORMAT_INCORRECT),
        ("13800138000", "", 5116, smscode.ServerCode.INTERNATIONAL_CODE_REQUIRED),
    ],
)
def test_client_local_answers(phone: str, intl: str, code: int, status: smscode.ServerCode) -> None:
    with _client() as client:
        result = client.send_code(intl, phone, smscode.CodeType.REGISTRATION)
    assert result.code == code
    assert result.status is status
    assert result.http_status == 0
    assert result.answered_locally
    assert result.clock_skew_ms is None
    assert result.message is None
    assert not result.ok
    with pytest.raises(smscode.SmsServerError) as caught:
        result.raise_for_status()
    assert caught.value.code == code
    assert caught.value.status is status
    assert "answered locally" in caught.value.message


def test_empty_user_domain_is_answered_at_send() -> None:
    with smscode.Client(f"http://127.0.0.1:{closed_port()}", "", DEMO_SECRET) as client:
        assert client.send_code("+86", "13800138000", 1).code == 5023


def test_closed_client() -> None:
    client = _client()
    assert not client.closed
    client.close()
    client.close()  # a no-op
    assert client.closed
    assert "closed" in repr(client)
    with pytest.raises(smscode.SmsClientClosedError) as caught:
        client.send_code("+86", "13800138000", 1)
    assert caught.value.status == smscode.Status.NULL_ARGUMENT
    assert isinstance(caught.value, ValueError)
    with pytest.raises(smscode.SmsClientClosedError):
        client.set_language("en-US")


def test_client_cannot_be_copied_or_pickled() -> None:
    # A copy would share the native handle: dropping both would free it twice.
    with _client() as client:
        for attempt in (
            lambda: copy.copy(client),
            lambda: copy.deepcopy(client),
            lambda: copy.deepcopy([client]),
            lambda: pickle.dumps(client),
            lambda: pickle.dumps(client, protocol=0),
        ):
            with pytest.raises(TypeError, match="share the same Client instead"):
                attempt()
        # The original is untouched and still works.
        assert client.send_code("+86", "", smscode.CodeType.LOGIN).code == 5021
    assert client.closed


def test_context_manager_closes() -> None:
    with _client() as client:
        assert not client.closed
    assert client.closed


@pytest.mark.parametrize("code", [2**31, -(2**31) - 1, 2**32 + 200, 2**32, -(2**63)])
def test_codes_that_do_not_fit_int32_are_refused_not_wrapped(code: int) -> None:
    # ctypes would pass 2**32 + 200 as 200: "sent".
    with pytest.raises(smscode.SmsInvalidArgumentError, match="out of range for int32_t"):
        smscode.is_success(code)
    with pytest.raises(smscode.SmsInvalidArgumentError, match="out of range for int32_t"):
        smscode.describe(code)
    with pytest.raises(smscode.SmsInvalidArgumentError, match="out of range for int32_t"):
        smscode.SendResult(code=code)


@pytest.mark.parametrize("code", ["200", 200.0, None, True])
def test_codes_that_are_not_ints_are_a_type_error(code: Any) -> None:
    with pytest.raises(TypeError, match="code must be int"):
        smscode.is_success(code)
    with pytest.raises(TypeError, match="code must be int"):
        smscode.describe(code)
    with pytest.raises(TypeError, match="code must be int"):
        smscode.SendResult(code=code)


def test_codes_at_the_int32_edges_reach_the_library() -> None:
    for code, description in ((2**31 - 1, "Unknown code"), (-(2**31), "Unknown status")):
        assert not smscode.is_success(code)
        assert smscode.describe(code) == description
        result = smscode.SendResult(code=code)
        assert not result.ok
        assert result.description == description


def test_send_result_for_unknown_and_zero_codes() -> None:
    unknown = smscode.SendResult(code=7777, message="new", http_status=200)
    assert unknown.status is None
    assert not unknown.ok
    assert unknown.description == "Unknown code"
    with pytest.raises(smscode.SmsServerError) as caught:
        unknown.raise_for_status()
    assert caught.value.status == 7777
    assert caught.value.result.message == "new"
    zero = smscode.SendResult(code=0, http_status=200)
    assert zero.status is smscode.ServerCode.SENT_ZERO
    assert zero.ok
    assert zero.raise_for_status() is zero
