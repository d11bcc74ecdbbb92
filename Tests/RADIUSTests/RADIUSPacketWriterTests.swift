import Crypto
import RADIUS
import XCTest

/// The writer builds byte for byte what encoding the same `RADIUSAttribute` values builds,
/// truncation included.
final class RADIUSPacketWriterTests: XCTestCase {
    func testTheWriterEncodesAsThePacketEncoderDoes() throws {
        let long = String(repeating: "x", count: 300)
        let expected: [RADIUSAttribute] = [
            .string(RADIUSAttributeType.userName, "cisco"),
            .string(RADIUSAttributeType.acctSessionId, long),
            .integer(RADIUSAttributeType.acctStatusType, 0x0102_0304),
            .ipv4(RADIUSAttributeType.nasIPAddress, IPv4Address(192, 168, 202, 1)),
            .ciscoAVPair("audit-session-id=L2L4C0A8CA01ZO4500C0A8CA02ZO4500"),
            .ciscoAVPair("disc-cause-ext=" + long),
            .ciscoAVPair("connect-progress="),
            .octets(RADIUSAttributeType.class, Array(repeating: 7, count: 260)),
            .octets(RADIUSAttributeType.state, []),
        ]
        var writer = RADIUSPacketWriter(capacity: 16)
        writer.string(RADIUSAttributeType.userName, "cisco")
        writer.string(RADIUSAttributeType.acctSessionId, long)
        writer.integer(RADIUSAttributeType.acctStatusType, 0x0102_0304)
        writer.ipv4(RADIUSAttributeType.nasIPAddress, IPv4Address(192, 168, 202, 1))
        writer.ciscoAVPair("audit-session-id", "L2L4C0A8CA01ZO4500C0A8CA02ZO4500")
        writer.ciscoAVPair("disc-cause-ext", long)
        writer.ciscoAVPair("connect-progress", "")
        writer.octets(RADIUSAttributeType.class, Array(repeating: 7, count: 260))
        writer.attribute(.octets(RADIUSAttributeType.state, []))
        XCTAssertEqual(writer.attributes, expected)
        let bytes = writer.finished(code: .accountingRequest, identifier: 231)
        XCTAssertEqual(bytes, RADIUSPacket(code: .accountingRequest, identifier: 231, attributes: expected).encode())
        XCTAssertEqual(Int(bytes[2]) << 8 | Int(bytes[3]), bytes.count)
    }

    /// An Access-Request signed in place carries the Message-Authenticator `signRequest` computes.
    func testAMessageAuthenticatorFilledInPlaceIsTheOneSignRequestComputes() throws {
        let secret = Array("testing123".utf8)
        let authenticator: [UInt8] = (0..<16).map { UInt8($0 * 7 + 1) }
        var writer = RADIUSPacketWriter()
        writer.string(RADIUSAttributeType.userName, "load1")
        writer.octets(RADIUSAttributeType.messageAuthenticator, Array(repeating: 0xAA, count: 16))
        writer.integer(RADIUSAttributeType.serviceType, 5)
        var bytes = writer.finished(code: .accessRequest, identifier: 9)
        let filled = bytes.withUnsafeMutableBytes { raw in
            for i in 0..<16 { raw[4 + i] = authenticator[i] }
            return RADIUSAuth.fillMessageAuthenticator(inPlace: raw, secret: secret)
        }
        XCTAssertTrue(filled)
        var packet = RADIUSPacket(code: .accessRequest, identifier: 9, authenticator: authenticator, attributes: [
            .string(RADIUSAttributeType.userName, "load1"),
            .octets(RADIUSAttributeType.messageAuthenticator, Array(repeating: 0, count: 16)),
            .integer(RADIUSAttributeType.serviceType, 5),
        ])
        XCTAssertEqual(bytes, RADIUSAuth.signRequest(&packet, secret: secret))
        XCTAssertEqual(RADIUSAuth.verifyRequestMessageAuthenticator(bytes, secret: secret), .valid)
        // A keyed HMAC kept for many packets is not changed by one: twice over, the same value.
        let key = HMAC<Insecure.MD5>(key: SymmetricKey(data: secret))
        for _ in 0..<2 {
            var again = bytes
            XCTAssertTrue(again.withUnsafeMutableBytes { RADIUSAuth.fillMessageAuthenticator(inPlace: $0, key: key) })
            XCTAssertEqual(again, bytes)
        }
        // A packet without one is left as it was.
        var plain = RADIUSPacketWriter()
        plain.integer(RADIUSAttributeType.serviceType, 5)
        var plainBytes = plain.finished(code: .accessRequest, identifier: 1)
        let before = plainBytes
        XCTAssertFalse(plainBytes.withUnsafeMutableBytes { RADIUSAuth.fillMessageAuthenticator(inPlace: $0, secret: secret) })
        XCTAssertEqual(plainBytes, before)
        // A stray byte after the attributes (counted in Length) is malformed: refused, untouched.
        var stray = bytes + [RADIUSAttributeType.messageAuthenticator]
        stray[3] = UInt8(stray.count)
        let strayBefore = stray
        XCTAssertFalse(stray.withUnsafeMutableBytes { RADIUSAuth.fillMessageAuthenticator(inPlace: $0, secret: secret) })
        XCTAssertEqual(stray, strayBefore)
    }
}
