package io.smscode

import com.sun.jna.Pointer
import com.sun.jna.ptr.PointerByReference
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import java.io.File

/**
 * A configured client over one native `SmsClient` handle: connections are pooled, so
 * keep one per configuration and share it. Thread-safe: many threads (or coroutines)
 * may send through one client at once, and setters may be called at any time (a send
 * already under way keeps the settings it started with; a change starts a new
 * connection pool and forgets the resend guard's history).
 *
 * [close] releases the handle. It is idempotent and thread-safe, and never blocks:
 * sends still running finish first and the handle is freed by the last of them. Any
 * call after [close] throws [SmsException.ClientClosed]. A client that is never closed
 * is freed once it is garbage collected, but close it (or `use` it) to free it promptly.
 *
 * ```
 * SmsClient("eu", "my-domain", secret).use { client ->
 *     client.setTimeouts(connectTimeoutMs = 5_000, totalTimeoutMs = 10_000)
 *     val result = client.sendCode("+49", "15112345678", CodeType.LOGIN)
 *     if (!result.ok) println("not sent: ${result.code} ${result.description}")
 * }
 * ```
 *
 * @param baseUrl a region (`"cn"`, `"eu"`, `"na"`) or an `https://` URL, optionally with
 *   a gateway path prefix (plain `http://` only for loopback hosts).
 * @throws SmsException.InvalidArgument or [SmsException.InsecureUrl] for a bad [baseUrl].
 *   The user domain and secret are checked when sending.
 */
public class SmsClient
    internal constructor(
        public val baseUrl: String,
        public val userDomain: String,
        userDomainSecret: String,
        cleaner: NativeCleaner,
    ) : AutoCloseable {
        @Throws(SmsException::class)
        public constructor(
            baseUrl: String,
            userDomain: String,
            userDomainSecret: String,
        ) : this(baseUrl, userDomain, userDomainSecret, NativeCleaner.default)

        // The secret is copied by the library and not kept here, so nothing can print it.
        private val handle: NativeHandle
        private val cleanup: NativeCleaner.Registration

        @Volatile
        private var clockOffset = 0L

        init {
            val out = PointerByReference()
            SmsNative.check(
                SmsNative.sms_client_new(
                    SmsNative.cString("base_url", baseUrl),
                    SmsNative.cString("user_domain", userDomain),
                    SmsNative.cString("user_domain_secret", userDomainSecret),
                    out,
                ),
            )
            handle = NativeHandle(out.value)
            // The handle, not this client, is what the cleaner keeps: a client nobody
            // references is collected and its native client freed even without close().
            cleanup = cleaner.register(this, handle)
        }

        /** True once [close] has been called. */
        public val isClosed: Boolean get() = handle.isReleased

        /** The clock offset last set with [setClockOffsetMs] (0 by default). */
        public val clockOffsetMs: Long get() = clockOffset

        /**
         * Sets the connect timeout (DNS, TCP, TLS; default 10 000 ms) and the total
         * timeout of one send, body included (default 20 000 ms). Both must be > 0
         * and fit an unsigned 32-bit number.
         */
        @Throws(SmsException::class)
        public fun setTimeouts(
            connectTimeoutMs: Long,
            totalTimeoutMs: Long,
        ): SmsClient =
            configure {
                SmsNative.sms_client_set_timeouts(
                    it,
                    uint32("connect_timeout_ms", connectTimeoutMs),
                    uint32("total_timeout_ms", totalTimeoutMs),
                )
            }

        /**
         * Sends through an HTTP(S) proxy, e.g. `"http://proxy.example:3128"`; null or
         * `""` removes it. Environment variables such as `HTTPS_PROXY` are never read.
         */
        @Throws(SmsException::class)
        public fun setProxy(proxyUrl: String?): SmsClient =
            configure { SmsNative.sms_client_set_proxy(it, SmsNative.cString("proxy_url", proxyUrl.orEmpty())) }

        /**
         * Trusts the certificates in a PEM file on top of the bundled Mozilla roots. May be
         * called more than once. The file is read now: a missing, unreadable or
         * certificate-less file is [SmsException.InvalidArgument].
         */
        @Throws(SmsException::class)
        public fun addCaFile(pemPath: String): SmsClient =
            configure { SmsNative.sms_client_add_ca_file(it, SmsNative.cString("pem_path", pemPath)) }

        /** [addCaFile] for a [File]. */
        @Throws(SmsException::class)
        public fun addCaFile(pemFile: File): SmsClient = addCaFile(pemFile.path)

        /** Sets the `User-Agent` header (default `"smscode/<version>"`); at most 256 bytes. */
        @Throws(SmsException::class)
        public fun setUserAgent(userAgent: String): SmsClient =
            configure { SmsNative.sms_client_set_user_agent(it, SmsNative.cString("user_agent", userAgent)) }

        /** Sends `X-Q-Language: <language>` (e.g. `"en-US"`); null or `""` sends none (the default). */
        @Throws(SmsException::class)
        public fun setLanguage(language: String?): SmsClient =
            configure { SmsNative.sms_client_set_language(it, SmsNative.cString("language", language.orEmpty())) }

        /**
         * Sets the enterprise SMS signature ID (`ssid`) and template ID (`stid`); null or
         * `""` leaves one out (the default for both). At most 256 bytes each.
         */
        @Throws(SmsException::class)
        public fun setEnterprise(
            ssid: String?,
            stid: String?,
        ): SmsClient =
            configure {
                SmsNative.sms_client_set_enterprise(
                    it,
                    SmsNative.cString("ssid", ssid.orEmpty()),
                    SmsNative.cString("stid", stid.orEmpty()),
                )
            }

        /**
         * Adds [offsetMs] to the system clock for the request's `ts` (default 0; |offset|
         * at most 100 years). On a device whose clock is wrong the server refuses a `ts` more
         * than 10 minutes off (5145): correct it with
         * `setClockOffsetMs(clockOffsetMs + result.clockSkewMs)` (see [clockOffsetMs]).
         */
        @Throws(SmsException::class)
        public fun setClockOffsetMs(offsetMs: Long): SmsClient {
            configure { SmsNative.sms_client_set_clock_offset_ms(it, offsetMs) }
            clockOffset = offsetMs
            return this
        }

        /**
         * Double-tap guard: a second send to the same international code, phone and code
         * type within [intervalMs] answers 5058 locally (HTTP status 0) without touching
         * the network. 0 turns it off (the default).
         */
        @Throws(SmsException::class)
        public fun setResendGuardMs(intervalMs: Long): SmsClient =
            configure { SmsNative.sms_client_set_resend_guard_ms(it, uint32("interval_ms", intervalMs)) }

        /**
         * Sends the verification code. Blocks until the answer (at most the total timeout);
         * on a UI thread use [sendCodeSuspending]. Never retries: a send is not idempotent.
         *
         * @return the answer; a server code (5058, 5420, ...) is data, see [SendResult.ok].
         * @throws SmsException for a local failure (network, timeout, TLS, HTTP status, ...).
         * @throws SmsException.ClientClosed when the client is closed.
         */
        @Throws(SmsException::class)
        public fun sendCode(
            internationalCode: String,
            phone: String,
            codeType: CodeType,
        ): SendResult = sendCode(internationalCode, phone, codeType.value)

        /** [sendCode] with a raw code type (the library refuses values outside 1..5). */
        @Throws(SmsException::class)
        public fun sendCode(
            internationalCode: String,
            phone: String,
            codeType: Int,
        ): SendResult {
            val intl = SmsNative.cString("international_code", internationalCode)
            val phoneBytes = SmsNative.cString("phone", phone)
            val out = PointerByReference()
            val code =
                handle.withPointer {
                    val status = SmsNative.sms_client_send(it, intl, phoneBytes, codeType, out)
                    NativeHooks.listener?.invoke(NativeHooks.Event.SEND_RETURNED, it)
                    SmsNative.check(status)
                }
            // The response is ours alone: read it and free it, whatever happens.
            val response = out.value ?: return SendResult(code, null, null, 0, null)
            try {
                val skew = SmsNative.sms_response_clock_skew_ms(response)
                return SendResult(
                    code = SmsNative.sms_response_code(response),
                    msg = SmsNative.readString(SmsNative.sms_response_msg(response)),
                    extMsg = SmsNative.readString(SmsNative.sms_response_ext_msg(response)),
                    httpStatus = SmsNative.sms_response_http_status(response),
                    clockSkewMs = if (skew == SmsNative.SMS_CLOCK_SKEW_UNKNOWN) null else skew,
                )
            } finally {
                SmsNative.sms_response_free(response)
            }
        }

        /**
         * [sendCode] as a suspending call: the blocking send runs on [dispatcher]
         * ([Dispatchers.IO] by default), so the caller's thread (e.g. Android's main
         * thread) is never blocked. Cancellation (and `withTimeout`) takes effect only when
         * the send returns, and the code may have been delivered by then: to bound a send,
         * lower the total timeout with [setTimeouts] instead.
         */
        @Throws(SmsException::class)
        public suspend fun sendCodeSuspending(
            internationalCode: String,
            phone: String,
            codeType: CodeType,
            dispatcher: CoroutineDispatcher = Dispatchers.IO,
        ): SendResult = withContext(dispatcher) { sendCode(internationalCode, phone, codeType) }

        /**
         * Releases the native handle. Idempotent, thread-safe and never blocks: a send
         * still running finishes normally and the last one to return frees the handle.
         */
        override fun close() {
            cleanup.clean()
        }

        /** Shows the base URL and user domain; never the secret (it is not even kept). */
        override fun toString(): String = "SmsClient(baseUrl=$baseUrl, userDomain=$userDomain, closed=$isClosed)"

        private fun configure(setter: (Pointer) -> Int): SmsClient {
            handle.withPointer { SmsNative.check(setter(it)) }
            return this
        }

        private companion object {
            /** A millisecond count as C `uint32_t` (passed as the same 32 bits in an Int). */
            fun uint32(
                name: String,
                value: Long,
            ): Int {
                if (value !in 0..0xFFFF_FFFFL) {
                    throw SmsException.InvalidArgument(
                        SmsNative.SMS_ERR_INVALID_ARGUMENT,
                        "argument `$name` must be between 0 and 4294967295, got $value",
                    )
                }
                return value.toInt()
            }
        }
    }
