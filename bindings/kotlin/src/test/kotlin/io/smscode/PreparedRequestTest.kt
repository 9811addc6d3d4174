package io.smscode

import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.io.File

/**
 * The shared prepared-request vectors through `sms_client_prepare_with` (with either
 * library build: also run against the one without the built-in transport).
 */
class PreparedRequestTest {
    private val vectors = JSONObject(File("../../tests/data/prepared_request_vectors.json").readText())

    @Test
    fun `every vector gives exactly its method, URL, headers and empty body`() {
        val cases = vectors.getJSONArray("cases")
        assertTrue(cases.length() >= 5, "only ${cases.length()} vectors")
        for (i in 0 until cases.length()) {
            val case = cases.getJSONObject(i)
            val name = case.getString("name")
            val options = case.getJSONObject("client")
            val expected = case.getJSONObject("expected")
            SmsClient(
                options.getString("baseUrl"),
                options.getString("userDomain"),
                options.getString("userDomainSecret"),
                HttpUrlConnectionTransport(),
            ).use { client ->
                client
                    .setUserAgent(options.getString("userAgent"))
                    .setLanguage(options.getString("language"))
                    .setEnterprise(options.getString("ssid"), options.getString("stid"))
                val request =
                    checkNotNull(
                        client.prepareWith(
                            case.getString("internationalCode"),
                            case.getString("phone"),
                            case.getInt("codeType"),
                            case.getString("random"),
                            case.getLong("ts"),
                        ),
                    ) { name }
                assertEquals(expected.getString("method"), request.method, name)
                assertEquals(expected.getString("url"), request.url, name)
                val headers = expected.getJSONArray("headers")
                val want =
                    (0 until headers.length()).map {
                        headers.getJSONObject(it).let { h ->
                            h.getString("name") to
                                h.getString("value")
                        }
                    }
                assertEquals(want, request.headers, name)
                assertEquals(expected.getInt("bodyLength"), request.body.size, name)
                assertTrue(request.url.contains("signature=${expected.getString("signature")}&"), name)
                assertFalse(
                    request.toString().contains(options.getString("userDomainSecret")) &&
                        options.getString("userDomainSecret").length > 1,
                    name,
                )
            }
        }
    }

    @Test
    fun `a request carries the client's timeouts`() {
        SmsClient("eu", "demo", "secret", HttpUrlConnectionTransport()).use { client ->
            val defaults = checkNotNull(client.prepareWith("+86", "13800138000", 1, "0123456789abcdef", 1))
            assertEquals(SmsClient.DEFAULT_CONNECT_TIMEOUT_MS, defaults.connectTimeoutMs)
            assertEquals(SmsClient.DEFAULT_TOTAL_TIMEOUT_MS, defaults.totalTimeoutMs)
            client.setTimeouts(1_234, 5_678)
            val set = checkNotNull(client.prepareWith("+86", "13800138001", 1, "0123456789abcdef", 1))
            assertEquals(1_234L, set.connectTimeoutMs)
            assertEquals(5_678L, set.totalTimeoutMs)
        }
    }

    @Test
    fun `local answers and bad inputs prepare nothing`() {
        SmsClient("eu", "demo", "secret", HttpUrlConnectionTransport()).use { client ->
            assertNull(client.prepareWith("+86", "", 1, "0123456789abcdef", 1))
            assertThrows<SmsException.InvalidArgument> { client.prepareWith("+86", "13800138000", 1, "short", 1) }
            assertThrows<SmsException.InvalidArgument> { client.prepareWith("+86", "13800138000", 1, "0123456789abcdef", -1) }
        }
    }
}
