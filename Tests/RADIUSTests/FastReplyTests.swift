@testable import RADIUS
import XCTest

/// The shortcuts (the DAS's one-allocation ACK, the load generator's in-place request signing) must
/// be byte for byte what the general signer makes.
final class FastReplyTests: XCTestCase {
    func testPlainReplyMatchesTheGeneralSigner() {
        var state: UInt64 = 0x1234_5678
        func byte() -> UInt8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        for round in 0..<500 {
            let authenticator = (0..<16).map { _ in byte() }
            let secret = Array("secret-\(round)".utf8)
            let code: RADIUSCode = round % 2 == 0 ? .disconnectACK : .coaACK
            var packet = RADIUSPacket(code: code, identifier: UInt8(round % 256))
            let general = RADIUSAuth.signReply(&packet, requestAuthenticator: authenticator, secret: secret)
            let fast = authenticator.withUnsafeBytes {
                RADIUSAuth.signedReplyWithoutAttributes(code: code, identifier: UInt8(round % 256),
                                                        requestAuthenticator: $0, secret: secret)
            }
            XCTAssertEqual(fast, general)
        }
    }

    func testInPlaceRequestSigningMatchesTheGeneralSigner() {
        for round in 0..<200 {
            let secret = Array("secret-\(round)".utf8)
            var packet = RADIUSPacket(code: round % 2 == 0 ? .disconnectRequest : .coaRequest,
                                      identifier: UInt8(round % 256),
                                      attributes: [.ciscoAVPair("audit-session-id=session-\(round)"),
                                                   .string(RADIUSAttributeType.userName, String(repeating: "u", count: round % 40))])
            let general = RADIUSAuth.signRequest(&packet, secret: secret)
            // The same packet with whatever authenticator bytes, signed where it lies.
            var bytes = general
            for i in 4..<20 { bytes[i] = UInt8(truncatingIfNeeded: i &* round) }
            let signed = bytes.withUnsafeMutableBytes { RADIUSAuth.signRequest(inPlace: $0, secret: secret) }
            XCTAssertTrue(signed)
            XCTAssertEqual(bytes, general)
        }
    }

    func testInPlaceSigningLeavesAMalformedPacketAlone() {
        for bad in [[UInt8](repeating: 0, count: 19), [40, 1, 0, 19] + [UInt8](repeating: 7, count: 16),
                    [40, 1, 0, 60] + [UInt8](repeating: 7, count: 30)] {
            var bytes = bad
            let signed = bytes.withUnsafeMutableBytes { RADIUSAuth.signRequest(inPlace: $0, secret: [1, 2, 3]) }
            XCTAssertFalse(signed)
            XCTAssertEqual(bytes, bad)
        }
    }
}
