package io.smscode

import org.json.JSONObject
import java.io.BufferedReader
import java.io.File
import java.io.InputStreamReader
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.time.Duration
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit

/**
 * The smscode emulator run as a real process on a free loopback port, plus its control API.
 * The binary comes from -Dsmscode.emulator, else $SMSCODE_EMULATOR, else the repo's build.
 */
class Emulator private constructor(
    private val process: Process,
    val baseUrl: String,
    val stderrLog: File,
) : AutoCloseable {
    private val http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()

    /** Clears codes, rate-limit history and armed faults. */
    fun reset() {
        post("/emulator/v1/reset", "")
    }

    /**
     * Arms [kind] for the next [count] sends (see the emulator contract); returns how many
     * send requests are now armed in all.
     */
    fun armFault(
        kind: String,
        count: Int = 1,
        delayMs: Long = 0,
    ): Int {
        val body = JSONObject().put("fault", kind).put("count", count).put("delayMs", delayMs)
        val answer = JSONObject(post("/emulator/v1/faults", body.toString()))
        check(answer.getBoolean("ok")) { "arming $kind failed: $answer" }
        return answer.getInt("armed")
    }

    /** The codes the emulator issued to [phone] ("the way a phone would receive them"). */
    fun codes(phone: String): List<JSONObject> {
        val request = HttpRequest.newBuilder(URI("$baseUrl/emulator/v1/codes?phone=$phone")).GET().build()
        val answer = JSONObject(http.send(request, HttpResponse.BodyHandlers.ofString()).body())
        val codes = answer.getJSONArray("codes")
        return (0 until codes.length()).map { codes.getJSONObject(it) }
    }

    /**
     * Waits until the emulator issued a code to [phone]: with the `delay` fault it does so
     * when the request arrives and then holds the answer back, so the send is in flight.
     */
    fun awaitCode(phone: String) {
        val deadline = System.nanoTime() + 30_000_000_000L
        while (codes(phone).isEmpty()) {
            check(System.nanoTime() < deadline) { "no request for $phone reached the emulator" }
            Thread.sleep(10)
        }
    }

    /**
     * How many send requests their client aborted: closed the connection during a
     * `delay`, `hang` or `slow_drip` fault before the whole answer was sent.
     */
    fun aborted(): Int {
        val request = HttpRequest.newBuilder(URI("$baseUrl/emulator/v1/stats")).GET().build()
        return JSONObject(http.send(request, HttpResponse.BodyHandlers.ofString()).body()).getInt("aborted")
    }

    /**
     * [aborted] once it reaches [count], or what it is after [withinMs] (the emulator sees
     * a close only when its side of the socket notices it: a moment later).
     */
    fun awaitAborted(
        count: Int,
        withinMs: Long = 5_000,
    ): Int {
        val deadline = System.nanoTime() + withinMs * 1_000_000
        while (true) {
            val now = aborted()
            if (now >= count || System.nanoTime() > deadline) return now
            Thread.sleep(20)
        }
    }

    private fun post(
        path: String,
        body: String,
    ): String {
        val request =
            HttpRequest
                .newBuilder(URI(baseUrl + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build()
        val response = http.send(request, HttpResponse.BodyHandlers.ofString())
        check(response.statusCode() == 200) { "$path answered ${response.statusCode()}: ${response.body()}" }
        return response.body()
    }

    override fun close() {
        process.destroy()
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor()
        stderrLog.delete()
    }

    companion object {
        const val USER_DOMAIN = "demo"
        const val SECRET = "demo-secret"

        fun binary(): File {
            val path =
                System.getProperty("smscode.emulator")?.takeIf { it.isNotEmpty() }
                    ?: System.getenv("SMSCODE_EMULATOR")?.takeIf { it.isNotEmpty() }
                    ?: "../../target/release/smscode-emulator"
            val file = File(path).absoluteFile
            check(file.canExecute()) { "emulator not found at $file (build it: cargo build --release -p smscode-emulator)" }
            return file
        }

        /** Starts the emulator with extra flags, e.g. `--min-interval-secs 0`. */
        fun start(vararg flags: String): Emulator {
            val log = Files.createTempFile("smscode-emulator-", ".log").toFile()
            val command = listOf(binary().path, "--listen", "127.0.0.1:0") + flags
            val process =
                ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.appendTo(log))
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start()
            // Never leave an emulator behind, even when the test JVM dies early.
            Runtime.getRuntime().addShutdownHook(Thread { process.destroyForcibly() })
            // Read only the first stdout line, with a deadline, then leave stdout alone
            // (nothing else is ever written to it).
            val reader = BufferedReader(InputStreamReader(process.inputStream, Charsets.UTF_8))
            val executor = Executors.newSingleThreadExecutor()
            val first =
                try {
                    executor.submit<String?> { reader.readLine() }.get(20, TimeUnit.SECONDS)
                } catch (e: Exception) {
                    process.destroyForcibly()
                    throw IllegalStateException("emulator did not start; log: ${log.readText()}", e)
                } finally {
                    executor.shutdownNow()
                }
            val match = Regex("^listening on (https?://127\\.0\\.0\\.1:\\d+)$").find(first ?: "")
            if (match == null) {
                process.destroyForcibly()
                error("unexpected first line from the emulator: $first; log: ${log.readText()}")
            }
            return Emulator(process, match.groupValues[1], log)
        }
    }
}
