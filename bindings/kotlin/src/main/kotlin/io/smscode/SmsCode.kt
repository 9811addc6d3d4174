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
     * for [baseUrl] (timeouts 10 s connect, 20 s total). Suspends: the send runs on
     * [dispatcher] ([Dispatchers.IO] by default), never on the caller's thread. Never
     * retries. Goes through [Transport.default]: on Android a one-off [SmsClient] with
     * [HttpUrlConnectionTransport]. Cancellation is as for [SmsClient.sendCode].
     *
     * @param baseUrl a region (`"cn"`, `"eu"`, `"na"`) or an `https://` URL (plain
     *   `http://` only for loopback hosts).
     * @return the server's code: 200 (or 0) when sent; any other code passes through.
     *   Empty phone 5021, empty user domain 5023, empty international code 5116 and a
     *   phone that is not 1-20 digits 5019 are answered locally without sending.
     * @throws SmsException for a local failure (bad argument, network, timeout, ...).
     */
    @Throws(SmsException::class)
    public suspend fun sendCode(
        baseUrl: String,
        userDomain: String,
        userDomainSecret: String,
        internationalCode: String,
        phone: String,
        codeType: CodeType,
        dispatcher: CoroutineDispatcher = Dispatchers.IO,
    ): Int {
        val transport = Transport.default()
        if (transport !== LibraryTransport) {
            return SmsClient(baseUrl, userDomain, userDomainSecret, transport).use {
                it.sendCode(internationalCode, phone, codeType, dispatcher).code
            }
        }
        return withContext(
            dispatcher,
        ) { sendThroughLibrary(baseUrl, userDomain, userDomainSecret, internationalCode, phone, codeType.value) }
    }

    /**
     * [sendCode] that blocks the calling thread until the answer (at most the total
     * timeout), for Java and for threads of your own.
     *
     * @throws IllegalStateException on Android's main thread (see [SmsClient.sendCodeBlocking]).
     */
    @JvmStatic
    @Throws(SmsException::class)
    public fun sendCodeBlocking(
        baseUrl: String,
        userDomain: String,
        userDomainSecret: String,
        internationalCode: String,
        phone: String,
        codeType: CodeType,
    ): Int = sendCodeBlocking(baseUrl, userDomain, userDomainSecret, internationalCode, phone, codeType.value)

    /** [sendCodeBlocking] with a raw code type (the library refuses values outside 1..5). */
    @JvmStatic
    @Throws(SmsException::class)
    public fun sendCodeBlocking(
        baseUrl: String,
        userDomain: String,
        userDomainSecret: String,
        internationalCode: String,
        phone: String,
        codeType: Int,
    ): Int {
        MainThread.android.checkNotMain("sendCodeBlocking")
        val transport = Transport.default()
        if (transport !== LibraryTransport) {
            return SmsClient(baseUrl, userDomain, userDomainSecret, transport).use {
                it.sendCodeBlocking(internationalCode, phone, codeType).code
            }
        }
        return sendThroughLibrary(baseUrl, userDomain, userDomainSecret, internationalCode, phone, codeType)
    }

    /** `sms_send_code`: the library's shared default client for [baseUrl]. */
    private fun sendThroughLibrary(
        baseUrl: String,
        userDomain: String,
        userDomainSecret: String,
        internationalCode: String,
        phone: String,
        codeType: Int,
    ): Int =
        SmsNative.check(
            SmsNative.sms_send_code(
                SmsNative.cString("base_url", baseUrl),
                SmsNative.cString("user_domain", userDomain),
                SmsNative.cString("user_domain_secret", userDomainSecret),
                SmsNative.cString("international_code", internationalCode),
                SmsNative.cString("phone", phone),
                codeType,
            ),
        )

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
