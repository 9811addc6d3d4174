package io.smscode

import com.sun.jna.Pointer
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicInteger

/**
 * A client that is never closed is freed once it is garbage collected, with either
 * cleaner: `java.lang.ref.Cleaner` (JVM, Android API 33+) and the phantom-reference
 * fallback (older Android), both run here.
 */
class LifecycleTest {
    @AfterEach
    fun removeListener() {
        NativeHooks.listener = null
    }

    @Test
    fun `1000 unclosed clients are freed by the JDK cleaner`() {
        unclosedClientsAreFreed(NativeCleaner.jdk)
    }

    @Test
    fun `1000 unclosed clients are freed by the phantom-reference cleaner`() {
        unclosedClientsAreFreed(NativeCleaner.phantom)
    }

    @Test
    fun `the default cleaner is the JDK's where it exists`() {
        assertTrue(NativeCleaner.default === NativeCleaner.jdk)
    }

    @Test
    fun `close frees at once and only once, with either cleaner`() {
        for (cleaner in listOf(NativeCleaner.jdk, NativeCleaner.phantom)) {
            val freed = AtomicInteger()
            NativeHooks.listener = { event, _ -> if (event == NativeHooks.Event.FREED) freed.incrementAndGet() }
            val client = SmsClient("eu", "demo", "x", cleaner)
            client.close()
            assertEquals(1, freed.get())
            client.close()
            assertEquals(1, freed.get())
        }
    }

    @Test
    fun `a registration runs its action once`() {
        for (cleaner in listOf(NativeCleaner.jdk, NativeCleaner.phantom)) {
            val runs = AtomicInteger()
            val owner = Any()
            val registration = cleaner.register(owner) { runs.incrementAndGet() }
            registration.clean()
            registration.clean()
            assertEquals(1, runs.get())
        }
    }

    private fun unclosedClientsAreFreed(cleaner: NativeCleaner) {
        // Handles created and not yet freed, by address (a freed address may be reused).
        val live = ConcurrentHashMap.newKeySet<Long>()
        NativeHooks.listener = { event, pointer ->
            val address = Pointer.nativeValue(pointer)
            when (event) {
                NativeHooks.Event.CREATED -> live.add(address)
                NativeHooks.Event.FREED -> live.remove(address)
                NativeHooks.Event.SEND_RETURNED -> Unit
            }
        }
        createAndDrop(1_000, cleaner)
        assertEquals(1_000, live.size)
        // Without a cleaner they would stay allocated for good (about 128 KiB each).
        val deadline = System.nanoTime() + 30_000_000_000L
        while (live.isNotEmpty() && System.nanoTime() < deadline) {
            System.gc()
            Thread.sleep(20)
        }
        assertEquals(0, live.size, "native clients still allocated after GC")
    }

    /** In its own frame, so no reference to a client outlives it. */
    private fun createAndDrop(
        count: Int,
        cleaner: NativeCleaner,
    ) {
        repeat(count) { SmsClient("eu", "demo", "x", cleaner).setLanguage("en-US") }
    }
}
