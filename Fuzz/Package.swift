// swift-tools-version:6.0
// libFuzzer targets for every input of the emulator (README "Fuzzing"). A package of its own, so
// the main package's `swift build` / `swift test` never see the fuzzer flags: build and run them
// with scripts/fuzz.sh, which passes `-sanitize=fuzzer,address -parse-as-library` to every
// Swift module (the emulator's too, for coverage) and uses its own scratch path.
import PackageDescription

let fuzzTargets = ["FuzzRADIUSDecoder", "FuzzDAS", "FuzzConsoleLine", "FuzzTranscript", "FuzzStartupConfig",
                   "FuzzScenario", "FuzzLabFile", "FuzzIKE", "FuzzTelnet", "FuzzVtyLine"]
/// Targets whose input reaches the sockets-and-terminals layer (telnet, the vty lines).
let transportTargets: Set<String> = ["FuzzTelnet", "FuzzVtyLine"]

let package = Package(
    name: "flexvpn-emu-fuzz",
    platforms: [.macOS(.v13)],
    products: fuzzTargets.map { .executable(name: $0, targets: [$0]) },
    dependencies: [.package(name: "flexvpn-emu", path: "..")],
    targets: [
        .target(name: "CFuzzDriver"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzDriver", .product(name: "FlexVPNCore", package: "flexvpn-emu")]),
    ] + fuzzTargets.map {
        .executableTarget(name: $0, dependencies: ["FuzzSupport", .product(name: "FlexVPNCore", package: "flexvpn-emu")]
                          + (transportTargets.contains($0)
                             ? [.product(name: "FlexVPNTransport", package: "flexvpn-emu")] : []))
    },
    swiftLanguageModes: [.v6]
)
