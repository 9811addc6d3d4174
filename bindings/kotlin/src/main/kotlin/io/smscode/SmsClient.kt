package io.smscode

import com.sun.jna.Pointer
import com.sun.jna.ptr.LongByReference
import com.sun.jna.ptr.PointerByReference
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import java.io.File
import java.io.IOException

/**
 * A configured client over one native `SmsClient` handle: keep one per configuration and
 * share it ([LibraryTransport] pools its connections in it). Thread-safe: many threads (or
 * coroutines) may send through one client at once, and setters may be called at any time
 * (a send already under way keeps the settings it started with; a change starts a new
 * connection pool of [LibraryTransport], and the resend guard keeps its history).
 *
 * [close] releases the handle. It is idempotent and thread-safe, and never blocks:
 * sends still running finish first and the handle is freed by the last of them. Any
 * call after [close] throws [SmsException.ClientClosed]. A client that is never closed
 * is freed once it is garbage collected, but close it (or `use` it) to free it promptly.
 *
 * ```
 * // In a coroutine (e.g. viewModelScope.launch): sendCode suspends, never blocks.
 * SmsClient("eu", "my-domain", secret).use { client ->
 *     client.setTimeouts(connectTimeoutMs = 5_000, totalTimeoutMs = 10_000)
 *     val result = client.sendCode("+49", "15112345678", CodeType.LOGIN)
 *     if (!result.ok) println("not sent: ${result.code} ${result.description}")
 * }
 * ```
 *
 * Sends go through [transport]: [Transport.default] unless one is given, i.e.
 * [HttpUrlConnectionTransport] on Android and the library's own ([LibraryTransport])
 * elsewhere. With any transport the library prepares, signs and maps the answer, so
 * the outcomes are the same.
 *
 * @param baseUrl a region (`"cn"`, `"eu"`, `"na"`) or an `https://` URL, optionally with
 *   a gateway path prefix (plain `http://` only for loopback hosts).
 * @param transport what moves the bytes (see [Transport]).
 * @throws SmsException.InvalidArgument or [SmsException.InsecureUrl] for a bad [baseUrl].
 *   The user domain and secret are checked when sending.
 */
public class SmsClient
    internal constructor(
        public val baseUrl: String,
        public val userDomain: String,
        userDomainSecret: String,
        public val transport: Transport,
        cleaner: NativeCleaner,
    ) : AutoCloseable {
        @Throws(SmsException::class)
        public constructor(
            baseUrl: String,
            userDomain: String,
            userDomainSecret: String,
        ) : this(baseUrl, userDomain, userDomainSecret, Transport.default(), NativeCleaner.default)

        @Throws(SmsException::class)
        public constructor(
            baseUrl: String,
            userDomain: String,
            userDomainSecret: String,
            transport: Transport,
        ) : this(baseUrl, userDomain, userDomainSecret, transport, NativeCleaner.default)

        internal constructor(
            baseUrl: String,
            userDomain: String,
            userDomainSecret: String,
            cleaner: NativeCleaner,
        ) : this(baseUrl, userDomain, userDomainSecret, Transport.default(), cleaner)

        // The secret is copied by the library and not kept here, so nothing can print it.
        private val handle: NativeHandle
        private val cleanup: NativeCleaner.Registration

        // Given to a transport other than the library's with each request (the library
        // keeps its own copy for sms_client_send).
        @Volatile
        private var timeouts = Timeouts(DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_TOTAL_TIMEOUT_MS)

        private class Timeouts(
            val connectMs: Long,
            val totalMs: Long,
        )

        private val usesLibrary: Boolean get() = transport === LibraryTransport

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

        /** The clock offset last set with [setClockOffsetMs] (0 by default), as the library holds it. */
        public val clockOffsetMs: Long
            get() {
                val offset = LongByReference()
                handle.withPointer { SmsNative.check(SmsNative.sms_client_clock_offset_ms(it, offset)) }
                return offset.value
            }

        /**
         * Sets the connect timeout (DNS, TCP, TLS; default 10 000 ms) and the total
         * timeout of one send, body included (default 20 000 ms). Both must be > 0
         * and fit an unsigned 32-bit number. Any transport gets them with each request.
         */
        @Throws(SmsException::class)
        public fun setTimeouts(
            connectTimeoutMs: Long,
            totalTimeoutMs: Long,
        ): SmsClient {
            val connect = uint32("connect_timeout_ms", connectTimeoutMs)
            val total = uint32("total_timeout_ms", totalTimeoutMs)
            try {
                configure { SmsNative.sms_client_set_timeouts(it, connect, total) }
            } catch (e: SmsException.Unsupported) {
                // A library without its own transport keeps no timeouts: check them here.
                if (usesLibrary) throw e
                if (connectTimeoutMs == 0L || totalTimeoutMs == 0L) {
                    throw SmsException.InvalidArgument(SmsNative.SMS_ERR_INVALID_ARGUMENT, "timeouts must be > 0 ms")
                }
            }
            timeouts = Timeouts(connectTimeoutMs, totalTimeoutMs)
            return this
        }

        /**
         * Sends through an HTTP(S) proxy, e.g. `"http://proxy.example:3128"`; null or
         * `""` removes it. Environment variables such as `HTTPS_PROXY` are never read.
         * For [LibraryTransport] only ([SmsException.Unsupported] with another transport:
         * give it the proxy, e.g. [HttpUrlConnectionTransport]'s `proxy`).
         */
        @Throws(SmsException::class)
        public fun setProxy(proxyUrl: String?): SmsClient =
            configureLibraryTransport("setProxy") { SmsNative.sms_client_set_proxy(it, SmsNative.cString("proxy_url", proxyUrl.orEmpty())) }

        /**
         * Trusts the certificates in a PEM file on top of the bundled Mozilla roots. May be
         * called more than once. The file is read now: a missing, unreadable or
         * certificate-less file is [SmsException.InvalidArgument]. For [LibraryTransport]
         * only ([SmsException.Unsupported] with another transport: give it the CA, e.g.
         * [HttpUrlConnectionTransport]'s `sslSocketFactory`, or Network Security Config on
         * Android).
         */
        @Throws(SmsException::class)
        public fun addCaFile(pemPath: String): SmsClient =
            configureLibraryTransport("addCaFile") { SmsNative.sms_client_add_ca_file(it, SmsNative.cString("pem_path", pemPath)) }

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
         * Sends the verification code: the primary API. The send runs on [dispatcher]
         * ([Dispatchers.IO] by default), so the caller's thread (e.g. Android's main
         * thread) is never blocked. Never retries: a send is not idempotent.
         *
         * Cancelling the calling coroutine (or `withTimeout`) throws
         * [CancellationException]. Through a platform transport ([HttpUrlConnectionTransport],
         * or yours if it implements [HttpRequest.onCancel]) it also aborts the HTTP request
         * at once. Through [LibraryTransport] it cannot: the library's blocking send has no
         * way to be stopped, so the coroutine ends when that send returns (at most the total
         * timeout) and its answer is dropped. Either way the code may have been delivered.
         *
         * @return the answer; a server code (5058, 5420, ...) is data, see [SendResult.ok].
         * @throws SmsException for a local failure (network, timeout, TLS, HTTP status, ...).
         * @throws SmsException.ClientClosed when the client is closed.
         */
        @Throws(SmsException::class)
        public suspend fun sendCode(
            internationalCode: String,
            phone: String,
            codeType: CodeType,
            dispatcher: CoroutineDispatcher = Dispatchers.IO,
        ): SendResult = sendCode(internationalCode, phone, codeType.value, dispatcher)

        /** [sendCode] with a raw code type (the library refuses values outside 1..5). */
        @Throws(SmsException::class)
        public suspend fun sendCode(
            internationalCode: String,
            phone: String,
            codeType: Int,
            dispatcher: CoroutineDispatcher = Dispatchers.IO,
        ): SendResult =
            withContext(dispatcher) {
                val cancellation = Cancellation()
                // Runs on the cancelling thread (Unconfined) while the send blocks this one.
                val watcher =
                    launch(Dispatchers.Unconfined, CoroutineStart.UNDISPATCHED) {
                        try {
                            awaitCancellation()
                        } finally {
                            cancellation.cancel()
                        }
                    }
                try {
                    send(internationalCode, phone, codeType, cancellation)
                } catch (e: Exception) {
                    // Whatever an aborted request failed with, the cause is the cancellation.
                    if (cancellation.isCancelled) throw CancellationException("the send was cancelled").apply { initCause(e) }
                    throw e
                } finally {
                    cancellation.finish()
                    watcher.cancel()
                }
            }

        /**
         * [sendCode] that blocks the calling thread until the answer (at most the total
         * timeout), for Java and for threads of your own. Never retries.
         *
         * @throws IllegalStateException on Android's main thread, where a blocking send
         *   would freeze the UI (up to the total timeout, then an ANR): call the suspend
         *   [sendCode] from a coroutine there.
         * @throws SmsException as [sendCode] does.
         */
        @Throws(SmsException::class)
        public fun sendCodeBlocking(
            internationalCode: String,
            phone: String,
            codeType: CodeType,
        ): SendResult = sendCodeBlocking(internationalCode, phone, codeType.value)

        /** [sendCodeBlocking] with a raw code type (the library refuses values outside 1..5). */
        @Throws(SmsException::class)
        public fun sendCodeBlocking(
            internationalCode: String,
            phone: String,
            codeType: Int,
        ): SendResult {
            MainThread.android.checkNotMain("sendCodeBlocking")
            return send(internationalCode, phone, codeType, Cancellation())
        }

        private fun send(
            internationalCode: String,
            phone: String,
            codeType: Int,
            cancellation: Cancellation,
        ): SendResult {
            val intl = SmsNative.cString("international_code", internationalCode)
            val phoneBytes = SmsNative.cString("phone", phone)
            if (!usesLibrary) return handle.withPointer { sendThroughTransport(it, intl, phoneBytes, codeType, cancellation) }
            val out = PointerByReference()
            val code =
                handle.withPointer {
                    val status = SmsNative.sms_client_send(it, intl, phoneBytes, codeType, out)
                    NativeHooks.listener?.invoke(NativeHooks.Event.SEND_RETURNED, it)
                    SmsNative.check(status)
                }
            return readResult(code, out.value)
        }

        /**
         * The two-step send: the library prepares (local checks, resend guard, signature),
         * [transport] moves the bytes, the library maps the answer. The handle stays in
         * use throughout, as it does during `sms_client_send`.
         */
        private fun sendThroughTransport(
            client: Pointer,
            intl: ByteArray,
            phone: ByteArray,
            codeType: Int,
            cancellation: Cancellation,
        ): SendResult {
            val out = PointerByReference()
            val prepared = SmsNative.check(SmsNative.sms_client_prepare(client, intl, phone, codeType, out))
            // A code answered locally (validation, resend guard): nothing to send.
            val requestPointer = out.value ?: return SendResult(prepared, null, null, 0, null)
            val request =
                try {
                    val current = timeouts
                    readRequest(requestPointer, current.connectMs, current.totalMs, cancellation)
                } finally {
                    SmsNative.sms_request_free(requestPointer)
                }
            val answer =
                try {
                    transport.execute(request)
                } catch (e: IOException) {
                    throw transportFailure(TransportException.of(e))
                }
            val date = answer.dateHeader?.let { value -> runCatching { SmsNative.cString("date", value) }.getOrNull() }
            val body = answer.bodyView
            val response = PointerByReference()
            val status =
                SmsNative.sms_client_read_response(client, answer.status, date, body, SizeT(body.size.toLong()), response)
            NativeHooks.listener?.invoke(NativeHooks.Event.SEND_RETURNED, client)
            return readResult(SmsNative.check(status), response.value)
        }

        /**
         * `sms_client_prepare_with`: the request a send would hand its transport, with a
         * fixed [random] and [ts] (for the shared prepared-request vectors), or null when
         * the library answered locally. Counts for the resend guard, as a send does.
         */
        internal fun prepareWith(
            internationalCode: String,
            phone: String,
            codeType: Int,
            random: String,
            ts: Long,
        ): HttpRequest? {
            val out = PointerByReference()
            handle.withPointer {
                SmsNative.check(
                    SmsNative.sms_client_prepare_with(
                        it,
                        SmsNative.cString("international_code", internationalCode),
                        SmsNative.cString("phone", phone),
                        codeType,
                        SmsNative.cString("random", random),
                        ts,
                        out,
                    ),
                )
            }
            val request = out.value ?: return null
            try {
                val current = timeouts
                return readRequest(request, current.connectMs, current.totalMs, Cancellation())
            } finally {
                SmsNative.sms_request_free(request)
            }
        }

        private fun transportFailure(e: TransportException): SmsException {
            val message = "${transport.javaClass.simpleName}: ${e.message}"
            return when (e.kind) {
                TransportException.Kind.NETWORK -> SmsException.Network(SmsNative.SMS_ERR_NETWORK, message)
                TransportException.Kind.TIMEOUT -> SmsException.Timeout(SmsNative.SMS_ERR_TIMEOUT, message)
                TransportException.Kind.TLS -> SmsException.Tls(SmsNative.SMS_ERR_TLS, message)
            }.apply { initCause(e) }
        }

        /** The response is ours alone: read it and free it, whatever happens. */
        private fun readResult(
            code: Int,
            response: Pointer?,
        ): SendResult {
            if (response == null) return SendResult(code, null, null, 0, null)
            try {
                val skew = SmsNative.sms_response_clock_skew_ms(response)
                return SendResult(
                    code = SmsNative.sms_response_code(response),
                    message = SmsNative.readString(SmsNative.sms_response_msg(response)),
                    extendedMessage = SmsNative.readString(SmsNative.sms_response_ext_msg(response)),
                    httpStatus = SmsNative.sms_response_http_status(response),
                    clockSkewMs = if (skew == SmsNative.SMS_CLOCK_SKEW_UNKNOWN) null else skew,
                )
            } finally {
                SmsNative.sms_response_free(response)
            }
        }

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

        private fun configureLibraryTransport(
            name: String,
            setter: (Pointer) -> Int,
        ): SmsClient {
            if (!usesLibrary) {
                throw SmsException.Unsupported(
                    SmsNative.SMS_ERR_UNSUPPORTED,
                    "$name configures the library's own transport, but this client sends through $transport: configure that",
                )
            }
            return configure(setter)
        }

        public companion object {
            /** The connect timeout until [setTimeouts] (the library's default). */
            public const val DEFAULT_CONNECT_TIMEOUT_MS: Long = 10_000

            /** The total timeout until [setTimeouts] (the library's default). */
            public const val DEFAULT_TOTAL_TIMEOUT_MS: Long = 20_000

            /** A prepared request, copied out of the library. */
            internal fun readRequest(
                request: Pointer,
                connectTimeoutMs: Long,
                totalTimeoutMs: Long,
                cancellation: Cancellation,
            ): HttpRequest {
                val count = SmsNative.sms_request_header_count(request).toLong()
                val headers =
                    (0 until count).map {
                        val index = SizeT(it)
                        SmsNative.readString(SmsNative.sms_request_header_name(request, index))!! to
                            SmsNative.readString(SmsNative.sms_request_header_value(request, index))!!
                    }
                val length = SmsNative.sms_request_body_len(request).toLong()
                val body = if (length == 0L) ByteArray(0) else SmsNative.sms_request_body(request)!!.getByteArray(0, length.toInt())
                return HttpRequest(
                    method = SmsNative.readString(SmsNative.sms_request_method(request))!!,
                    url = SmsNative.readString(SmsNative.sms_request_url(request))!!,
                    headers = headers,
                    body = body,
                    connectTimeoutMs = connectTimeoutMs,
                    totalTimeoutMs = totalTimeoutMs,
                ).also { it.cancellation = cancellation }
            }

            /** A millisecond count as C `uint32_t` (passed as the same 32 bits in an Int). */
            private fun uint32(
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
