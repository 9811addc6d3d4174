package android.os

/**
 * Test stand-in for Android's `android.os.Looper`, with the two static methods the
 * binding looks up by reflection (`getMainLooper`, `myLooper`) and their meaning: the
 * main looper belongs to one thread, and `myLooper` is the calling thread's looper.
 * The real class is not on the JVM's classpath; this one is, for the tests only.
 */
class Looper private constructor() {
    companion object {
        @Volatile
        private var main: Looper? = null
        private val mine = ThreadLocal<Looper?>()

        @JvmStatic
        fun getMainLooper(): Looper? = main

        @JvmStatic
        fun myLooper(): Looper? = mine.get()

        /** Makes the calling thread the main (UI) thread, as Android's `ActivityThread` does. */
        @JvmStatic
        fun prepareMainLooper() {
            check(main == null) { "the main looper has already been prepared" }
            val looper = Looper()
            mine.set(looper)
            main = looper
        }

        /** Test only: forget the main looper again. */
        @JvmStatic
        fun resetMainLooper() {
            mine.remove()
            main = null
        }
    }
}
