package io.smscode

import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Tag
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows

/**
 * Only against the library built without its transport (`--no-default-features`, as the
 * Android module ships it; Surefire's `no-transport` run): the library's own transport
 * answers Unsupported, the platform transport sends, and timeouts still apply.
 */
@Tag("no-transport")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NoTransportTest {
    private lateinit var emulator: Emulator

    @BeforeAll
    fun start() {
        emulator = Emulator.start()
    }

    @AfterAll
    fun stop() {
        emulator.close()
    }

    @Test
    fun `the library's own transport is unsupported, with a clear message`() {
        SmsClient(emulator.baseUrl, Emulator.USER_DOMAIN, Emulator.SECRET, LibraryTransport).use { client ->
            val e = assertThrows<SmsException.Unsupported> { client.sendCodeBlocking("+86", Phones.next(), CodeType.LOGIN) }
            assertEquals(Status.UNSUPPORTED.value, e.status)
            assertTrue(e.message!!.contains("transport"), e.message)
            assertThrows<SmsException.Unsupported> { client.setTimeouts(1_000, 2_000) }
            assertThrows<SmsException.Unsupported> { client.setProxy("http://127.0.0.1:3128") }
        }
    }

    @Test
    fun `the default transport sends, and the one-call form too`() {
        SmsClient(emulator.baseUrl, Emulator.USER_DOMAIN, Emulator.SECRET).use { client ->
            assertTrue(client.transport is HttpUrlConnectionTransport, "${client.transport}")
            val phone = Phones.next()
            assertEquals(200, client.sendCodeBlocking("+86", phone, CodeType.LOGIN).code)
            assertEquals(1, emulator.codes(phone).size)
        }
        assertEquals(
            200,
            SmsCode.sendCodeBlocking(emulator.baseUrl, Emulator.USER_DOMAIN, Emulator.SECRET, "+86", Phones.next(), CodeType.LOGIN),
        )
    }

    @Test
    fun `timeouts are checked and kept in Kotlin`() {
        SmsClient(emulator.baseUrl, Emulator.USER_DOMAIN, Emulator.SECRET, HttpUrlConnectionTransport()).use { client ->
            assertThrows<SmsException.InvalidArgument> { client.setTimeouts(0, 1_000) }
            assertThrows<SmsException.InvalidArgument> { client.setTimeouts(1_000, 5_000_000_000) }
            client.setTimeouts(2_000, 800)
            emulator.armFault("hang")
            val started = System.nanoTime()
            assertThrows<SmsException.Timeout> { client.sendCodeBlocking("+86", Phones.next(), CodeType.LOGIN) }
            val elapsedMs = (System.nanoTime() - started) / 1_000_000
            assertTrue(elapsedMs in 640..5_800, "timed out after $elapsedMs ms")
            emulator.reset()
        }
    }
}
