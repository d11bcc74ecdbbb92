import XCTest
@testable import IKEv2

/// The IKE SA rekey's keys (RFC 7296 §2.18) against values computed by
/// `scripts/ikev2-rekey-vectors.py` (Python's hmac, nothing shared with the module): SKEYSEED with
/// the old SA's PRF over the old SK_d, the new secrets with the new suite's PRF.
final class RekeyVectorTests: XCTestCase {
    let oldSuite = IKECipherSuite(encryption: .aesCBC(keyBits: 256), integrity: .hmacSHA2_512_256, prf: .hmacSHA2_512,
                                  group: .ecp256)
    let newSuite = IKECipherSuite(encryption: .aesGCM16(keyBits: 256), integrity: nil, prf: .hmacSHA2_256, group: .ecp256)

    func oldKeys() -> IKESAKeys {
        IKESAKeys(suite: oldSuite, sharedSecret: Array(repeating: 0x5A, count: 32), nonceI: Array(0x00..<0x20),
                  nonceR: Array(0x20..<0x40), initiatorSPI: 0xA1A2_A3A4_A5A6_A7A8, responderSPI: 0xB1B2_B3B4_B5B6_B7B8)
    }

    func testRekeyedIKESAKeysAgainstAnIndependentImplementation() {
        let old = oldKeys()
        XCTAssertEqual(hexString(old.skD), "82d0db8141e31a8b5824914e9f1fe74ea72600cb386216a4670d922a2118986975149d6874dc32305b396adf99471a7213aa2d7267eaa8ffe4f76954c15b0d4b")
        let new = IKESAKeys(rekeying: old, suite: newSuite, sharedSecret: Array(repeating: 0xA5, count: 32),
                            nonceI: Array(0x40..<0x60), nonceR: Array(0x60..<0x80),
                            initiatorSPI: 0x0102_0304_0506_0708, responderSPI: 0x1112_1314_1516_1718)
        XCTAssertEqual(hexString(new.skeyseed), "088bec2a1a70ee4ac7e26c8066fb0eff4075150b29b11df32e27bbb55bb420f6129b628d205971f65b5e03b14864af06755110911db83019edf0169d1fe680a4")
        XCTAssertEqual(hexString(new.skD), "fa182ab5182070a2ad89a82b53a1e32bbdc8d1bb2703fb7792b90b1c1c929678")
        XCTAssertEqual(hexString(new.skEi), "7b8503445b1e07a093275ec0182b0f734ee630087b19fbcda1eb94b72b34c8c32789f53f")
        XCTAssertEqual(hexString(new.skEr), "09757f2dd36f9e4fcd8813d7f8a9c03793385e8d71509a1b5c74a7df4ce6c369a56d8992")
        XCTAssertEqual(hexString(new.skPi), "70dec3977e2bdb2e85416e742baae29756d9f364c3a5dda4a04f915eaacdb61e")
        XCTAssertEqual(hexString(new.skPr), "26bfe437a108b499e767507bee5b77f883b0ecdea901a5ff12fb284410b4bfed")
        XCTAssertTrue(new.skAi.isEmpty && new.skAr.isEmpty, "AEAD: no SK_a")
    }

    func testTheOldSKdMatters() {
        let old = oldKeys()
        let other = IKESAKeys(suite: oldSuite, sharedSecret: Array(repeating: 0x5B, count: 32), nonceI: Array(0x00..<0x20),
                              nonceR: Array(0x20..<0x40), initiatorSPI: 0xA1A2_A3A4_A5A6_A7A8, responderSPI: 0xB1B2_B3B4_B5B6_B7B8)
        func rekey(_ keys: IKESAKeys) -> IKESAKeys {
            IKESAKeys(rekeying: keys, suite: newSuite, sharedSecret: Array(repeating: 0xA5, count: 32),
                      nonceI: Array(0x40..<0x60), nonceR: Array(0x60..<0x80), initiatorSPI: 1, responderSPI: 2)
        }
        XCTAssertNotEqual(rekey(old).skEi, rekey(other).skEi)
        // Not the initial exchange's formula: SKEYSEED differs from prf(Ni | Nr, g^ir).
        XCTAssertNotEqual(rekey(old).skeyseed,
                          IKESAKeys(suite: newSuite, sharedSecret: Array(repeating: 0xA5, count: 32), nonceI: Array(0x40..<0x60),
                                    nonceR: Array(0x60..<0x80), initiatorSPI: 1, responderSPI: 2).skeyseed)
    }
}
