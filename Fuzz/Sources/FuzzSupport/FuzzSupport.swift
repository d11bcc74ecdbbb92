import CFuzzDriver
import Device
import Foundation
import Shell

/// libFuzzer's callback: the input's bytes and their count.
public typealias FuzzCallback = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

/// Runs libFuzzer on `callback` with the process's arguments (`-max_total_time=60 CORPUS…`).
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                      _ callback: FuzzCallback) -> CInt {
    // Type 9 secrets with scrypt's N at 16 rather than IOS's 16384: the same code, without
    // tens of milliseconds per input that sets a secret (a fifth of the console target's time).
    CiscoScrypt.rounds = 16
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, callback)
}

/// What every fuzz target shares: reading the input, and a fresh router as a replay makes one
/// (a clock that moves only when told, a seeded random source, an in-memory startup-config), so
/// every run of an input does exactly the same thing and a crash reproduces.
public enum Fuzz {
    /// The input as bytes (libFuzzer may pass a null pointer with count 0).
    public static func bytes(_ data: UnsafePointer<UInt8>?, _ count: Int) -> [UInt8] {
        guard let data, count > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: count))
    }

    /// A fresh router, optionally loaded with a shipped scenario (`seed-example`: the seeds'
    /// device, its dynamic-author client 9.45.15.144 with key `cisco`, and three sessions).
    /// The scenario is read once per process and applied to each router as a replay's
    /// `! replay: scenario NAME` applies it.
    public static func router(scenario: String? = nil) -> (shell: IOSShell, device: Device) {
        var settings = ReplaySettings()
        let loaded = scenario.map { name in
            guard let scenario = shippedScenarios[name] else { fatalError("no scenario \(name)") }
            return scenario
        }
        if let seed = loaded?.deterministicSeed { settings.values["seed"] = String(seed) }
        let session = IOSShell.replaySession(settings)
        guard let shell = session.shell as? IOSShell else { fatalError("replay sessions run an IOSShell") }
        if let loaded { _ = shell.apply(loaded) }
        session.attach(DiscardingConsole())
        return (shell, shell.device)
    }

    /// Types `lines` at privileged EXEC or in the configuration modes they enter.
    public static func type(_ shell: IOSShell, _ lines: [String]) {
        for line in lines { _ = shell.submit(line) }
    }
}

/// The shipped scenarios, read once.
private let shippedScenarios: [String: Scenario] = Dictionary(uniqueKeysWithValues: Scenario.bundledNames.compactMap { name in
    (try? Scenario.load(name)).map { (name, $0) }
})

/// A console that drops what the router logs (the targets look for traps, not for text).
public final class DiscardingConsole: ConsoleSink {
    public private(set) var lines = 0
    public init() {}
    public func deviceLog(_ line: String) { lines += 1 }
}

/// Consumes an input from the front: a byte, a big-endian 16-bit number, a chunk.
public struct FuzzReader {
    public var bytes: [UInt8]
    public var offset = 0
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public var isAtEnd: Bool { offset >= bytes.count }
    public mutating func byte() -> UInt8 {
        guard offset < bytes.count else { return 0 }
        defer { offset += 1 }
        return bytes[offset]
    }
    public mutating func uint16() -> Int { Int(byte()) << 8 | Int(byte()) }
    public mutating func chunk(_ count: Int) -> [UInt8] {
        let end = min(bytes.count, offset + count)
        defer { offset = end }
        return Array(bytes[offset..<end])
    }
}
