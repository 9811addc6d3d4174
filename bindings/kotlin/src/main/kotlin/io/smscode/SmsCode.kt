package io.smscode

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext

/**
 * The one-call functions of libsmscode. All checks, signing and sending happen in the
 * library; this object only converts arguments and results.
 */
public object SmsCode {
    /**
     * The version of this binding (the Maven artifact's). The library loaded must be
     * compatible: the same 0.x series and not older, else the first call throws
     * `UnsatisfiedLinkError` saying which version was found.
     */
    public const val BINDING_VERSION: String = "0.1.0"

    /**
     * The request signature: lowercase hex SHA-256 of
     * `phone + codeType + random + ts + userDomainSecret`.
     *
     * @param random exactly 16 printable ASCII characters.
     * @param ts the request's timestamp in ms since the epoch, >= 0.
     * @throws SmsException.InvalidArgument when an argument is out of range.
     */
    @JvmStatic
    @Throws(SmsException::class)
    public fun sign(
        phone: String,
        codeType: CodeType,
        random: String,
        ts: Long,
        userDomainSecret: String,
    ): String = sign(phone, codeType.value, random, ts, userDomainSecret)

    /** [sign] with a raw code type (the library refuses values outside 1..5). */
    @JvmStatic
    @Throws(SmsException::class)
    public fun sign(
        phone: String,
        codeType: Int,
        random: String,
        ts: Long,
        userDomainSecret: String,
    ): String {
        val out = ByteArray(SmsNative.SMS_SIGNATURE_BUFFER_LEN)
        SmsNative.check(
            SmsNative.sms_sign(
                SmsNative.cString("phone", phone),
                codeType,
                SmsNative.cString("random", random),
                ts,
                SmsNative.cString("user_domain_secret", userDomainSecret),
                out,
                SizeT(out.size.toLong()),
            ),
        )
        return String(out, 0, SmsNative.SMS_SIGNATURE_BUFFER_LEN - 1, Charsets.US_ASCII)
    }

    /**
     * Sends the verification code in one call, with the library's shared default client
     * for [baseUrl] (timeouts 10 s connect, 20 s total). Blocks: on a UI thread use
     * [sendCodeSuspending]. Never retries. Goes through [Transport.default]: on Android a
     * one-off [SmsClient] with [HttpUrlConnectionTransport].
     *
     * @param baseUrl a region (`"cn"`, `"eu"`, `"na"`) or an `https://` URL (plain
     *   `http://` only for loopback hosts).
     * @return the server's code: 200 (or 0) when sent; any other code passes through.
     *   Empty phone 5021, empty user domain 5023, empty international code 5116 and a
     *   phone that is not 1-20 digits 5019 are answered locally without sending.
     * @throws SmsException for a local failure (bad argument, network, timeout, ...).
     */
    @JvmStatic
    @Throws(SmsException::class)
    public fun sendCode(
        baseUrl: String,
        userDomain: String,
        userDomainSecret: String,
        internationalCode: String,
        phone: String,
        codeType: CodeType,
    ): Int = sendCode(baseUrl, userDomain, userDomainSecret, internationalCode, phone, codeType.value)

    /** [sendCode] with a raw code type (the library refuses values outside 1..5). */
    @JvmStatic
    @Throws(SmsException::class)
    public fun sendCode(
        baseUrl: String,
        userDomain: String,
        userDomainSecret: String,
        internationalCode: String,
        phone: String,
        codeType: Int,
    ): Int {
        if (Transport.default() !== LibraryTransport) {
            return SmsClient(baseUrl, userDomain, userDomainSecret, Transport.default()).use {
                it.sendCode(internationalCode, phone, codeType).code
            }
        }
        return SmsNative.check(
            SmsNative.sms_send_code(
                SmsNative.cString("base_url", baseUrl),
                SmsNative.cString("user_domain", userDomain),
                SmsNative.cString("user_domain_secret", userDomainSecret),
                SmsNative.cString("international_code", internationalCode),
                SmsNative.cString("phone", phone),
                codeType,
            ),
        )
    }

    /**
     * [sendCode] as a suspending call: the blocking send runs on [dispatcher]
     * ([Dispatchers.IO] by default), so the caller's thread is never blocked.
     * Cancellation (and `withTimeout`) takes effect when the send returns (at most the
     * total timeout), and the code may have been delivered by then.
     */
    @Throws(SmsException::class)
    public suspend fun sendCodeSuspending(
        baseUrl: String,
        userDomain: String,
        userDomainSecret: String,
        internationalCode: String,
        phone: String,
        codeType: CodeType,
        dispatcher: CoroutineDispatcher = Dispatchers.IO,
    ): Int =
        withContext(dispatcher) {
            sendCode(baseUrl, userDomain, userDomainSecret, internationalCode, phone, codeType)
        }

    /** The library's English description of a server code or a local status. */
    @JvmStatic
    public fun describe(code: Int): String = SmsNative.readString(SmsNative.sms_code_description(code)) ?: "Unknown code"

    /** True when [code] means the SMS was sent (200, or 0), as the library decides. */
    @JvmStatic
    public fun isSuccess(code: Int): Boolean = SmsNative.sms_is_success(code) == 1

    /** The version of the loaded libsmscode, e.g. "0.1.0". */
    @JvmStatic
    public fun libraryVersion(): String = SmsNative.readString(SmsNative.sms_version()) ?: "unknown"
}
