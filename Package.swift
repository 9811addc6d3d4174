// swift-tools-version: 6.0
// The Swift binding of smscode (its sources live in bindings/swift). SwiftPM reads a
// manifest only at a repository's root, so this file is what `.package(url:)` finds.

import Foundation
import PackageDescription

// iOS: bindings/swift/build-xcframework.sh (on a Mac) builds the C library as an XCFramework.
// When it exists, and the host is not Linux, it replaces the system library; delete the
// folder to switch back. XCFrameworks are an Apple format, so Linux always links the system
// library.
let xcframework = "bindings/swift/Frameworks/CSMSCode.xcframework"
#if os(Linux)
    let useXCFramework = false
#else
    let useXCFramework = FileManager.default.fileExists(
        atPath: Context.packageDirectory + "/" + xcframework)
#endif

// Both forms define the same Clang module, CSMSCode.
let cModule: Target =
    useXCFramework
    ? .binaryTarget(name: "CSMSCode", path: xcframework)
    // The module map names include/smscode.h; the link flags come from pkg-config
    // (smscode.pc, written by scripts/install.sh).
    : .systemLibrary(
        name: "CSMSCode",
        path: "bindings/swift/Sources/CSMSCode",
        pkgConfig: "smscode"
    )

let package = Package(
    name: "smscode",
    // Duration, used for every timeout and interval, needs iOS 16 / macOS 13.
    platforms: [.iOS(.v16), .macOS(.v13)],
    products: [
        .library(name: "SMSCode", targets: ["SMSCode"])
    ],
    targets: [
        cModule,
        .target(
            name: "SMSCode",
            dependencies: ["CSMSCode"],
            path: "bindings/swift/Sources/SMSCode"
        ),
        .testTarget(
            name: "SMSCodeTests",
            dependencies: ["SMSCode"],
            path: "bindings/swift/Tests/SMSCodeTests",
            // Read by path in the tests (no resource bundle needed).
            exclude: ["signature.json", "prepared_request_vectors.json"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
