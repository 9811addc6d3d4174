import CSmsCode

/// The one-call functions of the smscode C library: signing, sending, code descriptions.
///
/// Everything here calls the C ABI; nothing is computed in Swift.
public enum SmsCode {
    /// The C library's version, e.g. "0.1.0".
    public static var version: String {
        String(cString: sms_version())
    }

    /// The request signature: lowercase hex SHA-256 of
    /// phone + codeType + random + ts + userDomainSecret.
    ///
    /// - Parameters:
    ///   - random: exactly 16 printable ASCII characters.
    ///   - ts: Unix time in milliseconds, >= 0.
    /// - Throws: `SmsError.invalidArgument` for a bad `random` or `ts` (or a NUL in a string).
    public static func sign(
        phone: String,
        codeType: CodeType,
        random: String,
        ts: Int64,
        userDomainSecret: String
    ) throws -> String {
        var signature = [CChar](repeating: 0, count: Int(SMS_SIGNATURE_BUFFER_LEN))
        let status = try withCStrings(
            ["phone": phone, "random": random, "userDomainSecret": userDomainSecret]
        ) { args in
            signature.withUnsafeMutableBufferPointer { out in
                sms_sign(args[0], codeType.rawValue, args[1], ts, args[2], out.baseAddress, out.count)
            }
        }
        guard status == SMS_OK else {
            throw SmsError.fromLastError(status: status)
        }
        return signature.withUnsafeBufferPointer { text in
            String(cString: text.baseAddress!)
        }
    }

    /// Sends the verification code in one call (the design's function) with a shared default
    /// client per base URL. Blocks the calling thread until the answer; never retries.
    ///
    /// From async code prefer `SmsClient.sendCode`, which does not block the cooperative pool.
    ///
    /// - Parameter baseURL: a region ("cn", "eu", "na") or an `https://` URL (plain `http://`
    ///   only for loopback hosts).
    /// - Returns: the server's code: 200 (or 0) when sent (see `isSuccess(_:)`); any other code
    ///   passes through, including those answered locally (5019, 5021, 5023, 5116).
    /// - Throws: `SmsError` for a local failure (the C function's negative statuses).
    public static func sendCode(
        baseURL: String,
        userDomain: String,
        userDomainSecret: String,
        internationalCode: String,
        phone: String,
        codeType: CodeType
    ) throws -> Int32 {
        let code = try withCStrings(
            [
                "baseURL": baseURL, "userDomain": userDomain,
                "userDomainSecret": userDomainSecret, "internationalCode": internationalCode,
                "phone": phone,
            ]
        ) { args in
            sms_send_code(args[0], args[1], args[2], args[3], args[4], codeType.rawValue)
        }
        guard code >= 0 else {
            throw SmsError.fromLastError(status: code)
        }
        return code
    }

    /// True when `code` means the SMS was sent (200, or 0).
    public static func isSuccess(_ code: Int32) -> Bool {
        sms_is_success(code) == 1
    }

    /// The library's English description of a server code or a local status, e.g.
    /// "SMS sending exceeds frequency limit" for 5058; "Unknown code" for others.
    public static func description(of code: Int32) -> String {
        String(cString: sms_code_description(code))
    }
}
