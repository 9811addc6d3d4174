@file:Suppress("ktlint:standard:function-naming", "FunctionName")

package io.smscode

import com.sun.jna.Native
import com.sun.jna.NativeLibrary
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Tag
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * The test-panic build's hook. Bound to the same library instance as [SmsNative] (same
 * name): Surefire's `panic-boundary` execution points smscode.library.name at that build.
 */
private object PanicHook {
    init {
        // Load the binding first: its load-time version check calls into the library,
        // and would otherwise be the call that an armed panic hits.
        SmsCode.libraryVersion()
        val name = System.getProperty(SmsNative.LIBRARY_NAME_PROPERTY) ?: "smscode"
        Native.register(PanicHook::class.java, NativeLibrary.getInstance(name))
    }

    @JvmStatic external fun sms_test_arm_panic()
}

/** A panic inside the library becomes SmsException.Internal (or a getter's fallback). */
@Tag("panic")
class PanicTest {
    private val random = "ABCDEFGHIJKLMNOP"

    @Test
    fun `a panic while signing is an Internal exception and the library lives on`() {
        PanicHook.sms_test_arm_panic()
        val e = assertThrows<SmsException.Internal> { SmsCode.sign("13800138000", CodeType.LOGIN, random, 0, "x") }
        assertEquals(-99, e.status)
        assertTrue(e.message!!.contains("panic"), e.message)
        assertEquals(64, SmsCode.sign("13800138000", CodeType.LOGIN, random, 0, "x").length)
    }

    @Test
    fun `a panic in the client's constructor, setters and send is Internal`() {
        PanicHook.sms_test_arm_panic()
        assertThrows<SmsException.Internal> { SmsClient("eu", "demo", "x") }
        SmsClient("eu", "demo", "x").use { client ->
            PanicHook.sms_test_arm_panic()
            assertThrows<SmsException.Internal> { client.setLanguage("en") }
            PanicHook.sms_test_arm_panic()
            assertThrows<SmsException.Internal> { client.sendCodeBlocking("+86", "", CodeType.LOGIN) }
            // Still usable: an empty phone is answered locally, so no network is needed.
            assertEquals(5021, client.sendCodeBlocking("+86", "", CodeType.LOGIN).code)
        }
    }

    @Test
    fun `a panic in a one-call send is Internal`() {
        PanicHook.sms_test_arm_panic()
        assertThrows<SmsException.Internal> { SmsCode.sendCodeBlocking("eu", "demo", "x", "+86", "", CodeType.LOGIN) }
        assertEquals(5021, SmsCode.sendCodeBlocking("eu", "demo", "x", "+86", "", CodeType.LOGIN))
    }

    @Test
    fun `getters fall back instead of crossing the boundary`() {
        PanicHook.sms_test_arm_panic()
        assertEquals("Internal error", SmsCode.describe(200))
        PanicHook.sms_test_arm_panic()
        assertFalse(SmsCode.isSuccess(200))
        PanicHook.sms_test_arm_panic()
        assertEquals("unknown", SmsCode.libraryVersion())
        assertTrue(SmsCode.isSuccess(200))
    }
}
