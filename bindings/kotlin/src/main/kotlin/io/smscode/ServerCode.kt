package io.smscode

/**
 * The platform's documented answer codes (`code` in its JSON).
 *
 * [SENT] (200) and [SENT_ZERO] (0, as in the platform's example) both mean the SMS was
 * sent. 5019, 5021, 5023, 5116 and the resend guard's 5058 can also be answered locally,
 * without sending anything (then [SendResult.httpStatus] is 0). A code the platform adds
 * later has no constant: [fromCode] gives null and the number is still in [SendResult.code].
 */
public enum class ServerCode(
    public val code: Int,
) {
    SENT_ZERO(0),
    SENT(200),
    SERVICE_EXCEPTION(5000),
    PHONE_FORMAT_INCORRECT(5019),
    PHONE_REQUIRED(5021),
    USER_DOMAIN_REQUIRED(5023),
    FREQUENCY_LIMIT(5058),
    SENDING_EXCEPTION(5059),
    USER_DOMAIN_NOT_SET(5092),
    USER_DOMAIN_ABNORMAL(5093),
    USER_DOMAIN_DISABLED(5104),
    INTERNATIONAL_CODE_REQUIRED(5116),
    SIGNATURE_ID_REQUIRED(5117),
    TEMPLATE_ID_REQUIRED(5118),
    SIGNATURE_NOT_CONFIGURED(5119),
    TEMPLATE_NOT_CONFIGURED(5120),
    SIGNATURE_NO_PERMISSION(5122),
    SIGNATURE_DISABLED(5123),
    TEMPLATE_NO_PERMISSION(5124),
    TEMPLATE_DISABLED(5125),
    SIGNATURE_TEMPLATE_ACCOUNT_MISMATCH(5126),
    ENTERPRISE_ACCOUNT_DISABLED(5128),
    TIMESTAMP_INCORRECT(5145),
    ACCOUNT_LOCKED(5147),
    IP_BLOCKED(5148),
    ENTERPRISE_ACCOUNT_MISSING(5188),
    SIGNATURE_MISSING(5202),
    TEMPLATE_MISSING(5209),
    SIGNATURE_TEMPLATE_TYPE_MISMATCH(5216),
    SIGNATURE_VERIFICATION_FAILED(5420),
    SIGNATURE_VERIFICATION_ERROR(5421),
    ;

    /** The library's English description of this code. */
    public val description: String get() = SmsCode.describe(code)

    public companion object {
        /** The documented code with this number, or null for a code this version does not know. */
        @JvmStatic
        public fun fromCode(code: Int): ServerCode? = entries.firstOrNull { it.code == code }
    }
}
