"""Named values of the C ABI: code types and local statuses (the server codes are in _codes)."""

from __future__ import annotations

import enum

from . import _native


class CodeType(enum.IntEnum):
    """What the verification code is for (the request's ``codeType``)."""

    PASSWORD_RESET = 1
    LOGIN = 2
    REGISTRATION = 3
    ACCOUNT_CANCELLATION = 4
    ADD_PUSH_RECIPIENT = 5


class Status(enum.IntEnum):
    """The library's local statuses (``SMS_OK`` and the negative ``SMS_ERR_*``)."""

    OK = _native.SMS_OK
    NULL_ARGUMENT = _native.SMS_ERR_NULL_ARGUMENT
    INVALID_UTF8 = _native.SMS_ERR_INVALID_UTF8
    INVALID_ARGUMENT = _native.SMS_ERR_INVALID_ARGUMENT
    BUFFER_TOO_SMALL = _native.SMS_ERR_BUFFER_TOO_SMALL
    NETWORK = _native.SMS_ERR_NETWORK
    TIMEOUT = _native.SMS_ERR_TIMEOUT
    TLS = _native.SMS_ERR_TLS
    HTTP_STATUS = _native.SMS_ERR_HTTP_STATUS
    BAD_RESPONSE = _native.SMS_ERR_BAD_RESPONSE
    INSECURE_URL = _native.SMS_ERR_INSECURE_URL
    UNSUPPORTED = _native.SMS_ERR_UNSUPPORTED
    INTERNAL = _native.SMS_ERR_INTERNAL

    @property
    def description(self) -> str:
        """The library's English description of this status."""
        return _native.code_description(self.value)
