"""Loads libsmscode and declares the C ABI (include/smscode.h) for ctypes.

Every symbol gets its ``argtypes`` and ``restype``. The typed functions below are the
only code that touches ctypes; they translate nothing and decide nothing. The library
is loaded by full path: ``$SMSCODE_LIBRARY`` when set, otherwise the copy installed
next to this file. Import fails with ``SmsLibraryError`` (an ``ImportError``) when the
library does not load, its ``sms_version()`` is not compatible with ``BINDING_VERSION``,
or it lacks a declared function.

ctypes releases the GIL around each call, so sends on several threads run in parallel.
"""

from __future__ import annotations

import ctypes
import os
import sys
from ctypes import (
    POINTER,
    byref,
    c_char,
    c_char_p,
    c_int32,
    c_int64,
    c_size_t,
    c_ubyte,
    c_uint32,
)
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    ClientPtr = ctypes._Pointer["SmsClient"]
    ResponsePtr = ctypes._Pointer["SmsResponse"]
    RequestPtr = ctypes._Pointer["SmsRequest"]
    CharBuffer = ctypes.Array[c_char]

#: Environment variable naming the library to load instead of the bundled one.
LIBRARY_ENV = "SMSCODE_LIBRARY"

# Status constants of include/smscode.h.
SMS_OK = 0
SMS_ERR_NULL_ARGUMENT = -1
SMS_ERR_INVALID_UTF8 = -2
SMS_ERR_INVALID_ARGUMENT = -3
SMS_ERR_BUFFER_TOO_SMALL = -4
SMS_ERR_NETWORK = -5
SMS_ERR_TIMEOUT = -6
SMS_ERR_TLS = -7
SMS_ERR_HTTP_STATUS = -8
SMS_ERR_BAD_RESPONSE = -9
SMS_ERR_INSECURE_URL = -10
SMS_ERR_UNSUPPORTED = -11
SMS_ERR_INTERNAL = -99
SMS_SIGNATURE_BUFFER_LEN = 65
SMS_CLOCK_SKEW_UNKNOWN = -(2**63)


class SmsClient(ctypes.Structure):
    """Opaque ``SmsClient`` (only ever used through a pointer)."""


class SmsResponse(ctypes.Structure):
    """Opaque ``SmsResponse`` (only ever used through a pointer)."""


class SmsRequest(ctypes.Structure):
    """Opaque ``SmsRequest`` (only ever used through a pointer)."""


class SmsLibraryError(ImportError):
    """The library cannot be used: it does not load, is not a compatible version, or
    lacks a function this package calls. Raised by ``import smscode``."""


def library_file_name() -> str:
    """The file name of the shared library on this platform."""
    if sys.platform == "darwin":
        return "libsmscode.dylib"
    if sys.platform == "win32":
        return "smscode.dll"
    return "libsmscode.so"


def _library_path() -> Path:
    override = os.environ.get(LIBRARY_ENV)
    if override:
        # A full path, so the dynamic loader never searches its own directories.
        path = Path(override).resolve()
        if not path.is_file():
            raise SmsLibraryError(f"{LIBRARY_ENV} names {path}, which is not a file")
        return path
    path = Path(__file__).resolve().parent / library_file_name()
    if not path.is_file():
        raise SmsLibraryError(
            f"the smscode library is missing at {path}: install the package with "
            f"`pip install ./bindings/python`, or set {LIBRARY_ENV} to libsmscode's full path"
        )
    return path


#: The library version this package is written for (equal to ``smscode.__version__``).
BINDING_VERSION = "0.1.0"


def _parse_version(text: str) -> tuple[int, int, int] | None:
    """``(major, minor, patch)`` of ``"X.Y.Z"`` (a ``-pre`` or ``+build`` suffix ignored)."""
    parts = text.split("-", 1)[0].split("+", 1)[0].split(".")
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        return None
    return int(parts[0]), int(parts[1]), int(parts[2])


def is_compatible(library: str, binding: str = BINDING_VERSION) -> bool:
    """True when a library of version ``library`` has everything a binding of version
    ``binding`` calls: the same series (same major, and same minor while major is 0, as
    Cargo reads versions) and not older."""
    have, need = _parse_version(library), _parse_version(binding)
    if have is None or need is None:
        return False
    same_series = have[0] == need[0] and (need[0] > 0 or have[1] == need[1])
    return same_series and have >= need


#: The full path of the loaded library.
LIBRARY_PATH: Path = _library_path()
try:
    _lib = ctypes.CDLL(str(LIBRARY_PATH))
except OSError as error:
    raise SmsLibraryError(f"cannot load the smscode library {LIBRARY_PATH}: {error}") from None


def _library_version() -> str:
    """The library's ``sms_version()``, checked against ``BINDING_VERSION``."""
    function = getattr(_lib, "sms_version", None)
    if function is None:
        raise SmsLibraryError(
            f"{LIBRARY_PATH} has no sms_version(): not libsmscode, or one far older than "
            f"{BINDING_VERSION}, the version this smscode package needs"
        )
    function.restype = c_char_p
    function.argtypes = []
    raw = function()
    found = "(none)" if raw is None else raw.decode("utf-8", errors="replace")
    if not is_compatible(found):
        raise SmsLibraryError(
            f"{LIBRARY_PATH} is libsmscode {found}, but this smscode package needs "
            f"{BINDING_VERSION} or a later {BINDING_VERSION.rsplit('.', 1)[0]}.x: install the "
            f"matching library (pip install ./bindings/python) or point {LIBRARY_ENV} at one"
        )
    return found


#: The version of the loaded library, checked at import.
LOADED_VERSION = _library_version()

#: The names of the declared exports (the tests compare them with include/smscode.h).
DECLARED: set[str] = set()


def _declare(name: str, restype: object, argtypes: list[object]) -> None:
    function = getattr(_lib, name, None)
    if function is None:
        raise SmsLibraryError(
            f"{LIBRARY_PATH} (libsmscode {LOADED_VERSION}) lacks {name}(), which this "
            f"smscode package ({BINDING_VERSION}) calls: install the matching library"
        )
    function.restype = restype
    function.argtypes = argtypes
    DECLARED.add(name)


_CLIENT_PTR = POINTER(SmsClient)
_RESPONSE_PTR = POINTER(SmsResponse)
_REQUEST_PTR = POINTER(SmsRequest)
_CHAR_PTR = POINTER(c_char)

_declare(
    "sms_sign",
    c_int32,
    [c_char_p, c_int32, c_char_p, c_int64, c_char_p, _CHAR_PTR, c_size_t],
)
_declare(
    "sms_send_code",
    c_int32,
    [c_char_p, c_char_p, c_char_p, c_char_p, c_char_p, c_int32],
)
_declare("sms_client_new", c_int32, [c_char_p, c_char_p, c_char_p, POINTER(_CLIENT_PTR)])
_declare("sms_client_free", None, [_CLIENT_PTR])
_declare("sms_client_set_timeouts", c_int32, [_CLIENT_PTR, c_uint32, c_uint32])
_declare("sms_client_set_proxy", c_int32, [_CLIENT_PTR, c_char_p])
_declare("sms_client_add_ca_file", c_int32, [_CLIENT_PTR, c_char_p])
_declare("sms_client_set_user_agent", c_int32, [_CLIENT_PTR, c_char_p])
_declare("sms_client_set_language", c_int32, [_CLIENT_PTR, c_char_p])
_declare("sms_client_set_enterprise", c_int32, [_CLIENT_PTR, c_char_p, c_char_p])
_declare("sms_client_set_clock_offset_ms", c_int32, [_CLIENT_PTR, c_int64])
_declare("sms_client_clock_offset_ms", c_int32, [_CLIENT_PTR, POINTER(c_int64)])
_declare("sms_client_set_resend_guard_ms", c_int32, [_CLIENT_PTR, c_uint32])
_declare(
    "sms_client_send",
    c_int32,
    [_CLIENT_PTR, c_char_p, c_char_p, c_int32, POINTER(_RESPONSE_PTR)],
)
_declare("sms_response_free", None, [_RESPONSE_PTR])
_declare("sms_response_code", c_int32, [_RESPONSE_PTR])
_declare("sms_response_http_status", c_int32, [_RESPONSE_PTR])
_declare("sms_response_clock_skew_ms", c_int64, [_RESPONSE_PTR])
# c_char_p results are copied into Python bytes (None for NULL) before the call returns.
_declare("sms_response_msg", c_char_p, [_RESPONSE_PTR])
_declare("sms_response_ext_msg", c_char_p, [_RESPONSE_PTR])
_declare("sms_last_error_message", c_size_t, [_CHAR_PTR, c_size_t])
_declare("sms_code_description", c_char_p, [c_int32])
_declare("sms_is_success", c_int32, [c_int32])
_declare("sms_version", c_char_p, [])
# The two-step send for a caller's own HTTP stack.
_declare(
    "sms_client_prepare",
    c_int32,
    [_CLIENT_PTR, c_char_p, c_char_p, c_int32, POINTER(_REQUEST_PTR)],
)
_declare(
    "sms_client_prepare_with",
    c_int32,
    [_CLIENT_PTR, c_char_p, c_char_p, c_int32, c_char_p, c_int64, POINTER(_REQUEST_PTR)],
)
_declare("sms_request_free", None, [_REQUEST_PTR])
_declare("sms_request_method", c_char_p, [_REQUEST_PTR])
_declare("sms_request_url", c_char_p, [_REQUEST_PTR])
_declare("sms_request_header_count", c_size_t, [_REQUEST_PTR])
_declare("sms_request_header_name", c_char_p, [_REQUEST_PTR, c_size_t])
_declare("sms_request_header_value", c_char_p, [_REQUEST_PTR, c_size_t])
# The body is raw bytes (not NUL-terminated): a plain pointer, read with string_at.
_declare("sms_request_body", POINTER(c_ubyte), [_REQUEST_PTR])
_declare("sms_request_body_len", c_size_t, [_REQUEST_PTR])
_declare(
    "sms_client_read_response",
    c_int32,
    [_CLIENT_PTR, c_int32, c_char_p, POINTER(c_ubyte), c_size_t, POINTER(_RESPONSE_PTR)],
)
# Exported only by test builds (cargo feature `test-panic`).
HAS_TEST_PANIC = hasattr(_lib, "sms_test_arm_panic")
if HAS_TEST_PANIC:
    _declare("sms_test_arm_panic", None, [])


# Typed calls, one per export.


def last_error_message() -> str:
    """The calling thread's last error message from the library."""
    length = int(_lib.sms_last_error_message(None, 0))
    buffer = ctypes.create_string_buffer(length + 1)
    _lib.sms_last_error_message(buffer, len(buffer))
    return buffer.value.decode("utf-8", errors="replace")


def sign(
    phone: bytes, code_type: int, random: bytes, ts: int, secret: bytes, out: CharBuffer
) -> int:
    return int(_lib.sms_sign(phone, code_type, random, ts, secret, out, len(out)))


def send_code(
    base_url: bytes,
    user_domain: bytes,
    secret: bytes,
    international_code: bytes,
    phone: bytes,
    code_type: int,
) -> int:
    return int(
        _lib.sms_send_code(base_url, user_domain, secret, international_code, phone, code_type)
    )


def client_new(base_url: bytes, user_domain: bytes, secret: bytes) -> tuple[int, ClientPtr]:
    client = _CLIENT_PTR()
    status = int(_lib.sms_client_new(base_url, user_domain, secret, byref(client)))
    return status, client


def client_free(client: ClientPtr) -> None:
    _lib.sms_client_free(client)


def client_set_timeouts(client: ClientPtr, connect_ms: int, total_ms: int) -> int:
    return int(_lib.sms_client_set_timeouts(client, connect_ms, total_ms))


def client_set_proxy(client: ClientPtr, proxy_url: bytes) -> int:
    return int(_lib.sms_client_set_proxy(client, proxy_url))


def client_add_ca_file(client: ClientPtr, pem_path: bytes) -> int:
    return int(_lib.sms_client_add_ca_file(client, pem_path))


def client_set_user_agent(client: ClientPtr, user_agent: bytes) -> int:
    return int(_lib.sms_client_set_user_agent(client, user_agent))


def client_set_language(client: ClientPtr, language: bytes) -> int:
    return int(_lib.sms_client_set_language(client, language))


def client_set_enterprise(client: ClientPtr, ssid: bytes, stid: bytes) -> int:
    return int(_lib.sms_client_set_enterprise(client, ssid, stid))


def client_set_clock_offset_ms(client: ClientPtr, offset_ms: int) -> int:
    return int(_lib.sms_client_set_clock_offset_ms(client, offset_ms))


def client_clock_offset_ms(client: ClientPtr) -> tuple[int, int]:
    offset_ms = c_int64()
    status = int(_lib.sms_client_clock_offset_ms(client, byref(offset_ms)))
    return status, offset_ms.value


def client_set_resend_guard_ms(client: ClientPtr, interval_ms: int) -> int:
    return int(_lib.sms_client_set_resend_guard_ms(client, interval_ms))


def client_send(
    client: ClientPtr, international_code: bytes, phone: bytes, code_type: int
) -> tuple[int, ResponsePtr]:
    response = _RESPONSE_PTR()
    code = int(_lib.sms_client_send(client, international_code, phone, code_type, byref(response)))
    return code, response


def response_free(response: ResponsePtr) -> None:
    _lib.sms_response_free(response)


def response_code(response: ResponsePtr) -> int:
    return int(_lib.sms_response_code(response))


def response_http_status(response: ResponsePtr) -> int:
    return int(_lib.sms_response_http_status(response))


def response_clock_skew_ms(response: ResponsePtr) -> int:
    return int(_lib.sms_response_clock_skew_ms(response))


def response_msg(response: ResponsePtr) -> bytes | None:
    value: bytes | None = _lib.sms_response_msg(response)
    return value


def response_ext_msg(response: ResponsePtr) -> bytes | None:
    value: bytes | None = _lib.sms_response_ext_msg(response)
    return value


def code_description(code: int) -> str:
    value: bytes = _lib.sms_code_description(code)
    return value.decode("utf-8", errors="replace")


def is_success(code: int) -> bool:
    return int(_lib.sms_is_success(code)) == 1


def version() -> str:
    value: bytes = _lib.sms_version()
    return value.decode("utf-8", errors="replace")


def arm_test_panic() -> None:
    """Test builds only: the next export called panics inside the library's boundary."""
    if not HAS_TEST_PANIC:
        raise RuntimeError(f"{LIBRARY_PATH} is not a test-panic build")
    _lib.sms_test_arm_panic()
