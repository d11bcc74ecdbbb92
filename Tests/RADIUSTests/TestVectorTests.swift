import XCTest
@testable import RADIUS

func hex(_ s: String) -> [UInt8] {
    var out: [UInt8] = []
    var it = s.filter { !$0.isWhitespace }.makeIterator()
    while let a = it.next(), let b = it.next() { out.append(UInt8(String([a, b]), radix: 16)!) }
    return out
}

func hexString(_ b: [UInt8]) -> String {
    b.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
}

/// The four verified vectors of radius-das.md (secret `testing123`).
final class TestVectorTests: XCTestCase {
    let secret = "testing123"
    let discReqNosuch = hex("284d001cc36edeef28570bd656a3d545a7bb5cf701086e6f73756368")
    let discNak503 = hex("2a4d001a10c05354d5eae21eecfc8101f85be26f6506000001f7")
    let discReqAlice = hex("2842001bb8796fe8f4f31d69b3b816dc965ae89e0107616c696365")
    let discAckAlice = hex("2942001480b13ce04dfb768ca0bd2ba0e7f82b7b")

    func testDecodeAndReencode() throws {
        let p1 = try RADIUSPacket.decode(discReqNosuch)
        XCTAssertEqual(p1.code, .disconnectRequest)
        XCTAssertEqual(p1.identifier, 77)
        XCTAssertEqual(p1.attributes, [.string(1, "nosuch")])
        XCTAssertEqual(p1.first(RADIUSAttributeType.userName)?.stringValue, "nosuch")
        XCTAssertEqual(p1.encode(), discReqNosuch)

        let p2 = try RADIUSPacket.decode(discNak503)
        XCTAssertEqual(p2.code, .disconnectNAK)
        XCTAssertEqual(p2.code.name, "Disconnect-NAK")
        XCTAssertEqual(p2.identifier, 77)
        XCTAssertEqual(p2.first(RADIUSAttributeType.errorCause)?.integerValue, 503)
        XCTAssertEqual(p2.encode(), discNak503)

        let p3 = try RADIUSPacket.decode(discReqAlice)
        XCTAssertEqual(p3.identifier, 0x42)
        XCTAssertEqual(p3.first(1)?.stringValue, "alice")
        XCTAssertEqual(p3.encode(), discReqAlice)

        let p4 = try RADIUSPacket.decode(discAckAlice)
        XCTAssertEqual(p4.code, .disconnectACK)
        XCTAssertEqual(p4.attributes, [])
        XCTAssertEqual(p4.encode(), discAckAlice)
    }

    func testVerifyVectors() throws {
        XCTAssertTrue(RADIUSAuth.verifyRequestAuthenticator(discReqNosuch, secret: secret))
        XCTAssertTrue(RADIUSAuth.verifyRequestAuthenticator(discReqAlice, secret: secret))
        XCTAssertFalse(RADIUSAuth.verifyRequestAuthenticator(discReqAlice, secret: "testing124"))
        let req1 = try RADIUSPacket.decode(discReqNosuch)
        let req2 = try RADIUSPacket.decode(discReqAlice)
        XCTAssertTrue(RADIUSAuth.verifyResponseAuthenticator(discNak503, requestAuthenticator: req1.authenticator,
                                                             secret: secret))
        XCTAssertTrue(RADIUSAuth.verifyResponseAuthenticator(discAckAlice, requestAuthenticator: req2.authenticator,
                                                             secret: secret))
        // The reply does not verify against the other request's authenticator.
        XCTAssertFalse(RADIUSAuth.verifyResponseAuthenticator(discAckAlice, requestAuthenticator: req1.authenticator,
                                                              secret: secret))
        // No Message-Authenticator in any of them.
        XCTAssertEqual(RADIUSAuth.verifyRequestMessageAuthenticator(discReqAlice, secret: secret), .absent)
        // Padding past Length is ignored by verification too.
        XCTAssertTrue(RADIUSAuth.verifyRequestAuthenticator(discReqAlice + [0, 1, 2, 3], secret: secret))
    }

    func testRecomputeVectors() throws {
        var req1 = RADIUSPacket(code: .disconnectRequest, identifier: 77, attributes: [.string(1, "nosuch")])
        XCTAssertEqual(RADIUSAuth.signRequest(&req1, secret: secret), discReqNosuch)
        XCTAssertEqual(req1.encode(), discReqNosuch)

        var nak = RADIUSPacket(code: .disconnectNAK, identifier: 77, attributes: [.integer(101, 503)])
        XCTAssertEqual(RADIUSAuth.signReply(&nak, requestAuthenticator: req1.authenticator, secret: secret), discNak503)
        XCTAssertEqual(nak.encode(), discNak503)

        var req2 = RADIUSPacket(code: .disconnectRequest, identifier: 0x42, attributes: [.string(1, "alice")])
        XCTAssertEqual(RADIUSAuth.signRequest(&req2, secret: secret), discReqAlice)

        var ack = RADIUSPacket(code: .disconnectACK, identifier: 0x42)
        XCTAssertEqual(RADIUSAuth.signReply(&ack, requestAuthenticator: req2.authenticator, secret: secret), discAckAlice)
    }

    /// Captured from FreeRADIUS 3.2 radclient (`User-Name = "alice"`, `Message-Authenticator = 0x00`,
    /// disconnect, secret testing123) and a reply radclient accepted; a reply with a wrong MA it rejected.
    let radclientRequest = hex("287a002dca687c2b93e6f0af343903701c8715ad0107616c69636550121b8a5f65972f619fd75d01fb5f2c0f3e")
    let radclientReply = hex("297a00262cfa9235909e3f5304a7964d5c50a08350124bf45a267a0a12f41fe43c436fffd768")

    func testRadclientMessageAuthenticatorVectors() throws {
        let req = try RADIUSPacket.decode(radclientRequest)
        XCTAssertEqual(req.identifier, 122)
        XCTAssertEqual(req.attributes.map(\.type), [1, 80])
        XCTAssertTrue(RADIUSAuth.verifyRequestAuthenticator(radclientRequest, secret: secret))
        XCTAssertEqual(RADIUSAuth.verifyRequestMessageAuthenticator(radclientRequest, secret: secret), .valid)
        XCTAssertEqual(RADIUSAuth.verifyRequestMessageAuthenticator(radclientRequest, secret: "wrong"), .invalid)

        // Signing the same content reproduces radclient's bytes exactly (both authenticators are deterministic).
        var mine = RADIUSPacket(code: .disconnectRequest, identifier: 122, attributes: [.string(1, "alice")])
        XCTAssertEqual(RADIUSAuth.signRequest(&mine, secret: secret, addMessageAuthenticator: true), radclientRequest)
        XCTAssertEqual(mine, req)

        XCTAssertTrue(RADIUSAuth.verifyResponseAuthenticator(radclientReply, requestAuthenticator: req.authenticator,
                                                             secret: secret))
        XCTAssertEqual(RADIUSAuth.verifyReplyMessageAuthenticator(radclientReply, requestAuthenticator: req.authenticator,
                                                                  secret: secret), .valid)
        var ack = RADIUSPacket(code: .disconnectACK, identifier: 122)
        XCTAssertEqual(RADIUSAuth.signReply(&ack, requestAuthenticator: req.authenticator, secret: secret,
                                            addMessageAuthenticator: true), radclientReply)
    }
}
