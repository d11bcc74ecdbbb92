import Device
import Foundation
import Shell
import Transport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// A vty session on a pseudo-terminal of its own, driven from the master side as a connection
/// would drive it (no telnet): login, the line's libedit console, and the device's owner staying
/// free while the line waits at --More--.
final class VtySessionTests: XCTestCase {
    private var engine: Engine!

    override func setUp() {
        var users = ""
        for i in 0..<200 { users += "username user\(i) password 0 pass\(i)\n" }
        let device = Device()
        engine = Engine(device: device)
        let text = "username admin privilege 15 secret cisco\n" + users + "line vty 0 4\n login local\n"
        _ = engine.sync { device in IOSShell(device: device).applyConfiguration(text, source: "test") }
    }

    override func tearDown() {
        try? engine.shutdown()
        engine = nil
    }

    /// A pty whose slave side a session takes; the test reads and writes the master side.
    private struct Pty {
        var master: Int32
        var slave: Int32

        init() throws {
            var master: Int32 = -1
            var slave: Int32 = -1
            var size = winsize(ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0)
            guard openpty(&master, &slave, nil, nil, &size) == 0 else { throw XCTSkip("no pseudo-terminals here") }
            self.master = master
            self.slave = slave
        }

        func send(_ text: String) {
            let bytes = Array(text.utf8)
            _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
        }

        /// Reads until `marker` has been seen (returns everything read), or fails after `timeout`.
        func read(until marker: String, timeout: Double = 10) throws -> String {
            var text = ""
            let deadline = Date().addingTimeInterval(timeout)
            while !text.contains(marker) {
                let left = Int32(max(0, deadline.timeIntervalSinceNow) * 1000)
                var fds = [pollfd(fd: master, events: Int16(POLLIN), revents: 0)]
                guard left > 0, poll(&fds, 1, left) > 0 else {
                    throw NSError(domain: "VtySessionTests", code: 1,
                                  userInfo: [NSLocalizedDescriptionKey: "no \(marker.debugDescription) in \(text.debugDescription)"])
                }
                var buffer = [UInt8](repeating: 0, count: 4096)
                let n = Glibc.read(master, &buffer, buffer.count)
                guard n > 0 else { throw NSError(domain: "VtySessionTests", code: 2, userInfo: [NSLocalizedDescriptionKey: "closed: \(text)"]) }
                text += String(decoding: buffer[..<n], as: UTF8.self)
            }
            return text
        }
    }

    private func start(_ pty: Pty, user: String? = nil) {
        VtySession(engine: engine, slaveFD: pty.slave, peer: "192.0.2.1", transport: .telnet,
                   authenticatedUser: user, closeConnection: {}).start()
    }

    func testALineAtMoreNeverHoldsTheDevicesOwner() throws {
        let pty = try Pty()
        defer { close(pty.master) }
        start(pty)
        _ = try pty.read(until: "Username: ")
        pty.send("admin\r")
        _ = try pty.read(until: "Password: ")
        pty.send("cisco\r")
        _ = try pty.read(until: "Device#")
        pty.send("show running-config\r")
        _ = try pty.read(until: " --More-- ")
        // The owner answers at once while the line waits for a key.
        let started = Date()
        let users = try XCTUnwrap(engine.sync { device in device.lines.first?.user })
        XCTAssertEqual(users, "admin")
        XCTAssertLessThan(Date().timeIntervalSince(started), 1)
        // A second line works meanwhile.
        let other = try Pty()
        defer { close(other.master) }
        start(other, user: "admin")
        _ = try other.read(until: "Device#")
        other.send("show users\r")
        let table = try other.read(until: "Peer Address")
        XCTAssertTrue(table.contains("   1 vty 0     admin      idle "), table)
        XCTAssertTrue(table.contains("*  2 vty 1     admin      idle "), table)
        // The paused line goes on, then leaves; its line is free again.
        pty.send("q")
        _ = try pty.read(until: "Device#")
        pty.send("exit\r")
        other.send("exit\r")
        let deadline = Date().addingTimeInterval(10)
        while engine.sync({ $0.lines.count }) > 0, Date() < deadline { usleep(50_000) }
        XCTAssertEqual(engine.sync { $0.lines.count }, 0)
    }

    func testAUserTheTransportAuthenticatedGetsNoLoginPrompts() throws {
        let pty = try Pty()
        defer { close(pty.master) }
        start(pty, user: "admin")
        let text = try pty.read(until: "Device#")
        XCTAssertFalse(text.contains("Username"), text)
        // An unknown user is not let in.
        let stranger = try Pty()
        defer { close(stranger.master) }
        start(stranger, user: "nobody")
        XCTAssertThrowsError(try stranger.read(until: "Device", timeout: 3))
    }

    /// Log lines arriving while a line waits at --More-- are held for it up to the bound; past it
    /// the newest are dropped, and the line says how many when it shows the rest.
    func testLogLinesHeldWhileALinePagesStopAtTheirBound() throws {
        let pty = try Pty()
        defer { close(pty.master) }
        start(pty, user: "admin")
        _ = try pty.read(until: "Device#")
        pty.send("terminal monitor\r")
        _ = try pty.read(until: "Device#")
        pty.send("show running-config\r")
        _ = try pty.read(until: " --More-- ")
        let capacity = TerminalConsole.heldLineCapacity
        XCTAssertEqual(capacity, 1_000)
        let flood = capacity + 2_345
        engine.sync { device in
            for i in 0..<flood { device.syslog(facility: "SYS", severity: 5, mnemonic: "FLOOD", "line \(i)") }
        }
        // The router is not held by the paused line meanwhile.
        XCTAssertEqual(engine.sync { $0.lines.count }, 1)
        pty.send("q")
        let text = try pty.read(until: "%SYS-3-MSGLOST: 2345 messages lost because of queue overflow")
        // The first 1,000 in order, none after (the pty ends each line with CR LF).
        XCTAssertEqual(text.components(separatedBy: "%SYS-5-FLOOD: line ").count - 1, capacity)
        XCTAssertTrue(text.contains("%SYS-5-FLOOD: line 0\r\n"))
        XCTAssertTrue(text.contains("%SYS-5-FLOOD: line \(capacity - 1)\r\n%SYS-3-MSGLOST: "))
        XCTAssertFalse(text.contains("%SYS-5-FLOOD: line \(capacity)\r\n"))
        // The line goes on, and later lines are shown as they come.
        engine.sync { device in device.syslog(facility: "SYS", severity: 5, mnemonic: "FLOOD", "after") }
        _ = try pty.read(until: "%SYS-5-FLOOD: after")
        pty.send("exit\r")
    }
}
