package io.smscode

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.io.File

/** What the Kotlin binding must agree on with the header and the Python binding. */
class AgreementTest {
    private val header = File("../../include/smscode.h")

    @Test
    fun `the status constants are the header's`() {
        val defined =
            Regex("""#define (SMS_OK|SMS_ERR_\w+) (-?\d+)""")
                .findAll(header.readText())
                .associate { it.groupValues[1].removePrefix("SMS_ERR_").removePrefix("SMS_") to it.groupValues[2].toInt() }
        assertTrue(defined.size >= 12, "only $defined in $header")
        assertEquals(defined, Status.entries.associate { it.name to it.value })
    }

    @Test
    fun `statuses are found by value and described by the library`() {
        assertEquals(Status.TIMEOUT, Status.fromValue(-6))
        assertEquals(Status.OK, Status.fromValue(0))
        assertNull(Status.fromValue(-42))
        assertEquals("Timed out", Status.TIMEOUT.description)
        for (status in Status.entries) {
            assertTrue(status.description != "Unknown status", "${status.name} is unknown to the library")
        }
    }

    @Test
    fun `an unknown negative status is Internal, as in Python`() {
        for (status in listOf(-12, -42, -98, -100, Int.MIN_VALUE)) {
            val e = SmsException.fromStatus(status, "sms_client_send: something new")
            assertTrue(e is SmsException.Internal, "$status gave ${e.javaClass}")
            assertEquals(status, e.status)
            assertEquals("sms_client_send: something new", e.message)
        }
    }

    @Test
    fun `known statuses map to their own exception`() {
        assertTrue(SmsException.fromStatus(Status.NULL_ARGUMENT.value, "m") is SmsException.InvalidArgument)
        assertTrue(SmsException.fromStatus(Status.TIMEOUT.value, "m") is SmsException.Timeout)
        assertTrue(SmsException.fromStatus(Status.UNSUPPORTED.value, "m") is SmsException.Unsupported)
        assertTrue(SmsException.fromStatus(Status.INTERNAL.value, "m") is SmsException.Internal)
    }

    @Test
    fun `use after close is the binding's own exception`() {
        val client = SmsClient("eu", "demo", "x")
        client.close()
        // Like Python's SmsClientClosedError: an invalid argument with NULL_ARGUMENT.
        assertThrows<SmsException.InvalidArgument> { client.sendCodeBlocking("+86", "13800138000", CodeType.LOGIN) }
        val e = assertThrows<SmsException.ClientClosed> { client.setLanguage("en") }
        assertEquals(Status.NULL_ARGUMENT.value, e.status)
        assertEquals("the client is closed", e.message)
    }
}
