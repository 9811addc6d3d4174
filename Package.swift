// swift-tools-version: 6.0
// The Swift binding of smscode (its sources live in bindings/swift). SwiftPM reads a
// manifest only at a repository's root, so this file is what `.package(url:)` finds.

import PackageDescription

// The C library, module CSMSCode, in the form of the OS that evaluates this manifest. SwiftPM
// evaluates it on the build host, not for the destination: on Linux for a Linux build, on
// macOS for an iOS or macOS one. So `#if os(Linux)` picks the Linux form exactly when
// building for Linux (a cross-build from a Mac to Linux is not supported).
#if os(Linux)
    // The library installed by scripts/install.sh: the module map names include/smscode.h,
    // the link flags come from pkg-config (smscode.pc).
    let cModule: Target = .systemLibrary(
        name: "CSMSCode",
        path: "bindings/swift/Sources/CSMSCode",
        pkgConfig: "smscode"
    )
#else
    // Apple platforms: the XCFramework of a release (bindings/swift/build-xcframework.sh: a
    // dynamic framework per platform, built without the library's own transport). The URL
    // and checksum are written by bindings/swift/release-xcframework.sh; until a release has
    // run it they name no published file, and an Apple build cannot fetch the target.
    let cModule: Target = .binaryTarget(
        name: "CSMSCode",
        url: "https://example.com/smscode/releases/download/v0.1.0/CSMSCode.xcframework.zip",
        checksum: "0000000000000000000000000000000000000000000000000000000000000000"
    )
#endif

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
            path: "bindings/swift/Sources/SMSCode",
            // The privacy manifest of the Swift target; the XCFramework has its own copy.
            resources: [.copy("PrivacyInfo.xcprivacy")]
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
