package io.smscode

/**
 * A local failure: the library gave up before the server answered with a code.
 *
 * A server's business code (5058, 5420, ...) is not an exception: it comes back in
 * [SendResult] / as the returned code. [status] is the library's negative `SMS_ERR_*`
 * status; [message] is its English message, which never contains the secret.
 *
 * ```
 * when (e) {
 *     is SmsException.InvalidArgument -> ...
 *     is SmsException.Network -> ...
 *     ...
 *     is SmsException.Internal -> ... // a bug in smscode
 * }
 * ```
 */
public sealed class SmsException(
    /** The library's status: one of the negative `SMS_ERR_*` values. */
    public val status: Int,
    message: String,
) : RuntimeException(message) {
    /** The library's English description of [status]. */
    public val description: String get() = SmsCode.describe(status)

    /**
     * An argument is out of range or malformed (`SMS_ERR_INVALID_ARGUMENT`), or a string
     * cannot be passed to C (`SMS_ERR_INVALID_UTF8`: a lone surrogate; an embedded NUL).
     */
    public open class InvalidArgument(
        status: Int,
        message: String,
    ) : SmsException(status, message)

    /**
     * The [SmsClient] was closed: its native handle is gone (status
     * `SMS_ERR_NULL_ARGUMENT`, as the library answers for a NULL handle). An
     * [InvalidArgument], as Python's `SmsClientClosedError` is an `SmsInvalidArgumentError`.
     */
    public class ClientClosed : InvalidArgument(SmsNative.SMS_ERR_NULL_ARGUMENT, "the client is closed")

    /** DNS failure, connection refused or reset (`SMS_ERR_NETWORK`). */
    public class Network(
        status: Int,
        message: String,
    ) : SmsException(status, message)

    /** The connect or total timeout expired (`SMS_ERR_TIMEOUT`). */
    public class Timeout(
        status: Int,
        message: String,
    ) : SmsException(status, message)

    /** TLS handshake or certificate verification failed (`SMS_ERR_TLS`). */
    public class Tls(
        status: Int,
        message: String,
    ) : SmsException(status, message)

    /** A non-2xx HTTP status, or a redirect (never followed), without a JSON code (`SMS_ERR_HTTP_STATUS`). */
    public class HttpStatus(
        status: Int,
        message: String,
    ) : SmsException(status, message)

    /** The body is not JSON, has no integer `code`, or is over 64 KiB (`SMS_ERR_BAD_RESPONSE`). */
    public class BadResponse(
        status: Int,
        message: String,
    ) : SmsException(status, message)

    /** Plain `http://` to a host that is not loopback (`SMS_ERR_INSECURE_URL`). */
    public class InsecureUrl(
        status: Int,
        message: String,
    ) : SmsException(status, message)

    /**
     * The call needs the library's built-in transport, which the loaded build leaves out
     * (`SMS_ERR_UNSUPPORTED`: a build for the platform's own HTTP stack, as on Android).
     */
    public class Unsupported(
        status: Int,
        message: String,
    ) : SmsException(status, message)

    /**
     * Not a usage error: a panic was caught inside the library (`SMS_ERR_INTERNAL`), or
     * it answered a negative status this binding does not know (Python raises
     * `SmsInternalError` for both too). A bug in smscode; the process and the library
     * stay usable.
     */
    public class Internal(
        status: Int,
        message: String,
    ) : SmsException(status, message)

    internal companion object {
        fun fromStatus(
            status: Int,
            libraryMessage: String,
        ): SmsException {
            val message = libraryMessage.ifEmpty { SmsCode.describe(status) }
            return when (status) {
                SmsNative.SMS_ERR_NULL_ARGUMENT,
                SmsNative.SMS_ERR_INVALID_UTF8,
                SmsNative.SMS_ERR_INVALID_ARGUMENT,
                // Never expected (the binding sizes every buffer); still the caller's input.
                SmsNative.SMS_ERR_BUFFER_TOO_SMALL,
                -> InvalidArgument(status, message)

                SmsNative.SMS_ERR_NETWORK -> Network(status, message)

                SmsNative.SMS_ERR_TIMEOUT -> Timeout(status, message)

                SmsNative.SMS_ERR_TLS -> Tls(status, message)

                SmsNative.SMS_ERR_HTTP_STATUS -> HttpStatus(status, message)

                SmsNative.SMS_ERR_BAD_RESPONSE -> BadResponse(status, message)

                SmsNative.SMS_ERR_INSECURE_URL -> InsecureUrl(status, message)

                SmsNative.SMS_ERR_UNSUPPORTED -> Unsupported(status, message)

                else -> Internal(status, message)
            }
        }
    }
}
