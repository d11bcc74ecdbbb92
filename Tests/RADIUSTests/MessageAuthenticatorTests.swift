import XCTest
@testable import RADIUS

final class MessageAuthenticatorTests: XCTestCase {
    let secret: [UInt8] = Array("s3cr3t-key".utf8)

    func coaRequest() -> RADIUSPacket {
        RADIUSPacket(code: .coaRequest, identifier: 9, attributes: [
            .string(RADIUSAttributeType.userName, "bob"),
            .ciscoAVPair("audit-session-id=ABC"),
            .octets(RADIUSAttributeType.proxyState, [1, 2, 3]),
        ])
    }

    func testRequestComputeAndVerify() throws {
        var p = coaRequest()
        let bytes = RADIUSAuth.signRequest(&p, secret: secret, addMessageAuthenticator: true)
        XCTAssertEqual(p.attributes.last?.type, 80)
        XCTAssertEqual(p.attributes.last?.value.count, 16)
        XCTAssertNotEqual(p.attributes.last?.value, RADIUSPacket.zeroAuthenticator)
        XCTAssertEqual(p.encode(), bytes)
        XCTAssertEqual(bytes.count, p.encodedLength)
        XCTAssertTrue(RADIUSAuth.verifyRequestAuthenticator(bytes, secret: secret))
        XCTAssertEqual(RADIUSAuth.verifyRequestMessageAuthenticator(bytes, secret: secret), .valid)
        XCTAssertEqual(try RADIUSPacket.decode(bytes), p)

        // Every single-byte change is caught by the MA (and by the Request Authenticator).
        for i in 0..<bytes.count where i != 1 {
            var t = bytes
            t[i] ^= 0x01
            if i == 2 || i == 3 { continue }  // a changed Length makes it malformed: checked below
            let ma = RADIUSAuth.verifyRequestMessageAuthenticator(t, secret: secret)
            if (4..<20).contains(i) {
                // The MA of a request is computed with the authenticator zeroed.
                XCTAssertEqual(ma, .valid, "byte \(i)")
            } else {
                // Changing the MA's own type byte leaves no MA (.absent); anything else is .invalid.
                XCTAssertNotEqual(ma, .valid, "byte \(i)")
            }
            XCTAssertFalse(RADIUSAuth.verifyRequestAuthenticator(t, secret: secret), "byte \(i)")
        }
        var t = bytes
        t[3] &+= 1
        XCTAssertEqual(RADIUSAuth.verifyRequestMessageAuthenticator(t, secret: secret), .invalid)
        XCTAssertEqual(RADIUSAuth.verifyRequestMessageAuthenticator(bytes, secret: Array("other".utf8)), .invalid)
    }

    func testIdentifierChangeIsCaught() {
        var p = coaRequest()
        var bytes = RADIUSAuth.signRequest(&p, secret: secret, addMessageAuthenticator: true)
        bytes[1] &+= 1
        XCTAssertEqual(RADIUSAuth.verifyRequestMessageAuthenticator(bytes, secret: secret), .invalid)
        XCTAssertFalse(RADIUSAuth.verifyRequestAuthenticator(bytes, secret: secret))
    }

    func testCallerPlacedMessageAuthenticatorIsFilledInPlace() throws {
        var p = RADIUSPacket(code: .disconnectRequest, identifier: 1, attributes: [
            RADIUSAttribute(type: 80, value: [0]),  // radclient style "Message-Authenticator = 0x00", first
            .string(1, "carol"),
        ])
        let bytes = RADIUSAuth.signRequest(&p, secret: secret)
        XCTAssertEqual(p.attributes.map(\.type), [80, 1])
        XCTAssertEqual(Array(bytes[20..<22]), [80, 18])
        XCTAssertEqual(RADIUSAuth.verifyRequestMessageAuthenticator(bytes, secret: secret), .valid)
        XCTAssertTrue(RADIUSAuth.verifyRequestAuthenticator(bytes, secret: secret))
        // No duplicate is appended when asked to add one.
        var q = p
        _ = RADIUSAuth.signRequest(&q, secret: secret, addMessageAuthenticator: true)
        XCTAssertEqual(q.all(80).count, 1)
        XCTAssertEqual(q, p)
    }

    func testReplyComputeAndVerify() throws {
        var req = coaRequest()
        let reqBytes = RADIUSAuth.signRequest(&req, secret: secret, addMessageAuthenticator: true)
        XCTAssertEqual(RADIUSAuth.verifyRequestMessageAuthenticator(reqBytes, secret: secret), .valid)

        var nak = RADIUSPacket(code: .coaNAK, identifier: req.identifier, attributes:
                                req.all(RADIUSAttributeType.proxyState) + [.integer(RADIUSAttributeType.errorCause, 503)])
        let bytes = RADIUSAuth.signReply(&nak, requestAuthenticator: req.authenticator, secret: secret,
                                         addMessageAuthenticator: true)
        XCTAssertEqual(nak.encode(), bytes)
        XCTAssertTrue(RADIUSAuth.verifyResponseAuthenticator(bytes, requestAuthenticator: req.authenticator, secret: secret))
        XCTAssertEqual(RADIUSAuth.verifyReplyMessageAuthenticator(bytes, requestAuthenticator: req.authenticator,
                                                                  secret: secret), .valid)
        // Wrong request authenticator, wrong secret, tampered byte.
        var otherAuth = req.authenticator
        otherAuth[0] ^= 0xFF
        XCTAssertEqual(RADIUSAuth.verifyReplyMessageAuthenticator(bytes, requestAuthenticator: otherAuth,
                                                                  secret: secret), .invalid)
        XCTAssertFalse(RADIUSAuth.verifyResponseAuthenticator(bytes, requestAuthenticator: otherAuth, secret: secret))
        XCTAssertEqual(RADIUSAuth.verifyReplyMessageAuthenticator(bytes, requestAuthenticator: req.authenticator,
                                                                  secret: Array("x".utf8)), .invalid)
        for i in [0, 1, 20, 25, bytes.count - 1] {
            var t = bytes
            t[i] ^= 0x80
            XCTAssertEqual(RADIUSAuth.verifyReplyMessageAuthenticator(t, requestAuthenticator: req.authenticator,
                                                                      secret: secret), .invalid, "byte \(i)")
            XCTAssertFalse(RADIUSAuth.verifyResponseAuthenticator(t, requestAuthenticator: req.authenticator,
                                                                  secret: secret), "byte \(i)")
        }
        // The Response Authenticator covers the MA: a reply signed without MA differs.
        var plain = RADIUSPacket(code: .coaNAK, identifier: req.identifier, attributes: [.integer(101, 503)])
        let plainBytes = RADIUSAuth.signReply(&plain, requestAuthenticator: req.authenticator, secret: secret)
        XCTAssertEqual(RADIUSAuth.verifyReplyMessageAuthenticator(plainBytes, requestAuthenticator: req.authenticator,
                                                                  secret: secret), .absent)
    }

    func testMalformedInputsNeverVerify() {
        let auth = [UInt8](repeating: 7, count: 16)
        for bad: [UInt8] in [[], [40], Array(repeating: 0, count: 19), [40, 1, 0, 10] + Array(repeating: 0, count: 16),
                             [40, 1, 0, 30] + Array(repeating: 0, count: 20)] {
            XCTAssertFalse(RADIUSAuth.verifyRequestAuthenticator(bad, secret: secret))
            XCTAssertFalse(RADIUSAuth.verifyResponseAuthenticator(bad, requestAuthenticator: auth, secret: secret))
            XCTAssertEqual(RADIUSAuth.verifyRequestMessageAuthenticator(bad, secret: secret), .invalid)
            XCTAssertEqual(RADIUSAuth.verifyReplyMessageAuthenticator(bad, requestAuthenticator: auth, secret: secret),
                           .invalid)
        }
        // An MA attribute of the wrong length is invalid, not absent.
        var p = RADIUSPacket(code: .disconnectRequest, identifier: 2, attributes: [RADIUSAttribute(type: 80, value: [1, 2])])
        p.authenticator = RADIUSPacket.zeroAuthenticator
        XCTAssertEqual(RADIUSAuth.verifyRequestMessageAuthenticator(p.encode(), secret: secret), .invalid)
        // A request authenticator of the wrong size never verifies a reply.
        XCTAssertFalse(RADIUSAuth.verifyResponseAuthenticator(Array(repeating: 0, count: 20), requestAuthenticator: [1],
                                                              secret: secret))
    }

    func testAccessRequestKeepsItsRandomAuthenticator() throws {
        let random: [UInt8] = (0..<16).map { UInt8($0 * 13 + 5) }
        var p = RADIUSPacket(code: .accessRequest, identifier: 3, authenticator: random, attributes: [.string(1, "dave")])
        let bytes = RADIUSAuth.signRequest(&p, secret: secret, addMessageAuthenticator: true)
        XCTAssertEqual(Array(bytes[4..<20]), random)
        XCTAssertEqual(RADIUSAuth.verifyRequestMessageAuthenticator(bytes, secret: secret), .valid)
        var t = bytes
        t[4] ^= 1  // for Access-Request the authenticator is covered by the MA
        XCTAssertEqual(RADIUSAuth.verifyRequestMessageAuthenticator(t, secret: secret), .invalid)
    }

    func testRawBufferOverloads() {
        var p = coaRequest()
        let bytes = RADIUSAuth.signRequest(&p, secret: secret, addMessageAuthenticator: true) + [0xEE, 0xEE]
        bytes.withUnsafeBytes { raw in
            XCTAssertTrue(RADIUSAuth.verifyRequestAuthenticator(raw, secret: secret))
            XCTAssertEqual(RADIUSAuth.verifyRequestMessageAuthenticator(raw, secret: secret), .valid)
            XCTAssertEqual(try? RADIUSPacket.decode(raw), p)
        }
    }
}
