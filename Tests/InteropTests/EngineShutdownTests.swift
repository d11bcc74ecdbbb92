import Device
import Foundation
import NIOConcurrencyHelpers
import Shell
import Transport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Work for the device after the router stopped fails instead of being handed to a loop that
/// will never run it: such a task's promise leaks, which traps in debug builds. The thread
/// sanitizer pass found it — a vty line's thread outliving the engine (issue 13, Sanitizers).
final class EngineShutdownTests: XCTestCase {
    func testWorkAfterShutdownFailsInsteadOfLeaking() throws {
        let engine = Engine(device: Device())
        XCTAssertEqual(try engine.hopAndWait { 41 + 1 }, 42)
        try engine.shutdown()
        XCTAssertThrowsError(try engine.hopAndWait { 1 }) { XCTAssertTrue($0 is EngineStopped, "\($0)") }
        let executor = EngineShellExecutor(engine: engine)
        XCTAssertThrowsError(try executor.sync { 1 })
        let outcome = NIOLockedValueBox<String?>(nil)
        executor.async({ outcome.withLockedValue { $0 = "ran" } }, ifGone: { outcome.withLockedValue { $0 = "gone" } })
        let deadline = Date().addingTimeInterval(5)
        while outcome.withLockedValue({ $0 }) == nil, Date() < deadline { usleep(10_000) }
        XCTAssertEqual(outcome.withLockedValue { $0 }, "gone")
    }

    /// A vty line at its prompt when the router stops: the next key ends the line quietly (its
    /// pty closes), and nothing traps.
    func testAVtyLineOutlivingTheRouterEndsQuietly() throws {
        let engine = Engine(device: Device())
        _ = engine.sync { device in
            IOSShell(device: device).applyConfiguration("username admin privilege 15 password 0 cisco\n", source: "test")
        }
        var master: Int32 = -1
        var slave: Int32 = -1
        var size = winsize(ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0)
        XCTAssertEqual(openpty(&master, &slave, nil, nil, &size), 0)
        defer { close(master) }
        VtySession(engine: engine, slaveFD: slave, peer: "192.0.2.1", transport: .ssh, authenticatedUser: "admin",
                   closeConnection: {}).start()
        var text = ""
        var buffer = [UInt8](repeating: 0, count: 4096)
        var deadline = Date().addingTimeInterval(10)
        while !text.contains("Device#"), Date() < deadline {
            var fds = [pollfd(fd: master, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 1, 100) > 0 else { continue }
            let n = read(master, &buffer, buffer.count)
            if n > 0 { text += String(decoding: buffer[..<n], as: UTF8.self) }
        }
        XCTAssertTrue(text.contains("Device#"), text)
        try engine.shutdown()
        _ = Array("show clock\r".utf8).withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
        // The line's side closes: reads on ours fail (EIO) once what it wrote is read.
        var ended = false
        deadline = Date().addingTimeInterval(10)
        while !ended, Date() < deadline {
            var fds = [pollfd(fd: master, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 1, 100) > 0 else { continue }
            if read(master, &buffer, buffer.count) <= 0 { ended = true }
        }
        XCTAssertTrue(ended, "the line did not end after the router stopped")
    }
}
