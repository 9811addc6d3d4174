package io.smscode

import android.os.Looper
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import java.util.concurrent.Callable
import java.util.concurrent.Executors

/**
 * The blocking sends refuse Android's main thread, found through `android.os.Looper` by
 * reflection: the test classpath holds a stand-in `android.os.Looper` (src/test/kotlin/
 * android/os/Looper.kt) with the real class's `getMainLooper`/`myLooper`.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MainThreadTest {
    private lateinit var emulator: Emulator

    @BeforeAll
    fun start() {
        emulator = Emulator.start("--min-interval-secs", "0")
    }

    @AfterAll
    fun stop() {
        emulator.close()
    }

    private fun client() = SmsClient(emulator.baseUrl, Emulator.USER_DOMAIN, Emulator.SECRET)

    /** Runs [block] on a thread made Android's main thread, as an app's UI thread is. */
    private fun <T> onMainThread(block: () -> T): T {
        val executor = Executors.newSingleThreadExecutor()
        try {
            return executor
                .submit(
                    Callable {
                        Looper.prepareMainLooper()
                        try {
                            block()
                        } finally {
                            Looper.resetMainLooper()
                        }
                    },
                ).get()
        } finally {
            executor.shutdown()
        }
    }

    @Test
    fun `a blocking send on the main thread is refused with a clear message, before sending`() {
        val phone = Phones.next()
        client().use { client ->
            val e = onMainThread { assertThrows<IllegalStateException> { client.sendCodeBlocking("+86", phone, CodeType.LOGIN) } }
            assertTrue(e.message!!.contains("sendCodeBlocking"), e.message)
            assertTrue(e.message!!.contains("Android's main thread"), e.message)
            assertTrue(e.message!!.contains("suspend sendCode"), e.message)
        }
        val oneCall =
            onMainThread {
                assertThrows<IllegalStateException> {
                    SmsCode.sendCodeBlocking(emulator.baseUrl, Emulator.USER_DOMAIN, Emulator.SECRET, "+86", phone, CodeType.LOGIN)
                }
            }
        assertTrue(oneCall.message!!.contains("Android's main thread"), oneCall.message)
        assertTrue(emulator.codes(phone).isEmpty(), "a refused send reached the server")
    }

    @Test
    fun `the suspend send works when called from the main thread`() {
        client().use { client ->
            val result = onMainThread { runBlocking { client.sendCode("+86", Phones.next(), CodeType.LOGIN) } }
            assertEquals(200, result.code)
        }
    }

    @Test
    fun `a blocking send on a background thread runs while the app has a main thread`() {
        client().use { client ->
            val result =
                onMainThread {
                    val worker = Executors.newSingleThreadExecutor()
                    try {
                        worker.submit(Callable { client.sendCodeBlocking("+86", Phones.next(), CodeType.LOGIN) }).get()
                    } finally {
                        worker.shutdown()
                    }
                }
            assertEquals(200, result.code)
        }
    }

    @Test
    fun `without android's Looper class no thread is the main one`() {
        val check = MainThread("android.os.NoSuchLooper")
        assertFalse(onMainThread { check.isMain() })
        assertTrue(onMainThread { MainThread.android.isMain() }, "the stand-in Looper was not found")
        assertFalse(MainThread.android.isMain())
    }
}
