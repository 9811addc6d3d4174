package io.smscode

import java.io.IOException
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpTimeoutException
import java.time.Duration
import java.util.concurrent.CancellationException
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.ExecutionException
import java.util.concurrent.TimeUnit
import java.util.concurrent.TimeoutException
import java.net.http.HttpRequest as JdkRequest
import java.net.http.HttpResponse as JdkResponse

/**
 * A second platform transport, on `java.net.http.HttpClient` (JDK 11+, no dependency),
 * written as an app would write its own: proof that [Transport] is easy to implement,
 * and a third transport for the parity and cancellation suites. Not shipped: the JDK
 * client does not exist on Android.
 */
class JdkHttpClientTransport : Transport {
    // The connect timeout belongs to the client: one client (and pool) per value.
    private val clients = ConcurrentHashMap<Long, HttpClient>()

    override fun execute(request: HttpRequest): HttpResponse {
        val client =
            clients.computeIfAbsent(request.connectTimeoutMs) {
                HttpClient
                    .newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(Duration.ofMillis(it))
                    .build()
            }
        val builder = JdkRequest.newBuilder(URI(request.url)).method(request.method, JdkRequest.BodyPublishers.ofByteArray(request.body))
        for ((name, value) in request.headers) builder.header(name, value)
        val answer = client.sendAsync(builder.build(), JdkResponse.BodyHandlers.ofByteArray())
        // Cancelling the future aborts the exchange (JDK 16+).
        request.onCancel { answer.cancel(true) }
        try {
            // The client's own timeout ends at the headers: the total is this wait's.
            val response = answer.get(request.totalTimeoutMs, TimeUnit.MILLISECONDS)
            return HttpResponse(response.statusCode(), response.headers().firstValue("Date").orElse(null), response.body())
        } catch (e: TimeoutException) {
            answer.cancel(true)
            throw TransportException(TransportException.Kind.TIMEOUT, "no complete answer within ${request.totalTimeoutMs} ms", e)
        } catch (e: ExecutionException) {
            when (val cause = e.cause) {
                is HttpTimeoutException -> throw TransportException(TransportException.Kind.TIMEOUT, "timed out: ${cause.message}", cause)

                is IOException -> throw cause

                // E.g. cancelled through onCancel: the JDK wraps a CancellationException.
                else -> throw TransportException(TransportException.Kind.NETWORK, "the exchange failed: $cause", cause)
            }
        } catch (e: CancellationException) {
            throw TransportException(TransportException.Kind.NETWORK, "cancelled: the request was aborted", e)
        }
    }

    override fun toString(): String = "JdkHttpClientTransport"
}
