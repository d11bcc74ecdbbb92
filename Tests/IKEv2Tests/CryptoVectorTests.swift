import Crypto
import XCTest
@testable import IKEv2

/// The primitives against published test vectors: RFC 4231 (HMAC-SHA2, for the PRFs and, cut,
/// for RFC 4868's integrity checksums), RFC 5869 (HKDF-Expand, which is prf+ with HMAC),
/// RFC 5903 §8.1 (ECP-256) and RFC 7748 §6.1 (X25519).
final class CryptoVectorTests: XCTestCase {
    /// RFC 4231 test cases 1, 2, 6 and 7: key, data, then HMAC-SHA-256, -384, -512.
    private let rfc4231: [(key: [UInt8], data: [UInt8], sha256: String, sha384: String, sha512: String)] = [
        (Array(repeating: 0x0B, count: 20), Array("Hi There".utf8),
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
         "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6",
         "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4"
            + "be9d914eeb61f1702e696c203a126854"),
        (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
         "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649",
         "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fd"
            + "caeab1a34d4a6b4b636e070a38bce737"),
        (Array(repeating: 0xAA, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
         "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952",
         "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e52"
            + "95e64f73f63f0aec8b915a985d786598"),
        (Array(repeating: 0xAA, count: 131),
         Array(("This is a test using a larger than block-size key and a larger than block-size data. The key needs to "
                + "be hashed before being used by the HMAC algorithm.").utf8),
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
         "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5a678cc31e799176d3860e6110c46523e",
         "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944b6022cac3c4982b10d5eeb55c3e4de15"
            + "134676fb6de0446065c97440fa8c6a58"),
    ]

    func testPRFsAgainstRFC4231() {
        for (index, v) in rfc4231.enumerated() {
            XCTAssertEqual(hexString(PRFAlgorithm.hmacSHA2_256.compute(key: v.key, data: v.data)), v.sha256, "case \(index)")
            XCTAssertEqual(hexString(PRFAlgorithm.hmacSHA2_384.compute(key: v.key, data: v.data)), v.sha384, "case \(index)")
            XCTAssertEqual(hexString(PRFAlgorithm.hmacSHA2_512.compute(key: v.key, data: v.data)), v.sha512, "case \(index)")
        }
    }

    /// RFC 4868 §2.3: the checksum is the HMAC's first half.
    func testIntegrityChecksumsAreTruncatedRFC4231Values() {
        for v in rfc4231 {
            XCTAssertEqual(hexString(IntegrityAlgorithm.hmacSHA2_256_128.checksum(key: v.key, data: v.data)), String(v.sha256.prefix(32)))
            XCTAssertEqual(hexString(IntegrityAlgorithm.hmacSHA2_384_192.checksum(key: v.key, data: v.data)), String(v.sha384.prefix(48)))
            XCTAssertEqual(hexString(IntegrityAlgorithm.hmacSHA2_512_256.checksum(key: v.key, data: v.data)), String(v.sha512.prefix(64)))
        }
        XCTAssertEqual(IntegrityAlgorithm.allCases.map(\.keyLength), [32, 48, 64])
        XCTAssertEqual(IntegrityAlgorithm.allCases.map(\.icvLength), [16, 24, 32])
    }

    /// prf+ with HMAC is HKDF-Expand (RFC 5869 §2.3, T(0) empty): RFC 5869 test case 1, then
    /// swift-crypto's own HKDF for longer outputs and the other hashes.
    func testPRFPlusIsHKDFExpand() {
        let prk = hex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5")
        XCTAssertEqual(hexString(PRFAlgorithm.hmacSHA2_256.plus(key: prk, seed: hex("f0f1f2f3f4f5f6f7f8f9"), length: 42)),
                       "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")
        let seed = Array(0..<77 as Range<UInt8>)
        let key = Array(repeating: UInt8(0x42), count: 48)
        for length in [1, 32, 33, 200, 1000] {
            let info = Data(seed)
            XCTAssertEqual(PRFAlgorithm.hmacSHA2_256.plus(key: key, seed: seed, length: length),
                           HKDF<SHA256>.expand(pseudoRandomKey: SymmetricKey(data: key), info: info, outputByteCount: length)
                               .withUnsafeBytes { Array($0) })
            XCTAssertEqual(PRFAlgorithm.hmacSHA2_384.plus(key: key, seed: seed, length: length),
                           HKDF<SHA384>.expand(pseudoRandomKey: SymmetricKey(data: key), info: info, outputByteCount: length)
                               .withUnsafeBytes { Array($0) })
            XCTAssertEqual(PRFAlgorithm.hmacSHA2_512.plus(key: key, seed: seed, length: length),
                           HKDF<SHA512>.expand(pseudoRandomKey: SymmetricKey(data: key), info: info, outputByteCount: length)
                               .withUnsafeBytes { Array($0) })
        }
    }

    /// RFC 5903 §8.1: the KE payload holds x | y, the shared secret is the x coordinate.
    func testECP256AgainstRFC5903() throws {
        let i = try DiffieHellman(group: .ecp256, privateKey: hex("C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433"))
        let r = try DiffieHellman(group: .ecp256, privateKey: hex("C6EF9C5D78AE012A011164ACB397CE2088685D8F06BF9BE0B283AB46476BEE53"))
        let gi = hex("DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180"
                     + "5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3")
        let gr = hex("D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63"
                     + "56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB")
        let girx = hex("D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE")
        XCTAssertEqual(i.publicValue, gi)
        XCTAssertEqual(r.publicValue, gr)
        XCTAssertEqual(try i.sharedSecret(peerPublicValue: gr), girx)
        XCTAssertEqual(try r.sharedSecret(peerPublicValue: gi), girx)
    }

    /// RFC 7748 §6.1.
    func testCurve25519AgainstRFC7748() throws {
        let alice = try DiffieHellman(group: .curve25519, privateKey: hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"))
        let bob = try DiffieHellman(group: .curve25519, privateKey: hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"))
        XCTAssertEqual(hexString(alice.publicValue), "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
        XCTAssertEqual(hexString(bob.publicValue), "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")
        let shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"
        XCTAssertEqual(hexString(try alice.sharedSecret(peerPublicValue: bob.publicValue)), shared)
        XCTAssertEqual(hexString(try bob.sharedSecret(peerPublicValue: alice.publicValue)), shared)
    }

    /// ECP-384, ECP-521 and MODP-1536 against pyca/cryptography and Python's own arithmetic
    /// (scripts/ikev2-vectors.py); the other groups are in the known-answer exchanges.
    func testOtherGroupsAgainstAnIndependentImplementation() throws {
        XCTAssertEqual(KnownAnswer.keyExchanges.map(\.group), [.ecp384, .ecp521, .modp1536])
        for v in KnownAnswer.keyExchanges {
            let i = try DiffieHellman(group: v.group, privateKey: v.privateI)
            let r = try DiffieHellman(group: v.group, privateKey: v.privateR)
            XCTAssertEqual(i.publicValue, v.publicI, "\(v.group)")
            XCTAssertEqual(r.publicValue, v.publicR, "\(v.group)")
            XCTAssertEqual(try i.sharedSecret(peerPublicValue: v.publicR), v.shared, "\(v.group)")
            XCTAssertEqual(try r.sharedSecret(peerPublicValue: v.publicI), v.shared, "\(v.group)")
        }
    }

    /// Fresh keys in every group agree with each other, at the group's sizes (RFC 7296 §3.4).
    func testEveryGroupAgrees() throws {
        let sizes: [DHGroupID: (publicValue: Int, secret: Int)] = [
            .modp1536: (192, 192), .modp2048: (256, 256), .ecp256: (64, 32), .ecp384: (96, 48), .ecp521: (132, 66),
            .curve25519: (32, 32),
        ]
        XCTAssertEqual(Set(DiffieHellman.supportedGroups), Set(sizes.keys))
        for (group, size) in sizes {
            let a = try DiffieHellman(group: group)
            let b = try DiffieHellman(group: group)
            XCTAssertEqual(a.publicValue.count, size.publicValue, "\(group)")
            XCTAssertNotEqual(a.publicValue, b.publicValue, "\(group)")
            let secret = try a.sharedSecret(peerPublicValue: b.publicValue)
            XCTAssertEqual(secret.count, size.secret, "\(group)")
            XCTAssertEqual(secret, try b.sharedSecret(peerPublicValue: a.publicValue), "\(group)")
        }
    }

    /// MODP values are left-padded to the prime's size: an exponent of 1 gives g = 2 in 256 octets.
    func testMODPValuesArePaddedToTheGroupSize() throws {
        let one = try DiffieHellman(group: .modp2048, privateKey: [1])
        XCTAssertEqual(one.publicValue, [UInt8](repeating: 0, count: 255) + [2])
        let peer = try DiffieHellman(group: .modp2048, privateKey: [3])  // 8
        XCTAssertEqual(try one.sharedSecret(peerPublicValue: peer.publicValue), [UInt8](repeating: 0, count: 255) + [8])
    }

    func testKeyExchangeRefusals() throws {
        XCTAssertThrowsError(try DiffieHellman(group: .modp1024)) { XCTAssertEqual($0 as? KeyExchangeError, .unsupportedGroup(.modp1024)) }
        XCTAssertThrowsError(try DiffieHellman(group: .ecp256, privateKey: [1, 2, 3])) {
            XCTAssertEqual($0 as? KeyExchangeError, .invalidPrivateKey)
        }
        XCTAssertThrowsError(try DiffieHellman(group: .modp2048, privateKey: [0, 0])) {
            XCTAssertEqual($0 as? KeyExchangeError, .invalidPrivateKey)
        }
        func refuses(_ group: DHGroupID, _ peer: [UInt8], line: UInt = #line) throws {
            // A small MODP exponent: the value is refused before any exponentiation.
            let ours = try group == .modp2048 ? DiffieHellman(group: group, privateKey: [5]) : DiffieHellman(group: group)
            XCTAssertThrowsError(try ours.sharedSecret(peerPublicValue: peer), line: line) {
                XCTAssertEqual($0 as? KeyExchangeError, .invalidPublicValue, line: line)
            }
        }
        let p2048 = hex("""
            FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD
            EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED
            EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F
            83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B
            E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510
            15728E5A8AACAA68FFFFFFFFFFFFFFFF
            """)
        var pMinus1 = p2048
        pMinus1[255] -= 1
        for trivial in [[UInt8](repeating: 0, count: 256), [UInt8](repeating: 0, count: 255) + [1], pMinus1, p2048,
                        [UInt8](repeating: 0xFF, count: 256), [UInt8](repeating: 2, count: 255)] {
            try refuses(.modp2048, trivial)
        }
        try refuses(.ecp256, [UInt8](repeating: 1, count: 64))  // not on the curve
        try refuses(.ecp256, [4] + [UInt8](repeating: 1, count: 64))  // SEC1 form, not IKE's
        try refuses(.ecp256, [])
        try refuses(.curve25519, [UInt8](repeating: 0, count: 32))  // low order: all-zero secret
        try refuses(.curve25519, [UInt8](repeating: 9, count: 31))
        try refuses(.ecp384, [UInt8](repeating: 1, count: 96))
    }

    /// RFC 7296 §2.23: SHA-1 over SPIi | SPIr | address | port, computed here by hand.
    func testNATDetectionHash() {
        let data = hex("1d418169b24bf95a 0000000000000000 0a000002 01f4")
        XCTAssertEqual(NATDetection.hash(initiatorSPI: 0x1D41_8169_B24B_F95A, responderSPI: 0, address: [10, 0, 0, 2], port: 500),
                       Array(Insecure.SHA1.hash(data: data)))
        XCTAssertEqual(hexString(Array(Insecure.SHA1.hash(data: Array("abc".utf8)))), "a9993e364706816aba3e25717850c26c9cd0d89d")
        let ipv6 = NATDetection.hash(initiatorSPI: 1, responderSPI: 2, address: [UInt8](repeating: 0xFE, count: 16), port: 4500)
        XCTAssertEqual(ipv6.count, 20)
        XCTAssertNotEqual(ipv6, NATDetection.hash(initiatorSPI: 1, responderSPI: 2, address: [UInt8](repeating: 0xFE, count: 16), port: 500))
    }
}
