import XCTest
@testable import RADIUS

final class AttributeTests: XCTestCase {
    let auditID = "audit-session-id=L2L433010101ZO2L4C0A8CA02ZH11941194ZN3B"

    func testSeedDisconnectRequestIsLength84() throws {
        let avp = RADIUSAttribute.ciscoAVPair(auditID)
        XCTAssertEqual(auditID.utf8.count, 56)
        XCTAssertEqual(avp.encodedLength, 64)
        var p = RADIUSPacket(code: .disconnectRequest, identifier: 216, attributes: [avp])
        let bytes = RADIUSAuth.signRequest(&p, secret: "testing123")
        XCTAssertEqual(bytes.count, 84)
        XCTAssertEqual(Array(bytes[2..<4]), [0, 84])
        // 1a 40 00000009 01 3a <text>
        XCTAssertEqual(Array(bytes[20..<28]), [0x1a, 0x40, 0x00, 0x00, 0x00, 0x09, 0x01, 0x3a])
        XCTAssertEqual(Array(bytes[28...]), Array(auditID.utf8))
        let back = try RADIUSPacket.decode(bytes)
        XCTAssertEqual(back.ciscoAVPairs, [auditID])
        XCTAssertEqual(back.ciscoAVPair("audit-session-id"), "L2L433010101ZO2L4C0A8CA02ZH11941194ZN3B")
        XCTAssertNil(back.ciscoAVPair("audit-session"))
        XCTAssertTrue(RADIUSAuth.verifyRequestAuthenticator(bytes, secret: "testing123"))
    }

    func testSeedNakAttributes() {
        // The seed's NAK: "RADIUS: 18 21 4E6F204D61746368696E672053657373696F6E" and "RADIUS: 101 6 00000194".
        let reply = RADIUSAttribute.string(RADIUSAttributeType.replyMessage, "No Matching Session")
        XCTAssertEqual(reply.encodedLength, 21)
        XCTAssertEqual(hexString(reply.value).uppercased(), "4E6F204D61746368696E672053657373696F6E")
        let cause = RADIUSAttribute.integer(RADIUSAttributeType.errorCause, 404)
        XCTAssertEqual(cause.encodedLength, 6)
        XCTAssertEqual(cause.value, [0, 0, 1, 0x94])
    }

    func testSeedAccountingStartLength288() throws {
        // The attributes of the seed's Accounting-Request Start, in its order: "len 288".
        let attrs: [RADIUSAttribute] = [
            .string(44, "00000021"),
            .string(31, "192.168.202.2"),
            .ciscoAVPair("audit-session-id=L2L433010101ZO2L4C0A8CA02ZH11941194ZN3A"),
            .ciscoAVPair("isakmp-phase1-id=pskuser1.g1.engdt.com"),
            .ciscoAVPair("isakmp-initator-ip=192.168.202.2"),
            .string(1, "pskuser1.g1.engdt.com"),
            .ciscoAVPair("connect-progress=No Progress"),
            .integer(45, 2),
            .integer(40, 1),
            .ipv4(4, IPv4Address("192.168.202.1")!),
            .string(151, "D33648D8"),
            .integer(41, 0),
        ]
        XCTAssertEqual(attrs.map(\.encodedLength), [10, 15, 64, 46, 40, 23, 36, 6, 6, 6, 10, 6])
        var p = RADIUSPacket(code: .accountingRequest, identifier: 231, attributes: attrs)
        let bytes = RADIUSAuth.signRequest(&p, secret: "testing123")
        XCTAssertEqual(bytes.count, 288)
        XCTAssertTrue(RADIUSAuth.verifyRequestAuthenticator(bytes, secret: "testing123"))
        XCTAssertEqual(try RADIUSPacket.decode(bytes), p)
    }

    func testRoundTripEveryDataType() throws {
        let v6: [UInt8] = [0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [1]
        let attrs: [RADIUSAttribute] = [
            .string(1, "user@example"),                       // string
            .string(18, "Grüße ✓"),                           // text (UTF-8)
            .integer(27, 0xFFFF_FFFE),                        // integer
            .ipv4(8, IPv4Address(10, 1, 2, 3)),               // ipaddr
            .octets(95, v6),                                  // ipv6addr
            .octets(33, [0, 0xFF, 0x80, 1]),                  // octets
            .date(55, 1_700_000_000),                         // date
            .vendorSpecific(vendorId: 311, vendorType: 7, value: [9, 8, 7]),  // vsa
            .ciscoAVPair("disc-cause-ext=No Reason"),
            .octets(25, []),                                  // empty value
        ]
        for a in attrs {
            let dataType = RADIUSDictionary.attribute(a.type)?.dataType
            XCTAssertNotNil(dataType)
        }
        XCTAssertEqual(Set(attrs.compactMap { RADIUSDictionary.attribute($0.type)?.dataType }),
                       Set(RADIUSDataType.allCases))
        let p = RADIUSPacket(code: .coaRequest, identifier: 200, authenticator: Array(1...16), attributes: attrs)
        let bytes = p.encode()
        XCTAssertEqual(bytes.count, p.encodedLength)
        let back = try RADIUSPacket.decode(bytes)
        XCTAssertEqual(back, p)
        XCTAssertEqual(back.encode(), bytes)

        XCTAssertEqual(back.first(1)?.stringValue, "user@example")
        XCTAssertEqual(back.first(18)?.stringValue, "Grüße ✓")
        XCTAssertEqual(back.first(27)?.integerValue, 0xFFFF_FFFE)
        XCTAssertEqual(back.first(8)?.ipv4Value, IPv4Address(10, 1, 2, 3))
        XCTAssertEqual(back.first(95)?.value, v6)
        XCTAssertEqual(back.first(33)?.value, [0, 0xFF, 0x80, 1])
        XCTAssertEqual(back.first(55)?.integerValue, 1_700_000_000)
        let vsa = try XCTUnwrap(back.attributes[7].vendorSpecific)
        XCTAssertEqual(vsa.vendorId, 311)
        XCTAssertEqual(vsa.subAttributes.count, 1)
        XCTAssertEqual(vsa.subAttributes[0].type, 7)
        XCTAssertEqual(vsa.subAttributes[0].value, [9, 8, 7])
        XCTAssertEqual(back.attributes[7].ciscoAVPairs, [])  // not Cisco
        XCTAssertEqual(back.ciscoAVPairs, ["disc-cause-ext=No Reason"])
        XCTAssertEqual(back.first(25)?.value, [])
        XCTAssertEqual(back.all(26).count, 2)
        XCTAssertNil(back.first(2))
        XCTAssertTrue(back.contains(33))
    }

    func testAccessorsRejectWrongShapes() {
        XCTAssertNil(RADIUSAttribute.octets(27, [1, 2, 3]).integerValue)
        XCTAssertNil(RADIUSAttribute.octets(8, [1, 2, 3, 4, 5]).ipv4Value)
        XCTAssertNil(RADIUSAttribute.octets(1, [0xFF, 0xFE]).stringValue)
        XCTAssertNil(RADIUSAttribute.octets(1, [1, 2, 3, 4]).vendorSpecific)   // not type 26
        XCTAssertNil(RADIUSAttribute.octets(26, [0, 0, 9]).vendorSpecific)     // too short
        XCTAssertNil(RADIUSAttribute.octets(26, [0, 0, 0, 9, 1, 1]).vendorSpecific)  // sub length < 2
        XCTAssertNil(RADIUSAttribute.octets(26, [0, 0, 0, 9, 1, 5, 65]).vendorSpecific)  // sub runs past end
        XCTAssertNil(RADIUSAttribute.octets(26, [0, 0, 0, 9, 1]).vendorSpecific)  // dangling type byte
        XCTAssertEqual(RADIUSAttribute.octets(26, [0, 0, 0, 9, 1, 5, 65]).ciscoAVPairs, [])
        // A VSA with only a vendor id, and one with several AV pairs in one attribute.
        XCTAssertEqual(RADIUSAttribute.octets(26, [0, 0, 0, 9]).vendorSpecific?.subAttributes.count, 0)
        let two = RADIUSAttribute.octets(26, [0, 0, 0, 9, 1, 3, 0x61, 2, 3, 0x62, 1, 4, 0x63, 0x64])
        XCTAssertEqual(two.ciscoAVPairs, ["a", "cd"])
    }

    func testLongValuesAreTruncatedToFit() throws {
        let long = String(repeating: "x", count: 400)
        XCTAssertEqual(RADIUSAttribute.string(18, long).value.count, 253)
        XCTAssertEqual(RADIUSAttribute.string(18, long).encodedLength, 255)
        XCTAssertEqual(RADIUSAttribute.octets(25, Array(repeating: 1, count: 300)).value.count, 253)
        let avp = RADIUSAttribute.ciscoAVPair(long)
        XCTAssertEqual(avp.encodedLength, 255)
        XCTAssertEqual(avp.ciscoAVPairs.first?.utf8.count, 247)
        // A hand-made oversize value encodes its first 253 bytes and still decodes.
        let p = RADIUSPacket(code: .coaRequest, identifier: 1, attributes: [RADIUSAttribute(type: 25, value: Array(repeating: 2, count: 300))])
        let bytes = p.encode()
        XCTAssertEqual(bytes.count, 20 + 255)
        XCTAssertEqual(try RADIUSPacket.decode(bytes).first(25)?.value.count, 253)
    }

    func testPacketHelpers() throws {
        XCTAssertEqual(RADIUSCode.accountingRequest.name, "Accounting-Request")
        XCTAssertEqual(RADIUSCode.accountingResponse.name, "Accounting-Response")
        XCTAssertEqual(RADIUSCode.disconnectACK.name, "Disconnect-ACK")
        XCTAssertEqual(RADIUSCode.coaNAK.name, "CoA-NAK")
        XCTAssertEqual(RADIUSCode(name: "coa-request"), .coaRequest)
        XCTAssertNil(RADIUSCode(name: "Status-Server"))
        XCTAssertEqual(RADIUSCode.disconnectRequest.ackCode, .disconnectACK)
        XCTAssertEqual(RADIUSCode.disconnectRequest.nakCode, .disconnectNAK)
        XCTAssertEqual(RADIUSCode.coaRequest.nakCode, .coaNAK)
        XCTAssertNil(RADIUSCode.accountingRequest.nakCode)
        XCTAssertTrue(RADIUSCode.coaRequest.isRequest)
        XCTAssertFalse(RADIUSCode.coaACK.isRequest)
        for c in RADIUSCode.allCases { XCTAssertEqual(RADIUSCode(name: c.name), c) }

        // Authenticators shorter or longer than 16 are padded / cut on encode.
        let p = RADIUSPacket(code: .coaACK, identifier: 5, authenticator: [1, 2])
        XCTAssertEqual(p.encode(), [44, 5, 0, 20, 1, 2] + Array(repeating: 0, count: 14))
        let q = RADIUSPacket(code: .coaACK, identifier: 5, authenticator: Array(repeating: 3, count: 20))
        XCTAssertEqual(q.encode().count, 20)
    }

    func testIPv4Address() {
        XCTAssertEqual(IPv4Address("192.168.202.1")?.description, "192.168.202.1")
        XCTAssertEqual(IPv4Address("0.0.0.0"), IPv4Address.any)
        XCTAssertEqual(IPv4Address("255.255.255.255")?.rawValue, 0xFFFF_FFFF)
        XCTAssertEqual(IPv4Address("9.45.15.144")?.bytes, [9, 45, 15, 144])
        XCTAssertEqual(IPv4Address(bytes: [51, 1, 1, 1])?.description, "51.1.1.1")
        XCTAssertNil(IPv4Address(bytes: [1, 2, 3]))
        for bad in ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.-4", "+1.2.3.4", "1.+2.3.4", " 1.2.3.4",
                    "1.2.3.4 ", "1..2.3", ".1.2.3", "1.2.3.", "01.2.3.4", "1.2.3.04", "1.2.3.1000", "a.b.c.d",
                    "1.2.3.4/24", "0x1.2.3.4", "１.2.3.4", "1.2.3.4\n", "1234"] {
            XCTAssertNil(IPv4Address(bad), bad)
        }
        XCTAssertNotNil(IPv4Address("10.0.0.1"))
        XCTAssertLessThan(IPv4Address(1, 2, 3, 4), IPv4Address(1, 2, 3, 5))
        for raw: UInt32 in [0, 1, 0x7F00_0001, 0xC0A8_CA02, 0xFFFF_FFFF] {
            let a = IPv4Address(rawValue: raw)
            XCTAssertEqual(IPv4Address(a.description), a)
            XCTAssertEqual(IPv4Address(bytes: a.bytes), a)
        }
        // Every digit count in every position: one, two and three digits, zeros inside.
        for octets in [[0, 9, 10, 99], [100, 101, 110, 199], [200, 205, 250, 255], [7, 70, 107, 0]] {
            let a = IPv4Address(UInt8(octets[0]), UInt8(octets[1]), UInt8(octets[2]), UInt8(octets[3]))
            XCTAssertEqual(a.description, octets.map(String.init).joined(separator: "."))
        }
    }
}
