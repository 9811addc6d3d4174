package io.smscode

import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import java.util.Collections
import java.util.concurrent.CountDownLatch
import java.util.concurrent.atomic.AtomicInteger
import kotlin.concurrent.thread

/** One client shared by many threads, against an emulator with its limits off. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ConcurrencyTest(
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
    fun `8 threads x 100 sends through one client, 0 errors`() {
        val sent = AtomicInteger()
        val errors = Collections.synchronizedList(mutableListOf<String>())
        val phone = Phones.next()
        newClient().use { client ->
            val start = CountDownLatch(1)
            val workers =
                (1..8).map { n ->
                    thread(name = "sender-$n") {
                        start.await()
                        repeat(100) {
                            try {
                                val result = client.sendCodeBlocking("+86", phone, CodeType.entries[n % 5])
                                if (result.code == 200) sent.incrementAndGet() else errors.add("code ${result.code}")
                            } catch (e: Exception) {
                                errors.add(e.toString())
                            }
                        }
                    }
                }
            start.countDown()
            workers.forEach { it.join(120_000) }
        }
        assertEquals(emptyList<String>(), errors.take(5))
        assertEquals(800, sent.get())
        assertEquals(800, emulator.codes(phone).size)
    }

    @Test
    fun `setters may run while other threads send`() {
        val errors = Collections.synchronizedList(mutableListOf<String>())
        newClient().use { client ->
            val senders =
                (1..4).map {
                    thread {
                        repeat(50) {
                            runCatching { client.sendCodeBlocking("+86", Phones.next(), CodeType.LOGIN) }
                                .onSuccess { if (it.code != 200) errors.add("code ${it.code}") }
                                .onFailure { errors.add(it.toString()) }
                        }
                    }
                }
            val configurer =
                thread {
                    repeat(50) { i ->
                        client.setLanguage(if (i % 2 == 0) "en-US" else null)
                        client.setTimeouts(5_000, 10_000 + i.toLong())
                    }
                }
            (senders + configurer).forEach { it.join(120_000) }
        }
        assertEquals(emptyList<String>(), errors.take(5))
    }

    @Test
    fun `closing while threads send never frees a handle in use`() {
        val outcomes = Collections.synchronizedList(mutableListOf<String>())
        val client = newClient()
        val firstSends = CountDownLatch(4)
        val senders =
            (1..4).map {
                thread {
                    var counted = false
                    while (true) {
                        try {
                            val code = client.sendCodeBlocking("+86", Phones.next(), CodeType.LOGIN).code
                            outcomes.add("code $code")
                        } catch (e: SmsException.ClientClosed) {
                            outcomes.add("closed")
                            break
                        } catch (e: Exception) {
                            outcomes.add(e.toString())
                            break
                        }
                        if (!counted) {
                            firstSends.countDown()
                            counted = true
                        }
                    }
                    if (!counted) firstSends.countDown()
                }
            }
        firstSends.await()
        val closers = (1..3).map { thread { client.close() } }
        (senders + closers).forEach { it.join(60_000) }
        assertTrue(client.isClosed)
        assertEquals(4, outcomes.count { it == "closed" })
        assertEquals(emptySet<String>(), outcomes.filter { it != "closed" && it != "code 200" }.toSet())
        assertTrue(outcomes.count { it == "code 200" } >= 4)
    }
}

class ConcurrencyLibraryTest : ConcurrencyTest(TestTransport.LIBRARY)

class ConcurrencyPlatformTest : ConcurrencyTest(TestTransport.PLATFORM)
