import Foundation
import RADIUS
import XCTest

/// Runs the built `flexvpn-emu` as a user would: piped standard input, a startup-config file,
/// a restart on the same file.
final class ProductBinaryTests: XCTestCase {
    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Runs the binary with `input` on standard input; returns standard output and the exit code.
    func run(_ arguments: [String], input: String, binary: URL = ProductBinaryTests.builtBinary) throws
        -> (output: String, status: Int32) {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: binary.path), "build flexvpn-emu first")
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        try stdin.fileHandleForWriting.write(contentsOf: Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: data, as: UTF8.self), process.terminationStatus)
    }

    /// The binary beside the test bundle (`.build/debug`, or a sanitizer's scratch path such as
    /// `.build-tsan/debug`, so scripts/sanitize.sh runs the instrumented binary too).
    static var builtBinary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("flexvpn-emu")
    }

    func temporaryFile() -> String {
        NSTemporaryDirectory() + "flexvpn-test-\(UUID().uuidString)/startup-config"
    }

    func testPipedInputIsAConsoleTranscriptAndExitsZero() throws {
        let (output, status) = try run(["--startup-config", temporaryFile()], input: "enable\nshow ?running-config | include hostname\n")
        XCTAssertEqual(status, 0)
        XCTAssertTrue(output.hasPrefix("Device>enable\nDevice#show ?\n  aaa "), output)
        XCTAssertTrue(output.hasSuffix("\nDevice#show running-config | include hostname\nhostname Device\nDevice#\n"), output)
    }

    func testWriteMemoryThenRestartOnTheSameFile() throws {
        let file = temporaryFile()
        let (saved, status) = try run(["--startup-config", file], input: """
            enable
            configure terminal
            hostname LAB7
            aaa new-model
            aaa server radius dynamic-author
            client 192.168.0.5 server-key cisco
            port 1812
            end
            write memory
            show running-config

            """)
        XCTAssertEqual(status, 0)
        XCTAssertTrue(saved.contains("LAB7#write memory\nBuilding configuration...\n[OK]\n"), saved)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        XCTAssertTrue(text.contains("\naaa server radius dynamic-author\n client 192.168.0.5 server-key cisco\n port 1812\n!\n"), text)
        // No temporary file is left beside the saved one.
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent().path
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["startup-config"])

        let (restarted, _) = try run(["--startup-config", file], input: "enable\nshow running-config\n")
        XCTAssertTrue(restarted.hasPrefix("LAB7>enable\n"), restarted)
        func body(_ transcript: String) -> [Substring] {
            let afterCommand = transcript.components(separatedBy: "#show running-config\n")[1]
            return afterCommand.split(separator: "\n").filter {
                !$0.hasPrefix("Current configuration") && !$0.hasPrefix("! Last configuration change")
                    && !$0.hasPrefix("LAB7#")
            }
        }
        XCTAssertEqual(body(restarted), body(saved))
    }

    func testStartupConfigErrorsAreReportedAndTheRestLoads() throws {
        let file = temporaryFile()
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: file).deletingLastPathComponent().path,
                                                withIntermediateDirectories: true)
        try "hostname GOOD\nfrobnicate all\nip domain lookup\n".write(toFile: file, atomically: true, encoding: .utf8)
        let (output, status) = try run(["--startup-config", file], input: "")
        XCTAssertEqual(status, 0)
        XCTAssertEqual(output, "% startup-config line 2:\nfrobnicate all\n^\n% Invalid input detected at '^' marker.\n\nGOOD>\n")
    }

    /// The output without a boot-time `SOURCEPORTALLOCERROR` (the seeds' DAS port, 1812, is taken
    /// where a FreeRADIUS runs) and the prompt it interrupted.
    private func withoutPortInUseLog(_ output: String) -> String {
        var lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let i = lines.firstIndex(where: { $0.contains("%RADIUS-3-SOURCEPORTALLOCERROR") }) {
            lines.remove(at: i)
            if i > 0, lines[i - 1] == "Device>" { lines.remove(at: i - 1) }
        }
        return lines.joined(separator: "\n")
    }

    func testSeedScenarioStartsAtTheCaptureMomentDeterministically() throws {
        let (raw, _) = try run(["--scenario", "seed-example", "--deterministic", "1", "--startup-config", temporaryFile()],
                                  input: "enable\nshow clock\nshow aaa user 41 | include elapsed\n")
        let output = withoutPortInUseLog(raw)
        // The seeds' show aaa user 41: elapsed_time 341 at 00:26:04 IST (their session came up at 00:20:23).
        XCTAssertEqual(output, "Device>enable\nDevice#show clock\n00:26:04.000 IST Tue Nov 4 2014\n"
                       + "Device#show aaa user 41 | include elapsed\n"
                       + "    7FBD9783CD30 0 00000001 elapsed_time(414) 4 341(155)\nDevice#\n"
                           .replacingOccurrences(of: "7FBD9783CD30", with: addressIn(output)))
    }

    /// The address the emulator generated on the elapsed_time line (the seeds' is 7FBD9783CD30).
    private func addressIn(_ output: String) -> String {
        output.split(separator: "\n").first { $0.contains("elapsed_time(414)") }
            .map { String($0.dropFirst(4).prefix(12)) } ?? "none"
    }

    func testSeedScenarioClockRunsInRealTimeFromTheCaptureMoment() throws {
        let (raw, _) = try run(["--scenario", "seed-example", "--startup-config", temporaryFile()],
                               input: "enable\nshow clock\n")
        let output = withoutPortInUseLog(raw)
        let lines = output.split(separator: "\n")
        XCTAssertEqual(lines.count, 4, output)
        // Not stamped 00:26:04.000 for ever: the host's clock runs on from the capture moment
        // (however slowly this machine started, less than a minute has passed).
        let clock = String(lines[2])
        XCTAssertNotNil(clock.range(of: #"^00:26:[0-9]{2}\.[0-9]{3} IST Tue Nov 4 2014$"#, options: .regularExpression), clock)
        XCTAssertGreaterThanOrEqual(clock, "00:26:04.000")
    }

    func testDeterministicRunsPrintTheSameBytes() throws {
        let input = "enable\ndebug radius\nlab session connect bob\nlab pod user-name bob\nlab clock advance 5\nshow clock\n"
        let arguments = ["--scenario", "seed-example", "--deterministic", "1", "--startup-config"]
        let first = try run(arguments + [temporaryFile()], input: input)
        let second = try run(arguments + [temporaryFile()], input: input)
        XCTAssertEqual(first.output, second.output)
        XCTAssertTrue(first.output.contains("Accounting-response, len 20"), first.output)
        XCTAssertTrue(first.output.hasSuffix("Device#show clock\n00:26:09.000 IST Tue Nov 4 2014\nDevice#\n"), first.output)
    }

    /// A DAS port already taken when the emulator starts (FreeRADIUS holds 1812 on a Debian
    /// machine): the startup-config's port is logged as unallocatable before the first prompt,
    /// and the DAS does not claim to listen on it.
    func testDASPortInUseAtStartIsLoggedAndNotClaimed() throws {
        let holder = try UDPClient()
        let port = holder.localPort
        let file = temporaryFile()
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: file).deletingLastPathComponent().path,
                                                withIntermediateDirectories: true)
        try "aaa new-model\naaa server radius dynamic-author\n client 127.0.0.1 server-key cisco\n port \(port)\nend\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let (output, status) = try run(["--startup-config", file],
                                       input: "enable\nshow aaa server radius dynamic-author | include port\n")
        XCTAssertEqual(status, 0)
        // At the first prompt, before anything is typed (as a log interrupting a prompt), stamped
        // by the host's clock (not pinned here).
        let lines = output.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "Device>", output)
        let log = lines.count > 2 ? lines[1] : ""
        XCTAssertTrue(log.hasPrefix("*") && log.hasSuffix(": %RADIUS-3-SOURCEPORTALLOCERROR: Warning: Unable to allocate port \(port)"),
                      output)
        XCTAssertEqual(lines.count > 2 ? lines[2] : "", "Device>enable", output)
        XCTAssertTrue(output.contains("RADIUS dynamic-author server: port \(port) (not listening: unable to allocate port), "), output)
        withExtendedLifetime(holder) {}
    }

    /// A scenario's sessions come up once the accounting socket and timers exist: the Start
    /// reaches a RADIUS server at a loopback address, and its reply completes the transaction
    /// (the identifier is freed, nothing stays outstanding).
    func testScenarioSessionStartReachesALoopbackServer() throws {
        let server = try UDPClient()
        let directory = NSTemporaryDirectory() + "flexvpn-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let scenario = directory + "/local.scenario"
        try """
            aaa new-model
            aaa group server radius LOCALGRP
             server name LOCAL
            aaa accounting network acct start-stop group LOCALGRP
            radius server LOCAL
             address ipv4 127.0.0.1 auth-port 1812 acct-port \(server.localPort)
             key testing123
            end
            lab session connect alice
            """.write(toFile: scenario, atomically: true, encoding: .utf8)
        let console = try InteractiveBinary(arguments: ["--scenario", scenario, "--startup-config", directory + "/startup-config"])
        defer { console.finish() }
        var received: (bytes: [UInt8], port: UInt16)?
        for _ in 0..<15 where received == nil { received = server.receiveWithSource() }
        let request = try XCTUnwrap(received, "no Accounting-Request reached the loopback server")
        let packet = try RADIUSPacket.decode(request.bytes)
        XCTAssertEqual(packet.code, .accountingRequest)
        XCTAssertEqual(packet.first(RADIUSAttributeType.userName)?.value, Array("alice".utf8))
        XCTAssertTrue(RADIUSAuth.verifyRequestAuthenticator(request.bytes, secret: "testing123"))
        var reply = RADIUSPacket(code: .accountingResponse, identifier: packet.identifier)
        server.send(RADIUSAuth.signReply(&reply, requestAuthenticator: packet.authenticator, secret: "testing123"),
                    to: request.port)
        console.write("enable\n")
        // Asked until the reply has been handled (it arrives on the emulator's loop, in its own time).
        var answered = false
        for _ in 0..<100 where !answered {
            console.write("show aaa servers | include Response: start|Outstanding Accounting\n")
            let text = console.readUntil("Device#")
            answered = text.contains("Response: start 1,") && text.contains("Outstanding Accounting Transactions: 0")
        }
        XCTAssertTrue(answered, console.output)
    }
}

/// The binary on pipes, typed at line by line while its output is read.
final class InteractiveBinary {
    private let process = Process()
    private let stdin = Pipe()
    private let stdout = Pipe()
    private(set) var output = ""
    private var consumed = 0

    init(arguments: [String]) throws {
        process.executableURL = ProductBinaryTests.builtBinary
        process.arguments = arguments
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
    }

    func write(_ text: String) {
        try? stdin.fileHandleForWriting.write(contentsOf: Data(text.utf8))
    }

    /// Reads until `marker` appears in output not yet returned (or the output ends); returns that output.
    func readUntil(_ marker: String) -> String {
        while true {
            let fresh = String(output.dropFirst(consumed))
            if let range = fresh.range(of: marker) {
                consumed += fresh.distance(from: fresh.startIndex, to: range.upperBound)
                return String(fresh[..<range.upperBound])
            }
            let data = stdout.fileHandleForReading.availableData
            if data.isEmpty {
                consumed = output.count
                return fresh
            }
            output += String(decoding: data, as: UTF8.self)
        }
    }

    func finish() {
        try? stdin.fileHandleForWriting.close()
        _ = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
    }
}

extension ProductBinaryTests {
    /// A startup-config path the system cannot use (here a directory) gives IOS's short error
    /// form everywhere the file is read or written, never a Foundation error description.
    func testFileErrorsPrintIOSShortForm() throws {
        let path = temporaryFile()
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let (output, status) = try run(["--startup-config", path], input: """
            enable
            write memory
            copy running-config startup-config

            show startup-config
            copy startup-config running-config


            """)
        XCTAssertEqual(status, 0)
        let error = "%Error opening nvram:startup-config (Is a directory)\n"
        XCTAssertTrue(output.hasPrefix(error + "Device>enable\n"), output)
        XCTAssertTrue(output.contains("Device#write memory\nBuilding configuration...\n" + error + "Device#"), output)
        XCTAssertTrue(output.contains("Destination filename [startup-config]? \nBuilding configuration...\n" + error),
                      output)
        XCTAssertTrue(output.contains("Device#show startup-config\n" + error + "Device#"), output)
        XCTAssertTrue(output.contains("Destination filename [running-config]? \n" + error + "Device#"), output)
        XCTAssertEqual(output.components(separatedBy: "%Error").count - 1, 5, output)
        for foundation in ["Domain", "couldn’t", "The operation", "NSCocoaErrorDomain", "POSIXError"] {
            XCTAssertFalse(output.contains(foundation), output)
        }
    }

    /// `write erase` removes the startup-config file: the next start loads nothing.
    func testWriteEraseRemovesTheFile() throws {
        let file = temporaryFile()
        let (first, _) = try run(["--startup-config", file], input: "enable\nconfigure terminal\nhostname ERASED\nend\nwrite memory\n")
        XCTAssertTrue(first.contains("ERASED#write memory\nBuilding configuration...\n[OK]\n"), first)
        XCTAssertTrue(FileManager.default.fileExists(atPath: file))
        let (erased, status) = try run(["--startup-config", file], input: "enable\nwrite erase\n\nshow startup-config\n")
        XCTAssertEqual(status, 0)
        XCTAssertTrue(erased.hasPrefix("ERASED>enable\n"), erased)
        XCTAssertTrue(erased.contains("[confirm]\n[OK]\nErase of nvram: complete\n"), erased)
        XCTAssertTrue(erased.contains("ERASED#show startup-config\nstartup-config is not present\n"), erased)
        XCTAssertFalse(FileManager.default.fileExists(atPath: file))
        let (restarted, _) = try run(["--startup-config", file], input: "show privilege\n")
        XCTAssertTrue(restarted.hasPrefix("Device>show privilege\nCurrent privilege level is 1\n"), restarted)
    }

    /// Installed the way users install a binary: copied alone to another folder, away from the
    /// build folder and its resource bundles. The shipped scenario still loads.
    func testInstalledBinaryFindsTheShippedScenario() throws {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("flexvpn-install-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let installed = folder.appendingPathComponent("flexvpn-emu")
        try FileManager.default.copyItem(at: Self.builtBinary, to: installed)
        let (raw, status) = try run(["--scenario", "seed-example", "--deterministic", "1", "--startup-config", temporaryFile()],
                                    input: "enable\nshow clock\nshow aaa sessions | include Total\n", binary: installed)
        XCTAssertEqual(status, 0)
        let output = withoutPortInUseLog(raw)
        XCTAssertEqual(output, "Device>enable\nDevice#show clock\n00:26:04.000 IST Tue Nov 4 2014\n"
                       + "Device#show aaa sessions | include Total\nTotal sessions since last reload: 32\nDevice#\n")
    }

    /// A startup-config holding keys that do not decode (a salt that reads as -1, odd length)
    /// starts: each such line is reported with its number, the rest loads.
    func testStartupConfigWithUndecodableKeysStarts() throws {
        let file = temporaryFile()
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: file).deletingLastPathComponent().path,
                                                withIntermediateDirectories: true)
        try """
            hostname KEYS
            enable password 7 -1AB
            aaa new-model
            aaa server radius dynamic-author
             server-key 7 -1AB
             client 10.0.0.1 server-key 7 094F471A1A0
             client 10.0.0.2 server-key 7 094F471A1A0A
            username bob password 7 -10A0B

            """.write(toFile: file, atomically: true, encoding: .utf8)
        let (output, status) = try run(["--startup-config", file], input: "enable\nshow running-config | include key|bob\n")
        XCTAssertEqual(status, 0)
        XCTAssertEqual(output, """
            % startup-config line 2:
            enable password 7 -1AB
            Invalid encrypted password: -1AB
            % startup-config line 5:
            server-key 7 -1AB
            Invalid encrypted password: -1AB
            % startup-config line 6:
            client 10.0.0.1 server-key 7 094F471A1A0
            Invalid encrypted password: 094F471A1A0
            % startup-config line 8:
            username bob password 7 -10A0B
            Invalid encrypted password: -10A0B
            KEYS>enable
            KEYS#show running-config | include key|bob
             client 10.0.0.2 server-key 7 094F471A1A0A
            KEYS#

            """)
    }
}
