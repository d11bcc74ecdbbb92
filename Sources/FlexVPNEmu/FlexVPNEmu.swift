import ArgumentParser
import Foundation
import Shell

@main
struct FlexVPNEmu: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flexvpn-emu",
        abstract: "An emulated Cisco FlexVPN server: its IOS console and its RADIUS DAS (RFC 5176).",
        subcommands: [Console.self, Replay.self],
        defaultSubcommand: Console.self)
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
