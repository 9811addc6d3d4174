package io.smscode

import java.io.ByteArrayOutputStream
import java.io.InputStream
import java.io.OutputStream
import java.net.InetAddress
import java.net.ServerSocket
import java.net.Socket
import java.net.URI
import java.util.Collections
import java.util.concurrent.CountDownLatch
import kotlin.concurrent.thread

/**
 * A small HTTP proxy on loopback that forwards to the real emulator and records what
 * passes: the request line the client sent to the proxy (`CONNECT host:port` or an
 * absolute-form request) and, since the target is plain HTTP, the request head the
 * client sent through the tunnel (so a test can see User-Agent and X-Q-Language).
 */
class RecordingProxy : AutoCloseable {
    private val server = ServerSocket(0, 50, InetAddress.getLoopbackAddress())
    val url: String = "http://127.0.0.1:${server.localPort}"

    /** First lines of the requests the proxy received. */
    val proxyRequestLines: MutableList<String> = Collections.synchronizedList(mutableListOf())

    /** Counted down when the first request reaches the proxy (a send is then in flight). */
    val firstRequest: CountDownLatch = CountDownLatch(1)

    /** Request heads (up to the blank line) sent to the target through the proxy. */
    val forwardedHeads: MutableList<String> = Collections.synchronizedList(mutableListOf())

    private val acceptor =
        thread(name = "recording-proxy", isDaemon = true) {
            while (!server.isClosed) {
                val client =
                    try {
                        server.accept()
                    } catch (e: Exception) {
                        break
                    }
                thread(isDaemon = true) { client.use { handle(it) } }
            }
        }

    private fun handle(client: Socket) {
        val input = client.getInputStream()
        val head = readHead(input) ?: return
        val requestLine = head.substringBefore("\r\n")
        proxyRequestLines.add(requestLine)
        firstRequest.countDown()
        val (method, target) = requestLine.split(" ").let { it[0] to it[1] }
        if (method == "CONNECT") {
            val (host, port) = target.split(":").let { it[0] to it[1].toInt() }
            Socket(host, port).use { upstream ->
                client.getOutputStream().apply {
                    write("HTTP/1.1 200 Connection established\r\n\r\n".toByteArray())
                    flush()
                }
                val tunneled = readHead(input) ?: return
                forwardedHeads.add(tunneled)
                upstream.getOutputStream().write(tunneled.toByteArray(Charsets.ISO_8859_1))
                relay(client, upstream)
            }
        } else {
            // Absolute-form: forward the request as received (servers must accept it),
            // asking the target to close afterwards: a kept-alive connection would carry
            // the client's next request past this recorder.
            val uri = URI(target)
            Socket(uri.host, uri.port).use { upstream ->
                forwardedHeads.add(head)
                val lines = head.removeSuffix("\r\n\r\n").split("\r\n").filterNot { it.startsWith("Connection:", ignoreCase = true) }
                val closing = lines.joinToString("\r\n") + "\r\nConnection: close\r\n\r\n"
                upstream.getOutputStream().write(closing.toByteArray(Charsets.ISO_8859_1))
                relay(client, upstream)
            }
        }
    }

    /** Copies both ways until either side closes. */
    private fun relay(
        client: Socket,
        upstream: Socket,
    ) {
        val up = thread(isDaemon = true) { copy(client.getInputStream(), upstream.getOutputStream()) }
        copy(upstream.getInputStream(), client.getOutputStream())
        runCatching { client.shutdownOutput() }
        up.join(5_000)
    }

    private fun copy(
        from: InputStream,
        to: OutputStream,
    ) {
        runCatching {
            val buffer = ByteArray(8192)
            while (true) {
                val n = from.read(buffer)
                if (n < 0) break
                to.write(buffer, 0, n)
                to.flush()
            }
        }
    }

    /** Reads bytes up to and including the blank line that ends an HTTP head. */
    private fun readHead(input: InputStream): String? {
        val bytes = ByteArrayOutputStream()
        var lastFour = 0
        while (bytes.size() < 64 * 1024) {
            val b = input.read()
            if (b < 0) return null
            bytes.write(b)
            lastFour = (lastFour shl 8) or b
            if (lastFour == 0x0D0A0D0A) return bytes.toString(Charsets.ISO_8859_1)
        }
        return null
    }

    /** The headers of a recorded head, names lowercased. */
    fun headers(head: String): Map<String, String> =
        head
            .split("\r\n")
            .drop(1)
            .filter { it.contains(':') }
            .associate { it.substringBefore(':').trim().lowercase() to it.substringAfter(':').trim() }

    override fun close() {
        server.close()
        acceptor.join(5_000)
    }
}
