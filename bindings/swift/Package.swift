// swift-tools-version:5.9
// The Swift binding of smscode: a thin layer over the C ABI in include/smscode.h.

import Foundation
import PackageDescription

// Where build-xcframework.sh puts the iOS/macOS static library. When it exists (and the host
// is not Linux), the C module comes from it; otherwise from the installed shared library
// found with pkg-config. Delete the folder to switch back.
let xcframeworkPath = "Frameworks/CSmsCode.xcframework"

#if os(Linux)
// XCFrameworks are an Apple format: Linux always links the system library.
let useXCFramework = false
#else
let useXCFramework = FileManager.default.fileExists(
    atPath: Context.packageDirectory + "/" + xcframeworkPath)
#endif

// Both variants define the same Clang module, CSmsCode, with the same module map.
let cModule: Target =
    useXCFramework
    ? .binaryTarget(name: "CSmsCode", path: xcframeworkPath)
    : .systemLibrary(name: "CSmsCode", path: "Sources/CSmsCode", pkgConfig: "smscode")

let package = Package(
    name: "SmsCode",
    platforms: [.iOS(.v13), .macOS(.v10_15)],
    products: [
        .library(name: "SmsCode", targets: ["SmsCode"])
    ],
    targets: [
        cModule,
        .target(name: "SmsCode", dependencies: ["CSmsCode"]),
        .testTarget(
            name: "SmsCodeTests",
            dependencies: ["SmsCode"],
            // Read by path in the tests (no resource bundle needed).
            exclude: ["signature.json"]
        ),
    ]
)
