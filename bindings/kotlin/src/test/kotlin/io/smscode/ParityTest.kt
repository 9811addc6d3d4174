package io.smscode

import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows

/**
 * The same server gets the same answer through every transport: the connect timeout
 * covers only the connection, and the total timeout the whole exchange, body included,
 * as the library's own transport keeps them. Bounds are generous (a loaded 2-core
 * machine can delay a thread by seconds) but far from what a wrong transport does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ParityTest(
    private val transport: TestTransport,
) {
    private lateinit var emulator: Emulator

    @BeforeAll
    fun start() {
        emulator = Emulator.start()
    }

    @AfterAll
    fun stop() {
        emulator.close()
    }

    @BeforeEach
    fun reset() {
        emulator.reset()
    }

    private fun client(totalTimeoutMs: Long) =
        transport
            .client(emulator.baseUrl, Emulator.USER_DOMAIN, Emulator.SECRET)
            .setTimeouts(connectTimeoutMs = CONNECT_TIMEOUT_MS, totalTimeoutMs = totalTimeoutMs)

    private fun millisSince(start: Long) = (System.nanoTime() - start) / 1_000_000

    @Test
    fun `a delay longer than the connect timeout but inside the total is answered`() {
        // A connect timeout that also covered the wait for the answer would give up after 1 s.
        emulator.armFault("delay", delayMs = 3_000)
        val phone = Phones.next()
        client(totalTimeoutMs = 10_000).use { client ->
            val started = System.nanoTime()
            val result = client.sendCodeBlocking("+86", phone, CodeType.LOGIN)
            val elapsedMs = millisSince(started)
            assertEquals(200, result.code)
            assertEquals(200, result.httpStatus)
            assertTrue(elapsedMs >= 2_500, "answered after $elapsedMs ms, before the 3 s delay")
        }
        assertTrue(emulator.codes(phone).single().getBoolean("valid"))
    }

    /**
     * The drip sends a byte a second (47 in all): a per-read timeout (HttpURLConnection's,
     * here the total, 2.5 s) never trips, so only the total deadline can end the send.
     */
    @Test
    fun `a slow drip is cut off at the total timeout`() = assertCutOffAtTotal("slow_drip")

    @Test
    fun `a server that never answers is cut off at the total timeout`() = assertCutOffAtTotal("hang")

    private fun assertCutOffAtTotal(fault: String) {
        emulator.armFault(fault)
        val phone = Phones.next()
        client(totalTimeoutMs = TOTAL_TIMEOUT_MS).use { client ->
            val started = System.nanoTime()
            val e = assertThrows<SmsException.Timeout> { client.sendCodeBlocking("+86", phone, CodeType.LOGIN) }
            val elapsedMs = millisSince(started)
            assertEquals(SmsNative.SMS_ERR_TIMEOUT, e.status)
            assertTrue(elapsedMs >= TOTAL_TIMEOUT_MS * 0.8, "$fault gave up after $elapsedMs ms, before the total timeout")
            assertTrue(elapsedMs < TOTAL_TIMEOUT_MS + 5_000, "$fault gave up after $elapsedMs ms, long after the total timeout")
            assertEquals(1, emulator.awaitAborted(1), "the connection was not closed when the send gave up")
            // The client is still usable.
            assertEquals(200, client.sendCodeBlocking("+86", Phones.next(), CodeType.LOGIN).code)
        }
        assertTrue(emulator.codes(phone).isEmpty(), "a faulted request issues no code")
    }

    private companion object {
        const val CONNECT_TIMEOUT_MS = 1_000L
        const val TOTAL_TIMEOUT_MS = 2_500L
    }
}

class ParityLibraryTest : ParityTest(TestTransport.LIBRARY)

class ParityPlatformTest : ParityTest(TestTransport.PLATFORM)

class ParityJdkHttpClientTest : ParityTest(TestTransport.JDK_HTTP_CLIENT)
