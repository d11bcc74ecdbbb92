import XCTest
@testable import RADIUS

/// SplitMix64: deterministic, so a failure reproduces.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

final class FuzzTests: XCTestCase {
    /// 120k random and mutated datagrams: decode and every verifier either succeed or report
    /// failure, never trap; whatever decodes re-encodes to exactly the bytes up to Length.
    func testDecodeNeverTraps() {
        var rng = SeededGenerator(state: 0x5EED_F1E7)
        let secret = Array("testing123".utf8)
        let seeds: [[UInt8]] = {
            var out: [[UInt8]] = []
            var a = RADIUSPacket(code: .disconnectRequest, identifier: 216,
                                 attributes: [.ciscoAVPair("audit-session-id=L2L433010101ZO2L4C0A8CA02ZH11941194ZN3B")])
            out.append(RADIUSAuth.signRequest(&a, secret: secret, addMessageAuthenticator: true))
            var b = RADIUSPacket(code: .coaNAK, identifier: 3, attributes: [.string(18, "No Matching Session"),
                                                                          .integer(101, 404), .octets(33, [1, 2])])
            out.append(RADIUSAuth.signReply(&b, requestAuthenticator: a.authenticator, secret: secret))
            var c = RADIUSPacket(code: .accountingRequest, identifier: 7, attributes: [
                .string(44, "00000022"), .integer(40, 2), .ipv4(4, IPv4Address(192, 168, 202, 1)), .string(151, "E2F80C34"),
                .vendorSpecific(vendorId: 9, vendorType: 1, value: []),
            ])
            out.append(RADIUSAuth.signRequest(&c, secret: secret))
            return out
        }()
        var decoded = 0
        var thrown = 0
        var validMA = 0
        for i in 0..<120_000 {
            var bytes: [UInt8]
            switch i % 4 {
            case 0:
                // Pure noise, biased to short lengths and to known codes so some get past the header.
                let n = Int.random(in: 0...80, using: &rng)
                bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
                if n >= 4 {
                    bytes[0] = [1, 4, 5, 40, 41, 42, 43, 44, 45].randomElement(using: &rng)!
                    if Bool.random(using: &rng) {
                        bytes[2] = 0
                        bytes[3] = UInt8(truncatingIfNeeded: Int.random(in: 18...max(18, n + 2), using: &rng))
                    }
                }
            case 1:
                // A valid packet with a few bytes flipped.
                bytes = seeds.randomElement(using: &rng)!
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                }
            case 2:
                // Truncated or padded.
                bytes = seeds.randomElement(using: &rng)!
                if Bool.random(using: &rng) {
                    bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng)))
                } else {
                    bytes += (0..<Int.random(in: 1...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                }
            default:
                // Attribute-length surgery: set some attribute length byte to an edge value.
                bytes = seeds.randomElement(using: &rng)!
                let at = Int.random(in: 20..<bytes.count, using: &rng)
                bytes[at] = [0, 1, 2, 17, 18, 19, 0xFF].randomElement(using: &rng)!
                if Bool.random(using: &rng) {
                    let l = Int.random(in: 0...4200, using: &rng)
                    bytes[2] = UInt8(truncatingIfNeeded: l >> 8)
                    bytes[3] = UInt8(truncatingIfNeeded: l)
                }
            }
            do {
                let p = try RADIUSPacket.decode(bytes)
                decoded += 1
                let length = Int(bytes[2]) << 8 | Int(bytes[3])
                if p.encode() != Array(bytes.prefix(length)) {
                    XCTFail("re-encode differs for input \(i): \(hexString(bytes))")
                    return
                }
                for a in p.attributes {
                    _ = a.stringValue
                    _ = a.integerValue
                    _ = a.ipv4Value
                    _ = a.vendorSpecific
                    _ = a.ciscoAVPairs
                }
                _ = p.ciscoAVPair("audit-session-id")
            } catch {
                thrown += 1
            }
            _ = RADIUSAuth.verifyRequestAuthenticator(bytes, secret: secret)
            _ = RADIUSAuth.verifyResponseAuthenticator(bytes, requestAuthenticator: seeds[0].count >= 20
                                                        ? Array(seeds[0][4..<20]) : [], secret: secret)
            if RADIUSAuth.verifyRequestMessageAuthenticator(bytes, secret: secret) == .valid { validMA += 1 }
            _ = RADIUSAuth.verifyReplyMessageAuthenticator(bytes, requestAuthenticator: RADIUSPacket.zeroAuthenticator,
                                                           secret: secret)
        }
        // The mix really exercises both paths.
        XCTAssertGreaterThan(decoded, 10_000)
        XCTAssertGreaterThan(thrown, 10_000)
        XCTAssertGreaterThan(validMA, 0)  // padded copies of the MA-carrying seed still verify
    }
}
