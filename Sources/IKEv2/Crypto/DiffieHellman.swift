import Crypto

/// Why a key exchange could not be done.
public enum KeyExchangeError: Error, Hashable, Sendable {
    /// A group this module does not implement.
    case unsupportedGroup(DHGroupID)
    /// A private key of the wrong size for its group.
    case invalidPrivateKey
    /// The peer's KE data is not a valid public value of the group (RFC 7296 §3.4: its length
    /// is fixed by the group; an invalid point or a trivial value is refused).
    case invalidPublicValue
}

/// Our side of one Diffie-Hellman exchange: a fresh private key in a group, its public value for
/// the KE payload, and the shared secret g^ir from the peer's public value.
public struct DiffieHellman: Sendable {
    /// The groups implemented, in no particular order.
    public static let supportedGroups: [DHGroupID] = [.modp1536, .modp2048, .ecp256, .ecp384, .ecp521, .curve25519]

    private enum Key: Sendable {
        case ecp256(P256.KeyAgreement.PrivateKey)
        case ecp384(P384.KeyAgreement.PrivateKey)
        case ecp521(P521.KeyAgreement.PrivateKey)
        case curve25519(Curve25519.KeyAgreement.PrivateKey)
        case modp(MODPGroup, exponent: [UInt8])
    }

    public let group: DHGroupID
    private let key: Key
    /// The KE payload's data: x | y for ECP groups (RFC 5903 §7), u for Curve25519 (RFC 8031),
    /// g^x mod p padded to the prime's size for MODP.
    public let publicValue: [UInt8]

    public static func isSupported(_ group: DHGroupID) -> Bool { supportedGroups.contains(group) }

    /// A fresh random private key.
    public init(group: DHGroupID) throws(KeyExchangeError) {
        switch group {
        case .ecp256: try self.init(group: group, key: .ecp256(P256.KeyAgreement.PrivateKey()))
        case .ecp384: try self.init(group: group, key: .ecp384(P384.KeyAgreement.PrivateKey()))
        case .ecp521: try self.init(group: group, key: .ecp521(P521.KeyAgreement.PrivateKey()))
        case .curve25519: try self.init(group: group, key: .curve25519(Curve25519.KeyAgreement.PrivateKey()))
        default:
            guard let modp = MODPGroup.group(group) else { throw .unsupportedGroup(group) }
            var rng = SystemRandomNumberGenerator()
            var exponent = (0..<modp.exponentSize).map { _ in UInt8.random(in: 0...255, using: &rng) }
            exponent[0] |= 0x80  // full size, never zero
            try self.init(group: group, key: .modp(modp, exponent: exponent))
        }
    }

    /// A given private key: the scalar (ECP), the 32-octet X25519 key, or the MODP exponent
    /// (big-endian). For known-answer tests and reproducible benchmarks.
    public init(group: DHGroupID, privateKey: [UInt8]) throws(KeyExchangeError) {
        do {
            switch group {
            case .ecp256: try self.init(group: group, key: .ecp256(try P256.KeyAgreement.PrivateKey(rawRepresentation: privateKey)))
            case .ecp384: try self.init(group: group, key: .ecp384(try P384.KeyAgreement.PrivateKey(rawRepresentation: privateKey)))
            case .ecp521: try self.init(group: group, key: .ecp521(try P521.KeyAgreement.PrivateKey(rawRepresentation: privateKey)))
            case .curve25519:
                try self.init(group: group, key: .curve25519(try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: privateKey)))
            default:
                guard let modp = MODPGroup.group(group) else { throw KeyExchangeError.unsupportedGroup(group) }
                guard !privateKey.isEmpty, privateKey.contains(where: { $0 != 0 }) else { throw KeyExchangeError.invalidPrivateKey }
                try self.init(group: group, key: .modp(modp, exponent: privateKey))
            }
        } catch let error as KeyExchangeError {
            throw error
        } catch {
            throw .invalidPrivateKey
        }
    }

    private init(group: DHGroupID, key: Key) throws(KeyExchangeError) {
        self.group = group
        self.key = key
        switch key {
        case .ecp256(let k): publicValue = Array(k.publicKey.rawRepresentation)
        case .ecp384(let k): publicValue = Array(k.publicKey.rawRepresentation)
        case .ecp521(let k): publicValue = Array(k.publicKey.rawRepresentation)
        case .curve25519(let k): publicValue = Array(k.publicKey.rawRepresentation)
        case .modp(let g, let exponent): publicValue = g.publicValue(exponent: exponent)
        }
    }

    /// g^ir: the ECP point's x coordinate (RFC 5903 §7), X25519's output, or the MODP value
    /// padded to the prime's size.
    public func sharedSecret(peerPublicValue peer: [UInt8]) throws(KeyExchangeError) -> [UInt8] {
        do {
            let secret: SharedSecret
            switch key {
            case .ecp256(let k):
                guard peer.count == 64 else { throw KeyExchangeError.invalidPublicValue }
                secret = try k.sharedSecretFromKeyAgreement(with: P256.KeyAgreement.PublicKey(rawRepresentation: peer))
            case .ecp384(let k):
                guard peer.count == 96 else { throw KeyExchangeError.invalidPublicValue }
                secret = try k.sharedSecretFromKeyAgreement(with: P384.KeyAgreement.PublicKey(rawRepresentation: peer))
            case .ecp521(let k):
                guard peer.count == 132 else { throw KeyExchangeError.invalidPublicValue }
                secret = try k.sharedSecretFromKeyAgreement(with: P521.KeyAgreement.PublicKey(rawRepresentation: peer))
            case .curve25519(let k):
                guard peer.count == 32 else { throw KeyExchangeError.invalidPublicValue }
                secret = try k.sharedSecretFromKeyAgreement(with: Curve25519.KeyAgreement.PublicKey(rawRepresentation: peer))
            case .modp(let g, let exponent):
                guard let value = g.sharedSecret(exponent: exponent, peer: peer) else { throw KeyExchangeError.invalidPublicValue }
                return value
            }
            let bytes = secret.withUnsafeBytes { Array($0) }
            // RFC 8031 §2.1: an all-zero X25519 output means a low-order point.
            guard bytes.contains(where: { $0 != 0 }) else { throw KeyExchangeError.invalidPublicValue }
            return bytes
        } catch let error as KeyExchangeError {
            throw error
        } catch {
            throw .invalidPublicValue
        }
    }
}
