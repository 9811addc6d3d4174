package io.smscode

import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

class SignTest {
    private val vectors =
        JSONObject(javaClass.getResource("/signature.json")!!.readText()).getJSONArray("cases").let { cases ->
            (0 until cases.length()).map { cases.getJSONObject(it) }
        }

    @Test
    fun `every shared vector signs to its signature`() {
        assertEquals(8, vectors.size)
        for (case in vectors) {
            val codeType = case.getInt("codeType")
            val expected = case.getString("signature")
            val viaEnum =
                SmsCode.sign(
                    case.getString("phone"),
                    CodeType.fromValue(codeType)!!,
                    case.getString("random"),
                    case.getLong("ts"),
                    case.getString("userDomainSecret"),
                )
            assertEquals(expected, viaEnum, case.getString("name"))
            val viaInt =
                SmsCode.sign(
                    case.getString("phone"),
                    codeType,
                    case.getString("random"),
                    case.getLong("ts"),
                    case.getString("userDomainSecret"),
                )
            assertEquals(expected, viaInt, case.getString("name"))
        }
    }

    @Test
    fun `the spec example gives the corrected digest, not the empty-string one`() {
        val signature =
            SmsCode.sign(
                "13800138000",
                CodeType.REGISTRATION,
                "76a6L647F02CAoN9",
                1744773894369,
                "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33",
            )
        assertEquals("adf0cd13e4a086f78577ca284df28a5382a7af36e011e1aec6375a0a615fb891", signature)
        assertNotEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", signature)
    }

    @Test
    fun `code types outside 1 to 5 are invalid arguments`() {
        for (codeType in listOf(0, 6, -1, Int.MAX_VALUE)) {
            val e = assertThrows<SmsException.InvalidArgument> { SmsCode.sign("13800138000", codeType, "ABCDEFGHIJKLMNOP", 0, "x") }
            assertEquals(-3, e.status)
        }
    }

    @Test
    fun `random must be 16 printable ASCII characters`() {
        for (random in listOf("", "ABCDEFGHIJKLMNO", "ABCDEFGHIJKLMNOPQ", "ABCDEFGH JKLMNOP", "ÄBCDEFGHIJKLMNOP")) {
            val e =
                assertThrows<SmsException.InvalidArgument>(
                    random,
                ) { SmsCode.sign("13800138000", CodeType.LOGIN, random, 0, SENTINEL_SECRET) }
            assertEquals(-3, e.status)
            assertTrue(e.message!!.isNotEmpty())
            assertFalse(e.message!!.contains(SENTINEL_SECRET), "the message leaks the secret")
        }
    }

    @Test
    fun `a negative timestamp is an invalid argument`() {
        val e = assertThrows<SmsException.InvalidArgument> { SmsCode.sign("13800138000", CodeType.LOGIN, "ABCDEFGHIJKLMNOP", -1, "x") }
        assertEquals(-3, e.status)
    }

    @Test
    fun `strings C cannot carry are refused without showing their value`() {
        val nul =
            assertThrows<SmsException.InvalidArgument> {
                SmsCode.sign("13800138000", CodeType.LOGIN, "ABCDEFGHIJKLMNOP", 0, "$SENTINEL_SECRET\u0000tail")
            }
        assertTrue(nul.message!!.contains("user_domain_secret"))
        assertFalse(nul.message!!.contains(SENTINEL_SECRET))
        val surrogate =
            assertThrows<SmsException.InvalidArgument> { SmsCode.sign("1380\uD800", CodeType.LOGIN, "ABCDEFGHIJKLMNOP", 0, "x") }
        assertEquals(-2, surrogate.status)
    }

    @Test
    fun `non-ASCII secrets are signed as UTF-8`() {
        // Any UTF-8 string is a valid secret; the digest is over its UTF-8 bytes, so it
        // must differ from the ASCII look-alike and be stable.
        val a = SmsCode.sign("13800138000", CodeType.LOGIN, "ABCDEFGHIJKLMNOP", 1, "sécret-密钥")
        assertEquals(a, SmsCode.sign("13800138000", 2, "ABCDEFGHIJKLMNOP", 1, "sécret-密钥"))
        assertNotEquals(a, SmsCode.sign("13800138000", 2, "ABCDEFGHIJKLMNOP", 1, "secret-"))
        assertTrue(Regex("[0-9a-f]{64}").matches(a))
    }

    @Test
    fun `descriptions and success come from the library`() {
        assertEquals("SMS sending exceeds frequency limit", SmsCode.describe(5058))
        assertEquals("Unknown code", SmsCode.describe(7777))
        assertTrue(SmsCode.isSuccess(200))
        assertTrue(SmsCode.isSuccess(0))
        assertFalse(SmsCode.isSuccess(5058))
        assertFalse(SmsCode.isSuccess(-5))
        assertTrue(Regex("\\d+\\.\\d+\\.\\d+.*").matches(SmsCode.libraryVersion()))
    }

    @Test
    fun `every ServerCode is documented by the library`() {
        for (code in ServerCode.entries) {
            assertNotEquals("Unknown code", code.description, code.name)
            assertEquals(code, ServerCode.fromCode(code.code))
        }
        assertNull(ServerCode.fromCode(7777))
    }

    @Test
    fun `code types have values and names`() {
        assertEquals(listOf(1, 2, 3, 4, 5), CodeType.entries.map { it.value })
        assertEquals("password reset", CodeType.PASSWORD_RESET.label)
        assertEquals(CodeType.ADD_PUSH_RECIPIENT, CodeType.fromValue(5))
        assertNull(CodeType.fromValue(6))
    }

    @Test
    fun `exceptions carry the library's description of their status`() {
        val e = assertThrows<SmsException> { SmsCode.sign("1", 9, "ABCDEFGHIJKLMNOP", 0, "x") }
        assertEquals("Invalid argument", e.description)
    }
}
