import CSMSCode

/// The answer to one send: the server's code and its details.
public struct SendResult: Hashable, Sendable, CustomStringConvertible {
    /// The server's `code`: ``ServerCode/sent`` (or ``ServerCode/sentZero``) when the SMS was
    /// sent; anything else passes through unchanged, e.g. ``ServerCode/frequencyLimit``.
    public let code: ServerCode
    /// The server's `msg`, or nil when it was absent or the answer was local.
    public let message: String?
    /// The server's `extMsg`, or nil when it was absent or the answer was local.
    public let extendedMessage: String?
    /// The HTTP status of the answer, or 0 when the library answered locally (input the
    /// platform has a code for, or the resend guard) and nothing was sent.
    public let httpStatus: Int
    /// The server's clock minus this client's (system clock plus the configured clock
    /// offset), accurate to about a second; nil when the server sent no usable `Date` or the
    /// answer was local. Add it to ``SMSClient/Configuration/clockOffset`` on a device whose
    /// clock is wrong (the server answers ``ServerCode/timestampIncorrect``).
    public let clockSkew: Duration?

    /// Makes a result; the library makes them, this is for tests and wrappers.
    public init(
        code: ServerCode, message: String?, extendedMessage: String?, httpStatus: Int,
        clockSkew: Duration?
    ) {
        self.code = code
        self.message = message
        self.extendedMessage = extendedMessage
        self.httpStatus = httpStatus
        self.clockSkew = clockSkew
    }

    /// Copies the details out of a live C response (the caller frees it).
    init(code: Int32, response: OpaquePointer) {
        let skew = sms_response_clock_skew_ms(response)
        self.init(
            code: ServerCode(rawValue: code),
            message: sms_response_msg(response).map { String(cString: $0) },
            extendedMessage: sms_response_ext_msg(response).map { String(cString: $0) },
            httpStatus: Int(sms_response_http_status(response)),
            // SMS_CLOCK_SKEW_UNKNOWN is INT64_MIN, a macro Swift does not import.
            clockSkew: skew == Int64.min ? nil : .milliseconds(skew))
    }

    /// True when the SMS was sent (code 200, or 0).
    public var isSuccess: Bool { code.isSuccess }

    /// True when the library answered without sending anything (``httpStatus`` 0).
    public var isAnsweredLocally: Bool { httpStatus == 0 }

    /// "SendResult(code: 5058 (SMS sending exceeds frequency limit), httpStatus: 200, ...)".
    public var description: String {
        let skew = clockSkew.map { "\($0)" } ?? "unknown"
        return "SendResult(code: \(code.rawValue) (\(code)), httpStatus: \(httpStatus), "
            + "clockSkew: \(skew), message: \(quoted(message)), "
            + "extendedMessage: \(quoted(extendedMessage)))"
    }
}

private func quoted(_ text: String?) -> String {
    text.map { "\"\($0)\"" } ?? "nil"
}
