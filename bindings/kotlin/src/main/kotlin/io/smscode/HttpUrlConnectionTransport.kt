package io.smscode

import java.io.ByteArrayOutputStream
import java.io.IOException
import java.io.InputStream
import java.io.InterruptedIOException
import java.net.HttpURLConnection
import java.net.Proxy
import java.net.URL
import java.util.concurrent.CancellationException
import java.util.concurrent.ExecutionException
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors
import java.util.concurrent.Future
import java.util.concurrent.TimeUnit
import java.util.concurrent.TimeoutException
import javax.net.ssl.HttpsURLConnection
import javax.net.ssl.SSLSocketFactory
import kotlin.concurrent.thread

/**
 * A [Transport] on `java.net.HttpURLConnection`, part of the JDK and of Android: no
 * dependency. On Android it is the platform's HTTP stack, so it honours Network Security
 * Config (extra CAs go there, not here), user and MDM certificates, the system proxy and
 * VPN. The default on Android.
 *
 * One POST, never retried: fixed-length streaming mode makes the JDK send the body once
 * and turns off its silent retry of a request whose connection was closed (the JDK's
 * `sun.net.http.retryPost` only applies to buffered bodies), and redirects are not
 * followed. The connect timeout is the client's. The exchange runs on a daemon worker
 * thread and the caller waits at most the total timeout, then closes the connection:
 * HttpURLConnection's read timeout alone is per read, so a server trickling bytes could
 * stretch it. A cancelled coroutine ([HttpRequest.onCancel]) closes it the same way, at
 * once. Each send has its own connection (`Connection: close`): closing a kept-alive one,
 * the JDK would hand its half-read body to a cleaner thread that reads on to the end.
 *
 * @param sslSocketFactory trust and TLS settings for `https://` on the JVM, e.g. a factory
 *   whose trust store holds an extra CA (see the README); null uses the platform's default.
 * @param proxy the proxy to use; null follows the system's settings (`ProxySelector`).
 */
public class HttpUrlConnectionTransport
    @JvmOverloads
    constructor(
        private val sslSocketFactory: SSLSocketFactory? = null,
        private val proxy: Proxy? = null,
    ) : Transport {
        override fun execute(request: HttpRequest): HttpResponse {
            val url = URL(request.url)
            val connection = (if (proxy != null) url.openConnection(proxy) else url.openConnection()) as HttpURLConnection
            // The exchange runs on a worker and this thread waits at most the total
            // timeout: HttpURLConnection's own timeouts are per read, and a read it is
            // blocked in cannot always be cut short from outside.
            val exchange = workers.submit<HttpResponse> { exchange(connection, request) }
            // Cancelling the future also ends the wait below.
            request.onCancel { abandon(exchange, connection) }
            try {
                return exchange.get(request.totalTimeoutMs, TimeUnit.MILLISECONDS)
            } catch (e: TimeoutException) {
                abandon(exchange, connection)
                throw TransportException(TransportException.Kind.TIMEOUT, "no complete answer within ${request.totalTimeoutMs} ms", e)
            } catch (e: CancellationException) {
                throw TransportException(TransportException.Kind.NETWORK, "cancelled: the request was aborted", e)
            } catch (e: InterruptedException) {
                abandon(exchange, connection)
                Thread.currentThread().interrupt()
                throw TransportException(TransportException.Kind.NETWORK, "interrupted while waiting for the answer", e)
            } catch (e: ExecutionException) {
                when (val cause = e.cause) {
                    is IOException -> throw TransportException.of(cause)
                    is RuntimeException -> throw cause
                    is Error -> throw cause
                    else -> throw TransportException(TransportException.Kind.NETWORK, "the exchange failed: $cause", cause)
                }
            }
        }

        /** One POST, on a worker thread. */
        private fun exchange(
            connection: HttpURLConnection,
            request: HttpRequest,
        ): HttpResponse {
            try {
                if (connection is HttpsURLConnection && sslSocketFactory != null) {
                    connection.sslSocketFactory = sslSocketFactory
                }
                connection.requestMethod = request.method
                connection.instanceFollowRedirects = false
                connection.useCaches = false
                connection.connectTimeout = millis(request.connectTimeoutMs)
                connection.readTimeout = millis(request.totalTimeoutMs)
                for ((name, value) in request.headers) connection.setRequestProperty(name, value)
                // No keep-alive: the JDK's disconnect() of a kept-alive connection hands a
                // half-read body to a cleaner thread that reads on to its end, so an
                // abandoned send would go on; one without keep-alive is closed (once a read
                // under way returns). Checked by the parity test's slow drip.
                // (A send is one per user action: reuse would gain little.)
                connection.setRequestProperty("Connection", "close")
                val body = request.body
                connection.doOutput = true
                connection.setFixedLengthStreamingMode(body.size)
                connection.outputStream.use { it.write(body) }
                val status = connection.responseCode
                val date = connection.getHeaderField("Date")
                // A 4xx/5xx body comes from the error stream (null when there is none).
                val stream = if (status >= 400) connection.errorStream else connection.inputStream
                return HttpResponse(status, date, stream?.let(::readCapped) ?: ByteArray(0))
            } finally {
                // Closes the connection, whether the body was read to its end, cut off at
                // the cap, or the exchange failed.
                connection.disconnect()
            }
        }

        override fun toString(): String = "HttpUrlConnectionTransport"

        private companion object {
            /** Daemon workers for the exchanges, reused from one send to the next. */
            val workers: ExecutorService by lazy {
                Executors.newCachedThreadPool { task -> Thread(task, "smscode-http").apply { isDaemon = true } }
            }

            /**
             * Gives up on an exchange (its deadline passed, or it was cancelled): the worker
             * is interrupted, so it reads no further and closes the connection, and the
             * connection is closed off this thread too (at once while no read holds it).
             */
            fun abandon(
                exchange: Future<HttpResponse>,
                connection: HttpURLConnection,
            ) {
                exchange.cancel(true)
                // disconnect() may wait for the worker's read to return.
                thread(isDaemon = true, name = "smscode-disconnect") { connection.disconnect() }
            }

            fun millis(value: Long): Int = value.coerceIn(1, Int.MAX_VALUE.toLong()).toInt()

            /** At most [HttpRequest.MAX_BODY_BYTES]: the library refuses anything longer. */
            fun readCapped(stream: InputStream): ByteArray {
                val out = ByteArrayOutputStream()
                val buffer = ByteArray(8192)
                while (out.size() < HttpRequest.MAX_BODY_BYTES) {
                    // Abandoned ([abandon] interrupts this worker): stop, and the finally
                    // block closes the connection. Without this, a body trickling in keeps
                    // the worker reading, and the JDK's disconnect() from the other thread
                    // can wait for the stream's lock until the body ends.
                    if (Thread.currentThread().isInterrupted) throw InterruptedIOException("the exchange was abandoned")
                    val n = stream.read(buffer, 0, minOf(buffer.size, HttpRequest.MAX_BODY_BYTES - out.size()))
                    if (n < 0) break
                    out.write(buffer, 0, n)
                }
                return out.toByteArray()
            }
        }
    }
