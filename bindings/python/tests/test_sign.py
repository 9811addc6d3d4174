"""smscode.sign against the shared signature vectors, and its local errors."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

import smscode

VECTORS: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "data" / "signature.json").read_text()
)["cases"]
SPEC_EXAMPLE = VECTORS[0]


def test_there_are_eight_vectors() -> None:
    assert len(VECTORS) == 8


@pytest.mark.parametrize("case", VECTORS, ids=[case["name"] for case in VECTORS])
def test_vector(case: dict[str, Any]) -> None:
    signature = smscode.sign(
        case["phone"], case["codeType"], case["random"], case["ts"], case["userDomainSecret"]
    )
    assert signature == case["signature"]


@pytest.mark.parametrize("case", VECTORS, ids=[case["name"] for case in VECTORS])
def test_vector_with_code_type_enum(case: dict[str, Any]) -> None:
    code_type = smscode.CodeType(case["codeType"])
    signature = smscode.sign(
        case["phone"], code_type, case["random"], case["ts"], case["userDomainSecret"]
    )
    assert signature == case["signature"]


def test_the_spec_erratum_digest_is_not_produced() -> None:
    case = SPEC_EXAMPLE
    signature = smscode.sign(
        case["phone"], case["codeType"], case["random"], case["ts"], case["userDomainSecret"]
    )
    assert signature == "adf0cd13e4a086f78577ca284df28a5382a7af36e011e1aec6375a0a615fb891"
    assert signature != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def _sign(**changes: Any) -> str:
    args: dict[str, Any] = {
        "phone": SPEC_EXAMPLE["phone"],
        "code_type": SPEC_EXAMPLE["codeType"],
        "random": SPEC_EXAMPLE["random"],
        "ts": SPEC_EXAMPLE["ts"],
        "secret": SPEC_EXAMPLE["userDomainSecret"],
    }
    args.update(changes)
    return smscode.sign(**args)


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"code_type": 0}, "code type"),
        ({"code_type": 6}, "code type"),
        ({"random": "short"}, "random"),
        ({"random": "0123456789abcde\u00e9"}, "random"),
        ({"random": "0123456789 abcde"}, "random"),
        ({"ts": -1}, "ts"),
    ],
)
def test_library_rejects_bad_input(changes: dict[str, Any], words: str) -> None:
    with pytest.raises(smscode.SmsInvalidArgumentError) as caught:
        _sign(**changes)
    error = caught.value
    assert isinstance(error, ValueError)
    assert isinstance(error, smscode.SmsError)
    assert error.status == smscode.Status.INVALID_ARGUMENT
    assert error.status is smscode.Status.INVALID_ARGUMENT
    # The message is the library's, from sms_last_error_message.
    assert error.message.startswith("sms_sign: ")
    assert words in error.message
    assert str(error) == error.message


@pytest.mark.parametrize("name", ["phone", "random", "secret"])
def test_embedded_nul_is_refused_before_the_call(name: str) -> None:
    # ctypes would cut the string at the NUL and sign something else.
    value = {"phone": "138\x000", "random": "76a6L647\x00F02CAoN", "secret": "ab\x00cd"}[name]
    with pytest.raises(smscode.SmsInvalidArgumentError) as caught:
        _sign(**{name: value})
    assert caught.value.status == smscode.Status.INVALID_ARGUMENT
    assert f"`{name}`" in caught.value.message
    assert "NUL" in caught.value.message


def test_unencodable_string_is_an_invalid_utf8_error() -> None:
    with pytest.raises(smscode.SmsInvalidArgumentError) as caught:
        _sign(secret="lone \ud800 surrogate")
    assert caught.value.status == smscode.Status.INVALID_UTF8
    assert "surrogate" not in caught.value.message
    # Nothing leaks through the exception chain either.
    assert caught.value.__context__ is None


@pytest.mark.parametrize(
    "changes",
    [{"code_type": 2**32 + 3}, {"code_type": -(2**31) - 1}, {"ts": 2**63}],
)
def test_integers_that_do_not_fit_their_c_type_are_refused(changes: dict[str, Any]) -> None:
    # ctypes would wrap 2**32 + 3 to 3 and sign a valid request.
    with pytest.raises(smscode.SmsInvalidArgumentError, match="out of range"):
        _sign(**changes)


@pytest.mark.parametrize(
    "changes", [{"phone": 13800138000}, {"secret": b"bytes"}, {"ts": 1.5}, {"code_type": "3"}]
)
def test_wrong_python_types_are_type_errors(changes: dict[str, Any]) -> None:
    with pytest.raises(TypeError):
        _sign(**changes)


def test_non_ascii_text_is_hashed_as_utf8() -> None:
    # Checked against an independent computation: the library hashes UTF-8 bytes.
    secret = "s\u00e9cret-\u4e2d\u6587"
    expected = hashlib.sha256(
        ("13800138000" + "2" + "0123456789abcdef" + "1700000000000" + secret).encode("utf-8")
    ).hexdigest()
    assert smscode.sign("13800138000", 2, "0123456789abcdef", 1700000000000, secret) == expected
