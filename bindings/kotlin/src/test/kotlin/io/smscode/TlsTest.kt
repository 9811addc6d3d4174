package io.smscode

import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import java.io.File
import java.nio.file.Files

/** HTTPS against the emulator's self-signed certificate: refused until trusted by a CA file. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsTest {
    private lateinit var emulator: Emulator
    private lateinit var cert: File

    @BeforeAll
    fun start() {
        cert = File(Files.createTempDirectory("smscode-tls").toFile(), "emulator.pem")
        emulator = Emulator.start("--tls-cert-out", cert.path)
        assertTrue(emulator.baseUrl.startsWith("https://"))
    }

    @AfterAll
    fun stop() {
        emulator.close()
        cert.parentFile.deleteRecursively()
    }

    @Test
    fun `an untrusted certificate is a TLS error`() {
        SmsClient(emulator.baseUrl, Emulator.USER_DOMAIN, Emulator.SECRET).use {
            val e = assertThrows<SmsException.Tls> { it.sendCode("+86", Phones.next(), CodeType.LOGIN) }
            assertEquals(-7, e.status)
        }
    }

    @Test
    fun `a CA file makes the certificate trusted`() {
        SmsClient(emulator.baseUrl, Emulator.USER_DOMAIN, Emulator.SECRET).use {
            it.addCaFile(cert)
            assertEquals(200, it.sendCode("+86", Phones.next(), CodeType.LOGIN).code)
        }
        val localhost = emulator.baseUrl.replace("127.0.0.1", "localhost")
        SmsClient(localhost, Emulator.USER_DOMAIN, Emulator.SECRET).use {
            it.addCaFile(cert.path)
            assertEquals(200, it.sendCode("+86", Phones.next(), CodeType.LOGIN).code)
        }
    }
}
