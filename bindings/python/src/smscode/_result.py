"""``SendResult``: the answer to one ``Client.send_code``."""

from __future__ import annotations

import dataclasses

from . import _native
from ._codes import ServerCode
from ._errors import INT32, SmsServerError, integer_argument


@dataclasses.dataclass(frozen=True)
class SendResult:
    """The server's answer to one send (or the library's local answer).

    Attributes:
        code: the server's code: 200 (or 0) when the SMS was sent; any other value is
            the platform's reason, passed through unchanged.
        status: ``code`` as a ``ServerCode`` member, or ``None`` for an undocumented code.
        message: the server's ``msg`` (``None`` when absent, null, or answered locally).
        extended_message: the server's ``extMsg`` under the same rules.
        http_status: the HTTP status, or 0 when the library answered locally
            (input validation or the resend guard) and nothing was sent.
        clock_skew_ms: server clock minus this client's clock in milliseconds (about a
            second's accuracy), or ``None`` when unknown; add it to the client's clock
            offset to correct a wrong device clock.
    """

    code: int
    message: str | None = None
    extended_message: str | None = None
    http_status: int = 0
    clock_skew_ms: int | None = None
    status: ServerCode | None = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        # Checked once here, so ``ok`` and ``description`` pass ctypes an int32 it cannot wrap.
        integer_argument("code", self.code, INT32, "int32_t")
        try:
            status: ServerCode | None = ServerCode(self.code)
        except ValueError:
            status = None
        # A frozen dataclass sets derived fields through object.__setattr__.
        object.__setattr__(self, "status", status)

    @property
    def ok(self) -> bool:
        """True when the SMS was sent (the library's ``sms_is_success``: 200 or 0)."""
        return _native.is_success(self.code)

    @property
    def answered_locally(self) -> bool:
        """True when the library answered without sending anything (``http_status`` 0)."""
        return self.http_status == 0

    @property
    def description(self) -> str:
        """The library's English description of ``code``."""
        return _native.code_description(self.code)

    def raise_for_status(self) -> SendResult:
        """Raises ``SmsServerError`` unless the SMS was sent; returns ``self`` otherwise."""
        if not self.ok:
            raise SmsServerError(self)
        return self
