"""The exception hierarchy: every failure raised by smscode is an ``SmsError``.

Local failures (nothing was answered by the server) carry the library's negative status
and its message from ``sms_last_error_message``. A server's business code is not an
exception until ``SendResult.raise_for_status()`` turns it into ``SmsServerError``.
No message ever contains the secret: the library's messages never do, and the checks
made here name the argument, never its value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import _native
from ._codes import ServerCode
from ._enums import Status

if TYPE_CHECKING:
    from ._result import SendResult


class SmsError(Exception):
    """Base of every smscode error.

    Attributes:
        status: the library's status (a ``Status`` member) for a local failure, or the
            server's code (a ``ServerCode`` member when documented) for ``SmsServerError``.
        message: the library's English message (never contains the secret).
    """

    status: int
    message: str

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = _as_status(status)
        self.message = message

    def __reduce__(self) -> tuple[type[SmsError], tuple[int, str]]:
        return type(self), (int(self.status), self.message)


class SmsInvalidArgumentError(SmsError, ValueError):
    """An argument is out of range or malformed (also a ``ValueError``).

    Covers ``SMS_ERR_INVALID_ARGUMENT`` and the statuses Python strings cannot normally
    produce (``NULL_ARGUMENT``, ``INVALID_UTF8``), which ``status`` then tells apart.
    """


class SmsClientClosedError(SmsInvalidArgumentError):
    """The ``Client`` was closed: its native handle is gone (status ``NULL_ARGUMENT``)."""

    def __init__(
        self, status: int = Status.NULL_ARGUMENT, message: str = "the client is closed"
    ) -> None:
        super().__init__(status, message)


class SmsNetworkError(SmsError):
    """DNS failure, connection refused or reset."""


class SmsTimeoutError(SmsError):
    """The connect or total timeout expired."""


class SmsTlsError(SmsError):
    """TLS handshake or certificate verification failed."""


class SmsHttpStatusError(SmsError):
    """A non-2xx HTTP status (or a redirect, which is never followed) without a JSON code."""


class SmsBadResponseError(SmsError):
    """The body is not JSON, has no integer ``code``, or is too large."""


class SmsInsecureUrlError(SmsError):
    """Plain ``http://`` to a host that is not loopback."""


class SmsUnsupportedError(SmsError):
    """The call needs the library's built-in transport, which the loaded build leaves out
    (a build for a platform's own HTTP stack)."""


class SmsInternalError(SmsError):
    """A panic was caught inside the library (a bug in smscode), or it returned a negative
    status this version does not know; the process lives on."""


class SmsServerError(SmsError):
    """The server answered with a code other than success (from ``raise_for_status()``).

    Attributes:
        code: the server's code (a ``ServerCode`` member when documented).
        result: the whole ``SendResult``, with the server's ``message`` and
            ``extended_message``.
    """

    code: int
    result: SendResult

    def __init__(self, result: SendResult) -> None:
        description = _native.code_description(result.code)
        message = f"server answered {result.code}: {description}"
        if result.message and result.message != description:
            message += f" ({result.message})"
        if result.http_status == 0:
            message += " [answered locally, nothing was sent]"
        super().__init__(result.code, message)
        self.code = self.status
        self.result = result

    def __reduce__(self) -> tuple[type[SmsServerError], tuple[SendResult]]:  # type: ignore[override]
        return type(self), (self.result,)


_ERROR_CLASSES: dict[int, type[SmsError]] = {
    Status.NULL_ARGUMENT: SmsInvalidArgumentError,
    Status.INVALID_UTF8: SmsInvalidArgumentError,
    Status.INVALID_ARGUMENT: SmsInvalidArgumentError,
    # Never expected (the buffer is always large enough); an invalid argument if it were.
    Status.BUFFER_TOO_SMALL: SmsInvalidArgumentError,
    Status.NETWORK: SmsNetworkError,
    Status.TIMEOUT: SmsTimeoutError,
    Status.TLS: SmsTlsError,
    Status.HTTP_STATUS: SmsHttpStatusError,
    Status.BAD_RESPONSE: SmsBadResponseError,
    Status.INSECURE_URL: SmsInsecureUrlError,
    Status.UNSUPPORTED: SmsUnsupportedError,
    Status.INTERNAL: SmsInternalError,
}


# The C types ints are passed as; ctypes would wrap a value that does not fit silently.
INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)
UINT32 = (0, 2**32 - 1)


def integer_argument(name: str, value: int, bounds: tuple[int, int], c_type: str) -> int:
    """``value`` if it is an int that fits its C type: ``TypeError`` for a non-int (a bool
    too), ``SmsInvalidArgumentError`` when out of range. Every int given to ctypes passes
    here first."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be int, not {type(value).__name__}")
    low, high = bounds
    if not low <= value <= high:
        raise SmsInvalidArgumentError(
            Status.INVALID_ARGUMENT, f"argument `{name}` is out of range for {c_type}"
        )
    return int(value)


def _as_status(value: int) -> int:
    """The ``Status`` or ``ServerCode`` member for ``value`` when there is one."""
    for enum_type in (Status, ServerCode):
        try:
            return enum_type(value)
        except ValueError:
            pass
    return value


def error_for_status(status: int, message: str) -> SmsError:
    """The exception for a negative library status (an unknown one is internal, as in
    the Kotlin binding: it is a bug in smscode, not the caller's input)."""
    return _ERROR_CLASSES.get(status, SmsInternalError)(status, message)


def raise_for_native_status(status: int) -> None:
    """Raises the matching ``SmsError`` when ``status`` is negative.

    Must be called on the thread that made the failing call, right after it: the
    library's last error message is per thread.
    """
    if status < 0:
        raise error_for_status(status, _native.last_error_message())
