@file:Suppress("ktlint:standard:function-naming", "FunctionName")

package io.smscode

import com.sun.jna.IntegerType
import com.sun.jna.Native
import com.sun.jna.NativeLibrary
import com.sun.jna.Pointer
import com.sun.jna.ptr.LongByReference
import com.sun.jna.ptr.PointerByReference
import java.nio.ByteBuffer
import java.nio.CharBuffer
import java.nio.charset.CharacterCodingException
import java.nio.charset.CodingErrorAction

/** C `size_t`: its width follows the platform (4 or 8 bytes), unlike `long` on Windows. */
internal class SizeT(
    value: Long = 0,
) : IntegerType(Native.SIZE_T_SIZE, value, true) {
    // java.lang.Number's conversions, which Kotlin asks a subclass to spell out.
    override fun toByte(): Byte = toInt().toByte()

    override fun toShort(): Short = toInt().toShort()
}

/**
 * The C ABI of libsmscode (`include/smscode.h`), bound by JNA direct mapping.
 *
 * Types follow the header: int32_t -> Int, int64_t -> Long, uint32_t -> Int (the same bits),
 * size_t -> [SizeT], opaque handles -> [Pointer]. Strings go in as NUL-terminated UTF-8
 * [ByteArray]s made by [cString], so encoding errors and embedded NULs are caught here
 * instead of being replaced or truncated silently.
 */
internal object SmsNative {
    /** System property that overrides the library name (or gives an absolute path). */
    const val LIBRARY_NAME_PROPERTY: String = "smscode.library.name"

    init {
        val name = System.getProperty(LIBRARY_NAME_PROPERTY) ?: "smscode"
        val library =
            try {
                NativeLibrary.getInstance(name)
            } catch (e: UnsatisfiedLinkError) {
                throw UnsatisfiedLinkError(
                    "cannot load libsmscode as \"$name\" (${e.message}); put the library on " +
                        "jna.library.path (JVM), in jniLibs/<abi>/ (Android), or name it with " +
                        "-D$LIBRARY_NAME_PROPERTY=...",
                ).apply { initCause(e) }
            }
        // It loaded: from here on a failure is about what was loaded, not where it is.
        val where = library.file?.path ?: name
        val version = checkVersion(library, where)
        try {
            Native.register(SmsNative::class.java, library)
        } catch (e: UnsatisfiedLinkError) {
            throw UnsatisfiedLinkError(
                "$where (libsmscode $version) lacks a function this binding " +
                    "(${SmsCode.BINDING_VERSION}) calls: ${e.message}; install the matching library",
            ).apply { initCause(e) }
        }
    }

    /** The loaded library's `sms_version()`, which must be compatible with the binding. */
    private fun checkVersion(
        library: NativeLibrary,
        where: String,
    ): String {
        val function =
            try {
                library.getFunction("sms_version")
            } catch (e: UnsatisfiedLinkError) {
                throw UnsatisfiedLinkError(
                    "$where has no sms_version(): not libsmscode, or one far older than " +
                        "${SmsCode.BINDING_VERSION}, the version this binding needs",
                ).apply { initCause(e) }
            }
        val version = function.invokePointer(arrayOf())?.getString(0, "UTF-8") ?: "(none)"
        if (!isCompatible(version, SmsCode.BINDING_VERSION)) {
            throw UnsatisfiedLinkError(
                "$where is libsmscode $version, but this binding needs ${SmsCode.BINDING_VERSION} " +
                    "or a later ${SmsCode.BINDING_VERSION.substringBeforeLast('.')}.x: " +
                    "install the matching library",
            )
        }
        return version
    }

    /**
     * True when a library of version [library] has everything a binding of version
     * [binding] calls: the same series (same major, and same minor while major is 0, as
     * Cargo reads versions) and not older. A `-pre` or `+build` suffix is ignored.
     */
    fun isCompatible(
        library: String,
        binding: String,
    ): Boolean {
        val have = parseVersion(library) ?: return false
        val need = parseVersion(binding) ?: return false
        val sameSeries = have[0] == need[0] && (need[0] > 0 || have[1] == need[1])
        val notOlder = (0..2).firstOrNull { have[it] != need[it] }?.let { have[it] > need[it] } ?: true
        return sameSeries && notOlder
    }

    private fun parseVersion(text: String): List<Int>? {
        val parts = text.substringBefore('-').substringBefore('+').split('.')
        if (parts.size != 3 || parts.any { it.isEmpty() || !it.all(Char::isDigit) }) return null
        return parts.map { it.toIntOrNull() ?: return null }
    }

    const val SMS_OK: Int = 0
    const val SMS_ERR_NULL_ARGUMENT: Int = -1
    const val SMS_ERR_INVALID_UTF8: Int = -2
    const val SMS_ERR_INVALID_ARGUMENT: Int = -3
    const val SMS_ERR_BUFFER_TOO_SMALL: Int = -4
    const val SMS_ERR_NETWORK: Int = -5
    const val SMS_ERR_TIMEOUT: Int = -6
    const val SMS_ERR_TLS: Int = -7
    const val SMS_ERR_HTTP_STATUS: Int = -8
    const val SMS_ERR_BAD_RESPONSE: Int = -9
    const val SMS_ERR_INSECURE_URL: Int = -10
    const val SMS_ERR_UNSUPPORTED: Int = -11
    const val SMS_ERR_INTERNAL: Int = -99
    const val SMS_SIGNATURE_BUFFER_LEN: Int = 65
    const val SMS_CLOCK_SKEW_UNKNOWN: Long = Long.MIN_VALUE

    @JvmStatic external fun sms_sign(
        phone: ByteArray,
        codeType: Int,
        random: ByteArray,
        ts: Long,
        userDomainSecret: ByteArray,
        out: ByteArray,
        outLen: SizeT,
    ): Int

    @JvmStatic external fun sms_send_code(
        baseUrl: ByteArray,
        userDomain: ByteArray,
        userDomainSecret: ByteArray,
        internationalCode: ByteArray,
        phone: ByteArray,
        codeType: Int,
    ): Int

    @JvmStatic external fun sms_client_new(
        baseUrl: ByteArray,
        userDomain: ByteArray,
        userDomainSecret: ByteArray,
        outClient: PointerByReference,
    ): Int

    @JvmStatic external fun sms_client_free(client: Pointer)

    @JvmStatic external fun sms_client_set_timeouts(
        client: Pointer,
        connectTimeoutMs: Int,
        totalTimeoutMs: Int,
    ): Int

    @JvmStatic external fun sms_client_set_proxy(
        client: Pointer,
        proxyUrl: ByteArray,
    ): Int

    @JvmStatic external fun sms_client_add_ca_file(
        client: Pointer,
        pemPath: ByteArray,
    ): Int

    @JvmStatic external fun sms_client_set_user_agent(
        client: Pointer,
        userAgent: ByteArray,
    ): Int

    @JvmStatic external fun sms_client_set_language(
        client: Pointer,
        language: ByteArray,
    ): Int

    @JvmStatic external fun sms_client_set_enterprise(
        client: Pointer,
        ssid: ByteArray,
        stid: ByteArray,
    ): Int

    @JvmStatic external fun sms_client_set_clock_offset_ms(
        client: Pointer,
        offsetMs: Long,
    ): Int

    @JvmStatic external fun sms_client_clock_offset_ms(
        client: Pointer,
        outOffsetMs: LongByReference,
    ): Int

    @JvmStatic external fun sms_client_set_resend_guard_ms(
        client: Pointer,
        intervalMs: Int,
    ): Int

    @JvmStatic external fun sms_client_send(
        client: Pointer,
        internationalCode: ByteArray,
        phone: ByteArray,
        codeType: Int,
        outResponse: PointerByReference,
    ): Int

    @JvmStatic external fun sms_response_free(response: Pointer)

    @JvmStatic external fun sms_response_code(response: Pointer): Int

    @JvmStatic external fun sms_response_http_status(response: Pointer): Int

    @JvmStatic external fun sms_response_clock_skew_ms(response: Pointer): Long

    @JvmStatic external fun sms_response_msg(response: Pointer): Pointer?

    @JvmStatic external fun sms_response_ext_msg(response: Pointer): Pointer?

    @JvmStatic external fun sms_last_error_message(
        out: ByteArray?,
        outLen: SizeT,
    ): SizeT

    @JvmStatic external fun sms_code_description(code: Int): Pointer?

    @JvmStatic external fun sms_is_success(code: Int): Int

    @JvmStatic external fun sms_version(): Pointer?

    // The two-step send for an HTTP stack outside the library (a [Transport]).

    @JvmStatic external fun sms_client_prepare(
        client: Pointer,
        internationalCode: ByteArray,
        phone: ByteArray,
        codeType: Int,
        outRequest: PointerByReference,
    ): Int

    @JvmStatic external fun sms_client_prepare_with(
        client: Pointer,
        internationalCode: ByteArray,
        phone: ByteArray,
        codeType: Int,
        random: ByteArray,
        ts: Long,
        outRequest: PointerByReference,
    ): Int

    @JvmStatic external fun sms_request_free(request: Pointer)

    @JvmStatic external fun sms_request_method(request: Pointer): Pointer?

    @JvmStatic external fun sms_request_url(request: Pointer): Pointer?

    @JvmStatic external fun sms_request_header_count(request: Pointer): SizeT

    @JvmStatic external fun sms_request_header_name(
        request: Pointer,
        index: SizeT,
    ): Pointer?

    @JvmStatic external fun sms_request_header_value(
        request: Pointer,
        index: SizeT,
    ): Pointer?

    @JvmStatic external fun sms_request_body(request: Pointer): Pointer?

    @JvmStatic external fun sms_request_body_len(request: Pointer): SizeT

    @JvmStatic external fun sms_client_read_response(
        client: Pointer,
        httpStatus: Int,
        dateHeader: ByteArray?,
        body: ByteArray?,
        bodyLen: SizeT,
        outResponse: PointerByReference,
    ): Int

    /**
     * A Kotlin string as a NUL-terminated UTF-8 C string. An embedded NUL would cut the
     * string short in C and a lone surrogate has no UTF-8 form, so both are refused; the
     * message names the argument, never its value (it may be the secret).
     */
    fun cString(
        name: String,
        value: String,
    ): ByteArray {
        if (value.indexOf('\u0000') >= 0) {
            throw SmsException.InvalidArgument(
                SMS_ERR_INVALID_ARGUMENT,
                "argument `$name` contains a NUL character",
            )
        }
        val encoded: ByteBuffer =
            try {
                Charsets.UTF_8
                    .newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(value))
            } catch (e: CharacterCodingException) {
                throw SmsException.InvalidArgument(
                    SMS_ERR_INVALID_UTF8,
                    "argument `$name` is not valid Unicode (a lone surrogate)",
                )
            }
        val bytes = ByteArray(encoded.remaining() + 1)
        encoded.get(bytes, 0, encoded.remaining())
        return bytes
    }

    /** Reads a NUL-terminated UTF-8 string owned by the library (NULL -> null). */
    fun readString(pointer: Pointer?): String? = pointer?.getString(0, "UTF-8")

    /**
     * The calling thread's last error message. Must run on the thread that made the
     * failing call, right after it (the library keeps it per thread).
     */
    fun lastErrorMessage(): String {
        val length = sms_last_error_message(null, SizeT(0)).toLong()
        if (length <= 0) return ""
        val buffer = ByteArray((length + 1).toInt())
        sms_last_error_message(buffer, SizeT(buffer.size.toLong()))
        return String(buffer, 0, length.toInt(), Charsets.UTF_8)
    }

    /** Returns [status] when it is not negative, else throws the matching [SmsException]. */
    fun check(status: Int): Int {
        if (status >= 0) return status
        throw SmsException.fromStatus(status, lastErrorMessage())
    }
}
