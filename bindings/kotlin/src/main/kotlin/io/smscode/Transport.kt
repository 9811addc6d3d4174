package io.smscode

import java.io.IOException
import java.net.SocketTimeoutException
import javax.net.ssl.SSLException

/**
 * Moves the bytes of one send: [SmsClient] has the library prepare and sign the request,
 * hands it to [execute], and has the library map the answer (HTTP status, 64 KiB cap,
 * JSON `code`, `msg`/`extMsg`, clock skew from `Date`). Every rule stays in the library;
 * a transport only sends [HttpRequest] exactly as given and returns what came back.
 *
 * Built in: [LibraryTransport] (the library's own HTTPS stack, the JVM's default) and
 * [HttpUrlConnectionTransport] (the platform's, Android's default). Your own, e.g. on
 * OkHttp, is a few lines (see the README). A transport must:
 * - send [HttpRequest.method] to [HttpRequest.url] byte for byte, with
 *   [HttpRequest.headers] and [HttpRequest.body];
 * - send once: never retry (a repeated send replaces the code the user is typing), never
 *   follow a redirect (return the 3xx answer as it is);
 * - keep to [HttpRequest.connectTimeoutMs] and [HttpRequest.totalTimeoutMs] (the total
 *   covers the whole exchange, body included: a per-read timeout is not enough);
 * - abort the request when told to through [HttpRequest.onCancel] (the caller's coroutine
 *   was cancelled), e.g. OkHttp's `call.cancel()`;
 * - return the status, the `Date` header and the body (reading more than
 *   [HttpRequest.MAX_BODY_BYTES] is never needed: the library refuses a longer body);
 * - report a failure by throwing [TransportException] with its [TransportException.Kind],
 *   or an [IOException], which [SmsClient] maps as [TransportException.of] does.
 */
public fun interface Transport {
    @Throws(IOException::class)
    public fun execute(request: HttpRequest): HttpResponse

    public companion object {
        /** True on Android (its VM vendor, or its `android.os.Build` class). */
        @JvmStatic
        public val isAndroid: Boolean by lazy {
            System.getProperty("java.vm.vendor").orEmpty().contains("Android", ignoreCase = true) ||
                try {
                    Class.forName("android.os.Build")
                    true
                } catch (e: ClassNotFoundException) {
                    false
                }
        }

        /** System property choosing [default]: `platform` or `library` (unset: by platform). */
        public const val PROPERTY: String = "smscode.transport"

        /**
         * The transport a client gets when none is given: [HttpUrlConnectionTransport] on
         * Android (it honours Network Security Config, user and MDM certificates, the
         * system proxy and VPN; the Android module's library has no transport of its own),
         * [LibraryTransport] elsewhere. `-Dsmscode.transport=platform` (or `library`)
         * chooses, e.g. for a JVM app on a library built without its transport.
         */
        @JvmStatic
        public fun default(): Transport =
            when (System.getProperty(PROPERTY)) {
                "platform" -> HttpUrlConnectionTransport()
                "library" -> LibraryTransport
                else -> if (isAndroid) HttpUrlConnectionTransport() else LibraryTransport
            }
    }
}

/**
 * The library's own HTTPS transport (`sms_client_send`: rustls with the bundled Mozilla
 * roots, [SmsClient.addCaFile], [SmsClient.setProxy]). [SmsClient] calls the library
 * directly for it, so [execute] is never used. Needs a library built with its transport
 * (the default cargo features); otherwise sends are [SmsException.Unsupported].
 */
public object LibraryTransport : Transport {
    override fun execute(request: HttpRequest): HttpResponse =
        throw UnsupportedOperationException("LibraryTransport sends inside the library; SmsClient never calls execute")

    override fun toString(): String = "LibraryTransport"
}

/**
 * A signed request from the library (`sms_client_prepare`). [url] carries the signed
 * query, already percent-encoded; [body] is empty (send `Content-Length: 0`). The
 * timeouts are the client's ([SmsClient.setTimeouts]): [connectTimeoutMs] for DNS, TCP
 * and TLS, [totalTimeoutMs] for the whole exchange, as the library's own transport keeps
 * them (a slow answer inside the total is fine, whatever the connect timeout).
 */
public class HttpRequest(
    public val method: String,
    public val url: String,
    public val headers: List<Pair<String, String>>,
    body: ByteArray,
    public val connectTimeoutMs: Long,
    public val totalTimeoutMs: Long,
) {
    private val bodyBytes = body.copyOf()

    /** The body's bytes (a copy). */
    public val body: ByteArray get() = bodyBytes.copyOf()

    /** Set by [SmsClient] before the request reaches the transport. */
    internal var cancellation: Cancellation = Cancellation()

    /**
     * Runs [abort] if the caller's coroutine is cancelled while this request is in
     * flight (at once if it already was), on the cancelling thread: stop the HTTP
     * request there, e.g. `request.onCancel { call.cancel() }`, so [Transport.execute]
     * returns early (with any exception: the caller gets a `CancellationException`).
     * Keep it short and non-blocking. Never runs once the send is over.
     */
    public fun onCancel(abort: Runnable) {
        cancellation.register(abort)
    }

    override fun toString(): String = "HttpRequest($method $url, headers=$headers, body=${bodyBytes.size} bytes)"

    public companion object {
        /** The library refuses a body over 64 KiB: a transport reads at most this many bytes. */
        public const val MAX_BODY_BYTES: Int = MAX_RESPONSE_BODY + 1
    }
}

/**
 * What came back: the HTTP [status] (100..999), the `Date` header's value (null without
 * one) and the [body] as received (after any `Content-Encoding` was undone), at most
 * [HttpRequest.MAX_BODY_BYTES] of it.
 */
public class HttpResponse(
    public val status: Int,
    public val dateHeader: String?,
    body: ByteArray,
) {
    private val bodyBytes = body.copyOf()

    /** The body's bytes (a copy). */
    public val body: ByteArray get() = bodyBytes.copyOf()

    internal val bodyView: ByteArray get() = bodyBytes

    override fun toString(): String = "HttpResponse($status, date=$dateHeader, body=${bodyBytes.size} bytes)"
}

/**
 * A transport's failure before an answer: [SmsClient] turns it into
 * [SmsException.Network], [SmsException.Timeout] or [SmsException.Tls], as the library's
 * own transport reports the same failures.
 */
public class TransportException(
    public val kind: Kind,
    message: String,
    cause: Throwable? = null,
) : IOException(message, cause) {
    public enum class Kind {
        /** DNS failure, connection refused or reset, no network. */
        NETWORK,

        /** The connect or total timeout expired. */
        TIMEOUT,

        /** TLS handshake or certificate verification failed. */
        TLS,
    }

    public companion object {
        /**
         * The kind of an [IOException] from an HTTP stack: [SocketTimeoutException] is a
         * timeout, [SSLException] (handshake, certificate) TLS, anything else network.
         */
        @JvmStatic
        public fun of(error: IOException): TransportException =
            when (error) {
                is TransportException -> error
                is SocketTimeoutException -> TransportException(Kind.TIMEOUT, "timed out: ${error.message}", error)
                is SSLException -> TransportException(Kind.TLS, "TLS failed: ${error.message}", error)
                else -> TransportException(Kind.NETWORK, "network error: ${error.javaClass.simpleName}: ${error.message}", error)
            }
    }
}
