/// One `crypto ikev2 proposal`: the algorithms we accept, each list in our order of preference.
/// Lists are what the proposal effectively offers: with a non-AEAD cipher and no `prf` line, IOS
/// uses the integrity algorithms as PRFs, and the configuration layer fills `prfs` so.
public struct IKEv2ProposalConfig: Hashable, Sendable {
    public var name: String
    public var encryptions: [EncryptionAlgorithm]
    public var integrities: [IntegrityAlgorithm]
    public var prfs: [PRFAlgorithm]
    public var groups: [DHGroupID]

    public init(name: String, encryptions: [EncryptionAlgorithm], integrities: [IntegrityAlgorithm],
                prfs: [PRFAlgorithm], groups: [DHGroupID]) {
        self.name = name
        self.encryptions = encryptions
        self.integrities = integrities
        self.prfs = prfs
        self.groups = groups
    }

    /// IOS XE's `crypto ikev2 proposal default` (16.x and 17.x, `show crypto ikev2 proposal`):
    /// ```
    ///  IKEv2 proposal: default
    ///      Encryption : AES-CBC-256
    ///      Integrity  : SHA512 SHA384
    ///      PRF        : SHA512 SHA384
    ///      DH Group   : DH_GROUP_256_ECP/Group 19 DH_GROUP_2048_MODP/Group 14 DH_GROUP_521_ECP/Group 21 DH_GROUP_1536_MODP/Group 5
    /// ```
    public static let iosDefault = IKEv2ProposalConfig(
        name: "default",
        encryptions: [.aesCBC(keyBits: 256)],
        integrities: [.hmacSHA2_512_256, .hmacSHA2_384_192],
        prfs: [.hmacSHA2_512, .hmacSHA2_384],
        groups: [.ecp256, .modp2048, .ecp521, .modp1536])

    /// The SA payload an initiator built from this configuration sends: one proposal numbered 1
    /// (AEAD and non-AEAD ciphers go in separate proposals, RFC 7296 §3.3).
    public func offer(firstNumber: UInt8 = 1) -> SecurityAssociationPayload {
        let aead = encryptions.filter(\.isAEAD)
        let plain = encryptions.filter { !$0.isAEAD }
        var proposals: [Proposal] = []
        var number = firstNumber
        if !aead.isEmpty {
            proposals.append(Proposal(number: number, protocolID: .ike,
                                      transforms: aead.map(\.transform) + prfs.map(\.transform) + groups.map { .keyExchange($0) }))
            number &+= 1
        }
        if !plain.isEmpty {
            proposals.append(Proposal(number: number, protocolID: .ike,
                                      transforms: plain.map(\.transform) + prfs.map(\.transform) + integrities.map(\.transform)
                                        + groups.map { .keyExchange($0) }))
        }
        return SecurityAssociationPayload(proposals: proposals)
    }
}
