"""``sign``, ``send_code`` and ``Client``: thin calls into the library.

This module only converts arguments (``str`` to NUL-terminated UTF-8, ints checked to fit
their C type so ctypes never wraps them) and results; every check that decides what is
valid, the signing and the sending happen in the library.
"""

from __future__ import annotations

import asyncio
import ctypes
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, NoReturn

from . import _native
from ._enums import CodeType, Status
from ._errors import (
    INT32,
    INT64,
    UINT32,
    SmsClientClosedError,
    SmsInvalidArgumentError,
    integer_argument,
    raise_for_native_status,
)
from ._result import SendResult

if TYPE_CHECKING:
    from ._native import ClientPtr

#: The core's default connect timeout (DNS, TCP, TLS) in milliseconds.
DEFAULT_CONNECT_TIMEOUT_MS = 10_000
#: The core's default total timeout of one send, body included, in milliseconds.
DEFAULT_TIMEOUT_MS = 20_000

StrPath = str | os.PathLike[str]

_NOT_COPYABLE = (
    "a smscode.Client cannot be copied or pickled (it owns a native handle): share the "
    "same Client instead (it is thread-safe), or create a new one in another process"
)


def _text(name: str, value: str) -> bytes:
    """``value`` as a C string; the error names the argument, never shows the value."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be str, not {type(value).__name__}")
    if "\0" in value:
        # ctypes would silently cut the string at the NUL.
        raise SmsInvalidArgumentError(
            Status.INVALID_ARGUMENT, f"argument `{name}` contains a NUL character"
        )
    try:
        encoded: bytes | None = value.encode("utf-8")
    except UnicodeEncodeError:
        # Raised outside this block: the UnicodeEncodeError holds the whole value.
        encoded = None
    if encoded is None:
        raise SmsInvalidArgumentError(
            Status.INVALID_UTF8, f"argument `{name}` cannot be encoded as UTF-8"
        )
    return encoded


def _optional_text(name: str, value: str | None) -> bytes:
    """``None`` means "none" to the library's setters, which take ``""`` for that."""
    return b"" if value is None else _text(name, value)


def _code_type(code_type: CodeType | int) -> int:
    return integer_argument("code_type", code_type, INT32, "int32_t")


def sign(phone: str, code_type: CodeType | int, random: str, ts: int, secret: str) -> str:
    """Computes the request signature.

    Lowercase hex SHA-256 of ``phone + code_type + random + ts + secret`` (numbers in
    decimal), computed by the library.

    Args:
        phone: the phone number.
        code_type: a ``CodeType`` or its integer value (1..5).
        random: exactly 16 printable ASCII characters.
        ts: the millisecond timestamp (>= 0).
        secret: the user domain's secret.

    Returns:
        64 lowercase hex characters.

    Raises:
        SmsInvalidArgumentError: an argument is out of range or malformed.
    """
    out = ctypes.create_string_buffer(_native.SMS_SIGNATURE_BUFFER_LEN)
    status = _native.sign(
        _text("phone", phone),
        _code_type(code_type),
        _text("random", random),
        integer_argument("ts", ts, INT64, "int64_t"),
        _text("secret", secret),
        out,
    )
    raise_for_native_status(status)
    return out.value.decode("ascii")


def send_code(
    base_url: str,
    user_domain: str,
    secret: str,
    international_code: str,
    phone: str,
    code_type: CodeType | int,
) -> int:
    """Sends the verification code in one call (the design's one-call form).

    Uses the library's shared default client for ``base_url`` (10 s connect, 20 s total
    timeouts), so repeated calls reuse connections. Blocks until the answer; never
    retries (a send is not idempotent).

    Args:
        base_url: a region (``"cn"``, ``"eu"``, ``"na"``) or an ``https://`` URL,
            optionally with a gateway path prefix (plain ``http://`` only for loopback).
        user_domain: the user domain.
        secret: the user domain's secret (only the signature is sent).
        international_code: e.g. ``"+86"``.
        phone: the phone number, 1-20 digits.
        code_type: a ``CodeType`` or its integer value (1..5).

    Returns:
        The server's code: 200 (or 0) when sent; any other code passes through. Empty
        phone 5021, empty user domain 5023, empty international code 5116 and a phone
        that is not 1-20 digits 5019 are answered locally without sending.

    Raises:
        SmsError: a local failure (a subclass per kind: invalid argument, network,
            timeout, TLS, HTTP status, bad response, insecure URL, internal).
    """
    code = _native.send_code(
        _text("base_url", base_url),
        _text("user_domain", user_domain),
        _text("secret", secret),
        _text("international_code", international_code),
        _text("phone", phone),
        _code_type(code_type),
    )
    raise_for_native_status(code)
    return code


async def send_code_async(
    base_url: str,
    user_domain: str,
    secret: str,
    international_code: str,
    phone: str,
    code_type: CodeType | int,
) -> int:
    """``send_code`` on a worker thread (``asyncio.to_thread``), for event loops.

    Cancelling the task does not stop a send already under way (see ``Client``'s).
    """
    return await asyncio.to_thread(
        send_code, base_url, user_domain, secret, international_code, phone, code_type
    )


class Client:
    """A configured client over one native ``SmsClient`` handle.

    Thread-safe: one client may be shared by many threads (and tasks) for concurrent
    sends; connections are pooled. Setters may be called at any time; a send already
    under way keeps the settings it started with. Changing a setting starts a new
    connection pool and forgets the resend guard's history.

    Use it as a context manager, or call ``close()``, to free the native handle
    promptly (it is also freed when the object is garbage collected). The secret is
    copied into the library and not kept in Python, so ``repr()`` cannot show it.

    Args:
        base_url: a region (``"cn"``, ``"eu"``, ``"na"``) or an ``https://`` URL,
            optionally with a gateway path prefix (plain ``http://`` only for loopback).
        user_domain: the user domain.
        secret: the user domain's secret.
        connect_timeout_ms: connect timeout (DNS, TCP, TLS), > 0.
        timeout_ms: total timeout of one send, body included, > 0.
        proxy: an HTTP(S) proxy URL such as ``"http://proxy.example:3128"``; environment
            variables such as ``HTTPS_PROXY`` are never read.
        ca_file: a PEM file (or several) trusted on top of the bundled Mozilla roots.
        user_agent: the ``User-Agent`` header (default ``smscode/<version>``).
        language: sent as ``X-Q-Language`` (e.g. ``"en-US"``); ``None`` sends none.
        ssid: enterprise SMS signature ID; ``None`` leaves it out.
        stid: enterprise SMS template ID; ``None`` leaves it out.
        clock_offset_ms: added to the system clock for the request's ``ts``.
        resend_guard_ms: a second send to the same number and code type within this many
            milliseconds answers 5058 locally; 0 turns the guard off.

    Raises:
        SmsInvalidArgumentError: a malformed URL or option.
        SmsInsecureUrlError: plain ``http://`` to a host that is not loopback.
    """

    def __init__(
        self,
        base_url: str,
        user_domain: str,
        secret: str,
        *,
        connect_timeout_ms: int = DEFAULT_CONNECT_TIMEOUT_MS,
        timeout_ms: int = DEFAULT_TIMEOUT_MS,
        proxy: str | None = None,
        ca_file: StrPath | list[StrPath] | tuple[StrPath, ...] | None = None,
        user_agent: str | None = None,
        language: str | None = None,
        ssid: str | None = None,
        stid: str | None = None,
        clock_offset_ms: int = 0,
        resend_guard_ms: int = 0,
    ) -> None:
        # Set first, so __del__ and __repr__ work even if construction fails.
        self._lock = threading.Lock()
        self._handle: ClientPtr | None = None
        self._orphan: ClientPtr | None = None
        self._in_use = 0
        self._base_url = base_url
        self._user_domain = user_domain

        status, handle = _native.client_new(
            _text("base_url", base_url),
            _text("user_domain", user_domain),
            _text("secret", secret),
        )
        raise_for_native_status(status)
        self._handle = handle
        try:
            # Each setter rebuilds the native client: skip the ones left at their defaults.
            if (connect_timeout_ms, timeout_ms) != (DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_TIMEOUT_MS):
                self.set_timeouts(connect_timeout_ms, timeout_ms)
            if proxy is not None:
                self.set_proxy(proxy)
            if ca_file is not None:
                for path in ca_file if isinstance(ca_file, (list, tuple)) else [ca_file]:
                    self.add_ca_file(path)
            if user_agent is not None:
                self.set_user_agent(user_agent)
            if language is not None:
                self.set_language(language)
            if ssid is not None or stid is not None:
                self.set_enterprise(ssid, stid)
            if clock_offset_ms != 0:
                self.set_clock_offset_ms(clock_offset_ms)
            if resend_guard_ms != 0:
                self.set_resend_guard_ms(resend_guard_ms)
        except BaseException:
            self.close()
            raise

    # The handle is borrowed for each native call and freed only when no call uses it,
    # so close() on one thread never frees it under a send on another.
    @contextmanager
    def _borrow(self) -> Iterator[ClientPtr]:
        with self._lock:
            handle = self._handle
            if handle is None:
                raise SmsClientClosedError()
            self._in_use += 1
        try:
            yield handle
        finally:
            with self._lock:
                self._in_use -= 1
                if self._in_use == 0 and self._orphan is not None:
                    _native.client_free(self._orphan)
                    self._orphan = None

    def close(self) -> None:
        """Releases the native handle; later calls raise ``SmsClientClosedError``.

        Returns at once, never waiting: a send still running on another thread finishes
        normally, and the last one to return frees the handle. Calling it again is a no-op.
        """
        with self._lock:
            handle, self._handle = self._handle, None
            if handle is None:
                return
            if self._in_use == 0:
                _native.client_free(handle)
            else:
                self._orphan = handle

    @property
    def closed(self) -> bool:
        """True once ``close()`` was called."""
        return self._handle is None

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __del__(self) -> None:
        # A borrow holds a reference to self, so nothing can be using the handle here.
        if getattr(self, "_handle", None) is not None:
            self.close()

    # A copy would own the same native handle: freeing it twice aborts the process, and
    # a send through one after the other is closed reads freed memory.
    def __copy__(self) -> NoReturn:
        raise TypeError(_NOT_COPYABLE)

    def __deepcopy__(self, memo: object) -> NoReturn:
        raise TypeError(_NOT_COPYABLE)

    def __reduce__(self) -> NoReturn:
        raise TypeError(_NOT_COPYABLE)

    def __reduce_ex__(self, protocol: object) -> NoReturn:
        raise TypeError(_NOT_COPYABLE)

    def __repr__(self) -> str:
        state = " closed" if self.closed else ""
        return (
            f"<smscode.Client base_url={self._base_url!r} user_domain={self._user_domain!r}{state}>"
        )

    @property
    def base_url(self) -> str:
        """The region or URL the client sends to."""
        return self._base_url

    @property
    def user_domain(self) -> str:
        """The user domain."""
        return self._user_domain

    @property
    def clock_offset_ms(self) -> int:
        """The clock offset last set (0 by default), as the library holds it."""
        with self._borrow() as handle:
            status, offset_ms = _native.client_clock_offset_ms(handle)
        raise_for_native_status(status)
        return offset_ms

    # Setters: each applies at once, or raises and leaves the client as it was.

    def set_timeouts(self, connect_timeout_ms: int, timeout_ms: int) -> None:
        """Sets the connect timeout and the total timeout of one send (ms, both > 0)."""
        connect = integer_argument("connect_timeout_ms", connect_timeout_ms, UINT32, "uint32_t")
        total = integer_argument("timeout_ms", timeout_ms, UINT32, "uint32_t")
        with self._borrow() as handle:
            raise_for_native_status(_native.client_set_timeouts(handle, connect, total))

    def set_proxy(self, proxy: str | None) -> None:
        """Sets an HTTP(S) proxy URL; ``None`` removes it."""
        value = _optional_text("proxy", proxy)
        with self._borrow() as handle:
            raise_for_native_status(_native.client_set_proxy(handle, value))

    def add_ca_file(self, path: StrPath) -> None:
        """Trusts the certificates in a PEM file too (read now; may be called again)."""
        value = _text("ca_file", os.fspath(path))
        with self._borrow() as handle:
            raise_for_native_status(_native.client_add_ca_file(handle, value))

    def set_user_agent(self, user_agent: str) -> None:
        """Sets the ``User-Agent`` header (non-empty printable ASCII, at most 256 bytes)."""
        value = _text("user_agent", user_agent)
        with self._borrow() as handle:
            raise_for_native_status(_native.client_set_user_agent(handle, value))

    def set_language(self, language: str | None) -> None:
        """Sends ``X-Q-Language: <language>``; ``None`` sends none."""
        value = _optional_text("language", language)
        with self._borrow() as handle:
            raise_for_native_status(_native.client_set_language(handle, value))

    def set_enterprise(self, ssid: str | None, stid: str | None) -> None:
        """Sets the enterprise SMS signature ID and template ID; ``None`` leaves one out."""
        ssid_value = _optional_text("ssid", ssid)
        stid_value = _optional_text("stid", stid)
        with self._borrow() as handle:
            raise_for_native_status(_native.client_set_enterprise(handle, ssid_value, stid_value))

    def set_clock_offset_ms(self, offset_ms: int) -> None:
        """Adds ``offset_ms`` to the system clock for the request's ``ts``.

        The server refuses a ``ts`` more than 10 minutes off its clock; on a device with
        a wrong clock, set ``client.clock_offset_ms + result.clock_skew_ms``.
        """
        value = integer_argument("offset_ms", offset_ms, INT64, "int64_t")
        with self._borrow() as handle:
            raise_for_native_status(_native.client_set_clock_offset_ms(handle, value))

    def set_resend_guard_ms(self, interval_ms: int) -> None:
        """Answers 5058 locally for a repeat send within ``interval_ms``; 0 turns it off."""
        value = integer_argument("interval_ms", interval_ms, UINT32, "uint32_t")
        with self._borrow() as handle:
            raise_for_native_status(_native.client_set_resend_guard_ms(handle, value))

    def send_code(
        self, international_code: str, phone: str, code_type: CodeType | int
    ) -> SendResult:
        """Sends the verification code with this client's settings.

        Blocks until the answer; never retries. A server code other than success is
        returned, not raised: check ``result.ok`` or call ``result.raise_for_status()``.

        Args:
            international_code: e.g. ``"+86"``.
            phone: the phone number, 1-20 digits.
            code_type: a ``CodeType`` or its integer value (1..5).

        Raises:
            SmsError: a local failure (a subclass per kind).
        """
        intl = _text("international_code", international_code)
        number = _text("phone", phone)
        kind = _code_type(code_type)
        with self._borrow() as handle:
            code, response = _native.client_send(handle, intl, number, kind)
            raise_for_native_status(code)
        if not response:
            # The library writes a response with every code; guard against a NULL anyway.
            return SendResult(code=code)
        try:
            skew = _native.response_clock_skew_ms(response)
            message = _native.response_msg(response)
            extended_message = _native.response_ext_msg(response)
            return SendResult(
                code=_native.response_code(response),
                message=None if message is None else message.decode("utf-8", errors="replace"),
                extended_message=None
                if extended_message is None
                else extended_message.decode("utf-8", errors="replace"),
                http_status=_native.response_http_status(response),
                clock_skew_ms=None if skew == _native.SMS_CLOCK_SKEW_UNKNOWN else skew,
            )
        finally:
            _native.response_free(response)

    async def send_code_async(
        self, international_code: str, phone: str, code_type: CodeType | int
    ) -> SendResult:
        """``send_code`` on a worker thread (``asyncio.to_thread``), for event loops.

        Cancelling the task (or ``asyncio.wait_for`` timing out) does not stop a send
        already under way on its thread: the code may still be delivered. To bound a
        send, lower ``timeout_ms`` instead.
        """
        return await asyncio.to_thread(self.send_code, international_code, phone, code_type)
