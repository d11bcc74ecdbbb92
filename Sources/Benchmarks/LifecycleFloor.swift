import CBenchSockets
import Crypto
import Device
#if canImport(Glibc)
import Glibc
#endif

/// `flexvpn-bench lifecycle --floor`: about the least a client can spend on a lifecycle against the
/// same FreeRADIUS, as a yardstick for the emulator's figure. One thread, one socket, every
/// buffer allocated once, packets written byte by byte, one `sendmmsg` and one blocking
/// `recvmmsg` per turn, MD5 only where RADIUS needs it (User-Password, Message-Authenticator,
/// request and response authenticators). No router behind it: no configuration, sessions,
/// timers, retransmission or debug — so what it costs is the kernel's share of three requests
/// and three answers on loopback, plus the hashing.
struct LifecycleFloor {
    struct Failure: Error, CustomStringConvertible { var description: String }

    let authPort: UInt16
    let acctPort: UInt16
    let secret: [UInt8]
    let window: Int

    /// Runs `count` lifecycles (users numbered from `firstUser`); returns this thread's user and
    /// system CPU seconds and the wall seconds they took.
    func run(count: Int, firstUser: Int) throws -> (user: Double, system: Double, seconds: Double) {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket") }
        defer { close(fd) }
        var local = Self.address(port: 0)
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw Failure(description: "bind") }
        var bufferSize: Int32 = 1 << 20
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufferSize, socklen_t(MemoryLayout<Int32>.size))
        // Loopback loses nothing at this window; a silent server ends the run instead of hanging it.
        var patience = timeval(tv_sec: 3, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &patience, socklen_t(MemoryLayout<timeval>.size))

        let slots = min(window, 256, count)
        let packetSize = 512
        var outgoing = [UInt8](repeating: 0, count: slots * packetSize)
        var incoming = [UInt8](repeating: 0, count: 64 * 4096)
        var authenticators = [UInt8](repeating: 0, count: slots * 16)
        var stage = [UInt8](repeating: 0, count: slots)  // 0 Access, 1 Start, 2 Stop
        var userOfSlot = [Int](repeating: 0, count: slots)
        // The system calls' own structures, at fixed addresses for the whole run.
        let sendHeaders = UnsafeMutablePointer<CBenchSockets_mmsghdr>.allocate(capacity: slots)
        let sendVectors = UnsafeMutablePointer<iovec>.allocate(capacity: slots)
        let receiveHeaders = UnsafeMutablePointer<CBenchSockets_mmsghdr>.allocate(capacity: 64)
        let receiveVectors = UnsafeMutablePointer<iovec>.allocate(capacity: 64)
        let addresses = UnsafeMutablePointer<sockaddr_in>.allocate(capacity: 2)  // auth, acct
        defer {
            sendHeaders.deallocate(); sendVectors.deallocate()
            receiveHeaders.deallocate(); receiveVectors.deallocate(); addresses.deallocate()
        }
        addresses[0] = Self.address(port: authPort)
        addresses[1] = Self.address(port: acctPort)
        // Request Authenticators from SplitMix64 seeded once by the system (the emulator draws its
        // random words 512 at a time): a system call per byte would be the floor's own overhead.
        let random = SeededRandom(seed: UInt64.random(in: .min ... .max))
        let key = SymmetricKey(data: secret)

        var started = 0, completed = 0
        let before = Self.threadTimes()
        let wallStart = monotonicNanos()
        try outgoing.withUnsafeMutableBytes { out in
            try incoming.withUnsafeMutableBytes { inBytes in
                // Writes slot's request for its stage; returns its length.
                func build(_ slot: Int) -> Int {
                    let base = slot * packetSize
                    let user = userOfSlot[slot]
                    var at = base + 20
                    out[base + 1] = UInt8(slot)  // the identifier: one request per slot is in flight
                    func put(_ byte: UInt8) { out[at] = byte; at += 1 }
                    func attribute(_ type: UInt8, _ text: String) {
                        put(type); put(UInt8(2 + text.utf8.count))
                        for byte in text.utf8 { put(byte) }
                    }
                    func integer(_ type: UInt8, _ value: UInt32) {
                        put(type); put(6)
                        put(UInt8(value >> 24)); put(UInt8(value >> 16 & 0xFF)); put(UInt8(value >> 8 & 0xFF)); put(UInt8(value & 0xFF))
                    }
                    let peer = 0x6440_0000 &+ UInt32(truncatingIfNeeded: user)
                    let peerText = "\(peer >> 24).\(peer >> 16 & 0xFF).\(peer >> 8 & 0xFF).\(peer & 0xFF)"
                    attribute(1, "load\(user)")
                    if stage[slot] == 0 {
                        out[base] = 1
                        for half in 0..<2 {
                            let word = random.next()
                            for i in 0..<8 { out[base + 4 + half * 8 + i] = UInt8(truncatingIfNeeded: word >> (8 * i)) }
                        }
                        // User-Password: "cisco" padded to 16, XOR MD5(secret + Request Authenticator).
                        var md5 = Insecure.MD5()
                        md5.update(data: secret)
                        md5.update(bufferPointer: UnsafeRawBufferPointer(rebasing: out[(base + 4)..<(base + 20)]))
                        let mask = Array(md5.finalize())
                        let password = Array("cisco".utf8)
                        put(2); put(18)
                        for i in 0..<16 { put((i < password.count ? password[i] : 0) ^ mask[i]) }
                        attribute(31, peerText)
                        integer(4, 0x7F00_0001)
                        put(80); put(18)
                        let messageAuthenticator = at
                        for _ in 0..<16 { put(0) }
                        Self.setLength(out, base: base, length: at - base)
                        var mac = HMAC<Insecure.MD5>(key: key)
                        mac.update(data: UnsafeRawBufferPointer(rebasing: out[base..<at]))
                        var i = messageAuthenticator
                        for byte in mac.finalize() { out[i] = byte; i += 1 }
                    } else {
                        out[base] = 4
                        integer(40, stage[slot] == 1 ? 1 : 2)
                        attribute(44, String(UInt32(truncatingIfNeeded: user), radix: 16))
                        integer(4, 0x7F00_0001)
                        integer(8, 0x0A40_0000 &+ UInt32(truncatingIfNeeded: user))
                        attribute(31, peerText)
                        if stage[slot] == 2 {
                            integer(46, 0); integer(49, 1)
                            integer(42, 0); integer(43, 0); integer(47, 0); integer(48, 0)
                        }
                        Self.setLength(out, base: base, length: at - base)
                        for i in 4..<20 { out[base + i] = 0 }
                        var md5 = Insecure.MD5()
                        md5.update(bufferPointer: UnsafeRawBufferPointer(rebasing: out[base..<at]))
                        md5.update(data: secret)
                        var i = base + 4
                        for byte in md5.finalize() { out[i] = byte; i += 1 }
                    }
                    for i in 0..<16 { authenticators[slot * 16 + i] = out[base + 4 + i] }
                    return at - base
                }

                var pending = 0
                func queue(_ slot: Int) {
                    let length = build(slot)
                    sendVectors[pending] = iovec(iov_base: out.baseAddress! + slot * packetSize, iov_len: length)
                    pending += 1
                }
                func flush() throws {
                    for i in 0..<pending {
                        let slot = (sendVectors[i].iov_base! - out.baseAddress!) / packetSize
                        sendHeaders[i].msg_hdr = msghdr(msg_name: UnsafeMutableRawPointer(addresses + (stage[slot] == 0 ? 0 : 1)),
                                                        msg_namelen: socklen_t(MemoryLayout<sockaddr_in>.size),
                                                        msg_iov: sendVectors + i, msg_iovlen: 1,
                                                        msg_control: nil, msg_controllen: 0, msg_flags: 0)
                    }
                    var sent = 0
                    while sent < pending {
                        let n = CBenchSockets_sendmmsg(fd, sendHeaders + sent, UInt32(pending - sent))
                        guard n > 0 else { throw Failure(description: "sendmmsg: errno \(errno)") }
                        sent += Int(n)
                    }
                    pending = 0
                }

                for i in 0..<64 {
                    receiveVectors[i] = iovec(iov_base: inBytes.baseAddress! + i * 4096, iov_len: 4096)
                }
                for slot in 0..<slots {
                    userOfSlot[slot] = firstUser + started
                    started += 1
                    queue(slot)
                }
                try flush()
                while completed < count {
                    for i in 0..<64 {
                        receiveHeaders[i].msg_hdr = msghdr(msg_name: nil, msg_namelen: 0, msg_iov: receiveVectors + i,
                                                           msg_iovlen: 1, msg_control: nil, msg_controllen: 0, msg_flags: 0)
                    }
                    let received = CBenchSockets_recvmmsgWaitForOne(fd, receiveHeaders, 64)
                    guard received > 0 else {
                        throw Failure(description: "no answer from FreeRADIUS for 3 s (\(completed) lifecycles done)")
                    }
                    for i in 0..<Int(received) {
                        let length = Int(receiveHeaders[i].msg_len)
                        let reply = UnsafeMutableRawBufferPointer(rebasing: inBytes[(i * 4096)..<(i * 4096 + length)])
                        guard length >= 20 else { continue }
                        let slot = Int(reply[1])
                        guard slot < slots else { continue }
                        let expected: UInt8 = stage[slot] == 0 ? 2 : 5
                        guard reply[0] == expected, Self.verify(reply, requestAuthenticator: authenticators, slot: slot,
                                                                secret: secret) else {
                            throw Failure(description: "unexpected answer (code \(reply[0])) for slot \(slot)")
                        }
                        if stage[slot] < 2 {
                            stage[slot] += 1
                        } else {
                            completed += 1
                            guard started < count else { continue }
                            stage[slot] = 0
                            userOfSlot[slot] = firstUser + started
                            started += 1
                        }
                        queue(slot)
                    }
                    try flush()
                }
            }
        }
        let after = Self.threadTimes()
        return (after.user - before.user, after.system - before.system, Double(monotonicNanos() - wallStart) / 1e9)
        #else
        throw Failure(description: "the floor client needs Linux (sendmmsg, recvmmsg)")
        #endif
    }

    /// Response Authenticator = MD5(Code + Identifier + Length + Request Authenticator + Attributes + Secret).
    private static func verify(_ reply: UnsafeMutableRawBufferPointer, requestAuthenticator: [UInt8], slot: Int,
                               secret: [UInt8]) -> Bool {
        var received = (UInt64(0), UInt64(0))
        withUnsafeMutableBytes(of: &received) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: reply[4..<20])) }
        for i in 0..<16 { reply[4 + i] = requestAuthenticator[slot * 16 + i] }
        var md5 = Insecure.MD5()
        md5.update(bufferPointer: UnsafeRawBufferPointer(reply))
        md5.update(data: secret)
        let digest = md5.finalize()
        return digest.withUnsafeBytes { computed in
            withUnsafeBytes(of: &received) { $0.elementsEqual(computed) }
        }
    }

    private static func setLength(_ out: UnsafeMutableRawBufferPointer, base: Int, length: Int) {
        out[base + 2] = UInt8(length >> 8)
        out[base + 3] = UInt8(length & 0xFF)
    }

    #if canImport(Glibc)
    private static func address(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }

    private static func threadTimes() -> (user: Double, system: Double) {
        var user = 0.0, system = 0.0
        CBenchSockets_threadTimes(&user, &system)
        return (user, system)
    }
    #endif
}
