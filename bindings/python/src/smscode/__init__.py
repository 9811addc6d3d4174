"""smscode: sign and send the IoT platform's SMS verification-code request.

A ctypes binding of the smscode library (Rust, C ABI): signing, validation and sending
all happen in the library.

    >>> import smscode
    >>> with smscode.Client("eu", "my-domain", secret) as client:
    ...     result = client.send_code("+49", "15112345678", smscode.CodeType.LOGIN)
    ...     result.raise_for_status()

See the README for the full tour.
"""

from __future__ import annotations

from . import _native
from ._client import (
    DEFAULT_CONNECT_TIMEOUT_MS,
    DEFAULT_TIMEOUT_MS,
    Client,
    send_code,
    send_code_async,
    sign,
)
from ._codes import ServerCode
from ._enums import CodeType, Status
from ._errors import (
    INT32,
    SmsBadResponseError,
    SmsClientClosedError,
    SmsError,
    SmsHttpStatusError,
    SmsInsecureUrlError,
    SmsInternalError,
    SmsInvalidArgumentError,
    SmsNetworkError,
    SmsServerError,
    SmsTimeoutError,
    SmsTlsError,
    SmsUnsupportedError,
    integer_argument,
)
from ._native import SmsLibraryError
from ._result import SendResult

# The version of the library this package ships (kept equal to the Rust crate's and to
# _native.BINDING_VERSION, which import checks the loaded library against).
__version__ = "0.1.0"


def describe(code: int) -> str:
    """The library's English description of a server code or a local status.

    Raises:
        TypeError: ``code`` is not an int.
        SmsInvalidArgumentError: ``code`` does not fit a C ``int32_t``.
    """
    return _native.code_description(integer_argument("code", code, INT32, "int32_t"))


def is_success(code: int) -> bool:
    """True when ``code`` means the SMS was sent (200, or 0), as the library decides.

    Raises:
        TypeError: ``code`` is not an int.
        SmsInvalidArgumentError: ``code`` does not fit a C ``int32_t``.
    """
    return _native.is_success(integer_argument("code", code, INT32, "int32_t"))


def library_version() -> str:
    """The version of the loaded libsmscode, e.g. ``"0.1.0"``."""
    return _native.version()


__all__ = [
    "DEFAULT_CONNECT_TIMEOUT_MS",
    "DEFAULT_TIMEOUT_MS",
    "Client",
    "CodeType",
    "SendResult",
    "ServerCode",
    "SmsBadResponseError",
    "SmsClientClosedError",
    "SmsError",
    "SmsHttpStatusError",
    "SmsInsecureUrlError",
    "SmsInternalError",
    "SmsInvalidArgumentError",
    "SmsLibraryError",
    "SmsNetworkError",
    "SmsServerError",
    "SmsTimeoutError",
    "SmsTlsError",
    "SmsUnsupportedError",
    "Status",
    "__version__",
    "describe",
    "is_success",
    "library_version",
    "send_code",
    "send_code_async",
    "sign",
]
