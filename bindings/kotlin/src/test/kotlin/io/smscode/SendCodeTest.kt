package io.smscode

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows

/** The one-call `SmsCode.sendCode` against the real emulator (default rate limits). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SendCodeTest {
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

    private fun send(
        phone: String,
        intl: String = "+86",
        codeType: Int = 3,
        userDomain: String = Emulator.USER_DOMAIN,
        secret: String = Emulator.SECRET,
        baseUrl: String = emulator.baseUrl,
    ): Int = SmsCode.sendCodeBlocking(baseUrl, userDomain, secret, intl, phone, codeType)

    @Test
    fun `a send is answered 200 and the emulator issues a code`() {
        val phone = Phones.next()
        assertEquals(200, SmsCode.sendCodeBlocking(emulator.baseUrl, "demo", "demo-secret", "+86", phone, CodeType.REGISTRATION))
        val codes = emulator.codes(phone)
        assertEquals(1, codes.size)
        assertEquals(3, codes[0].getInt("codeType"))
        assertEquals("+86", codes[0].getString("internationalCode"))
        assertTrue(codes[0].getBoolean("valid"))
    }

    @Test
    fun `a second send within the interval is the emulator's 5058`() {
        val phone = Phones.next()
        assertEquals(200, send(phone))
        assertEquals(5058, send(phone))
        assertEquals(1, emulator.codes(phone).size)
    }

    @Test
    fun `input the platform has a code for is answered locally`() {
        // A fault armed for the next request proves nothing was sent: a request would
        // be closed and end in a network error instead of a code.
        emulator.armFault("close", count = 10)
        assertEquals(5021, send(phone = ""))
        assertEquals(5023, send(Phones.next(), userDomain = ""))
        assertEquals(5116, send(Phones.next(), intl = ""))
        assertEquals(5019, send(phone = "1380013800x"))
        assertEquals(5019, send(phone = "123456789012345678901"))
        assertThrows<SmsException.Network> { send(Phones.next()) }
    }

    @Test
    fun `malformed arguments are invalid-argument exceptions`() {
        for (intl in listOf("86a", "+1234567", "++86")) {
            val e = assertThrows<SmsException.InvalidArgument>(intl) { send(Phones.next(), intl = intl) }
            assertEquals(-3, e.status)
        }
        assertThrows<SmsException.InvalidArgument> { send(Phones.next(), secret = "") }
        assertThrows<SmsException.InvalidArgument> { send(Phones.next(), codeType = 0) }
        assertThrows<SmsException.InvalidArgument> { send(Phones.next(), codeType = 6) }
        assertThrows<SmsException.InvalidArgument> { send(Phones.next(), baseUrl = "ftp://127.0.0.1/") }
    }

    @Test
    fun `server answers pass through unchanged`() {
        assertEquals(5420, send(Phones.next(), secret = SENTINEL_SECRET))
        assertEquals(5092, send(Phones.next(), userDomain = "nobody"))
    }

    @Test
    fun `plain http to a non-loopback host is refused`() {
        val e = assertThrows<SmsException.InsecureUrl> { send(Phones.next(), baseUrl = "http://example.com") }
        assertEquals(-10, e.status)
        assertTrue(e.message!!.isNotEmpty())
    }

    @Test
    fun `a refused connection is a network error`() {
        val e = assertThrows<SmsException.Network> { send(Phones.next(), baseUrl = "http://127.0.0.1:1") }
        assertEquals(-5, e.status)
        assertFalse(e.message!!.contains(Emulator.SECRET))
    }

    @Test
    fun `the suspend variant sends from a coroutine`(): Unit =
        runBlocking {
            val phone = Phones.next()
            val code = SmsCode.sendCode(emulator.baseUrl, "demo", "demo-secret", "+49", phone, CodeType.LOGIN)
            assertEquals(200, code)
            assertEquals(2, emulator.codes(phone).single().getInt("codeType"))
        }
}
