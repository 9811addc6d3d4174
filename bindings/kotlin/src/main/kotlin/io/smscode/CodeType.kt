package io.smscode

/** What the verification code is for: the request's `codeType`. */
public enum class CodeType(
    /** The value sent as `codeType`. */
    public val value: Int,
    /** A short English name, e.g. "password reset". */
    public val label: String,
) {
    PASSWORD_RESET(1, "password reset"),
    LOGIN(2, "login"),
    REGISTRATION(3, "registration"),
    ACCOUNT_CANCELLATION(4, "account cancellation"),
    ADD_PUSH_RECIPIENT(5, "add push recipient"),
    ;

    public companion object {
        /** The code type with this value, or null. */
        @JvmStatic
        public fun fromValue(value: Int): CodeType? = entries.firstOrNull { it.value == value }
    }
}
