package io.smscode

import java.lang.reflect.Method

/**
 * Android's main thread, found through `android.os.Looper` ([looperClass]) by reflection,
 * so the JVM build needs no Android jar; on the JVM (no such class) no thread is the main one.
 */
internal class MainThread(
    private val looperClass: String,
) {
    /** `Looper.getMainLooper` and `Looper.myLooper`, or null off Android. */
    private val looper: Pair<Method, Method>? by lazy {
        try {
            val looper = Class.forName(looperClass)
            looper.getMethod("getMainLooper") to looper.getMethod("myLooper")
        } catch (e: ClassNotFoundException) {
            null
        }
    }

    /** True on the thread of Android's main looper (the UI thread). */
    fun isMain(): Boolean {
        val (mainLooper, myLooper) = looper ?: return false
        val main = mainLooper.invoke(null) ?: return false
        return main === myLooper.invoke(null)
    }

    /** A blocking call on the UI thread freezes the app: refuse it with a clear message. */
    fun checkNotMain(call: String) {
        check(!isMain()) {
            "$call blocks until the server answers (up to the total timeout) and must not run on " +
                "Android's main thread, where it would freeze the UI; call the suspend sendCode " +
                "from a coroutine instead (e.g. lifecycleScope.launch { client.sendCode(...) })"
        }
    }

    companion object {
        /** The check the blocking sends make. */
        val android: MainThread = MainThread("android.os.Looper")
    }
}
