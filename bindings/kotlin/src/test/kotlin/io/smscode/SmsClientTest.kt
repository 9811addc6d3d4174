package io.smscode

import com.sun.jna.Pointer
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertSame
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.io.File
import java.util.Collections
import kotlin.math.abs

/** `SmsClient` options and answers against the real emulator (default rate limits). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SmsClientTest(
    private val transport: TestTransport,
) {
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
        client = transport.client(emulator.baseUrl, Emulator.USER_DOMAIN, Emulator.SECRET)
    }

    @AfterEach
    fun closeClient() {
        client.close()
    }

    @Test
    fun `a sent code comes back with every field`() {
        val phone = Phones.next()
        val result = client.sendCodeBlocking("+86", phone, CodeType.REGISTRATION)
        assertEquals(200, result.code)
        assertEquals(ServerCode.SENT, result.status)
        assertTrue(result.ok)
        assertFalse(result.answeredLocally)
        assertEquals(200, result.httpStatus)
        assertEquals("", result.message)
        assertNull(result.extendedMessage)
        val skew = checkNotNull(result.clockSkewMs) { "no clock skew from a server that sends Date" }
        assertTrue(abs(skew) < 5_000, "skew $skew ms against a local emulator")
        assertEquals("SMS verification code sent", result.description)
        assertEquals(1, emulator.codes(phone).size)
    }

    @Test
    fun `the emulator's rate limit answers 5058 over HTTP`() {
        val phone = Phones.next()
        assertTrue(client.sendCodeBlocking("+86", phone, CodeType.LOGIN).ok)
        val limited = client.sendCodeBlocking("+86", phone, CodeType.LOGIN)
        assertEquals(5058, limited.code)
        assertEquals(ServerCode.FREQUENCY_LIMIT, limited.status)
        assertFalse(limited.ok)
        assertEquals(200, limited.httpStatus)
        assertEquals("SMS sending exceeds frequency limit", limited.message)
    }

    @Test
    fun `the resend guard answers 5058 locally for the same key only`() {
        client.setResendGuardMs(60_000)
        val phone = Phones.next()
        assertTrue(client.sendCodeBlocking("+86", phone, CodeType.LOGIN).ok)
        val guarded = client.sendCodeBlocking("+86", phone, CodeType.LOGIN)
        assertEquals(5058, guarded.code)
        assertEquals(0, guarded.httpStatus)
        assertTrue(guarded.answeredLocally)
        assertNull(guarded.message)
        assertNull(guarded.clockSkewMs)
        // Another code type is another key: it goes to the server.
        assertEquals(200, client.sendCodeBlocking("+86", phone, CodeType.PASSWORD_RESET).code)
        // Turned off, the same key reaches the server, whose own limit answers.
        client.setResendGuardMs(0)
        assertEquals(200, client.sendCodeBlocking("+86", phone, CodeType.LOGIN).httpStatus)
        assertEquals(1, emulator.codes(phone).count { it.getInt("codeType") == 2 })
    }

    @Test
    fun `local validation answers with HTTP status 0`() {
        emulator.armFault("close", count = 10)
        for ((phone, code) in listOf("" to 5021, "12ab" to 5019, "123456789012345678901" to 5019)) {
            val result = client.sendCodeBlocking("+86", phone, CodeType.LOGIN)
            assertEquals(code, result.code, phone)
            assertEquals(0, result.httpStatus)
            assertNull(result.message)
            assertNull(result.clockSkewMs)
        }
        assertEquals(5116, client.sendCodeBlocking("", Phones.next(), CodeType.LOGIN).code)
        transport.client(emulator.baseUrl, "", Emulator.SECRET).use {
            assertEquals(5023, it.sendCodeBlocking("+86", Phones.next(), CodeType.LOGIN).code)
        }
    }

    @Test
    fun `bad sends are invalid arguments`() {
        assertThrows<SmsException.InvalidArgument> { client.sendCodeBlocking("86-1", Phones.next(), CodeType.LOGIN) }
        assertThrows<SmsException.InvalidArgument> { client.sendCodeBlocking("+86", Phones.next(), 0) }
        transport.client(emulator.baseUrl, Emulator.USER_DOMAIN, "").use {
            assertThrows<SmsException.InvalidArgument> { it.sendCodeBlocking("+86", Phones.next(), CodeType.LOGIN) }
        }
    }

    @Test
    fun `server codes pass through with the server's msg`() {
        transport.client(emulator.baseUrl, Emulator.USER_DOMAIN, SENTINEL_SECRET).use { wrong ->
            val result = wrong.sendCodeBlocking("+86", Phones.next(), CodeType.LOGIN)
            assertEquals(ServerCode.SIGNATURE_VERIFICATION_FAILED, result.status)
            assertEquals("Signature verification failed", result.message)
            assertFalse(result.toString().contains(SENTINEL_SECRET))
        }
    }

    @Test
    fun `enterprise signature and template IDs are sent`() {
        client.setEnterprise("sig-ok", "tpl-ok")
        assertEquals(200, client.sendCodeBlocking("+86", Phones.next(), CodeType.PASSWORD_RESET).code)
        client.setEnterprise("sig-acct2", "tpl-ok")
        assertEquals(5126, client.sendCodeBlocking("+86", Phones.next(), CodeType.PASSWORD_RESET).code)
        client.setEnterprise("sig-ok", null)
        assertEquals(5118, client.sendCodeBlocking("+86", Phones.next(), CodeType.PASSWORD_RESET).code)
        client.setEnterprise(null, "tpl-ok")
        assertEquals(5117, client.sendCodeBlocking("+86", Phones.next(), CodeType.PASSWORD_RESET).code)
        client.setEnterprise("", "")
        assertEquals(200, client.sendCodeBlocking("+86", Phones.next(), CodeType.PASSWORD_RESET).code)
    }

    @Test
    fun `a wrong clock is refused, measured, and corrected by the offset`() {
        client.setClockOffsetMs(-3_600_000)
        val refused = client.sendCodeBlocking("+86", Phones.next(), CodeType.LOGIN)
        assertEquals(ServerCode.TIMESTAMP_INCORRECT, refused.status)
        val skew = checkNotNull(refused.clockSkewMs) { "no clock skew from a server that sends Date" }
        assertTrue(abs(skew - 3_600_000) < 10_000, "skew $skew")
        client.setClockOffsetMs(-3_600_000 + skew)
        assertEquals(200, client.sendCodeBlocking("+86", Phones.next(), CodeType.LOGIN).code)
        assertThrows<SmsException.InvalidArgument> { client.setClockOffsetMs(Long.MAX_VALUE) }
    }

    @Test
    fun `timeouts must be positive 32-bit values`() {
        assertThrows<SmsException.InvalidArgument> { client.setTimeouts(0, 1_000) }
        assertThrows<SmsException.InvalidArgument> { client.setTimeouts(1_000, 0) }
        assertThrows<SmsException.InvalidArgument> { client.setTimeouts(-1, 1_000) }
        assertThrows<SmsException.InvalidArgument> { client.setTimeouts(1_000, 5_000_000_000) }
        assertThrows<SmsException.InvalidArgument> { client.setResendGuardMs(-1) }
        // A rejected setting leaves the client working.
        assertSame(client, client.setTimeouts(2_000, 5_000))
        assertEquals(200, client.sendCodeBlocking("+86", Phones.next(), CodeType.LOGIN).code)
    }

    @Test
    fun `user agent and language reach the server through the proxy`() {
        RecordingProxy().use { proxy ->
            val proxied = transport.client(emulator.baseUrl, Emulator.USER_DOMAIN, Emulator.SECRET, proxy = proxy.url)
            proxied.use {
                it.setUserAgent("smscode-kotlin-test/1.0").setLanguage("de-DE")
                assertEquals(200, it.sendCodeBlocking("+86", Phones.next(), CodeType.LOGIN).code)
                val port = emulator.baseUrl.substringAfterLast(':')
                assertTrue(proxy.proxyRequestLines.any { line -> line.contains("127.0.0.1:$port") }, "${proxy.proxyRequestLines}")
                val head = proxy.forwardedHeads.single()
                assertTrue(head.contains("/v2/sms/enduserapi/v2/sendPhoneSmsCode"), head)
                val headers = proxy.headers(head)
                assertEquals("smscode-kotlin-test/1.0", headers["user-agent"], head)
                assertEquals("de-DE", headers["x-q-language"], head)
                assertFalse(head.contains(Emulator.SECRET), "the secret travels only inside the signature")

                it.setLanguage(null)
                assertEquals(200, it.sendCodeBlocking("+86", Phones.next(), CodeType.LOGIN).code)
                assertEquals(null, proxy.headers(proxy.forwardedHeads.last())["x-q-language"])
            }

            // Without a proxy the request goes straight to the emulator.
            assertEquals(200, client.sendCodeBlocking("+86", Phones.next(), CodeType.LOGIN).code)
            assertEquals(2, proxy.forwardedHeads.size)
        }
    }

    @Test
    fun `the default user agent names smscode`() {
        RecordingProxy().use { proxy ->
            transport.client(emulator.baseUrl, Emulator.USER_DOMAIN, Emulator.SECRET, proxy = proxy.url).use {
                assertEquals(200, it.sendCodeBlocking("+86", Phones.next(), CodeType.LOGIN).code)
            }
            val headers = proxy.headers(proxy.forwardedHeads.single())
            assertEquals("smscode/${SmsCode.libraryVersion()}", headers["user-agent"])
        }
    }

    @Test
    fun `bad option values are refused`() {
        when (transport) {
            TestTransport.LIBRARY -> {
                assertThrows<SmsException.InvalidArgument> { client.setProxy("::nonsense::") }
            }

            // The proxy is the transport's business, not the library's.
            TestTransport.PLATFORM, TestTransport.JDK_HTTP_CLIENT -> {
                assertThrows<SmsException.Unsupported> {
                    client.setProxy(
                        "http://127.0.0.1:3128",
                    )
                }
            }
        }
        assertThrows<SmsException.InvalidArgument> { client.setUserAgent("line\nbreak") }
        assertThrows<SmsException.InvalidArgument> { client.setUserAgent("x".repeat(257)) }
        assertThrows<SmsException.InvalidArgument> { client.setLanguage("de\r\nX-Evil: 1") }
        assertThrows<SmsException.InvalidArgument> { client.setEnterprise("s".repeat(257), "tpl-ok") }
    }

    @Test
    fun `CA files must exist and hold certificates`(
        @TempDir dir: File,
    ) {
        val empty = File(dir, "empty.pem").apply { writeText("not a certificate\n") }
        when (transport) {
            TestTransport.LIBRARY -> {
                assertThrows<SmsException.InvalidArgument> { client.addCaFile(File(dir, "missing.pem")) }
                assertThrows<SmsException.InvalidArgument> { client.addCaFile(empty) }
            }

            // Trust is the transport's business (an SSLSocketFactory, Network Security Config).
            TestTransport.PLATFORM, TestTransport.JDK_HTTP_CLIENT -> {
                assertThrows<SmsException.Unsupported> { client.addCaFile(empty) }
            }
        }
    }

    @Test
    fun `bad base URLs fail at construction`() {
        assertThrows<SmsException.InsecureUrl> { SmsClient("http://example.com", "demo", "x") }
        assertThrows<SmsException.InvalidArgument> { SmsClient("ftp://127.0.0.1/", "demo", "x") }
        assertThrows<SmsException.InvalidArgument> { SmsClient("", "demo", "x") }
        // Regions are accepted without touching the network.
        SmsClient("eu", "demo", "x").close()
    }

    @Test
    fun `toString never shows the secret`() {
        transport.client(emulator.baseUrl, "demo", SENTINEL_SECRET).use {
            val text = it.toString()
            assertTrue(text.contains("demo") && text.contains(emulator.baseUrl), text)
            assertFalse(text.contains(SENTINEL_SECRET))
            it.close()
            assertFalse(it.toString().contains(SENTINEL_SECRET))
        }
    }

    @Test
    fun `close is idempotent and use after close is a ClientClosed exception`() {
        assertFalse(client.isClosed)
        client.close()
        client.close()
        assertTrue(client.isClosed)
        assertThrows<SmsException.ClientClosed> { client.sendCodeBlocking("+86", Phones.next(), CodeType.LOGIN) }
        assertThrows<SmsException.ClientClosed> { client.setTimeouts(1_000, 2_000) }
        assertThrows<SmsException.ClientClosed> { client.setLanguage("en") }
        assertTrue(client.toString().contains("closed=true"))
    }

    @Test
    fun `close during a send frees the handle only after the send returned`() {
        // The library's send keeps its own reference once started, so a handle freed
        // under it would not show in the result: record the order of the native calls.
        val events = Collections.synchronizedList(mutableListOf<Pair<NativeHooks.Event, Pointer>>())
        NativeHooks.listener = { event, pointer -> events.add(event to pointer) }
        try {
            val phone = Phones.next()
            emulator.armFault("delay", delayMs = 2_000)
            val closing = transport.client(emulator.baseUrl, Emulator.USER_DOMAIN, Emulator.SECRET)
            val pointer = events.single { it.first == NativeHooks.Event.CREATED }.second
            var result: SendResult? = null
            val sender = Thread { result = closing.sendCodeBlocking("+86", phone, CodeType.LOGIN) }
            sender.start()
            emulator.awaitCode(phone) // the delay fault issues the code on arrival
            closing.close() // returns at once; the send still running frees the handle
            assertTrue(closing.isClosed)

            fun mine() = events.filter { it.second == pointer && it.first != NativeHooks.Event.CREATED }.map { it.first }
            assertEquals(emptyList<NativeHooks.Event>(), mine(), "close() freed (or waited for) a handle in use")
            assertThrows<SmsException.ClientClosed> { closing.sendCodeBlocking("+86", Phones.next(), CodeType.LOGIN) }
            sender.join(30_000)
            assertEquals(200, result?.code)
            assertEquals(listOf(NativeHooks.Event.SEND_RETURNED, NativeHooks.Event.FREED), mine())
        } finally {
            NativeHooks.listener = null
        }
    }

    @Test
    fun `the clock offset last set can be read back`() {
        assertEquals(0L, client.clockOffsetMs)
        client.setClockOffsetMs(-90_000)
        assertEquals(-90_000L, client.clockOffsetMs)
        client.setClockOffsetMs(client.clockOffsetMs + 30_000)
        assertEquals(-60_000L, client.clockOffsetMs)
        // A refused value leaves the offset as it was.
        assertThrows<SmsException.InvalidArgument> { client.setClockOffsetMs(Long.MAX_VALUE) }
        assertEquals(-60_000L, client.clockOffsetMs)
    }

    @Test
    fun `an offset that puts ts before 1970 is refused before anything is sent`() {
        val hundredYearsMs = 100L * 365 * 24 * 3600 * 1000
        client.setClockOffsetMs(-hundredYearsMs)
        assertEquals(-hundredYearsMs, client.clockOffsetMs)
        val refused =
            assertThrows<SmsException.InvalidArgument> {
                client.sendCodeBlocking("+86", Phones.next(), CodeType.LOGIN)
            }
        assertTrue("before 1970" in refused.message.orEmpty(), refused.message)
    }
}

class SmsClientLibraryTest : SmsClientTest(TestTransport.LIBRARY)

class SmsClientPlatformTest : SmsClientTest(TestTransport.PLATFORM)
