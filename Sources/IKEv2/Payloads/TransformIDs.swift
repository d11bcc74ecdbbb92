/// Transform types (RFC 7296 §3.3.2).
public struct TransformType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let encryption = TransformType(rawValue: 1)
    public static let prf = TransformType(rawValue: 2)
    public static let integrity = TransformType(rawValue: 3)
    public static let keyExchange = TransformType(rawValue: 4)
    public static let extendedSequenceNumbers = TransformType(rawValue: 5)

    public var description: String {
        switch self {
        case .encryption: return "ENCR"
        case .prf: return "PRF"
        case .integrity: return "INTEG"
        case .keyExchange: return "KE"
        case .extendedSequenceNumbers: return "ESN"
        default: return "TRANSFORM(\(rawValue))"
        }
    }
}

/// Transform type 1 identifiers (IANA "Transform Type 1 - Encryption Algorithm Transform IDs").
public struct EncryptionAlgorithmID: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let des3 = EncryptionAlgorithmID(rawValue: 3)
    public static let null = EncryptionAlgorithmID(rawValue: 11)
    public static let aesCBC = EncryptionAlgorithmID(rawValue: 12)
    public static let aesCTR = EncryptionAlgorithmID(rawValue: 13)
    public static let aesGCM8 = EncryptionAlgorithmID(rawValue: 18)
    public static let aesGCM12 = EncryptionAlgorithmID(rawValue: 19)
    public static let aesGCM16 = EncryptionAlgorithmID(rawValue: 20)
    public static let chaCha20Poly1305 = EncryptionAlgorithmID(rawValue: 28)
}

/// Transform type 2 identifiers.
public struct PRFAlgorithmID: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let hmacMD5 = PRFAlgorithmID(rawValue: 1)
    public static let hmacSHA1 = PRFAlgorithmID(rawValue: 2)
    public static let aes128XCBC = PRFAlgorithmID(rawValue: 4)
    public static let hmacSHA2_256 = PRFAlgorithmID(rawValue: 5)
    public static let hmacSHA2_384 = PRFAlgorithmID(rawValue: 6)
    public static let hmacSHA2_512 = PRFAlgorithmID(rawValue: 7)
}

/// Transform type 3 identifiers.
public struct IntegrityAlgorithmID: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let none = IntegrityAlgorithmID(rawValue: 0)
    public static let hmacMD5_96 = IntegrityAlgorithmID(rawValue: 1)
    public static let hmacSHA1_96 = IntegrityAlgorithmID(rawValue: 2)
    public static let aesXCBC96 = IntegrityAlgorithmID(rawValue: 5)
    public static let hmacSHA2_256_128 = IntegrityAlgorithmID(rawValue: 12)
    public static let hmacSHA2_384_192 = IntegrityAlgorithmID(rawValue: 13)
    public static let hmacSHA2_512_256 = IntegrityAlgorithmID(rawValue: 14)
}

/// Transform type 4 identifiers: Diffie-Hellman groups (RFC 7296, RFC 3526, RFC 5903, RFC 8031).
public struct DHGroupID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let none = DHGroupID(rawValue: 0)
    public static let modp768 = DHGroupID(rawValue: 1)
    public static let modp1024 = DHGroupID(rawValue: 2)
    public static let modp1536 = DHGroupID(rawValue: 5)
    public static let modp2048 = DHGroupID(rawValue: 14)
    public static let modp3072 = DHGroupID(rawValue: 15)
    public static let modp4096 = DHGroupID(rawValue: 16)
    public static let ecp256 = DHGroupID(rawValue: 19)
    public static let ecp384 = DHGroupID(rawValue: 20)
    public static let ecp521 = DHGroupID(rawValue: 21)
    public static let curve25519 = DHGroupID(rawValue: 31)
    public static let curve448 = DHGroupID(rawValue: 32)

    public var description: String { "group \(rawValue)" }
}

/// Transform type 5 identifiers.
public struct ESNID: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let noESN = ESNID(rawValue: 0)
    public static let esn = ESNID(rawValue: 1)
}
