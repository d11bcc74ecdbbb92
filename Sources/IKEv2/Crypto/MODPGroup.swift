import BigInt
import Foundation

/// The MODP groups of RFC 3526 (generator 2). Each prime is
/// 2^n - 2^(n-64) - 1 + 2^64 * (floor(2^(n-130) * pi) + k), a safe prime.
struct MODPGroup: Sendable {
    let id: DHGroupID
    /// Octets of a public value and of the shared secret: the prime's size.
    let size: Int
    let prime: BigUInt
    /// Octets of our random private exponent: twice the group's security strength (NIST SP 800-56A).
    let exponentSize: Int

    init(id: DHGroupID, size: Int, primeHex: String, exponentSize: Int) {
        self.id = id
        self.size = size
        self.prime = BigUInt(primeHex, radix: 16)!
        self.exponentSize = exponentSize
    }

    static let modp1536 = MODPGroup(id: .modp1536, size: 192, primeHex: """
        FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD\
        EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED\
        EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F\
        83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA237327FFFFFFFFFFFFFFFF
        """, exponentSize: 32)

    static let modp2048 = MODPGroup(id: .modp2048, size: 256, primeHex: """
        FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD\
        EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED\
        EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F\
        83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B\
        E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510\
        15728E5A8AACAA68FFFFFFFFFFFFFFFF
        """, exponentSize: 32)

    static func group(_ id: DHGroupID) -> MODPGroup? {
        switch id {
        case .modp1536: return .modp1536
        case .modp2048: return .modp2048
        default: return nil
        }
    }

    /// g^x mod p, left-padded to the group's size (RFC 7296 §3.4).
    func publicValue(exponent: [UInt8]) -> [UInt8] {
        pad(BigUInt(2).power(BigUInt(Data(exponent)), modulus: prime))
    }

    /// y^x mod p, or nil when y is not a valid public value (not the group's size, or outside
    /// 1 < y < p-1, which would give a trivial secret).
    func sharedSecret(exponent: [UInt8], peer: [UInt8]) -> [UInt8]? {
        guard peer.count == size else { return nil }
        let p = prime
        let y = BigUInt(Data(peer))
        guard y > 1, y < p - 1 else { return nil }
        return pad(y.power(BigUInt(Data(exponent)), modulus: p))
    }

    private func pad(_ value: BigUInt) -> [UInt8] {
        let bytes = [UInt8](value.serialize())
        return [UInt8](repeating: 0, count: max(0, size - bytes.count)) + bytes
    }
}
