import Foundation
import XCTest
import Device
import RADIUS

func bytes(hex s: String) -> [UInt8] {
    var out: [UInt8] = []
    var it = s.filter { !$0.isWhitespace }.makeIterator()
    while let a = it.next(), let b = it.next() {
        guard let byte = UInt8(String([a, b]), radix: 16) else { return out }
        out.append(byte)
    }
    return out
}

/// Collects the device's console lines.
final class ConsoleCapture: ConsoleSink {
    var lines: [String] = []
    func deviceLog(_ line: String) { lines.append(line) }
}

/// A device with AAA and a dynamic-author block: client 9.45.15.144 (the seeds' RADIUS server)
/// and 127.0.0.1, global key `testing123`; the clock at Nov 4 2014 00:30 UTC.
final class DASFixture {
    static let server = IPv4Address(9, 45, 15, 144)
    static let secret = "testing123"
    let time = ManualTimeSource(start: CivilTime.epochSeconds(year: 2014, month: 11, day: 4, hour: 0, minute: 30,
                                                              second: 0))
    let device: Device
    let console = ConsoleCapture()
    var ended: [([Session], SessionEndCause)] = []
    var nextPort: UInt16 = 50567

    init(seed: UInt64 = 1, configure: (inout DynamicAuthorConfig) -> Void = { _ in }) {
        device = Device(time: time, random: SeededRandom(seed: seed))
        device.console = console
        device.config.timestampsDebug = nil
        device.config.timestampsLog = nil
        device.config.aaaNewModel = true
        var das = DynamicAuthorConfig()
        das.clients = [DynamicAuthorClient(host: "9.45.15.144"), DynamicAuthorClient(host: "127.0.0.1")]
        das.serverKey = ConfigSecret(plain: DASFixture.secret)
        configure(&das)
        device.config.dynamicAuthor = das
        device.onSessionsDisconnected = { [unowned self] sessions, cause in ended.append((sessions, cause)) }
    }

    /// A signed request.
    func request(id: UInt8 = 216, _ attributes: [RADIUSAttribute], secret: String = DASFixture.secret,
                 messageAuthenticator: Bool = false) -> [UInt8] {
        request(.disconnectRequest, id: id, attributes, secret: secret, messageAuthenticator: messageAuthenticator)
    }

    func request(_ code: RADIUSCode, id: UInt8 = 216, _ attributes: [RADIUSAttribute],
                 secret: String = DASFixture.secret, messageAuthenticator: Bool = false) -> [UInt8] {
        var packet = RADIUSPacket(code: code, identifier: id, attributes: attributes)
        return RADIUSAuth.signRequest(&packet, secret: secret, addMessageAuthenticator: messageAuthenticator)
    }

    /// Sends `bytes` from `from` (default: the seeds' server, a fresh source port each time).
    func send(_ bytes: [UInt8], from: IPv4Address = DASFixture.server, port: UInt16? = nil,
              localPort: UInt16 = 1812) -> [UInt8]? {
        let sourcePort = port ?? { nextPort &+= 1; return nextPort }()
        return device.handleDASDatagram(bytes, from: (from, sourcePort), localPort: localPort)
    }

    /// Sends a request and decodes the reply, checking its Response Authenticator (and its
    /// Message-Authenticator when present) against `secret`.
    func exchange(_ request: [UInt8], secret: String = DASFixture.secret, from: IPv4Address = DASFixture.server,
                  port: UInt16? = nil, file: StaticString = #filePath, line: UInt = #line) -> RADIUSPacket? {
        guard let reply = send(request, from: from, port: port) else { return nil }
        let requestAuthenticator = Array(request[4..<20])
        XCTAssertTrue(RADIUSAuth.verifyResponseAuthenticator(reply, requestAuthenticator: requestAuthenticator,
                                                             secret: secret), "reply authenticator", file: file,
                      line: line)
        XCTAssertEqual(reply[1], request[1], "reply identifier", file: file, line: line)
        let ma = RADIUSAuth.verifyReplyMessageAuthenticator(reply, requestAuthenticator: requestAuthenticator,
                                                             secret: secret)
        XCTAssertNotEqual(ma, .invalid, "reply Message-Authenticator", file: file, line: line)
        do {
            return try RADIUSPacket.decode(reply)
        } catch {
            XCTFail("undecodable reply \(error)", file: file, line: line)
            return nil
        }
    }
}

extension RADIUSPacket {
    var errorCause: UInt32? { first(RADIUSAttributeType.errorCause)?.integerValue }
    var replyMessage: String? { first(RADIUSAttributeType.replyMessage)?.stringValue }
}

func audit(_ id: String) -> RADIUSAttribute { .ciscoAVPair("audit-session-id=" + id) }

/// RFC 1321 MD5, so tests can forge packets the RADIUS module's public API would never produce
/// (a valid Request Authenticator over a wrong Message-Authenticator).
func md5(_ message: [UInt8]) -> [UInt8] {
    let s: [UInt32] = [7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                       5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
                       4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                       6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21]
    let k: [UInt32] = (0..<64).map { UInt32(truncatingIfNeeded: Int64(abs(sin(Double($0 + 1))) * 4_294_967_296)) }
    var a0: UInt32 = 0x6745_2301, b0: UInt32 = 0xEFCD_AB89, c0: UInt32 = 0x98BA_DCFE, d0: UInt32 = 0x1032_5476
    var data = message
    data.append(0x80)
    while data.count % 64 != 56 { data.append(0) }
    let bitLength = UInt64(message.count) * 8
    for i in 0..<8 { data.append(UInt8(truncatingIfNeeded: bitLength >> (8 * UInt64(i)))) }
    for chunk in stride(from: 0, to: data.count, by: 64) {
        var m = [UInt32](repeating: 0, count: 16)
        for i in 0..<16 {
            m[i] = (0..<4).reduce(0) { $0 | UInt32(data[chunk + 4 * i + $1]) << (8 * UInt32($1)) }
        }
        var a = a0, b = b0, c = c0, d = d0
        for i in 0..<64 {
            var f: UInt32
            let g: Int
            switch i {
            case 0..<16: f = (b & c) | (~b & d); g = i
            case 16..<32: f = (d & b) | (~d & c); g = (5 * i + 1) % 16
            case 32..<48: f = b ^ c ^ d; g = (3 * i + 5) % 16
            default: f = c ^ (b | ~d); g = (7 * i) % 16
            }
            f = f &+ a &+ k[i] &+ m[g]
            a = d
            d = c
            c = b
            b = b &+ (f << s[i] | f >> (32 - s[i]))
        }
        a0 = a0 &+ a; b0 = b0 &+ b; c0 = c0 &+ c; d0 = d0 &+ d
    }
    return [a0, b0, c0, d0].flatMap { w in (0..<4).map { UInt8(truncatingIfNeeded: w >> (8 * UInt32($0))) } }
}
