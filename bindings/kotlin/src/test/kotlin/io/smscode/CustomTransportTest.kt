package io.smscode

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertSame
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.io.IOException
import java.net.ConnectException
import java.net.SocketTimeoutException
import java.util.Collections
import javax.net.ssl.SSLHandshakeException

/**
 * A user's own transport (a lambda here): what it is handed, and how the library maps
 * what it returns or throws. No network: the transport answers itself.
 */
class CustomTransportTest {
    private val requests = Collections.synchronizedList(mutableListOf<HttpRequest>())

    private fun clientAnswering(answer: (HttpRequest) -> HttpResponse): SmsClient =
        SmsClient("https://api.example.com", Emulator.USER_DOMAIN, SENTINEL_SECRET) { request ->
            requests.add(request)
            answer(request)
        }

    private fun json(
        status: Int,
        body: String,
        date: String? = null,
    ) = HttpResponse(status, date, body.toByteArray())

    @Test
    fun `the transport gets the signed request with the client's options`() {
        clientAnswering { json(200, """{"code":200,"msg":"ok"}""") }.use { client ->
            client.setTimeouts(1_500, 3_500).setUserAgent("custom/1").setLanguage("fr-FR")
            val result = client.sendCodeBlocking("+86", "13800138000", CodeType.LOGIN)
            assertEquals(200, result.code)
            assertEquals("ok", result.message)
            assertEquals(200, result.httpStatus)
            val request = requests.single()
            assertEquals("POST", request.method)
            assertTrue(request.url.startsWith("https://api.example.com/v2/sms/enduserapi/v2/sendPhoneSmsCode?"), request.url)
            assertTrue(request.url.contains("internationalCode=%2B86&phone=13800138000"), request.url)
            assertEquals(listOf("User-Agent" to "custom/1", "X-Q-Language" to "fr-FR"), request.headers)
            assertEquals(0, request.body.size)
            assertEquals(1_500L, request.connectTimeoutMs)
            assertEquals(3_500L, request.totalTimeoutMs)
            assertFalse(request.url.contains(SENTINEL_SECRET) || request.toString().contains(SENTINEL_SECRET))
        }
    }

    @Test
    fun `the answer is mapped by the library`() {
        clientAnswering { json(200, """{"code":5058,"msg":"limit","extMsg":"wait"}""", "Sun, 06 Nov 1994 08:49:37 GMT") }.use { client ->
            val result = client.sendCodeBlocking("+86", "13800138000", CodeType.LOGIN)
            assertEquals(ServerCode.FREQUENCY_LIMIT, result.status)
            assertEquals("wait", result.extendedMessage)
            val skew = checkNotNull(result.clockSkewMs) { "a valid Date gives a skew" }
            assertTrue(skew < -900_000_000_000L, "skew $skew")
        }
        clientAnswering { json(302, "") }.use {
            assertThrows<SmsException.HttpStatus> { it.sendCodeBlocking("+86", "13800138000", CodeType.LOGIN) }
        }
        clientAnswering { json(500, """{"code":5092}""", "not a date") }.use {
            val result = it.sendCodeBlocking("+86", "13800138000", CodeType.LOGIN)
            assertEquals(5092, result.code)
            assertEquals(500, result.httpStatus)
            assertNull(result.clockSkewMs)
        }
        clientAnswering { HttpResponse(200, null, ByteArray(HttpRequest.MAX_BODY_BYTES) { ' '.code.toByte() }) }.use {
            assertThrows<SmsException.BadResponse> { it.sendCodeBlocking("+86", "13800138000", CodeType.LOGIN) }
        }
    }

    @Test
    fun `failures map to the library's statuses`() {
        val cases: List<Pair<IOException, Int>> =
            listOf(
                TransportException(TransportException.Kind.TLS, "pinning failed") to SmsNative.SMS_ERR_TLS,
                TransportException(TransportException.Kind.NETWORK, "offline") to SmsNative.SMS_ERR_NETWORK,
                SocketTimeoutException("read timed out") to SmsNative.SMS_ERR_TIMEOUT,
                SSLHandshakeException("bad certificate") to SmsNative.SMS_ERR_TLS,
                ConnectException("refused") to SmsNative.SMS_ERR_NETWORK,
            )
        for ((thrown, status) in cases) {
            clientAnswering { throw thrown }.use { client ->
                val e = assertThrows<SmsException> { client.sendCodeBlocking("+86", "13800138000", CodeType.LOGIN) }
                assertEquals(status, e.status, "$thrown")
                assertSame(thrown, generateSequence(e.cause) { it.cause }.firstOrNull { it === thrown }, "$thrown is kept as the cause")
                assertTrue(e.message!!.isNotEmpty())
            }
        }
    }

    @Test
    fun `local answers and the resend guard never reach the transport`() {
        clientAnswering { json(200, """{"code":200}""") }.use { client ->
            client.setResendGuardMs(60_000)
            assertEquals(5021, client.sendCodeBlocking("+86", "", CodeType.LOGIN).code)
            assertEquals(200, client.sendCodeBlocking("+86", "13800138000", CodeType.LOGIN).code)
            val again = client.sendCodeBlocking("+86", "13800138000", CodeType.LOGIN)
            assertEquals(5058, again.code)
            assertEquals(0, again.httpStatus)
            assertEquals(1, requests.size)
        }
    }
}
