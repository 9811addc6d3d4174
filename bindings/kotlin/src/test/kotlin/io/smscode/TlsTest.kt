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
abstract class TlsTest(
    private val transport: TestTransport,
) {
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
        transport.client(emulator.baseUrl, Emulator.USER_DOMAIN, Emulator.SECRET).use {
            val e = assertThrows<SmsException.Tls> { it.sendCodeBlocking("+86", Phones.next(), CodeType.LOGIN) }
            assertEquals(-7, e.status)
        }
    }

    @Test
    fun `a CA file makes the certificate trusted`() {
        transport.client(emulator.baseUrl, Emulator.USER_DOMAIN, Emulator.SECRET, ca = cert).use {
            assertEquals(200, it.sendCodeBlocking("+86", Phones.next(), CodeType.LOGIN).code)
        }
        val localhost = emulator.baseUrl.replace("127.0.0.1", "localhost")
        transport.client(localhost, Emulator.USER_DOMAIN, Emulator.SECRET, ca = cert).use {
            assertEquals(200, it.sendCodeBlocking("+86", Phones.next(), CodeType.LOGIN).code)
        }
    }
}

class TlsLibraryTest : TlsTest(TestTransport.LIBRARY)

class TlsPlatformTest : TlsTest(TestTransport.PLATFORM)
