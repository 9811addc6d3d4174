package io.smscode

/**
 * The library's local statuses: `SMS_OK` and the negative `SMS_ERR_*` of
 * `include/smscode.h` (Python's `smscode.Status`). [SmsException.status] holds the value.
 *
 * ```
 * if (e.status == Status.TIMEOUT.value) ...
 * ```
 */
public enum class Status(
    public val value: Int,
) {
    OK(SmsNative.SMS_OK),
    NULL_ARGUMENT(SmsNative.SMS_ERR_NULL_ARGUMENT),
    INVALID_UTF8(SmsNative.SMS_ERR_INVALID_UTF8),
    INVALID_ARGUMENT(SmsNative.SMS_ERR_INVALID_ARGUMENT),
    BUFFER_TOO_SMALL(SmsNative.SMS_ERR_BUFFER_TOO_SMALL),
    NETWORK(SmsNative.SMS_ERR_NETWORK),
    TIMEOUT(SmsNative.SMS_ERR_TIMEOUT),
    TLS(SmsNative.SMS_ERR_TLS),
    HTTP_STATUS(SmsNative.SMS_ERR_HTTP_STATUS),
    BAD_RESPONSE(SmsNative.SMS_ERR_BAD_RESPONSE),
    INSECURE_URL(SmsNative.SMS_ERR_INSECURE_URL),
    UNSUPPORTED(SmsNative.SMS_ERR_UNSUPPORTED),
    INTERNAL(SmsNative.SMS_ERR_INTERNAL),
    ;

    /** The library's English description of this status. */
    public val description: String get() = SmsCode.describe(value)

    public companion object {
        /** The status with this value, or null for one this version does not know. */
        @JvmStatic
        public fun fromValue(value: Int): Status? = entries.firstOrNull { it.value == value }
    }
}
