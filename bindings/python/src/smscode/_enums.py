"""Named values of the C ABI: code types, the server's documented codes, local statuses."""

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


class ServerCode(enum.IntEnum):
    """The platform's documented answer codes (``code`` in its JSON).

    ``SENT`` (200) and ``SENT_ZERO`` (0, as in the platform's example) both mean the SMS
    was sent. Codes 5019, 5021, 5023, 5116 and the resend guard's 5058 can also be
    answered locally, without sending anything (then ``SendResult.http_status`` is 0).
    """

    SENT_ZERO = 0
    SENT = 200
    SERVICE_EXCEPTION = 5000
    PHONE_FORMAT_INCORRECT = 5019
    PHONE_REQUIRED = 5021
    USER_DOMAIN_REQUIRED = 5023
    FREQUENCY_LIMIT = 5058
    SENDING_EXCEPTION = 5059
    USER_DOMAIN_NOT_SET = 5092
    USER_DOMAIN_ABNORMAL = 5093
    USER_DOMAIN_DISABLED = 5104
    INTERNATIONAL_CODE_REQUIRED = 5116
    SIGNATURE_ID_REQUIRED = 5117
    TEMPLATE_ID_REQUIRED = 5118
    SIGNATURE_NOT_CONFIGURED = 5119
    TEMPLATE_NOT_CONFIGURED = 5120
    SIGNATURE_NO_PERMISSION = 5122
    SIGNATURE_DISABLED = 5123
    TEMPLATE_NO_PERMISSION = 5124
    TEMPLATE_DISABLED = 5125
    SIGNATURE_TEMPLATE_ACCOUNT_MISMATCH = 5126
    ENTERPRISE_ACCOUNT_DISABLED = 5128
    TIMESTAMP_INCORRECT = 5145
    ACCOUNT_LOCKED = 5147
    IP_BLOCKED = 5148
    ENTERPRISE_ACCOUNT_MISSING = 5188
    SIGNATURE_MISSING = 5202
    TEMPLATE_MISSING = 5209
    SIGNATURE_TEMPLATE_TYPE_MISMATCH = 5216
    SIGNATURE_VERIFICATION_FAILED = 5420
    SIGNATURE_VERIFICATION_ERROR = 5421

    @property
    def description(self) -> str:
        """The library's English description of this code."""
        return _native.code_description(self.value)


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
