import Crypto
import Foundation

/// The encryption algorithms this module can run for the SK payload (and negotiate for ESP).
public enum EncryptionAlgorithm: Hashable, Sendable, CustomStringConvertible {
    /// AES-GCM with a 16-octet ICV (RFC 5282); key of 128, 192 or 256 bits.
    case aesGCM16(keyBits: Int)
    /// AES-CBC (RFC 3602); key of 128, 192 or 256 bits; needs an integrity algorithm.
    case aesCBC(keyBits: Int)

    /// The algorithm of a transform, or nil if not implemented (unknown id or key length, or
    /// AES without its Key Length attribute, RFC 7296 §3.3.5).
    public init?(transform: Transform) {
        guard transform.type == .encryption, let bits = transform.keyLength, [128, 192, 256].contains(Int(bits)),
              transform.attributes.count == 1 else { return nil }
        switch EncryptionAlgorithmID(rawValue: transform.id) {
        case .aesGCM16: self = .aesGCM16(keyBits: Int(bits))
        case .aesCBC: self = .aesCBC(keyBits: Int(bits))
        default: return nil
        }
    }

    public var transform: Transform {
        switch self {
        case .aesGCM16(let bits): return .encryption(.aesGCM16, keyLength: UInt16(bits))
        case .aesCBC(let bits): return .encryption(.aesCBC, keyLength: UInt16(bits))
        }
    }

    /// Combined-mode (AEAD): no integrity transform, no SK_a.
    public var isAEAD: Bool { if case .aesGCM16 = self { return true } else { return false } }

    public var keyBits: Int {
        switch self {
        case .aesGCM16(let bits), .aesCBC(let bits): return bits
        }
    }

    /// Octets of SK_e (or of a Child SA's encryption key): GCM's key is followed by a 4-octet salt
    /// (RFC 5282 §7.1, RFC 4106 §8.1).
    public var keyMaterialLength: Int { keyBits / 8 + (isAEAD ? 4 : 0) }

    /// Octets of IV in each SK payload.
    var ivLength: Int { isAEAD ? 8 : 16 }

    /// As IOS names it in `show crypto ikev2 sa`: "AES-GCM, keysize: 256".
    public var description: String {
        switch self {
        case .aesGCM16(let bits): return "AES-GCM, keysize: \(bits)"
        case .aesCBC(let bits): return "AES-CBC, keysize: \(bits)"
        }
    }
}

/// The integrity algorithms implemented: truncated HMAC-SHA2 (RFC 4868).
public enum IntegrityAlgorithm: Hashable, Sendable, CaseIterable {
    case hmacSHA2_256_128
    case hmacSHA2_384_192
    case hmacSHA2_512_256

    public init?(transform: Transform) {
        guard transform.type == .integrity, transform.attributes.isEmpty else { return nil }
        switch IntegrityAlgorithmID(rawValue: transform.id) {
        case .hmacSHA2_256_128: self = .hmacSHA2_256_128
        case .hmacSHA2_384_192: self = .hmacSHA2_384_192
        case .hmacSHA2_512_256: self = .hmacSHA2_512_256
        default: return nil
        }
    }

    public var id: IntegrityAlgorithmID {
        switch self {
        case .hmacSHA2_256_128: return .hmacSHA2_256_128
        case .hmacSHA2_384_192: return .hmacSHA2_384_192
        case .hmacSHA2_512_256: return .hmacSHA2_512_256
        }
    }

    public var transform: Transform { .integrity(id) }

    /// Octets of SK_a: the hash's output length (RFC 4868 §2.1.1).
    public var keyLength: Int {
        switch self {
        case .hmacSHA2_256_128: return 32
        case .hmacSHA2_384_192: return 48
        case .hmacSHA2_512_256: return 64
        }
    }

    /// Octets of the truncated checksum.
    public var icvLength: Int { keyLength / 2 }

    /// The untruncated HMAC with the corresponding hash.
    var hmac: PRFAlgorithm {
        switch self {
        case .hmacSHA2_256_128: return .hmacSHA2_256
        case .hmacSHA2_384_192: return .hmacSHA2_384
        case .hmacSHA2_512_256: return .hmacSHA2_512
        }
    }

    public func checksum(key: [UInt8], data: some DataProtocol) -> [UInt8] {
        Array(hmac.compute(key: key, data: data).prefix(icvLength))
    }

    /// IOS's name in `show crypto ikev2 sa` ("Hash: SHA256").
    public var iosName: String {
        switch self {
        case .hmacSHA2_256_128: return "SHA256"
        case .hmacSHA2_384_192: return "SHA384"
        case .hmacSHA2_512_256: return "SHA512"
        }
    }
}

/// The pseudo-random functions implemented: HMAC-SHA2 (RFC 4868).
public enum PRFAlgorithm: Hashable, Sendable, CaseIterable {
    case hmacSHA2_256
    case hmacSHA2_384
    case hmacSHA2_512

    public init?(transform: Transform) {
        guard transform.type == .prf, transform.attributes.isEmpty else { return nil }
        switch PRFAlgorithmID(rawValue: transform.id) {
        case .hmacSHA2_256: self = .hmacSHA2_256
        case .hmacSHA2_384: self = .hmacSHA2_384
        case .hmacSHA2_512: self = .hmacSHA2_512
        default: return nil
        }
    }

    public var id: PRFAlgorithmID {
        switch self {
        case .hmacSHA2_256: return .hmacSHA2_256
        case .hmacSHA2_384: return .hmacSHA2_384
        case .hmacSHA2_512: return .hmacSHA2_512
        }
    }

    public var transform: Transform { .prf(id) }

    /// Octets of output, and of SK_d / SK_pi / SK_pr (RFC 7296 §2.14).
    public var outputLength: Int {
        switch self {
        case .hmacSHA2_256: return 32
        case .hmacSHA2_384: return 48
        case .hmacSHA2_512: return 64
        }
    }

    /// IOS's name in `show crypto ikev2 sa` ("PRF: SHA256").
    public var iosName: String {
        switch self {
        case .hmacSHA2_256: return "SHA256"
        case .hmacSHA2_384: return "SHA384"
        case .hmacSHA2_512: return "SHA512"
        }
    }

    /// prf(key, data).
    public func compute(key: some ContiguousBytes, data: some DataProtocol) -> [UInt8] {
        let k = SymmetricKey(data: key)
        switch self {
        case .hmacSHA2_256: return Array(HMAC<SHA256>.authenticationCode(for: data, using: k))
        case .hmacSHA2_384: return Array(HMAC<SHA384>.authenticationCode(for: data, using: k))
        case .hmacSHA2_512: return Array(HMAC<SHA512>.authenticationCode(for: data, using: k))
        }
    }

    /// prf+(K, S) = T1 | T2 | ..., T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n), cut to
    /// `length` octets (RFC 7296 §2.13). At most 255 blocks; a longer request is cut there.
    public func plus(key: [UInt8], seed: [UInt8], length: Int) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(length)
        var previous: [UInt8] = []
        var counter: UInt8 = 1
        while output.count < length {
            previous = compute(key: key, data: previous + seed + [counter])
            output += previous
            if counter == 255 { break }
            counter += 1
        }
        return Array(output.prefix(length))
    }
}

/// Compares two byte strings in time that depends only on their lengths.
func constantTimeEqual(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for (x, y) in zip(a, b) { difference |= x ^ y }
    return difference == 0
}
