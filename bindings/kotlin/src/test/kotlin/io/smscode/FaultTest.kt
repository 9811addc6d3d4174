package io.smscode

import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows

/**
 * The emulator's fault modes, each mapped to its exception (the timeouts, `hang` and
 * `slow_drip`, are in [ParityTest]).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FaultTest(
    private val transport: TestTransport,
) {
    private val totalTimeoutMs = 1_000L
    private lateinit var emulator: Emulator
    private lateinit var client: SmsClient

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
        client =
            transport
                .client(emulator.baseUrl, Emulator.USER_DOMAIN, Emulator.SECRET)
                .setTimeouts(connectTimeoutMs = 2_000, totalTimeoutMs = totalTimeoutMs)
    }

    @AfterEach
    fun closeClient() {
        client.close()
        // Each fault is consumed by one send; the emulator must answer normally again.
        transport.client(emulator.baseUrl, Emulator.USER_DOMAIN, Emulator.SECRET).use {
            assertEquals(200, it.sendCodeBlocking("+86", Phones.next(), CodeType.LOGIN).code)
        }
    }

    private inline fun <reified T : SmsException> sendWithFault(
        kind: String,
        status: Int,
    ): T {
        emulator.armFault(kind)
        val phone = Phones.next()
        val e = assertThrows<T>(kind) { client.sendCodeBlocking("+86", phone, CodeType.LOGIN) }
        assertEquals(status, e.status)
        assertTrue(e.message!!.isNotEmpty())
        assertFalse(e.message!!.contains(Emulator.SECRET))
        assertTrue(emulator.codes(phone).isEmpty(), "a faulted request issues no code")
        return e
    }

    @Test
    fun `close is a network error`() {
        sendWithFault<SmsException.Network>("close", -5)
    }

    @Test
    fun `a closed connection is one request, never retried`() {
        // Two armed: a send that retried would use both (and then succeed or fail twice).
        emulator.armFault("close", count = 2)
        assertThrows<SmsException.Network> { client.sendCodeBlocking("+86", Phones.next(), CodeType.LOGIN) }
        assertEquals(2, emulator.armFault("close"), "the send reached the emulator more than once")
        emulator.reset()
    }

    @Test
    fun `http500 is an HTTP status error`() {
        sendWithFault<SmsException.HttpStatus>("http500", -8)
    }

    @Test
    fun `a redirect is an HTTP status error, never followed`() {
        sendWithFault<SmsException.HttpStatus>("redirect", -8)
    }

    @Test
    fun `not json is a bad response`() {
        sendWithFault<SmsException.BadResponse>("not_json", -9)
    }

    @Test
    fun `a huge body is a bad response`() {
        sendWithFault<SmsException.BadResponse>("huge_body", -9)
    }

    @Test
    fun `a short delay within the timeout is answered normally`() {
        emulator.armFault("delay", delayMs = 300)
        assertEquals(200, client.sendCodeBlocking("+86", Phones.next(), CodeType.LOGIN).code)
    }

    @Test
    fun `the one-call form maps faults the same way`() {
        emulator.armFault("http500")
        val e =
            assertThrows<SmsException.HttpStatus> {
                SmsCode.sendCodeBlocking(emulator.baseUrl, Emulator.USER_DOMAIN, Emulator.SECRET, "+86", Phones.next(), CodeType.LOGIN)
            }
        assertEquals(-8, e.status)
    }
}

class FaultLibraryTest : FaultTest(TestTransport.LIBRARY)

class FaultPlatformTest : FaultTest(TestTransport.PLATFORM)
