package io.smscode

/**
 * The answer to one send. A server code is data, not an exception: check [ok].
 *
 * @property code the server's `code` (200 or 0 when sent), or a code answered locally.
 * @property message the server's `msg`; null when absent, not a string, or answered locally.
 * @property extendedMessage the server's `extMsg`, under the same rules as [message].
 * @property httpStatus the HTTP status, or 0 when the code was answered locally
 *   (validation or the resend guard) and nothing was sent.
 * @property clockSkewMs server clock minus this client's clock (system clock plus the
 *   configured offset) in ms, from the server's `Date` header; null when unknown. Add it
 *   to [SmsClient.setClockOffsetMs] to correct a wrong device clock.
 */
public data class SendResult(
    val code: Int,
    val message: String?,
    val extendedMessage: String?,
    val httpStatus: Int,
    val clockSkewMs: Long?,
) {
    /** The documented code, or null for a code this version does not know. */
    val status: ServerCode? get() = ServerCode.fromCode(code)

    /** True when the SMS was sent (as the library decides: 200 or 0). */
    val ok: Boolean get() = SmsCode.isSuccess(code)

    /** True when nothing was sent: the library answered (validation or the resend guard). */
    val answeredLocally: Boolean get() = httpStatus == 0

    /** The library's English description of [code]. */
    val description: String get() = SmsCode.describe(code)
}
