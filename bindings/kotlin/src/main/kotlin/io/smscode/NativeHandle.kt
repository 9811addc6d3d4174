package io.smscode

import com.sun.jna.Pointer
import java.lang.ref.Cleaner
import java.lang.ref.PhantomReference
import java.lang.ref.ReferenceQueue
import java.util.Collections
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicBoolean

/**
 * One native `SmsClient` handle and the calls using it. [SmsClient] holds it, and so does
 * the cleaner registered for that client; it never refers back to the client, so an
 * unreachable client can be collected and its handle freed.
 *
 * [release] (from [SmsClient.close] or the cleaner) stops new calls; the handle is freed
 * at once when no call uses it, otherwise by the last call to end.
 */
internal class NativeHandle(
    pointer: Pointer,
) : Runnable {
    private var pointer: Pointer? = pointer
    private var inFlight = 0
    private var released = false

    init {
        NativeHooks.listener?.invoke(NativeHooks.Event.CREATED, pointer)
    }

    val isReleased: Boolean get() = synchronized(this) { released }

    /** Runs [block] with the live handle; [SmsException.ClientClosed] once released. */
    inline fun <T> withPointer(block: (Pointer) -> T): T {
        val live = acquire()
        try {
            return block(live)
        } finally {
            done()
        }
    }

    fun acquire(): Pointer =
        synchronized(this) {
            if (released) throw SmsException.ClientClosed()
            inFlight++
            pointer!!
        }

    fun done() {
        val toFree =
            synchronized(this) {
                inFlight--
                if (released) takeIfIdle() else null
            }
        toFree?.let(::free)
    }

    /** Releases the handle (idempotent); the cleaner's action. */
    override fun run() {
        val toFree =
            synchronized(this) {
                if (released) return
                released = true
                takeIfIdle()
            }
        toFree?.let(::free)
    }

    /** Under the lock: hands the pointer over for freeing once nobody uses it. */
    private fun takeIfIdle(): Pointer? {
        if (inFlight > 0) return null
        return pointer.also { pointer = null }
    }

    private fun free(pointer: Pointer) {
        SmsNative.sms_client_free(pointer)
        NativeHooks.listener?.invoke(NativeHooks.Event.FREED, pointer)
    }
}

/**
 * Test seam: observes what happens to client handles (the tests check that a handle is
 * freed only after the send using it returned, and that unreachable clients are freed).
 * Null, and so free of cost, outside the tests.
 */
internal object NativeHooks {
    enum class Event { CREATED, SEND_RETURNED, FREED }

    @Volatile
    var listener: ((Event, Pointer) -> Unit)? = null
}

/** Runs an action once its owner is unreachable, or earlier through [Registration.clean]. */
internal interface NativeCleaner {
    fun register(
        owner: Any,
        action: Runnable,
    ): Registration

    fun interface Registration {
        /** Runs the action now if it has not run yet; it never runs twice. */
        fun clean()
    }

    companion object {
        /** `java.lang.ref.Cleaner` where it exists (Java 9+, Android API 33+). */
        val jdk: NativeCleaner by lazy { JdkCleaner() }

        /** A phantom-reference queue and a daemon thread: Android below API 33. */
        val phantom: NativeCleaner by lazy { PhantomCleaner() }

        /** The cleaner [SmsClient] uses. */
        val default: NativeCleaner by lazy { if (hasJdkCleaner()) jdk else phantom }

        private fun hasJdkCleaner(): Boolean =
            try {
                Class.forName("java.lang.ref.Cleaner")
                true
            } catch (e: ClassNotFoundException) {
                false
            }
    }
}

/** Only loaded where `java.lang.ref.Cleaner` exists (see [NativeCleaner.default]). */
@Suppress("NewApi") // Android Lint: checked at run time by NativeCleaner.default
private class JdkCleaner : NativeCleaner {
    private val cleaner = Cleaner.create()

    override fun register(
        owner: Any,
        action: Runnable,
    ): NativeCleaner.Registration {
        val cleanable = cleaner.register(owner, action)
        return NativeCleaner.Registration { cleanable.clean() }
    }
}

/** What `java.lang.ref.Cleaner` does, with APIs every Android version has. */
private class PhantomCleaner : NativeCleaner {
    private val queue = ReferenceQueue<Any>()

    // The references themselves must stay reachable until they are enqueued.
    // (ConcurrentHashMap.newKeySet() needs Android API 24; this works on every API level.)
    private val pending: MutableSet<Entry> = Collections.newSetFromMap(ConcurrentHashMap())

    private inner class Entry(
        owner: Any,
        private val action: Runnable,
    ) : PhantomReference<Any>(owner, queue),
        NativeCleaner.Registration {
        private val ran = AtomicBoolean()

        override fun clean() {
            if (!ran.compareAndSet(false, true)) return
            pending.remove(this)
            clear()
            action.run()
        }
    }

    init {
        val worker =
            Thread({
                while (true) {
                    try {
                        (queue.remove() as Entry).clean()
                    } catch (e: InterruptedException) {
                        // Nothing stops this thread; keep serving the queue.
                    } catch (e: RuntimeException) {
                        // An action never throws; if one did, the others must still run.
                    }
                }
            }, "smscode-cleaner")
        worker.isDaemon = true
        worker.start()
    }

    override fun register(
        owner: Any,
        action: Runnable,
    ): NativeCleaner.Registration = Entry(owner, action).also { pending.add(it) }
}
