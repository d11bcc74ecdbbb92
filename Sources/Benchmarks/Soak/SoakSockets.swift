import Foundation
import NIOConcurrencyHelpers
import RADIUS
#if canImport(Glibc)
import Glibc
#endif

/// A blocking UDP socket on 127.0.0.1 (the soak's drivers each run on a thread of their own, so
/// plain system calls are simpler than an event loop and measure the router, not the client).
final class LoopbackUDPSocket: @unchecked Sendable {
    let fd: Int32
    let port: UInt16

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { throw SoakError("socket: errno \(errno)") }
        var address = loopbackAddress(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            Glibc.close(descriptor)
            throw SoakError("bind: errno \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        fd = descriptor
        port = UInt16(bigEndian: address.sin_port)
    }

    func send(_ bytes: [UInt8], toPort port: UInt16) {
        var address = loopbackAddress(port: port)
        _ = bytes.withUnsafeBytes { raw in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, raw.baseAddress, raw.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
    }

    /// The next datagram and its source port, or nil after `milliseconds` without one.
    func receive(milliseconds: Int32) -> (bytes: [UInt8], port: UInt16)? {
        var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
        guard poll(&fds, 1, milliseconds) > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let n = buffer.withUnsafeMutableBytes { raw in
            withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fd, raw.baseAddress, raw.count, 0, $0, &length) }
            }
        }
        guard n >= 0 else { return nil }
        return (Array(buffer[0..<n]), UInt16(bigEndian: address.sin_port))
    }

    func close() { Glibc.close(fd) }
}

private func loopbackAddress(port: UInt16) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    address.sin_port = port.bigEndian
    return address
}

/// A TCP port nobody listens on at 127.0.0.1 now (bound and released).
func freeLoopbackTCPPort() -> UInt16? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    defer { Glibc.close(fd) }
    var address = loopbackAddress(port: 0)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { return nil }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return UInt16(bigEndian: address.sin_port)
}

struct SoakError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The unreliable link between the router's accounting and FreeRADIUS: every datagram either way
/// is dropped with probability `drop` (a seeded draw, so a run's losses are reproducible in
/// kind). It follows each accounting record (Acct-Session-Id and Acct-Status-Type) from its
/// first transmission to the first response that got through to the router.
final class UnreliableRelay: @unchecked Sendable {
    struct Figures {
        var requests = 0, requestsDropped = 0
        var responses = 0, responsesDropped = 0
        /// Distinct accounting records seen, and those whose response reached the router.
        var records = 0, acknowledged = 0
    }

    private let front: LoopbackUDPSocket   // the router sends here
    private let back: LoopbackUDPSocket    // and this socket talks to FreeRADIUS
    private let serverPort: UInt16
    private let drop: Double
    private let lock = NIOLock()
    private var figures = Figures()
    private var stopped = false
    private var random: UInt64
    /// Record key by RADIUS identifier of the last request forwarded with it.
    private var keyByIdentifier = [String?](repeating: nil, count: 256)
    private var acknowledged = Set<String>()
    private var seen = Set<String>()

    var port: UInt16 { front.port }

    init(serverPort: UInt16, drop: Double, seed: UInt64) throws {
        front = try LoopbackUDPSocket()
        back = try LoopbackUDPSocket()
        self.serverPort = serverPort
        self.drop = drop
        random = seed | 1
    }

    func start() {
        Thread.detachNewThread { self.run() }
    }

    func stop() {
        lock.withLock { stopped = true }
    }

    var snapshot: Figures { lock.withLock { figures } }

    private func dropped() -> Bool {
        // xorshift64*: enough for a drop decision.
        random ^= random >> 12
        random ^= random << 25
        random ^= random >> 27
        let value = random &* 2_685_821_657_736_338_717
        return Double(value >> 11) / Double(1 << 53) < drop
    }

    private func run() {
        var routerPort: UInt16 = 0
        var fds = [pollfd(fd: front.fd, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: back.fd, events: Int16(POLLIN), revents: 0)]
        while !lock.withLock({ stopped }) {
            fds[0].revents = 0
            fds[1].revents = 0
            guard poll(&fds, 2, 200) > 0 else { continue }
            if fds[0].revents != 0, let datagram = front.receive(milliseconds: 0) {
                let bytes = datagram.bytes
                routerPort = datagram.port
                let key = Self.recordKey(bytes)
                let lose = dropped()
                lock.withLock {
                    figures.requests += 1
                    if let key, seen.insert(key).inserted { figures.records += 1 }
                    if bytes.count > 1 { keyByIdentifier[Int(bytes[1])] = key }
                    if lose { figures.requestsDropped += 1 }
                }
                if !lose { back.send(bytes, toPort: serverPort) }
            }
            if fds[1].revents != 0, let bytes = back.receive(milliseconds: 0)?.bytes {
                let lose = dropped()
                lock.withLock {
                    figures.responses += 1
                    if lose {
                        figures.responsesDropped += 1
                    } else if bytes.count > 1, let key = keyByIdentifier[Int(bytes[1])], acknowledged.insert(key).inserted {
                        figures.acknowledged += 1
                    }
                }
                if !lose, routerPort != 0 { front.send(bytes, toPort: routerPort) }
            }
        }
        front.close()
        back.close()
    }

    /// `SESSION-ID/STATUS` of an Accounting-Request, nil if it has neither.
    static func recordKey(_ bytes: [UInt8]) -> String? {
        guard let packet = try? RADIUSPacket.decode(bytes),
              let session = packet.first(RADIUSAttributeType.acctSessionId)?.stringValue,
              let status = packet.first(RADIUSAttributeType.acctStatusType)?.value else { return nil }
        return session + "/" + status.map { String($0) }.joined(separator: ".")
    }
}
