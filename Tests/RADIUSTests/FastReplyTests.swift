@testable import RADIUS
import XCTest

/// The DAS's one-allocation ACK must be byte for byte what the general signer makes.
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
}
