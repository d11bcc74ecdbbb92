import Device
import Foundation

/// A starting point for the device: a startup-config and the EXEC commands (`clock set`,
/// `lab session connect …`) that bring its clock and sessions to a known state.
///
/// The file is plain text. Lines up to the first `end` are a startup-config; the lines after it
/// are EXEC commands run once the configuration is loaded. `!` lines are comments, except the
/// directive `! scenario: deterministic SEED`, which runs the device on a clock that moves only
/// when told and on a random source seeded with SEED, so every run prints the same bytes.
public struct Scenario: Equatable, Sendable {
    public var name: String
    public var configuration: String
    public var execCommands: [String]
    public var deterministicSeed: UInt64?

    public init(name: String, text: String) {
        self.name = name
        var configuration: [Substring] = []
        var exec: [String] = []
        var seed: UInt64?
        var inExec = false
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            let trimmed = String(line).trimmingSpaces
            if trimmed.hasPrefix("! scenario:") {
                let words = trimmed.dropFirst("! scenario:".count).split(separator: " ")
                if words.first == "deterministic" { seed = words.dropFirst().first.flatMap { UInt64($0) } ?? 1 }
                continue
            }
            if inExec {
                if !trimmed.isEmpty, !trimmed.hasPrefix("!") { exec.append(trimmed) }
            } else if trimmed == "end" {
                inExec = true
            } else {
                configuration.append(line)
            }
        }
        self.configuration = configuration.joined(separator: "\n") + "\n"
        execCommands = exec
        deterministicSeed = seed
    }

    public struct NotFound: Error, CustomStringConvertible {
        public var name: String
        public var description: String {
            "no scenario \(name) (give a file, or one of: \(Scenario.bundledNames.joined(separator: ", ")))"
        }
    }

    /// The scenarios shipped with the emulator, by name.
    public static var bundledNames: [String] { builtIn.keys.sorted() }

    /// A file path, or the name of a shipped scenario (`seed-example`).
    public static func load(_ nameOrPath: String) throws -> Scenario {
        if FileManager.default.fileExists(atPath: nameOrPath) {
            let text = try String(contentsOfFile: nameOrPath, encoding: .utf8)
            return Scenario(name: URL(fileURLWithPath: nameOrPath).deletingPathExtension().lastPathComponent, text: text)
        }
        guard let text = builtIn[nameOrPath] else { throw NotFound(name: nameOrPath) }
        return Scenario(name: nameOrPath, text: text)
    }
}

extension IOSShell {
    /// Loads a scenario's configuration and runs its EXEC commands; returns what went wrong.
    public func apply(_ scenario: Scenario) -> String {
        var report = applyConfiguration(scenario.configuration, source: "scenario \(scenario.name)")
        let saved = mode
        mode = .privilegedExec
        // What the set-up commands log (`clock set`) is the scenario's past, not shown at start.
        let held = device.heldConsoleLineCount
        defer { device.dropHeldConsoleLines(from: held) }
        for command in scenario.execCommands {
            let output = execute(command, promptWidth: 0)
            let failed = output.split(separator: "\n").contains { $0.hasPrefix("%") && !$0.hasPrefix("% Lab: session up") }
            if failed {
                report += "% scenario \(scenario.name):\n\(command)\n" + output
            }
        }
        mode = saved
        device.lastConfigChange = nil
        return report
    }
}
