import CHeapUsage
import CLineEdit
import Crypto
import Device
import Foundation
@testable import Transport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// What an hour of logins must not leave behind (the soak's two leaks, README "Soak"): a closed
/// SSH connection, and the line editor of a vty login.
final class ConnectionLifetimeTests: XCTestCase {
    /// Each connection's login timer (`ip ssh time-out`, 120 s) held the connection, its channel and
    /// pipeline until it fired: a closed connection must be freed at once.
    func testAClosedSSHConnectionIsNotKeptByItsLoginTimer() throws {
        let engine = Engine(device: Device())
        let server = SSHServer(engine: engine, hostKey: Curve25519.Signing.PrivateKey())
        let port = try server.start(host: "127.0.0.1", port: 0)
        defer {
            server.stop()
            try? engine.shutdown()
        }
        let before = SSHConnection.alive.withLockedValue { $0 }
        let count = 20
        for _ in 0..<count {
            let fd = try connectLoopback(port: port)
            // The server's identification line: its connection (and login timer) exist.
            let greeting = readLine(fd)
            close(fd)
            XCTAssertTrue(greeting.hasPrefix("SSH-2.0-"), greeting)
        }
        let deadline = Date().addingTimeInterval(10)
        var alive = SSHConnection.alive.withLockedValue { $0 } - before
        while alive > 0, Date() < deadline {
            usleep(20_000)
            alive = SSHConnection.alive.withLockedValue { $0 } - before
        }
        XCTAssertEqual(alive, 0, "\(alive) of \(count) closed SSH connections still alive")
    }

    /// libedit's `el_set(EL_ADDFN)` copies each action's name and help into wide strings it never
    /// frees: about 1.3 KB per editor, so per vty login. 300 editors must leave (almost) nothing.
    func testALineEditorLeavesNothingBehind() throws {
        var master: Int32 = -1
        var slave: Int32 = -1
        var size = winsize(ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0)
        XCTAssertEqual(openpty(&master, &slave, nil, nil, &size), 0)
        defer {
            close(master)
            close(slave)
        }
        func createAndDestroy(_ times: Int) {
            for _ in 0..<times {
                let editor = cle_create_fd("flexvpn-emu", 20, slave, slave, -1, 0, 0)
                XCTAssertNotNil(editor)
                cle_destroy(editor)
            }
        }
        // The first editors read the terminal database and set the locale, once per process.
        createAndDestroy(20)
        let before = heap_bytes_in_use()
        createAndDestroy(300)
        let grown = Int(heap_bytes_in_use()) - Int(before)
        XCTAssertLessThan(grown, 100_000, "300 editors left \(grown) bytes on the heap")
    }

    private func connectLoopback(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EBADF) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(fd)
            throw POSIXError(.ECONNREFUSED)
        }
        return fd
    }

    /// Bytes up to the first newline, or what came in 10 s.
    private func readLine(_ fd: Int32) -> String {
        var text = [UInt8]()
        var byte: UInt8 = 0
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 1, 100) > 0 else { continue }
            guard read(fd, &byte, 1) == 1 else { break }
            text.append(byte)
            if byte == UInt8(ascii: "\n") { break }
        }
        return String(decoding: text, as: UTF8.self)
    }
}
