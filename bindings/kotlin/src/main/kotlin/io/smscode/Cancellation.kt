package io.smscode

/**
 * The cancel signal of one send: the suspend [SmsClient.sendCode] fires it when its
 * coroutine is cancelled, and a transport hears it through [HttpRequest.onCancel].
 * Once the send has finished, a late cancel runs nothing (it would only close a
 * connection that is fine to reuse).
 */
internal class Cancellation {
    private var actions: MutableList<Runnable>? = mutableListOf()
    private var cancelled = false

    /** True when the send was cancelled before it finished. */
    val isCancelled: Boolean get() = synchronized(this) { cancelled }

    /** Runs [action] on cancel, or now when the send was already cancelled. */
    fun register(action: Runnable) {
        val runNow =
            synchronized(this) {
                val pending = actions ?: return@synchronized cancelled
                pending.add(action)
                false
            }
        if (runNow) run(action)
    }

    /** Runs the registered actions, on the calling (cancelling) thread. */
    fun cancel() {
        val toRun =
            synchronized(this) {
                val pending = actions ?: return
                actions = null
                cancelled = true
                pending
            }
        toRun.forEach(::run)
    }

    /** The send is over: from now on a cancel changes nothing. */
    fun finish() {
        synchronized(this) { actions = null }
    }

    private fun run(action: Runnable) {
        try {
            action.run()
        } catch (e: RuntimeException) {
            // A transport's abort that failed must not break the caller's cancellation.
        }
    }
}
