import CSMSCode

/// Calls `body` with NUL-terminated copies of the `arguments`' values, in order.
///
/// The pointers are valid only while `body` runs (each comes from `withCString`), so none
/// outlives its scope. A NUL inside a value would silently cut the C string short (a phone
/// or secret the caller did not mean), so such a value is refused before any C call.
func withCStrings<Value>(
    _ arguments: KeyValuePairs<String, String>,
    _ body: ([UnsafePointer<CChar>]) throws -> Value
) throws -> Value {
    for argument in arguments where argument.value.utf8.contains(0) {
        throw SMSError(
            code: .invalidArgument,
            message: "argument `\(argument.key)` contains a NUL character")
    }
    return try nestCStrings(ArraySlice(arguments.map { $0.value }), [], body)
}

/// Converts the first value, then recurses inside its `withCString` scope for the rest.
private func nestCStrings<Value>(
    _ values: ArraySlice<String>,
    _ pointers: [UnsafePointer<CChar>],
    _ body: ([UnsafePointer<CChar>]) throws -> Value
) throws -> Value {
    guard let first = values.first else {
        return try body(pointers)
    }
    return try first.withCString { pointer in
        try nestCStrings(values.dropFirst(), pointers + [pointer], body)
    }
}

/// The calling thread's last error message from the C library.
///
/// Call it on the thread of the failed call, right after it: the message is per-thread.
func lastErrorMessage() -> String {
    let length = sms_last_error_message(nil, 0)
    var buffer = [CChar](repeating: 0, count: length + 1)
    _ = buffer.withUnsafeMutableBufferPointer { out in
        sms_last_error_message(out.baseAddress, out.count)
    }
    return buffer.withUnsafeBufferPointer { text in
        String(cString: text.baseAddress!)
    }
}
