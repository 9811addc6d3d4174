package io.smscode

import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import java.util.concurrent.Executors

/** The suspend variants, called from runBlocking as a UI thread would call them. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CoroutineTest(
    private val transport: TestTransport,
) {
    private lateinit var emulator: Emulator

    @BeforeAll
    fun start() {
        emulator = Emulator.start("--min-interval-secs", "0", "--daily-limit", "0")
    }

    @AfterAll
    fun stop() {
        emulator.close()
    }

    @BeforeEach
    fun reset() {
        emulator.reset()
    }

    private fun newClient() = transport.client(emulator.baseUrl, Emulator.USER_DOMAIN, Emulator.SECRET)

    @Test
    fun `a suspend send returns the result`(): Unit =
        runBlocking {
            newClient().use { client ->
                val result = client.sendCode("+86", Phones.next(), CodeType.LOGIN)
                assertEquals(ServerCode.SENT, result.status)
                assertEquals(200, result.httpStatus)
            }
        }

    @Test
    fun `a suspend send does not block the calling thread`(): Unit =
        runBlocking {
            // runBlocking's one thread stands in for a UI thread: the ticker can only run
            // while the send is in flight if the send left this thread.
            emulator.armFault("delay", delayMs = 1_000)
            val callerThread = Thread.currentThread()
            var ticks = 0
            newClient().use { client ->
                val ticker =
                    launch {
                        while (true) {
                            delay(20)
                            ticks++
                        }
                    }
                val result = client.sendCode("+86", Phones.next(), CodeType.LOGIN)
                ticker.cancel()
                assertEquals(200, result.code)
            }
            assertEquals(callerThread, Thread.currentThread())
            assertTrue(ticks >= 3, "the caller's thread ran $ticks ticks during a 1 s send")
        }

    @Test
    fun `the native call runs on the given dispatcher's thread`(): Unit =
        runBlocking {
            // The library keeps the last error per native thread, so it shows where the
            // failing send actually ran.
            val executor = Executors.newSingleThreadExecutor { Thread(it, "smscode-test-io") }
            val dispatcher = executor.asCoroutineDispatcher()
            try {
                emulator.armFault("close")
                // Through the platform transport the send runs in Kotlin: record where.
                var transportThread: Thread? = null
                val client =
                    when (transport) {
                        TestTransport.LIBRARY -> {
                            newClient()
                        }

                        TestTransport.PLATFORM, TestTransport.JDK_HTTP_CLIENT -> {
                            SmsClient(emulator.baseUrl, Emulator.USER_DOMAIN, Emulator.SECRET) { request ->
                                transportThread = Thread.currentThread()
                                HttpUrlConnectionTransport().execute(request)
                            }
                        }
                    }
                client.use {
                    val e =
                        assertThrows<SmsException.Network> {
                            runBlocking { client.sendCode("+86", Phones.next(), CodeType.LOGIN, dispatcher) }
                        }
                    when (transport) {
                        TestTransport.LIBRARY -> {
                            assertEquals(e.message, withContext(dispatcher) { SmsNative.lastErrorMessage() })
                            assertTrue(e.message!!.startsWith("sms_client_send"), e.message)
                        }

                        TestTransport.PLATFORM, TestTransport.JDK_HTTP_CLIENT -> {
                            assertEquals(executor.submit<Thread> { Thread.currentThread() }.get(), transportThread)
                        }
                    }
                }
            } finally {
                dispatcher.close()
            }
        }

    @Test
    fun `local failures are thrown from the suspend variant`(): Unit =
        runBlocking {
            emulator.armFault("close")
            newClient().use { client ->
                assertThrows<SmsException.Network> { runBlocking { client.sendCode("+86", Phones.next(), CodeType.LOGIN) } }
                client.close()
                assertThrows<SmsException.ClientClosed> { runBlocking { client.sendCode("+86", Phones.next(), CodeType.LOGIN) } }
            }
        }

    @Test
    fun `many concurrent suspend sends share one client`(): Unit =
        runBlocking {
            newClient().use { client ->
                val results = (1..100).map { async { client.sendCode("+86", Phones.next(), CodeType.REGISTRATION) } }.awaitAll()
                assertEquals(100, results.count { it.code == 200 })
            }
        }
}

class CoroutineLibraryTest : CoroutineTest(TestTransport.LIBRARY)

class CoroutinePlatformTest : CoroutineTest(TestTransport.PLATFORM)
