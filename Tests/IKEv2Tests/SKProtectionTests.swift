import Crypto
import XCTest
@testable import IKEv2

/// Sealing and opening the SK payload beyond the known-answer exchange: every cipher and
/// integrity combination, CBC padding at every length, and each way an SK payload is refused.
final class SKProtectionTests: XCTestCase {
    private let header = IKEHeader(initiatorSPI: 0x0102_0304_0506_0708, responderSPI: 0x1112_1314_1516_1718,
                                   exchangeType: .informational, flags: .initiator, messageID: 7)

    private func key(_ count: Int, _ fill: UInt8) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0) &+ fill } }

    private func protection(_ encryption: EncryptionAlgorithm, _ integrity: IntegrityAlgorithm?) -> SKProtection {
        SKProtection(encryption: encryption, integrity: integrity, encryptionKey: key(encryption.keyMaterialLength, 0x30),
                     integrityKey: integrity.map { key($0.keyLength, 0x70) } ?? [])
    }

    private var combinations: [(EncryptionAlgorithm, IntegrityAlgorithm?)] {
        [128, 192, 256].map { (EncryptionAlgorithm.aesGCM16(keyBits: $0), nil) }
            + [128, 192, 256].flatMap { bits in IntegrityAlgorithm.allCases.map { (EncryptionAlgorithm.aesCBC(keyBits: bits), $0) } }
    }

    func testEveryCombinationRoundTripsWithAFreshIV() throws {
        let payloads: [Payload] = [.delete(.ikeSA), .notify(NotifyPayload(type: .initialContact))]
        for (encryption, integrity) in combinations {
            let p = protection(encryption, integrity)
            let first = try p.seal(header: header, payloads: payloads)
            let second = try p.seal(header: header, payloads: payloads)
            XCTAssertNotEqual(first, second, "a random IV each time (\(encryption))")
            let opened = try p.open(first)
            XCTAssertEqual(opened.payloads, payloads)
            XCTAssertEqual(opened.header.messageID, 7)
            XCTAssertEqual(opened.header.nextPayload, .encrypted)
            XCTAssertEqual(Int(opened.header.length), first.count)
            // Everything from the SK payload's IV on is unreadable without the key.
            let notifyInClear: [UInt8] = [0, 0, 0x40, 0x00]
            XCTAssertFalse((0...(first.count - 4)).contains { Array(first[$0..<($0 + 4)]) == notifyInClear },
                           "INITIAL_CONTACT in clear (\(encryption))")
        }
    }

    /// CBC: payloads | padding | pad length fill whole blocks, at every length (RFC 7296 §3.14).
    func testCBCPaddingAtEveryLength() throws {
        let p = protection(.aesCBC(keyBits: 128), .hmacSHA2_256_128)
        for length in 0...40 {
            let payloads: [Payload] = [.vendorID(Array(repeating: 0x5A, count: length))]
            let sealed = try p.seal(header: header, payloads: payloads, iv: Array(repeating: 1, count: 16))
            let ciphertext = sealed.count - IKEHeader.size - 4 - 16 - 16
            XCTAssertEqual(ciphertext % 16, 0)
            XCTAssertLessThan(ciphertext - (4 + length + 1), 16, "at most a block of padding")
            XCTAssertEqual(try p.open(sealed).payloads, payloads)
        }
    }

    /// GCM: no padding, an 8-octet IV, a 16-octet ICV.
    func testGCMLayout() throws {
        let p = protection(.aesGCM16(keyBits: 256), nil)
        let payloads: [Payload] = [.delete(.ikeSA)]
        let sealed = try p.seal(header: header, payloads: payloads, iv: Array(repeating: 9, count: 8))
        XCTAssertEqual(sealed.count, IKEHeader.size + 4 + 8 + (4 + 4 + 1) + 16)
        XCTAssertEqual(Array(sealed[(IKEHeader.size + 4)..<(IKEHeader.size + 12)]), Array(repeating: 9, count: 8))
        XCTAssertEqual(sealed[IKEHeader.size], PayloadType.delete.rawValue, "the SK payload names the first inner payload")
    }

    func testRefusals() throws {
        let gcm = protection(.aesGCM16(keyBits: 128), nil)
        func error(_ p: SKProtection, _ bytes: [UInt8]) -> SKProtectionError? {
            do { _ = try p.open(bytes); return nil } catch { return error }
        }
        // Not a message; no SK payload; an SK payload shorter than IV + ICV.
        XCTAssertEqual(error(gcm, [1, 2, 3]), .message(.truncated("IKE header")))
        XCTAssertEqual(error(gcm, IKEMessage(header: header, payloads: [.delete(.ikeSA)]).encode()), .noEncryptedPayload)
        let short = IKEMessage(header: header, payloads: [.encrypted(EncryptedPayload(firstInnerPayload: .delete,
                                                                                      data: Array(repeating: 0, count: 24)))])
        XCTAssertEqual(error(gcm, short.encode()), .malformedEncryptedPayload)
        // Keys of the wrong size.
        let shortKey = SKProtection(encryption: .aesGCM16(keyBits: 128), integrity: nil, encryptionKey: key(16, 0), integrityKey: [])
        XCTAssertThrowsError(try shortKey.seal(header: header, payloads: [])) { XCTAssertEqual($0 as? SKProtectionError, .badKey) }
        let noIntegrity = SKProtection(encryption: .aesCBC(keyBits: 128), integrity: nil, encryptionKey: key(16, 0), integrityKey: [])
        XCTAssertThrowsError(try noIntegrity.seal(header: header, payloads: [])) { XCTAssertEqual($0 as? SKProtectionError, .badKey) }
        XCTAssertThrowsError(try gcm.seal(header: header, payloads: [], iv: [1, 2, 3])) { XCTAssertEqual($0 as? SKProtectionError, .badKey) }
        let cbc = protection(.aesCBC(keyBits: 128), .hmacSHA2_256_128)
        let sealed = try cbc.seal(header: header, payloads: [.delete(.ikeSA)])
        let wrongIntegrityKey = SKProtection(encryption: .aesCBC(keyBits: 128), integrity: .hmacSHA2_256_128,
                                             encryptionKey: key(16, 0x30), integrityKey: key(20, 0x70))
        XCTAssertEqual(error(wrongIntegrityKey, sealed), .badKey)
        // Another integrity key, another integrity algorithm.
        XCTAssertEqual(error(SKProtection(encryption: .aesCBC(keyBits: 128), integrity: .hmacSHA2_256_128,
                                          encryptionKey: key(16, 0x30), integrityKey: key(32, 0x71)), sealed), .integrityCheckFailed)
        XCTAssertNotNil(error(protection(.aesCBC(keyBits: 128), .hmacSHA2_384_192), sealed))
    }

    /// A sender with the right keys but a broken plaintext: a pad length longer than the
    /// plaintext, inner payloads that do not parse, a CBC ciphertext that is not whole blocks.
    func testBrokenPlaintextFromAnAuthenticSender() throws {
        let p = protection(.aesGCM16(keyBits: 128), nil)
        func gcmSealed(_ plaintext: [UInt8], first: PayloadType) throws -> [UInt8] {
            let iv: [UInt8] = Array(repeating: 3, count: 8)
            let skLength = 4 + 8 + plaintext.count + 16
            var h = header
            h.nextPayload = .encrypted
            h.length = UInt32(IKEHeader.size + skLength)
            let aad = h.encoded + [first.rawValue, 0, UInt8(skLength >> 8), UInt8(skLength & 0xFF)]
            let k = p.encryptionKey
            let box = try AES.GCM.seal(plaintext, using: SymmetricKey(data: k.prefix(16)),
                                       nonce: AES.GCM.Nonce(data: k.suffix(4) + iv), authenticating: aad)
            return aad + iv + Array(box.ciphertext) + Array(box.tag)
        }
        let delete: [UInt8] = [0, 0, 0, 8, 1, 0, 0, 0]
        XCTAssertEqual(try p.open(gcmSealed(delete + [0, 0, 2], first: .delete)).payloads, [.delete(.ikeSA)], "padding is allowed")
        XCTAssertThrowsError(try p.open(gcmSealed(delete + [200], first: .delete))) { XCTAssertEqual($0 as? SKProtectionError, .badPadding) }
        XCTAssertThrowsError(try p.open(gcmSealed([1], first: .delete))) { XCTAssertEqual($0 as? SKProtectionError, .badPadding) }
        XCTAssertThrowsError(try p.open(gcmSealed(delete + [0], first: .nonce))) {
            XCTAssertEqual($0 as? SKProtectionError, .innerPayloads(.malformedPayload(.nonce, "nonce of 4 octets")))
        }
        XCTAssertThrowsError(try p.open(gcmSealed([0, 0, 0, 9, 1, 0, 0, 0, 0], first: .delete))) {
            XCTAssertEqual($0 as? SKProtectionError, .innerPayloads(.badPayloadLength(.delete, 9)))
        }

        // CBC with a valid checksum over a ciphertext of 15 octets.
        let cbc = protection(.aesCBC(keyBits: 128), .hmacSHA2_256_128)
        let skLength = 4 + 16 + 15 + 16
        var h = header
        h.nextPayload = .encrypted
        h.length = UInt32(IKEHeader.size + skLength)
        let signed = h.encoded + [PayloadType.delete.rawValue, 0, 0, UInt8(skLength)] + Array(repeating: 0, count: 16 + 15)
        let datagram = signed + IntegrityAlgorithm.hmacSHA2_256_128.checksum(key: cbc.integrityKey, data: signed)
        XCTAssertThrowsError(try cbc.open(datagram)) { XCTAssertEqual($0 as? SKProtectionError, .malformedEncryptedPayload) }
    }

    /// Altered, cut and extended datagrams are refused, never trapped on.
    func testOpenNeverTraps() throws {
        var rng = SeededGenerator(state: 0x5EA1)
        for (encryption, integrity) in combinations {
            let p = protection(encryption, integrity)
            let sealed = try p.seal(header: header, payloads: [.delete(.ikeSA), .vendorID(Array(repeating: 1, count: 20))])
            for _ in 0..<300 {
                var bytes = sealed
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[Int.random(in: 0..<bytes.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
                case 1: bytes.removeLast(Int.random(in: 1...(bytes.count - IKEHeader.size), using: &rng))
                default: bytes += (0..<Int.random(in: 1...20, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                }
                if Bool.random(using: &rng) {
                    bytes[26] = UInt8(bytes.count >> 8)
                    bytes[27] = UInt8(bytes.count & 0xFF)
                }
                if bytes != sealed { XCTAssertThrowsError(try p.open(bytes)) }
            }
        }
    }
}
