package io.smscode

import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
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
        // Counts, not a set of addresses: the cleaner may free (and the allocator reuse)
        // handles while later ones are still being created.
        val created = AtomicInteger()
        val freed = AtomicInteger()
        NativeHooks.listener = { event, _ ->
            when (event) {
                NativeHooks.Event.CREATED -> created.incrementAndGet()
                NativeHooks.Event.FREED -> freed.incrementAndGet()
                NativeHooks.Event.SEND_RETURNED -> Unit
            }
        }
        createAndDrop(1_000, cleaner)
        assertEquals(1_000, created.get())
        // Without a cleaner they would stay allocated for good (about 128 KiB each).
        val deadline = System.nanoTime() + 30_000_000_000L
        while (freed.get() < 1_000 && System.nanoTime() < deadline) {
            System.gc()
            Thread.sleep(20)
        }
        assertEquals(1_000, freed.get(), "native clients still allocated after GC (or freed twice)")
    }

    /** In its own frame, so no reference to a client outlives it. */
    private fun createAndDrop(
        count: Int,
        cleaner: NativeCleaner,
    ) {
        repeat(count) { SmsClient("eu", "demo", "x", cleaner).setLanguage("en-US") }
    }
}
