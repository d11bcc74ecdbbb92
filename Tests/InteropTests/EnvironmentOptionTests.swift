import Foundation
import XCTest

/// The built binary's options from environment variables (`FLEXVPN_SSH_PORT`, …), as a container
/// sets them: a variable stands in for an absent option, an option on the command line wins, a bad
/// value is reported with its variable, and `flexvpn-emu health` checks a running router's ports.
/// Every run starts from an empty environment (`env -i`), so the caller's variables play no part.
final class EnvironmentOptionTests: XCTestCase {
    static let binary = ProductBinaryTests.builtBinary.path

    func folder() throws -> String {
        let path = NSTemporaryDirectory() + "flexvpn-env-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    /// The binary with only `environment` set.
    func run(_ environment: [String: String], _ arguments: [String], input: String = "") throws -> ToolResult {
        let assignments = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return try runTool("-i", assignments + [Self.binary] + arguments, stdin: input)
    }

    func testAStartupConfigFromTheEnvironmentIsWhereWriteMemorySaves() throws {
        let file = try folder() + "/from-env"
        let result = try run(["FLEXVPN_STARTUP_CONFIG": file], [], input: "enable\nwrite memory\n")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(try String(contentsOfFile: file, encoding: .utf8).contains("hostname Device\n"))
    }

    func testTheStartupConfigFlagBeatsItsVariable() throws {
        let directory = try folder()
        for form in [["--startup-config", directory + "/flag"], ["--startup-config=\(directory)/flag"]] {
            let result = try run(["FLEXVPN_STARTUP_CONFIG": directory + "/env"], form, input: "enable\nwrite memory\n")
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/flag"))
            XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/env"))
            try FileManager.default.removeItem(atPath: directory + "/flag")
        }
    }

    func testNoHeadlessBeatsTheHeadlessVariable() throws {
        let file = try folder() + "/startup-config"
        let result = try run(["FLEXVPN_HEADLESS": "1", "FLEXVPN_STARTUP_CONFIG": file], ["--no-headless"], input: "enable\n")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "Device>enable\nDevice#\n")
    }

    func testAFalseHeadlessVariableLeavesTheConsole() throws {
        let file = try folder() + "/startup-config"
        let result = try run(["FLEXVPN_HEADLESS": "no", "FLEXVPN_STARTUP_CONFIG": file], [], input: "enable\n")
        XCTAssertEqual(result.stdout, "Device>enable\nDevice#\n")
    }

    func testABadValueIsReportedWithItsVariable() throws {
        let port = try run(["FLEXVPN_SSH_PORT": "abc"], [])
        XCTAssertEqual(port.status, 64, port.stderr)
        XCTAssertTrue(port.stderr.contains("From the environment: FLEXVPN_SSH_PORT=abc"), port.stderr)
        XCTAssertTrue(port.stderr.contains("--ssh-port"), port.stderr)
        let flag = try run(["FLEXVPN_HEADLESS": "maybe"], [])
        XCTAssertEqual(flag.status, 64, flag.stderr)
        XCTAssertTrue(flag.stderr.contains("FLEXVPN_HEADLESS=maybe: expected 1, true, yes, on, or 0, false, no, off"), flag.stderr)
        // The option given on the command line wins, so the bad variable is never read.
        let file = try folder() + "/startup-config"
        let overridden = try run(["FLEXVPN_SSH_PORT": "abc", "FLEXVPN_STARTUP_CONFIG": file], ["--ssh-port", "0"], input: "enable\n")
        XCTAssertEqual(overridden.status, 0, overridden.stderr)
    }

    func testReplayTakesNothingFromTheEnvironment() throws {
        let transcript = ProductBinaryTests.repository.appendingPathComponent("Transcripts/seed/show-aaa.txt").path
        let result = try run(["FLEXVPN_SSH_PORT": "abc", "FLEXVPN_HEADLESS": "maybe"], ["replay", transcript])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
    }

    /// A new console option without a variable fails here.
    func testHelpListsAVariableForEveryOption() throws {
        let help = try run([:], ["--help"])
        XCTAssertEqual(help.status, 0)
        let options = Set(help.stdout.matches(of: /^\s+--([a-z-]+)/.anchorsMatchLineEndings()).map { String($0.1) })
            .subtracting(["help", "version"])
        XCTAssertTrue(options.isSuperset(of: ["ssh-port", "telnet-port", "headless", "startup-config"]), help.stdout)
        let listed = Set(help.stdout.matches(of: /^FLEXVPN_[A-Z_]+ +--([a-z-]+)/.anchorsMatchLineEndings()).map { String($0.1) })
        XCTAssertEqual(options.subtracting(listed), [], "options without a FLEXVPN_ variable in --help:\n\(help.stdout)")
        XCTAssertTrue(help.stdout.contains("FLEXVPN_SSH_PORT        --ssh-port"), help.stdout)
    }

    // MARK: Headless, ports and `health`

    func testHeadlessAndPortsFromTheEnvironmentTheFlagWinningAndHealthSeesThem() throws {
        let file = try folder() + "/startup-config"
        let (envPort, flagPort) = (try freeTCPPort(), try freeTCPPort())
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["--ssh-port", String(flagPort)]
        process.environment = ["FLEXVPN_HEADLESS": "true", "FLEXVPN_SSH_PORT": String(envPort),
                               "FLEXVPN_STARTUP_CONFIG": file]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate(); process.waitUntilExit() } }
        // Headless: no console reads standard input (at its end a console would have exited).
        var answered = false
        for _ in 0..<300 where !answered {
            let health = try run([:], ["health", "--ssh-port", String(flagPort), "--timeout", "1"])
            answered = health.status == 0
            if !answered { usleep(20_000) }
        }
        XCTAssertTrue(answered, "the --ssh-port port never answered")
        XCTAssertTrue(process.isRunning)
        // `health` with the variable's port: nothing listens there.
        let envHealth = try run(["FLEXVPN_SSH_PORT": String(envPort)], ["health", "--timeout", "1"])
        XCTAssertEqual(envHealth.status, 1)
        XCTAssertEqual(envHealth.stdout, "ssh 127.0.0.1 port \(envPort): no answer\n")
        let flagHealth = try run(["FLEXVPN_SSH_PORT": String(flagPort), "FLEXVPN_LISTEN_ADDRESS": "0.0.0.0"], ["health"])
        XCTAssertEqual(flagHealth.status, 0, flagHealth.stdout)
        XCTAssertEqual(flagHealth.stdout, "ssh 127.0.0.1 port \(flagPort): answers\n")
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
    }

    func testHealthWithoutAPortIsUnhealthy() throws {
        let result = try run([:], ["health"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stdout, "unhealthy: no SSH or telnet port to check (--ssh-port, --telnet-port)\n")
    }
}

/// A port the kernel just gave out and took back (the router binds it a moment later).
func freeTCPPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
        }
    }
    guard bound else { throw POSIXError(.EADDRINUSE) }
    return Int(UInt16(bigEndian: address.sin_port))
}
