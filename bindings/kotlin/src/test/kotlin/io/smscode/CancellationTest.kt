package io.smscode

import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import java.util.Collections

/**
 * Cancelling the coroutine of a send: the caller gets a [CancellationException], and a
 * platform transport aborts the HTTP request (the emulator counts the aborted
 * connection). The library's own transport cannot be aborted (its send blocks in C with
 * no way to stop it): the coroutine ends when that send returns, as documented.
 *
 * The emulator's `delay` fault issues the code when the request arrives and holds the
 * answer back for [DELAY_MS], so the send is surely in flight when it is cancelled.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CancellationTest(
    private val transport: TestTransport,
) {
    private val abortable = transport != TestTransport.LIBRARY
    private lateinit var emulator: Emulator
    private lateinit var client: SmsClient
    private val returned = Collections.synchronizedList(mutableListOf<Long>())

    @BeforeAll
    fun start() {
        emulator = Emulator.start()
    }

    @AfterAll
    fun stop() {
        emulator.close()
    }

    @BeforeEach
    fun newClient() {
        emulator.reset()
        client = transport.client(emulator.baseUrl, Emulator.USER_DOMAIN, Emulator.SECRET).setTimeouts(1_000, 20_000)
        // When each send returned from the library (the test hook): after the cancel, or not.
        NativeHooks.listener = { event, _ -> if (event == NativeHooks.Event.SEND_RETURNED) returned.add(System.nanoTime()) }
    }

    @AfterEach
    fun closeClient() {
        NativeHooks.listener = null
        returned.clear()
        // A cancelled send leaves the client usable.
        assertEquals(200, client.sendCodeBlocking("+86", Phones.next(), CodeType.LOGIN).code)
        client.close()
    }

    @Test
    fun `cancelling the coroutine throws CancellationException and aborts what can be aborted`() {
        emulator.armFault("delay", delayMs = DELAY_MS)
        val phone = Phones.next()
        var thrown: Throwable? = null
        var cancelledAt = 0L
        runBlocking {
            val job =
                launch(Dispatchers.Default) {
                    try {
                        client.sendCode("+86", phone, CodeType.LOGIN)
                    } catch (e: Throwable) {
                        thrown = e
                        throw e
                    }
                }
            emulator.awaitCode(phone) // the request is at the server, its answer held back
            cancelledAt = System.nanoTime()
            job.cancelAndJoin()
        }
        val endedAfterMs = (System.nanoTime() - cancelledAt) / 1_000_000
        assertTrue(thrown is CancellationException, "the send ended with $thrown")
        assertEndedAsDocumented(endedAfterMs, cancelledAt)
        // Cancelled after it reached the server: the code went out all the same.
        assertTrue(emulator.codes(phone).single().getBoolean("valid"))
    }

    @Test
    fun `withTimeout throws TimeoutCancellationException and aborts what can be aborted`() {
        emulator.armFault("delay", delayMs = DELAY_MS)
        val started = System.nanoTime()
        assertThrows<TimeoutCancellationException> {
            runBlocking { withTimeout(1_000) { client.sendCode("+86", Phones.next(), CodeType.LOGIN) } }
        }
        val timeoutAt = started + 1_000_000_000L
        assertEndedAsDocumented((System.nanoTime() - timeoutAt) / 1_000_000, timeoutAt)
    }

    private fun assertEndedAsDocumented(
        endedAfterMs: Long,
        cancelledAt: Long,
    ) {
        if (abortable) {
            assertTrue(endedAfterMs < DELAY_MS / 2, "the cancelled send ended $endedAfterMs ms after the cancel")
            assertEquals(1, emulator.awaitAborted(1), "the HTTP request went on after the cancel")
        } else {
            // The library's send ran to its end (the held answer), and only then did the
            // coroutine end: nothing was aborted.
            assertEquals(1, returned.size, "the coroutine ended before the library's send returned")
            assertTrue(returned.single() > cancelledAt, "the library's send returned before the cancel")
            assertTrue(endedAfterMs >= DELAY_MS / 2, "the coroutine ended $endedAfterMs ms after the cancel, before the send")
            assertEquals(0, emulator.awaitAborted(1, withinMs = 500), "the library's send was aborted")
        }
    }

    private companion object {
        const val DELAY_MS = 4_000L
    }
}

class CancellationLibraryTest : CancellationTest(TestTransport.LIBRARY)

class CancellationPlatformTest : CancellationTest(TestTransport.PLATFORM)

class CancellationJdkHttpClientTest : CancellationTest(TestTransport.JDK_HTTP_CLIENT)
