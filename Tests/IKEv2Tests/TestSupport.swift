@testable import IKEv2

/// Bytes from hex text; spaces and newlines are ignored.
func hex(_ text: String) -> [UInt8] {
    let digits = Array(text.filter { !$0.isWhitespace }.utf8)
    precondition(digits.count % 2 == 0, "odd hex length")
    func nibble(_ c: UInt8) -> UInt8 {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: preconditionFailure("not hex")
        }
    }
    return stride(from: 0, to: digits.count, by: 2).map { nibble(digits[$0]) << 4 | nibble(digits[$0 + 1]) }
}

func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}

/// SplitMix64: deterministic, so a failure reproduces.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// strongSwan 5.9's default IKE proposals as it sends them (one AEAD proposal, one with
/// integrity), cut to the algorithms that matter here.
let strongSwanDefaultOffer = SecurityAssociationPayload(proposals: [
    Proposal(number: 1, protocolID: .ike, transforms: [
        .encryption(.aesCBC, keyLength: 128), .encryption(.aesCBC, keyLength: 192), .encryption(.aesCBC, keyLength: 256),
        .integrity(.hmacSHA2_256_128), .integrity(.hmacSHA2_384_192), .integrity(.hmacSHA2_512_256), .integrity(.hmacSHA1_96),
        .prf(.hmacSHA2_256), .prf(.hmacSHA2_384), .prf(.hmacSHA2_512), .prf(.hmacSHA1),
        .keyExchange(.ecp256), .keyExchange(.ecp384), .keyExchange(.ecp521), .keyExchange(.curve25519), .keyExchange(.modp3072),
        .keyExchange(.modp2048),
    ]),
    Proposal(number: 2, protocolID: .ike, transforms: [
        .encryption(.aesGCM16, keyLength: 128), .encryption(.aesGCM16, keyLength: 192), .encryption(.aesGCM16, keyLength: 256),
        .prf(.hmacSHA2_256), .prf(.hmacSHA2_384), .prf(.hmacSHA2_512),
        .keyExchange(.ecp256), .keyExchange(.ecp384), .keyExchange(.curve25519), .keyExchange(.modp2048),
    ]),
])
