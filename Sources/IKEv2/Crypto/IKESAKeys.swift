/// The algorithms an IKE SA runs with, as chosen from a proposal.
public struct IKECipherSuite: Hashable, Sendable {
    public var encryption: EncryptionAlgorithm
    /// nil with an AEAD cipher.
    public var integrity: IntegrityAlgorithm?
    public var prf: PRFAlgorithm
    public var group: DHGroupID

    public init(encryption: EncryptionAlgorithm, integrity: IntegrityAlgorithm?, prf: PRFAlgorithm, group: DHGroupID) {
        self.encryption = encryption
        self.integrity = encryption.isAEAD ? nil : integrity
        self.prf = prf
        self.group = group
    }

    /// The SA payload's single proposal for the responder to send back, echoing the number.
    public func proposal(number: UInt8) -> Proposal {
        var transforms = [encryption.transform, prf.transform]
        if let integrity { transforms.append(integrity.transform) }
        transforms.append(.keyExchange(group))
        return Proposal(number: number, protocolID: .ike, transforms: transforms)
    }
}

/// Which end of the IKE SA we are (RFC 7296: the original initiator keeps the role on rekeys).
public enum IKERole: Hashable, Sendable {
    case initiator
    case responder
}

/// The seven secrets of an IKE SA (RFC 7296 §2.14).
public struct IKESAKeys: Hashable, Sendable {
    public let suite: IKECipherSuite
    public let skeyseed: [UInt8]
    public let skD: [UInt8]
    public let skAi: [UInt8]
    public let skAr: [UInt8]
    public let skEi: [UInt8]
    public let skEr: [UInt8]
    public let skPi: [UInt8]
    public let skPr: [UInt8]

    /// SKEYSEED = prf(Ni | Nr, g^ir); {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr}
    /// = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr). With an AEAD cipher SK_a are empty and each
    /// SK_e is the key followed by its salt.
    public init(suite: IKECipherSuite, sharedSecret: [UInt8], nonceI: [UInt8], nonceR: [UInt8],
                initiatorSPI: UInt64, responderSPI: UInt64) {
        self.init(suite: suite, skeyseed: suite.prf.compute(key: nonceI + nonceR, data: sharedSecret),
                  nonceI: nonceI, nonceR: nonceR, initiatorSPI: initiatorSPI, responderSPI: responderSPI)
    }

    /// The keys of the IKE SA that a CREATE_CHILD_SA rekey makes (RFC 7296 §2.18):
    /// SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr) with the old SA's PRF, then the seven
    /// secrets from prf+ of the new suite's PRF over the new nonces and SPIs, as in §2.14.
    public init(rekeying old: IKESAKeys, suite: IKECipherSuite, sharedSecret: [UInt8], nonceI: [UInt8], nonceR: [UInt8],
                initiatorSPI: UInt64, responderSPI: UInt64) {
        self.init(suite: suite, skeyseed: old.suite.prf.compute(key: old.skD, data: sharedSecret + nonceI + nonceR),
                  nonceI: nonceI, nonceR: nonceR, initiatorSPI: initiatorSPI, responderSPI: responderSPI)
    }

    private init(suite: IKECipherSuite, skeyseed: [UInt8], nonceI: [UInt8], nonceR: [UInt8],
                 initiatorSPI: UInt64, responderSPI: UInt64) {
        let prf = suite.prf
        let prfLength = prf.outputLength
        let integLength = suite.integrity?.keyLength ?? 0
        let encrLength = suite.encryption.keyMaterialLength
        let total = 3 * prfLength + 2 * integLength + 2 * encrLength
        let keymat = prf.plus(key: skeyseed, seed: nonceI + nonceR + initiatorSPI.bigEndianBytes + responderSPI.bigEndianBytes,
                              length: total)
        var offset = 0
        func take(_ n: Int) -> [UInt8] {
            defer { offset += n }
            return Array(keymat[offset..<(offset + n)])
        }
        self.suite = suite
        self.skeyseed = skeyseed
        skD = take(prfLength)
        skAi = take(integLength)
        skAr = take(integLength)
        skEi = take(encrLength)
        skEr = take(encrLength)
        skPi = take(prfLength)
        skPr = take(prfLength)
    }

    /// The protection of messages that `role` sends (and the other end receives).
    public func protection(sentBy role: IKERole) -> SKProtection {
        switch role {
        case .initiator: return SKProtection(encryption: suite.encryption, integrity: suite.integrity, encryptionKey: skEi, integrityKey: skAi)
        case .responder: return SKProtection(encryption: suite.encryption, integrity: suite.integrity, encryptionKey: skEr, integrityKey: skAr)
        }
    }

    /// SK_pi for the initiator's AUTH, SK_pr for the responder's.
    public func skP(of role: IKERole) -> [UInt8] { role == .initiator ? skPi : skPr }
}

/// The keys of a Child SA pair, from KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr) (RFC 7296 §2.17):
/// the initiator-to-responder SA's encryption then integrity key, then the other direction's.
public struct ChildSAKeys: Hashable, Sendable {
    public let initiatorToResponderEncryption: [UInt8]
    public let initiatorToResponderIntegrity: [UInt8]
    public let responderToInitiatorEncryption: [UInt8]
    public let responderToInitiatorIntegrity: [UInt8]

    public init(prf: PRFAlgorithm, skD: [UInt8], nonceI: [UInt8], nonceR: [UInt8], pfsSharedSecret: [UInt8]? = nil,
                encryption: EncryptionAlgorithm, integrity: IntegrityAlgorithm?) {
        let encrLength = encryption.keyMaterialLength
        let integLength = encryption.isAEAD ? 0 : (integrity?.keyLength ?? 0)
        let keymat = prf.plus(key: skD, seed: (pfsSharedSecret ?? []) + nonceI + nonceR, length: 2 * (encrLength + integLength))
        var offset = 0
        func take(_ n: Int) -> [UInt8] {
            defer { offset += n }
            return Array(keymat[offset..<(offset + n)])
        }
        initiatorToResponderEncryption = take(encrLength)
        initiatorToResponderIntegrity = take(integLength)
        responderToInitiatorEncryption = take(encrLength)
        responderToInitiatorIntegrity = take(integLength)
    }
}
