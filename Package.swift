// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "flexvpn-emu",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "flexvpn-emu", targets: ["FlexVPNEmu"]),
        .executable(name: "flexvpn-bench", targets: ["Benchmarks"]),
        // The emulator's pure code as one library, for the fuzz targets' own package (Fuzz/).
        .library(name: "FlexVPNCore", targets: ["RADIUS", "IKEv2", "Device", "Renderers", "Shell"]),
        // Sockets and terminals (telnet, the vty lines), for the fuzz targets of those inputs.
        .library(name: "FlexVPNTransport", targets: ["Transport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        // 4.5: the release whose _CryptoExtras (KDF.Scrypt, for type 9 secrets) was built and tested.
        .package(url: "https://github.com/apple/swift-crypto", "4.5.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.0"),
        // MODP Diffie-Hellman groups (IKEv2 groups 14 and 5) need modular exponentiation on 2048-bit numbers;
        // 6.0.1 is the release built and tested.
        .package(url: "https://github.com/attaswift/BigInt", "6.0.1"..<"6.1.0"),
        // The vty lines' SSH server (Ed25519/ECDSA host keys, AES-GCM); 0.15.1 is the release built and tested.
        .package(url: "https://github.com/apple/swift-nio-ssh", "0.15.1"..<"0.16.0"),
        // Deque: the log buffer's ring (already in the graph through swift-nio).
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        // Lab files (Sources/Shell/Lab): YAML a trainer edits by hand, read with line numbers for errors.
        .package(url: "https://github.com/jpsim/Yams", "6.2.2"..<"7.0.0"),
    ],
    targets: [
        // Pure RADIUS values: packets, attributes, dictionary, authenticators. No I/O.
        .target(name: "RADIUS", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // The device: running config, sessions, DAS decision, accounting, debug events, clock.
        // Release builds skip the run-time exclusivity checks on the DAS hot path (the session table's
        // indexes are class storage, checked on every access); debug builds, which run the tests, keep them.
        .target(name: "Device", dependencies: ["RADIUS", "IKEv2", .product(name: "Crypto", package: "swift-crypto"),
                                               .product(name: "_CryptoExtras", package: "swift-crypto"),
                                               .product(name: "DequeModule", package: "swift-collections")],
                swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]),
        // Pure IKEv2 values: messages, payloads, key exchange, key derivation, SK protection, proposal choice. No I/O.
        .target(name: "IKEv2", dependencies: [.product(name: "Crypto", package: "swift-crypto"),
                                              .product(name: "_CryptoExtras", package: "swift-crypto"),
                                              .product(name: "BigInt", package: "BigInt")]),
        // show outputs, running-config and debug lines, rendered from the model.
        .target(name: "Renderers", dependencies: ["Device", "RADIUS", "IKEv2"]),
        // The IOS command grammar, the command table, modes, and transcript replay.
        // The bundled training labs are YAML files compiled into the binary (embedInCode), so the
        // executable needs no resource bundle beside it.
        .target(name: "Shell", dependencies: ["Device", "Renderers", "RADIUS", "IKEv2", .product(name: "Yams", package: "Yams")],
                resources: [.embedInCode("Lab/Bundled/das-setup.yaml"), .embedInCode("Lab/Bundled/reauthenticate.yaml"),
                            .embedInCode("Lab/Bundled/new-policy.yaml"), .embedInCode("Lab/Bundled/free-resources.yaml"),
                            .embedInCode("Lab/Bundled/troubleshoot.yaml"),
                            .embedInCode("Lab/lab-report.schema.json")]),
        // libedit's variadic calls wrapped for Swift.
        .target(name: "CLineEdit", linkerSettings: [.linkedLibrary("edit")]),
        // Sockets and terminals: SwiftNIO UDP for the DAS and accounting, libedit for the console.
        .target(name: "Transport", dependencies: [
            "Device", "Shell", "RADIUS", "CLineEdit", "CHeapUsage",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOSSH", package: "swift-nio-ssh"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .executableTarget(name: "FlexVPNEmu", dependencies: [
            "Shell", "Transport", "Device",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // sendmmsg/recvmmsg for the lifecycle benchmark's floor client (GNU calls Glibc hides).
        .target(name: "CBenchSockets"),
        .executableTarget(name: "Benchmarks", dependencies: [
            "Shell", "Transport", "Device", "RADIUS", "Renderers", "IKEv2", "CBenchSockets",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            // `flexvpn-bench ssh`: swift-nio-ssh's client against the vty lines' server.
            .product(name: "NIOSSH", package: "swift-nio-ssh"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "RADIUSTests", dependencies: ["RADIUS", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "DeviceTests", dependencies: ["Device", "RADIUS", "Renderers"]),
        .testTarget(name: "ShellTests", dependencies: ["Shell", "Device", "Transport", "RADIUSTestSupport"]),
        .testTarget(name: "TranscriptTests", dependencies: ["Shell", "Device", "Transport"]),
        .testTarget(name: "IKEv2Tests", dependencies: ["IKEv2"]),
        // Tests only: a RADIUS server inside the test (ShellTests, IKEResponderTests), and the
        // C heap's bytes in use (leak tests).
        .target(name: "RADIUSTestSupport", dependencies: ["Device", "RADIUS"], path: "Tests/RADIUSTestSupport"),
        .target(name: "CHeapUsage", path: "Tests/CHeapUsage"),
        .testTarget(name: "InteropTests", dependencies: ["Transport", "Shell", "Device", "RADIUS", "CLineEdit", "CHeapUsage",
                                                          .product(name: "NIOConcurrencyHelpers", package: "swift-nio")]),
        .testTarget(name: "IKEResponderTests", dependencies: ["Device", "IKEv2", "RADIUS", "Renderers", "Shell",
                                                               "RADIUSTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
