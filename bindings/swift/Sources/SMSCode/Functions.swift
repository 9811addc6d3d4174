import CSMSCode

// The library's one-call functions. Without a type named like the module, callers may write
// them as `SMSCode.sign(...)` and `SMSCode.sendCode(...)`.

/// The version of the loaded C library, e.g. "0.1.0".
public var libraryVersion: String {
    String(cString: sms_version())
}

/// The request signature: lowercase hex of
/// SHA-256(phone + codeType + random + timestamp + userDomainSecret).
///
/// ```swift
/// let signature = try SMSCode.sign(
///     phone: "13800138000", codeType: .registration, random: "76a6L647F02CAoN9",
///     timestamp: 1_744_773_894_369, userDomainSecret: secret)
/// ```
///
/// - Parameters:
///   - phone: the phone number, as sent.
///   - codeType: what the code is for.
///   - random: exactly 16 printable ASCII characters.
///   - timestamp: Unix time in milliseconds, >= 0 (a point in time, as the request's `ts`).
///   - userDomainSecret: the user domain's secret.
/// - Returns: 64 lowercase hex characters.
/// - Throws: ``SMSError`` with ``SMSError/Code-swift.struct/invalidArgument`` for a bad
///   `random` or `timestamp`, or a NUL character in a string.
public func sign(
    phone: String,
    codeType: CodeType,
    random: String,
    timestamp: Int64,
    userDomainSecret: String
) throws -> String {
    var signature = [CChar](repeating: 0, count: Int(SMS_SIGNATURE_BUFFER_LEN))
    let status = try withCStrings(
        ["phone": phone, "random": random, "userDomainSecret": userDomainSecret]
    ) { args in
        signature.withUnsafeMutableBufferPointer { out in
            sms_sign(
                args[0], codeType.rawValue, args[1], timestamp, args[2], out.baseAddress,
                out.count)
        }
    }
    guard status == SMS_OK else {
        throw SMSError.last(status: status)
    }
    return signature.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}

/// Sends the verification code in one call, with the library's shared default client for
/// `endpoint` (default timeouts: 10 s connect, 20 s total). Never retries.
///
/// Like ``SMSClient/sendCode(internationalCode:phone:codeType:)``, the blocking C call runs
/// off Swift's cooperative pool, and cancelling the task throws `CancellationError` at once.
/// For timeouts, a proxy, extra CA certificates or the server's message, use an ``SMSClient``.
/// On Apple platforms, where the library is built without its own transport, this sends
/// through a new client with the default (URLSession) transport instead.
///
/// - Returns: the server's code; ``ServerCode/isSuccess`` when the SMS was sent. Input the
///   platform has a code for (5019, 5021, 5023, 5116) is answered locally with that code.
/// - Throws: ``SMSError`` for a local failure, or `CancellationError`.
public func sendCode(
    endpoint: Endpoint,
    userDomain: String,
    userDomainSecret: String,
    internationalCode: String,
    phone: String,
    codeType: CodeType
) async throws -> ServerCode {
    if !TransportChoice.platformDefault.isLibrary {
        let client = try SMSClient(
            endpoint: endpoint, userDomain: userDomain, userDomainSecret: userDomainSecret)
        return try await client.sendCode(
            internationalCode: internationalCode, phone: phone, codeType: codeType
        ).code
    }
    return try await runBlocking {
        let code = try withCStrings(
            [
                "endpoint": endpoint.cValue, "userDomain": userDomain,
                "userDomainSecret": userDomainSecret, "internationalCode": internationalCode,
                "phone": phone,
            ]
        ) { args in
            sms_send_code(args[0], args[1], args[2], args[3], args[4], codeType.rawValue)
        }
        guard code >= 0 else {
            throw SMSError.last(status: code)
        }
        return ServerCode(rawValue: code)
    }
}
