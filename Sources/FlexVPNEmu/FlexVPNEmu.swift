import ArgumentParser
import Foundation
import Shell
import Transport

/// `flexvpn-emu [options]` starts the console; `flexvpn-emu replay …` replays transcripts.
@main
struct FlexVPNEmu: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flexvpn-emu",
        abstract: "An emulated Cisco FlexVPN server: its IOS console and its RADIUS DAS (RFC 5176).",
        discussion: """
            With no subcommand, starts the console: libedit when standard input is a terminal, \
            else a piped console that echoes what it reads and exits at end of input.

            \(EnvironmentOptions.helpText)
            """,
        subcommands: [Replay.self, Health.self, Labs.self])

    @OptionGroup var console: Console

    func run() throws { try console.run() }

    /// swift-argument-parser's `main`, with the options the environment supplies appended first.
    static func main() {
        let typed = Array(CommandLine.arguments.dropFirst())
        let resolution: EnvironmentOptions.Resolution
        do {
            resolution = try EnvironmentOptions.resolve(arguments: typed, environment: ProcessInfo.processInfo.environment)
        } catch {
            exit(withError: ValidationError("\(error)"))
        }
        var command: any ParsableCommand
        do {
            command = try parseAsRoot(resolution.arguments)
        } catch {
            // A bad value from a variable is reported under its option's name: say where it came from.
            if exitCode(for: error) != .success, !resolution.used.isEmpty {
                FileHandle.standardError.write(Data("From the environment: \(resolution.used.joined(separator: " "))\n".utf8))
            }
            exit(withError: error)
        }
        do {
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay console transcripts and compare the output character for character.")

    @Argument(help: "Transcript files or folders (searched recursively for *.txt).")
    var paths: [String]

    @Flag(help: "Rewrite each transcript from what the emulator printed.")
    var update = false

    func run() throws {
        let summary = IOSShell.transcriptReplayer.replay(paths: paths, update: update)
        print(summary.report, terminator: summary.report.hasSuffix("\n") ? "" : "\n")
        if !summary.ok { throw ExitCode(1) }
    }
}
