import Crypto
import _CryptoExtras
import Foundation

/// Why an SK payload could not be opened (or sealed).
public enum SKProtectionError: Error, Hashable, Sendable {
    /// The message holds no SK payload.
    case noEncryptedPayload
    /// Shorter than IV + ICV, or CBC ciphertext not a multiple of the block size.
    case malformedEncryptedPayload
    /// The ICV (or GCM tag) does not match: wrong keys or altered bytes (RFC 7296 §2.21: drop it).
    case integrityCheckFailed
    /// The Pad Length octet says more than the plaintext holds.
    case badPadding
    /// Keys of the wrong length for the algorithms.
    case badKey
    /// The decrypted payload chain does not parse.
    case innerPayloads(IKEv2DecodeError)
    /// The message itself does not parse.
    case message(IKEv2DecodeError)
}

/// Seals and opens the SK payload (RFC 7296 §3.14) for one direction of an IKE SA: AES-GCM-16
/// (RFC 5282: the SK_e key's last 4 octets are the salt, nonce = salt | 8-octet IV, AAD = IKE header
/// | SK generic header, 16-octet ICV), or AES-CBC with truncated HMAC-SHA2 over everything from the
/// IKE header to the end of the ciphertext.
public struct SKProtection: Sendable {
    public let encryption: EncryptionAlgorithm
    public let integrity: IntegrityAlgorithm?
    public let encryptionKey: [UInt8]
    public let integrityKey: [UInt8]

    public init(encryption: EncryptionAlgorithm, integrity: IntegrityAlgorithm?, encryptionKey: [UInt8], integrityKey: [UInt8]) {
        self.encryption = encryption
        self.integrity = encryption.isAEAD ? nil : integrity
        self.encryptionKey = encryptionKey
        self.integrityKey = integrityKey
    }

    private var icvLength: Int { encryption.isAEAD ? 16 : (integrity?.icvLength ?? 0) }
    private var blockSize: Int { encryption.isAEAD ? 1 : 16 }

    /// A whole datagram: `header` (its Next Payload and Length are set here) and one SK payload
    /// holding `payloads`. `iv` is for tests; by default a random one is drawn.
    public func seal(header: IKEHeader, payloads: [Payload], iv: [UInt8]? = nil) throws(SKProtectionError) -> [UInt8] {
        guard encryptionKey.count == encryption.keyMaterialLength,
              encryption.isAEAD || (integrity != nil && integrityKey.count == integrity!.keyLength) else { throw .badKey }
        let chain = PayloadChain.encode(payloads)
        let ivBytes = iv ?? Self.randomBytes(encryption.ivLength)
        guard ivBytes.count == encryption.ivLength else { throw .badKey }
        // Pad so that payloads | padding | pad length fills whole blocks (none needed for GCM).
        let padLength = (blockSize - (chain.bytes.count + 1) % blockSize) % blockSize
        let plaintext = chain.bytes + [UInt8](repeating: 0, count: padLength) + [UInt8(padLength)]
        let skLength = 4 + ivBytes.count + plaintext.count + icvLength
        var header = header
        header.nextPayload = .encrypted
        header.length = UInt32(IKEHeader.size + skLength)
        var w = ByteWriter()
        header.encode(into: &w)
        w.uint8(chain.first.rawValue)
        w.uint8(0)
        w.uint16(UInt16(truncatingIfNeeded: skLength))
        let authenticated = w.bytes
        do {
            switch encryption {
            case .aesGCM16:
                let keyLength = encryptionKey.count - 4
                let key = SymmetricKey(data: encryptionKey.prefix(keyLength))
                let nonce = try AES.GCM.Nonce(data: encryptionKey.suffix(4) + ivBytes)
                let box = try AES.GCM.seal(plaintext, using: key, nonce: nonce, authenticating: authenticated)
                return authenticated + ivBytes + Array(box.ciphertext) + Array(box.tag)
            case .aesCBC:
                let ciphertext = try AES._CBC.encrypt(plaintext, using: SymmetricKey(data: encryptionKey),
                                                      iv: AES._CBC.IV(ivBytes: ivBytes), noPadding: true)
                let signed = authenticated + ivBytes + Array(ciphertext)
                return signed + integrity!.checksum(key: integrityKey, data: signed)
            }
        } catch {
            throw .badKey
        }
    }

    /// Decodes a datagram whose last payload is SK, checks its integrity and decrypts it: the
    /// message's header and the inner payloads (any payloads before SK are dropped, as RFC 7296
    /// §3.14 says nothing may stand outside it in these exchanges).
    public func open(_ datagram: [UInt8]) throws(SKProtectionError) -> IKEMessage {
        let message: IKEMessage
        do { message = try IKEMessage.decode(datagram) } catch { throw .message(error) }
        guard let sk = message.encrypted else { throw .noEncryptedPayload }
        let ivLength = encryption.ivLength
        guard sk.data.count >= ivLength + icvLength + 1 else { throw .malformedEncryptedPayload }
        let authenticatedEnd = datagram.count - sk.data.count
        let authenticated = Array(datagram[..<authenticatedEnd])
        let iv = Array(sk.data.prefix(ivLength))
        let ciphertext = Array(sk.data[ivLength..<(sk.data.count - icvLength)])
        let icv = Array(sk.data.suffix(icvLength))
        var plaintext: [UInt8]
        switch encryption {
        case .aesGCM16:
            guard encryptionKey.count == encryption.keyMaterialLength else { throw .badKey }
            do {
                let key = SymmetricKey(data: encryptionKey.prefix(encryptionKey.count - 4))
                let nonce = try AES.GCM.Nonce(data: encryptionKey.suffix(4) + iv)
                let box = try AES.GCM.SealedBox(nonce: nonce, ciphertext: ciphertext, tag: icv)
                plaintext = Array(try AES.GCM.open(box, using: key, authenticating: authenticated))
            } catch {
                throw .integrityCheckFailed
            }
        case .aesCBC:
            guard let integrity, integrityKey.count == integrity.keyLength, encryptionKey.count == encryption.keyMaterialLength else {
                throw .badKey
            }
            let expected = integrity.checksum(key: integrityKey, data: datagram[..<(datagram.count - icvLength)])
            guard constantTimeEqual(expected, icv) else { throw .integrityCheckFailed }
            guard ciphertext.count % 16 == 0 else { throw .malformedEncryptedPayload }
            do {
                plaintext = Array(try AES._CBC.decrypt(ciphertext, using: SymmetricKey(data: encryptionKey),
                                                       iv: AES._CBC.IV(ivBytes: iv), noPadding: true))
            } catch {
                throw .malformedEncryptedPayload
            }
        }
        guard let padLength = plaintext.last, Int(padLength) + 1 <= plaintext.count else { throw .badPadding }
        plaintext.removeLast(Int(padLength) + 1)
        do {
            let inner = try PayloadChain.decode(first: sk.firstInnerPayload, bytes: plaintext[...])
            return IKEMessage(header: message.header, payloads: inner)
        } catch {
            throw .innerPayloads(error)
        }
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }
}
