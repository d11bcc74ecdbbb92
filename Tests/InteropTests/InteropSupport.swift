import Foundation
import XCTest
import Device
import RADIUS
@testable import Transport
#if canImport(Glibc)
import Glibc
#endif

/// An engine with a live DAS on 127.0.0.1 at an ephemeral port (config `port 0`), the client
/// list and keys as given.
final class DASHarness {
    static let secret = "testing123"
    let engine: Engine
    let server: DASServer
    let port: UInt16

    /// `extraSocketOptions`: `SOL_SOCKET` options for the DAS socket.
    init(clients: [String] = ["127.0.0.1"], extraSocketOptions: [(name: CInt, value: CInt)] = [],
         file: StaticString = #filePath, line: UInt = #line) throws {
        let device = Device()
        device.config.aaaNewModel = true
        var das = DynamicAuthorConfig()
        das.clients = clients.map { DynamicAuthorClient(host: $0) }
        das.serverKey = ConfigSecret(plain: DASHarness.secret)
        das.port = 0
        device.config.dynamicAuthor = das
        engine = Engine(device: device)
        server = DASServer(engine: engine, extraSocketOptions: extraSocketOptions)
        server.start()
        port = try XCTUnwrap(try server.settled().wait(), "DAS did not bind", file: file, line: line)
    }

    func shutdown() {
        try? server.stop().wait()
        try? engine.shutdown()
    }

    @discardableResult
    func connect(_ user: String, auditSessionId: String? = nil) -> Session {
        engine.sync { $0.connectSession(userName: user, auditSessionId: auditSessionId) }
    }

    var sessionCount: Int { engine.sync { $0.sessions.count } }
    var statistics: DASState.Statistics { engine.sync { $0.das.statistics } }

    var showAAASessions: String {
        engine.sync { device in
            var out: [String] = []
            device.renderAAASessions { out.append($0) }
            return out.joined(separator: "\n")
        }
    }
}

struct ToolResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a tool found on PATH (a missing tool fails the test: `env` exits 127).
@discardableResult
func runTool(_ tool: String, _ arguments: [String], stdin: String? = nil, timeout: Double = 20) throws -> ToolResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + arguments
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    // Drain both pipes while the tool runs so a full pipe never blocks it.
    let collector = OutputCollector()
    let group = DispatchGroup()
    for (handle, isOut) in [(out.fileHandleForReading, true), (err.fileHandleForReading, false)] {
        group.enter()
        DispatchQueue.global().async {
            let data = handle.readDataToEndOfFile()
            collector.set(data, isOut: isOut)
            group.leave()
        }
    }
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { usleep(10_000) }
    if process.isRunning {
        process.terminate()
        process.waitUntilExit()
        group.wait()
        throw ToolError.timedOut(tool, collector.text(isOut: true) + collector.text(isOut: false))
    }
    process.waitUntilExit()
    group.wait()
    return ToolResult(status: process.terminationStatus, stdout: collector.text(isOut: true),
                      stderr: collector.text(isOut: false))
}

enum ToolError: Error {
    case timedOut(String, String)
}

private final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var out = Data(), err = Data()
    func set(_ data: Data, isOut: Bool) {
        lock.lock()
        if isOut { out = data } else { err = data }
        lock.unlock()
    }
    func text(isOut: Bool) -> String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: isOut ? out : err, as: UTF8.self)
    }
}

/// A plain UDP socket on 127.0.0.1, for sending exact bytes and reading exact replies.
final class UDPClient {
    let fd: Int32
    let localPort: UInt16

    /// A socket on 127.0.0.1 at `port` (0: an ephemeral one), without SO_REUSEADDR: binding a
    /// port another socket holds fails with EADDRINUSE.
    init(port: UInt16 = 0) throws {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        address.sin_port = port.bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.fd = fd
        localPort = UInt16(bigEndian: address.sin_port)
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8], to port: UInt16) {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        address.sin_port = port.bigEndian
        _ = bytes.withUnsafeBytes { raw in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, raw.baseAddress, raw.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
    }

    /// The next datagram, or nil after the 2 s receive timeout.
    func receive() -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return n > 0 ? Array(buffer[0..<n]) : nil
    }

    /// The next datagram and the port it came from, or nil after the receive timeout.
    func receiveWithSource() -> (bytes: [UInt8], port: UInt16)? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var source = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let n = buffer.withUnsafeMutableBytes { raw in
            withUnsafeMutablePointer(to: &source) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fd, raw.baseAddress, raw.count, 0, $0, &length) }
            }
        }
        return n > 0 ? (Array(buffer[0..<n]), UInt16(bigEndian: source.sin_port)) : nil
    }

    func exchange(_ bytes: [UInt8], port: UInt16) -> [UInt8]? {
        send(bytes, to: port)
        return receive()
    }
}

func signedRequest(_ code: RADIUSCode = .disconnectRequest, id: UInt8, _ attributes: [RADIUSAttribute],
                   secret: String = DASHarness.secret, messageAuthenticator: Bool = false) -> [UInt8] {
    var packet = RADIUSPacket(code: code, identifier: id, attributes: attributes)
    return RADIUSAuth.signRequest(&packet, secret: secret, addMessageAuthenticator: messageAuthenticator)
}

/// Tests/interop/, next to this target's folder.
let interopScripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("interop")
