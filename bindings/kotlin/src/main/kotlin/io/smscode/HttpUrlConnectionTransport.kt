package io.smscode

import java.io.ByteArrayOutputStream
import java.io.IOException
import java.io.InputStream
import java.net.HttpURLConnection
import java.net.Proxy
import java.net.SocketTimeoutException
import java.net.URL
import java.util.concurrent.Executors
import java.util.concurrent.ScheduledExecutorService
import java.util.concurrent.TimeUnit
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
 * followed. The connect timeout is the client's. The total timeout is the read timeout
 * (which HttpURLConnection applies per read), checked again after each read of the body,
 * and the connection is closed at the deadline; so a server trickling bytes is cut off
 * at about the total timeout.
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
            val deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(request.totalTimeoutMs)
            val url = URL(request.url)
            val connection = (if (proxy != null) url.openConnection(proxy) else url.openConnection()) as HttpURLConnection
            // disconnect() may wait for a read in progress: on its own thread, so one stuck
            // connection never delays another's timeout.
            val watchdog =
                watchdogs.schedule({
                    thread(isDaemon = true, name = "smscode-timeout") { connection.disconnect() }
                }, request.totalTimeoutMs, TimeUnit.MILLISECONDS)
            var complete = false
            var stream: InputStream? = null
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
                val body = request.body
                connection.doOutput = true
                connection.setFixedLengthStreamingMode(body.size)
                connection.outputStream.use { it.write(body) }
                val status = connection.responseCode
                val date = connection.getHeaderField("Date")
                // A 4xx/5xx body comes from the error stream (null when there is none).
                stream = if (status >= 400) connection.errorStream else connection.inputStream
                val read = stream?.let { readCapped(it, deadline) } ?: ReadBody(ByteArray(0), complete = true)
                complete = read.complete
                return HttpResponse(status, date, read.bytes)
            } catch (e: IOException) {
                // The watchdog closed the connection: whatever the JDK reports, it is the timeout.
                if (System.nanoTime() - deadline >= 0) {
                    throw TransportException(TransportException.Kind.TIMEOUT, "timed out after ${request.totalTimeoutMs} ms", e)
                }
                throw TransportException.of(e)
            } finally {
                watchdog.cancel(false)
                // A body read to its end leaves the connection to the JDK's keep-alive
                // pool; a cut-off or failed one is closed first, so nothing drains the rest.
                if (!complete) connection.disconnect()
                try {
                    stream?.close()
                } catch (e: IOException) {
                    // The answer was read (or the send failed already): nothing to report.
                }
            }
        }

        override fun toString(): String = "HttpUrlConnectionTransport"

        private class ReadBody(
            val bytes: ByteArray,
            val complete: Boolean,
        )

        private companion object {
            /** One daemon thread that closes connections whose total timeout expired. */
            val watchdogs: ScheduledExecutorService by lazy {
                Executors.newSingleThreadScheduledExecutor { task ->
                    Thread(task, "smscode-timeouts").apply { isDaemon = true }
                }
            }

            fun millis(value: Long): Int = value.coerceIn(1, Int.MAX_VALUE.toLong()).toInt()

            /** At most [HttpRequest.MAX_BODY_BYTES]: the library refuses anything longer. */
            fun readCapped(
                stream: InputStream,
                deadline: Long,
            ): ReadBody {
                val out = ByteArrayOutputStream()
                val buffer = ByteArray(8192)
                while (out.size() < HttpRequest.MAX_BODY_BYTES) {
                    val n = stream.read(buffer, 0, minOf(buffer.size, HttpRequest.MAX_BODY_BYTES - out.size()))
                    if (n < 0) return ReadBody(out.toByteArray(), complete = true)
                    out.write(buffer, 0, n)
                    // A body that keeps trickling in ends at the total timeout too.
                    if (System.nanoTime() - deadline >= 0) throw SocketTimeoutException("the body did not arrive in time")
                }
                return ReadBody(out.toByteArray(), complete = false)
            }
        }
    }
