import CSmsCode

/// The answer to one send through `SmsClient`: the server's code and its details.
public struct SendResult: Equatable, Sendable, CustomStringConvertible {
    /// The server's `code`: 200 (or 0) when the SMS was sent; anything else passes through
    /// unchanged, e.g. 5058 (frequency limit). See `isSuccess` and `codeDescription`.
    public let code: Int32
    /// The HTTP status of the answer, or 0 when the library answered locally (input the
    /// platform has a code for, or the resend guard) and nothing was sent.
    public let httpStatus: Int32
    /// Server clock minus this client's clock in milliseconds (about a second accurate), or
    /// nil when unknown. Add it to the clock offset to correct a wrong device clock.
    public let clockSkewMs: Int64?
    /// The server's `msg`, or nil when absent or answered locally.
    public let msg: String?
    /// The server's `extMsg`, or nil when absent or answered locally.
    public let extMsg: String?

    /// Copies the details out of a live C response (the caller frees it).
    init(code: Int32, response: OpaquePointer?) {
        self.code = code
        httpStatus = sms_response_http_status(response)
        let skew = sms_response_clock_skew_ms(response)
        // SMS_CLOCK_SKEW_UNKNOWN is INT64_MIN, a macro Swift cannot import.
        clockSkewMs = skew == Int64.min ? nil : skew
        msg = sms_response_msg(response).map { String(cString: $0) }
        extMsg = sms_response_ext_msg(response).map { String(cString: $0) }
    }

    /// True when the SMS was sent (code 200, or 0).
    public var isSuccess: Bool { SmsCode.isSuccess(code) }

    /// True when the library answered without sending anything (`httpStatus` 0).
    public var isLocal: Bool { httpStatus == 0 }

    /// The library's English description of `code`.
    public var codeDescription: String { SmsCode.description(of: code) }

    public var description: String {
        let skew = clockSkewMs.map { String($0) } ?? "unknown"
        let texts = "msg: \(quoted(msg)), extMsg: \(quoted(extMsg))"
        return "SendResult(code: \(code) (\(codeDescription)), httpStatus: \(httpStatus), "
            + "clockSkewMs: \(skew), \(texts))"
    }
}

private func quoted(_ text: String?) -> String {
    text.map { "\"\($0)\"" } ?? "nil"
}
