import XCTest
@testable import IKEv2

final class MessageCodecTests: XCTestCase {
    private let header = IKEHeader(initiatorSPI: 0x1D41_8169_B24B_F95A, responderSPI: 0, exchangeType: .ikeSAInit,
                                   flags: .initiator, messageID: 0)

    /// Every payload type this module interprets, with the fields that have edge cases.
    private var everyPayload: [Payload] {
        [
            .securityAssociation(strongSwanDefaultOffer),
            .securityAssociation(SecurityAssociationPayload(proposals: [
                Proposal(number: 1, protocolID: .esp, spi: [0xC1, 0x2A, 0x00, 0x07], transforms: [
                    .encryption(.aesCBC, keyLength: 256), .integrity(.hmacSHA2_256_128), .esn(.noESN),
                    Transform(type: .encryption, id: 99, attributes: [TransformAttribute(type: 17, value: .variable([1, 2, 3]))]),
                ]),
            ])),
            .keyExchange(KeyExchangePayload(group: .ecp256, data: Array(repeating: 0xAB, count: 64))),
            .nonce(Array(0..<32)),
            .notify(NotifyPayload(type: .natDetectionSourceIP, data: Array(repeating: 7, count: 20))),
            .notify(NotifyPayload(type: .signatureHashAlgorithms, data: [0, 2, 0, 3, 0, 4])),
            .notify(NotifyPayload(type: .rekeySA, protocolID: .esp, spi: [1, 2, 3, 4])),
            .notify(.invalidKEPayload(accepted: .curve25519)),
            .identificationInitiator(.fqdn("client@lab")),
            .identificationInitiator(.rfc822("user@example.lab")),
            .identificationInitiator(.keyID([0xDE, 0xAD])),
            .identificationResponder(.ipv4([10, 0, 0, 1])),
            .authentication(AuthenticationPayload(method: .sharedKeyMIC, data: Array(repeating: 0x5A, count: 32))),
            .configuration(ConfigurationPayload(configType: .request, attributes: [
                ConfigAttribute(type: .internalIP4Address), ConfigAttribute(type: .internalIP4DNS),
                ConfigAttribute(type: ConfigAttributeType(rawValue: 28675)),
            ])),
            .configuration(ConfigurationPayload(configType: .reply, attributes: [
                ConfigAttribute(type: .internalIP4Address, value: [10, 99, 0, 1]),
                ConfigAttribute(type: .internalIP4DNS, value: [10, 0, 0, 53]),
            ])),
            .trafficSelectorInitiator(TrafficSelectorPayload(selectors: [.anyIPv4])),
            .trafficSelectorResponder(TrafficSelectorPayload(selectors: [
                .ipv4Host([10, 99, 0, 1]),
                TrafficSelector(kind: .ipv6AddressRange, ipProtocol: 17, startPort: 500, endPort: 500,
                                startAddress: Array(repeating: 0, count: 16), endAddress: Array(repeating: 0xFF, count: 16)),
            ])),
            .delete(.ikeSA),
            .delete(.esp([0xC12A_0007, 0x0000_0001])),
            .vendorID(Array("strongSwan".utf8)),
            .eap([1, 0, 0, 5, 1]),
            .unknown(UnknownPayload(type: PayloadType(rawValue: 200), critical: false, body: [9, 9])),
            .unknown(UnknownPayload(type: .certificateRequest, critical: true, body: [])),
        ]
    }

    func testEveryPayloadRoundTrips() throws {
        let message = IKEMessage(header: header, payloads: everyPayload)
        let bytes = message.encode()
        let decoded = try IKEMessage.decode(bytes)
        XCTAssertEqual(decoded.payloads, message.payloads)
        XCTAssertEqual(decoded.header.nextPayload, .securityAssociation)
        XCTAssertEqual(Int(decoded.header.length), bytes.count)
        XCTAssertEqual(decoded.encode(), bytes)
    }

    /// The fixed layouts, checked octet by octet against RFC 7296's figures.
    func testHeaderAndGenericPayloadLayout() throws {
        var h = header
        h.flags = [.initiator, .response]
        h.messageID = 0x0102_0304
        let bytes = IKEMessage(header: h, payloads: [.notify(NotifyPayload(type: .initialContact))]).encode()
        XCTAssertEqual(bytes, hex("""
            1d418169b24bf95a 0000000000000000 29 20 22 28 01020304 00000024
            00 00 0008 00 00 4000
            """))
        let decoded = try IKEHeader.decode(bytes)
        XCTAssertTrue(decoded.isResponse)
        XCTAssertTrue(decoded.isFromInitiator)
        XCTAssertEqual(decoded.exchangeType, .ikeSAInit)
        XCTAssertEqual(decoded.majorVersion, 2)
        XCTAssertEqual(decoded.minorVersion, 0)
    }

    func testSAPayloadLayout() {
        // aes256gcm16-prfsha256-ecp256, as strongSwan sends it (RFC 7296 §3.3 figures).
        let sa = SecurityAssociationPayload(proposals: [Proposal(number: 1, protocolID: .ike, transforms: [
            .encryption(.aesGCM16, keyLength: 256), .prf(.hmacSHA2_256), .keyExchange(.ecp256),
        ])])
        XCTAssertEqual(sa.encodeBody(), hex("""
            00 00 0024 01 01 00 03
            03 00 000c 01 00 0014 800e 0100
            03 00 0008 02 00 0005
            00 00 0008 04 00 0013
            """))
    }

    func testCriticalUnknownPayloadIsReported() throws {
        let message = IKEMessage(header: header, payloads: [
            .nonce(Array(repeating: 1, count: 16)),
            .unknown(UnknownPayload(type: PayloadType(rawValue: 222), critical: false, body: [])),
            .unknown(UnknownPayload(type: PayloadType(rawValue: 223), critical: true, body: [1])),
        ])
        let decoded = try IKEMessage.decode(message.encode())
        XCTAssertEqual(decoded.unsupportedCriticalPayloads, [PayloadType(rawValue: 223)])
        XCTAssertEqual(NotifyPayload.unsupportedCriticalPayload(decoded.unsupportedCriticalPayloads[0]).data, [223])
    }

    func testCriticalBitOnAKnownPayloadIsIgnored() throws {
        var bytes = IKEMessage(header: header, payloads: [.nonce(Array(repeating: 1, count: 16))]).encode()
        bytes[IKEHeader.size + 1] = 0x80
        let decoded = try IKEMessage.decode(bytes)
        XCTAssertEqual(decoded.payloads, [.nonce(Array(repeating: 1, count: 16))])
        XCTAssertEqual(decoded.unsupportedCriticalPayloads, [])
    }

    func testEncryptedPayloadEndsTheChain() throws {
        let sk = EncryptedPayload(firstInnerPayload: .identificationInitiator, data: Array(repeating: 0xEE, count: 40))
        let message = IKEMessage(header: header, payloads: [.encrypted(sk)])
        let bytes = message.encode()
        // The SK payload's Next Payload field names the first inner payload.
        XCTAssertEqual(bytes[IKEHeader.size], PayloadType.identificationInitiator.rawValue)
        XCTAssertEqual(try IKEMessage.decode(bytes).encrypted, sk)
        XCTAssertThrowsError(try IKEMessage.decode(bytes + [0, 0, 0, 4])) // length no longer matches
        var longer = bytes + [0, 0, 0, 4]
        longer[27] = UInt8(longer.count)
        XCTAssertThrowsError(try IKEMessage.decode(longer)) { XCTAssertEqual($0 as? IKEv2DecodeError, .encryptedPayloadNotLast) }
    }

    func testDecodeErrors() {
        let good = IKEMessage(header: header, payloads: [.nonce(Array(repeating: 1, count: 16))]).encode()
        func error(_ bytes: [UInt8]) -> IKEv2DecodeError? {
            do { _ = try IKEMessage.decode(bytes); return nil } catch { return error }
        }
        XCTAssertEqual(error([]), .truncated("IKE header"))
        XCTAssertEqual(error(Array(good.prefix(27))), .truncated("IKE header"))
        var v1 = good
        v1[17] = 0x10
        XCTAssertEqual(error(v1), .unsupportedMajorVersion(1))
        var v3 = good
        v3[17] = 0x30
        XCTAssertEqual(error(v3), .unsupportedMajorVersion(3))
        XCTAssertEqual(error(Array(good.dropLast())), .badMessageLength(declared: UInt32(good.count), received: good.count - 1))
        var shortLength = good
        shortLength[27] = 20
        XCTAssertEqual(error(shortLength), .badMessageLength(declared: 20, received: good.count))
        var payloadTooLong = good
        payloadTooLong[IKEHeader.size + 3] = 0xFF
        XCTAssertEqual(error(payloadTooLong), .badPayloadLength(.nonce, 255))
        var payloadTooShort = good
        payloadTooShort[IKEHeader.size + 3] = 3
        XCTAssertEqual(error(payloadTooShort), .badPayloadLength(.nonce, 3))
        let shortNonce = IKEMessage(header: header, payloads: [.nonce([1, 2, 3])]).encode()
        XCTAssertEqual(error(shortNonce), .malformedPayload(.nonce, "nonce of 3 octets"))
        var trailing = good + [0, 0, 0, 0]
        trailing[27] = UInt8(trailing.count)
        XCTAssertEqual(error(trailing), .trailingBytes(4))
        // A payload chain that announces a next payload and ends.
        var dangling = good
        dangling[IKEHeader.size] = PayloadType.notify.rawValue
        XCTAssertEqual(error(dangling), .truncated("payload header"))
        // A 3-octet IPv4 identity.
        let badID = IKEMessage(header: header, payloads: [.identificationInitiator(.ipv4([10, 0, 0]))]).encode()
        XCTAssertEqual(error(badID), .malformedPayload(.identificationInitiator, "ID_IPV4_ADDR of 3 octets"))
    }

    func testSAPayloadErrors() {
        func decode(_ body: [UInt8]) -> IKEv2DecodeError? {
            do { _ = try SecurityAssociationPayload(body: body[...]); return nil } catch { return error }
        }
        // Proposal says 2 transforms, holds 1 (marked "more follow").
        XCTAssertEqual(decode(hex("00 00 0010 01 01 00 02 03 00 0008 02 00 0005")),
                       .truncated("proposal"))
        // The same, with the one transform marked last.
        XCTAssertEqual(decode(hex("00 00 0010 01 01 00 02 00 00 0008 02 00 0005")),
                       .malformedPayload(.securityAssociation, "transform marker 0"))
        // Proposal marker 2 ("more follow") on the only proposal.
        XCTAssertEqual(decode(hex("02 00 0010 01 01 00 01 00 00 0008 02 00 0005")), .truncated("proposal"))
        // Proposal marker neither 0 nor 2.
        XCTAssertEqual(decode(hex("01 00 0010 01 01 00 01 00 00 0008 02 00 0005")),
                       .malformedPayload(.securityAssociation, "proposal marker 1"))
        // Transform length below its header.
        XCTAssertEqual(decode(hex("00 00 0010 01 01 00 01 00 00 0004 02 00 0005")),
                       .malformedPayload(.securityAssociation, "transform length 4"))
        // A TLV attribute running past the transform.
        XCTAssertEqual(decode(hex("00 00 0014 01 01 00 01 00 00 000c 01 00 000c 000e 0009")), .truncated("transform"))
    }

    func testNotifyHelpers() {
        XCTAssertEqual(NotifyPayload.invalidKEPayload(accepted: .ecp256).data, [0, 19])
        XCTAssertEqual(NotifyPayload.invalidKEPayload(accepted: .ecp256).acceptedGroup, .ecp256)
        XCTAssertEqual(NotifyPayload(type: .signatureHashAlgorithms, data: [0, 2, 0, 3, 0, 4]).signatureHashAlgorithms, [2, 3, 4])
        XCTAssertTrue(NotifyType.noProposalChosen.isError)
        XCTAssertFalse(NotifyType.natDetectionSourceIP.isError)
        XCTAssertEqual(NotifyType.ikev2FragmentationSupported.description, "IKEV2_FRAGMENTATION_SUPPORTED")
        XCTAssertEqual(NotifyType(rawValue: 16431), .signatureHashAlgorithms)
        XCTAssertEqual(IdentificationPayload.fqdn("flexvpn.lab").body, [2, 0, 0, 0] + Array("flexvpn.lab".utf8))
        XCTAssertEqual(IdentificationPayload.ipv4([10, 0, 0, 2]).displayString, "10.0.0.2")
        XCTAssertEqual(IdentificationPayload(idType: .ipv6Address, data: [0x20, 0x01, 0x0D, 0xB8] + Array(repeating: 0, count: 11) + [1])
                        .displayString, "2001:db8:0:0:0:0:0:1")
        XCTAssertEqual(IdentificationPayload(idType: .derASN1DN, data: [0x30, 0x0A]).displayString, "300a")
    }

    /// Every payload type's body parser on random bodies, alone and chained: each throws or
    /// decodes, and what decodes re-encodes to a chain that decodes to the same payloads.
    func testEachPayloadParserNeverTraps() {
        var rng = SeededGenerator(state: 0xB0D1E5)
        let types = (33...48).map { PayloadType(rawValue: UInt8($0)) } + [PayloadType(rawValue: 53), PayloadType(rawValue: 199)]
        var decoded = 0
        for i in 0..<30_000 {
            let type = types[i % types.count]
            let length = Int.random(in: 0...80, using: &rng)
            var body = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            // Make the counts and lengths inside plausible often enough to reach the deeper fields.
            if body.count >= 4, Bool.random(using: &rng) { body[0] = UInt8.random(in: 0...3, using: &rng) }
            if body.count >= 4, Bool.random(using: &rng) { body[2] = 0; body[3] = UInt8(truncatingIfNeeded: body.count) }
            let chain: [UInt8] = [0, 0, UInt8((body.count + 4) >> 8), UInt8((body.count + 4) & 0xFF)] + body
            guard let payloads = try? PayloadChain.decode(first: type, bytes: chain[...]) else { continue }
            decoded += 1
            XCTAssertEqual(try PayloadChain.decode(first: type, bytes: PayloadChain.encode(payloads).bytes[...]), payloads)
        }
        XCTAssertGreaterThan(decoded, 3_000)
    }

    /// Random datagrams and random mutations of valid ones: decoding throws or succeeds, never
    /// traps, and whatever decodes re-encodes to the same bytes (except the critical bit of known
    /// payloads and reserved fields, which decoding drops).
    func testDecoderNeverTraps() {
        var rng = SeededGenerator(state: 0x1CE_2B0B)
        let seeds = [
            IKEMessage(header: header, payloads: everyPayload).encode(),
            IKEMessage(header: header, payloads: [.securityAssociation(strongSwanDefaultOffer),
                                                  .keyExchange(KeyExchangePayload(group: .ecp256, data: Array(repeating: 3, count: 64))),
                                                  .nonce(Array(repeating: 4, count: 32))]).encode(),
            IKEMessage(header: header, payloads: [.encrypted(EncryptedPayload(firstInnerPayload: .identificationInitiator,
                                                                              data: Array(repeating: 1, count: 60)))]).encode(),
        ]
        var decoded = 0
        for i in 0..<40_000 {
            var bytes: [UInt8]
            if i % 4 == 0 {
                bytes = (0..<Int.random(in: 0...120, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                if bytes.count >= 28, Bool.random(using: &rng) {
                    bytes[17] = 0x20
                    bytes[24] = 0; bytes[25] = 0; bytes[26] = UInt8(bytes.count >> 8); bytes[27] = UInt8(bytes.count & 0xFF)
                }
            } else {
                bytes = seeds[i % seeds.count]
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    switch Int.random(in: 0..<3, using: &rng) {
                    case 0: bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                    case 1: if bytes.count > 28 { bytes.removeLast(Int.random(in: 1...min(8, bytes.count - 28), using: &rng)) }
                    default: bytes.append(UInt8.random(in: 0...255, using: &rng))
                    }
                }
                if Bool.random(using: &rng) {
                    bytes[26] = UInt8(bytes.count >> 8); bytes[27] = UInt8(bytes.count & 0xFF)
                }
            }
            if let message = try? IKEMessage.decode(bytes) {
                decoded += 1
                XCTAssertEqual(try IKEMessage.decode(message.encode()), message)
            }
        }
        XCTAssertGreaterThan(decoded, 100, "the mutations should leave some messages valid")
    }
}
