import Device
@testable import Shell
import XCTest

final class StreamingOutputTests: XCTestCase {
    private func deviceWithSessions(_ count: Int) -> Harness {
        let h = Harness()
        for i in 0..<count { h.device.connectSession(userName: "user\(i)") }
        h.type("enable")
        return h
    }

    func testLongOutputsStreamInChunksAndMatchTheGatheredText() {
        let h = deviceWithSessions(3000)
        let whole = h.shell.submit("show aaa sessions")
        var chunks: [String] = []
        h.shell.outputStream = { chunks.append($0) }
        let rest = h.shell.submit("show aaa sessions")
        XCTAssertGreaterThan(chunks.count, 2, "output was not streamed")
        XCTAssertTrue(chunks.allSatisfy { $0.utf8.count <= 2 * CommandContext.chunkBytes })
        XCTAssertEqual(chunks.joined() + rest, whole)
    }

    func testFiltersKeepTheirStateAcrossChunks() {
        let h = deviceWithSessions(3000)
        let gathered = ["| include user29", "| count Unique", "| begin user2999", "| section Session Id: 2999$"].map {
            h.shell.submit("show aaa sessions " + $0)
        }
        var chunks: [String] = []
        h.shell.outputStream = { chunks.append($0) }
        for (filter, expected) in zip(["| include user29", "| count Unique", "| begin user2999", "| section Session Id: 2999$"], gathered) {
            chunks.removeAll()
            let rest = h.shell.submit("show aaa sessions " + filter)
            XCTAssertEqual(chunks.joined() + rest, expected, filter)
        }
        XCTAssertEqual(gathered[1], "Number of lines which match regexp = 3000\n")
        XCTAssertEqual(gathered[3].split(separator: "\n").count, 6)
    }

    /// `show running-config`, `write terminal`, `show startup-config` and `show logging` go out in
    /// chunks as they are produced, and what they stream is what the gathered command prints.
    func testConfigurationAndLogOutputsStream() {
        let h = Harness()
        h.device.config.users = LocalUserList((0..<10000).map { LocalUser(name: "user\($0)", privilege: 15) })
        h.device.config.loggingBufferedSize = 4_000_000
        for i in 0..<10000 { h.device.syslog(facility: "SYS", severity: 5, mnemonic: "TEST", "message \(i)") }
        h.type("enable", "write memory")
        for command in ["show running-config", "write terminal", "show startup-config", "show logging"] {
            let whole = h.shell.submit(command)
            var chunks: [String] = []
            h.shell.outputStream = { chunks.append($0) }
            let rest = h.shell.submit(command)
            h.shell.outputStream = nil
            XCTAssertGreaterThan(chunks.count, 2, command + " was not streamed")
            XCTAssertEqual(chunks.joined() + rest, whole, command)
        }
        // The header counts the bytes that follow it, as IOS does, though they were never held.
        let config = h.shell.submit("show running-config")
        let lines = config.split(separator: "\n", maxSplits: 3, omittingEmptySubsequences: false)
        XCTAssertEqual(lines[2], "Current configuration : \(lines[3].utf8.count) bytes")
        XCTAssertTrue(config.contains("username user9999 privilege 15\n!\ninterface Loopback0\n"))
        XCTAssertTrue(config.hasSuffix(" no mop sysid\n!\n!\nline con 0\n stopbits 1\nline vty 0 4\n login\n!\nend\n"))
        let logging = h.shell.submit("show logging")
        XCTAssertTrue(logging.contains("    Buffer logging:  level debugging, 10000 messages logged, xml disabled,\n"))
        XCTAssertTrue(logging.hasSuffix("%SYS-5-TEST: message 9999\n"))
    }
}
