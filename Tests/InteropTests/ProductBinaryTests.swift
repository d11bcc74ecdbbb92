import Foundation
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

    static var builtBinary: URL { repository.appendingPathComponent(".build/debug/flexvpn-emu") }

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

    func testSeedScenario() throws {
        let (output, _) = try run(["--scenario", "seed-example", "--startup-config", temporaryFile()],
                                  input: "enable\nshow clock\n")
        XCTAssertEqual(output, "Device>enable\nDevice#show clock\n00:20:23.000 IST Tue Nov 4 2014\nDevice#\n")
    }

    func testDeterministicRunsPrintTheSameBytes() throws {
        let input = "enable\ndebug radius\nlab session connect bob\nlab pod user-name bob\nlab clock advance 5\nshow clock\n"
        let first = try run(["--scenario", "seed-example", "--startup-config", temporaryFile()], input: input)
        let second = try run(["--scenario", "seed-example", "--startup-config", temporaryFile()], input: input)
        XCTAssertEqual(first.output, second.output)
        XCTAssertTrue(first.output.contains("Accounting-response, len 20"), first.output)
        XCTAssertTrue(first.output.hasSuffix("Device#show clock\n00:20:28.000 IST Tue Nov 4 2014\nDevice#\n"), first.output)
    }

    /// Installed the way users install a binary: copied alone to another folder, away from the
    /// build folder and its resource bundles. The shipped scenario still loads.
    func testInstalledBinaryFindsTheShippedScenario() throws {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("flexvpn-install-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let installed = folder.appendingPathComponent("flexvpn-emu")
        try FileManager.default.copyItem(at: Self.builtBinary, to: installed)
        let (output, status) = try run(["--scenario", "seed-example", "--startup-config", temporaryFile()],
                                       input: "enable\nshow clock\nshow aaa sessions | include Total\n", binary: installed)
        XCTAssertEqual(status, 0)
        XCTAssertEqual(output, "Device>enable\nDevice#show clock\n00:20:23.000 IST Tue Nov 4 2014\n"
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
