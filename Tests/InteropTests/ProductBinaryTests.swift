import Foundation
import XCTest

/// Runs the built `flexvpn-emu` as a user would: piped standard input, a startup-config file,
/// a restart on the same file.
final class ProductBinaryTests: XCTestCase {
    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Runs the binary with `input` on standard input; returns standard output and the exit code.
    func run(_ arguments: [String], input: String) throws -> (output: String, status: Int32) {
        let binary = Self.repository.appendingPathComponent(".build/debug/flexvpn-emu")
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
}
