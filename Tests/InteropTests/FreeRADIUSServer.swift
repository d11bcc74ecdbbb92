import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A real FreeRADIUS 3 accounting server (Debian package `freeradius`) started for one test, run
/// as the current user from Tests/interop/freeradius/radiusd.conf on a free loopback port. It
/// writes one line per Accounting-Request to `accounting.log` and a detail file in its own
/// temporary directory. A missing `freeradius` fails the test.
final class FreeRADIUSServer {
    static let secret = "testing123"
    let port: UInt16
    let runDirectory: URL
    private let process = Process()

    init(file: StaticString = #filePath, line: UInt = #line) throws {
        port = try freeLoopbackUDPPort()
        runDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("flexvpn-freeradius-\(getpid())-\(port)")
        try? FileManager.default.removeItem(at: runDirectory)
        try FileManager.default.createDirectory(at: runDirectory, withIntermediateDirectories: true)
        let configDirectory = interopScripts.appendingPathComponent("freeradius")
        var environment = ProcessInfo.processInfo.environment
        environment["FR_RUN_DIR"] = runDirectory.path
        environment["FR_CONF_DIR"] = configDirectory.path
        environment["FR_SECRET"] = FreeRADIUSServer.secret
        environment["FR_ACCT_PORT"] = String(port)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["freeradius", "-f", "-d", configDirectory.path]
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Ready once the log says so; a config error makes it exit instead.
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if log.contains("Ready to process requests") { return }
            if !process.isRunning {
                XCTFail("freeradius exited with status \(process.terminationStatus): \(log)", file: file, line: line)
                throw FreeRADIUSError.notStarted
            }
            usleep(50_000)
        }
        stop()
        XCTFail("freeradius did not become ready: \(log)", file: file, line: line)
        throw FreeRADIUSError.notStarted
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: runDirectory)
    }

    /// FreeRADIUS's own log (startup, errors).
    var log: String { read("radius.log") }
    /// One line per Accounting-Request it accepted (the linelog module).
    var accountingLines: [String] { read("accounting.log").split(separator: "\n").map(String.init) }
    /// The detail file: every attribute of every accepted request, decoded by FreeRADIUS.
    var detail: String { read("detail") }

    private func read(_ name: String) -> String {
        (try? String(contentsOf: runDirectory.appendingPathComponent(name), encoding: .utf8)) ?? ""
    }

    /// Waits up to `timeout` seconds for `condition`.
    func wait(_ timeout: Double = 10, until condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }
}

enum FreeRADIUSError: Error {
    case notStarted
    case noFreePort
}

/// A UDP port nobody listens on at 127.0.0.1 right now (bound and released).
func freeLoopbackUDPPort() throws -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
    guard fd >= 0 else { throw FreeRADIUSError.noFreePort }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    address.sin_port = 0
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw FreeRADIUSError.noFreePort }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return UInt16(bigEndian: address.sin_port)
}
