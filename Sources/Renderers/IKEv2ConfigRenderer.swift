import Device

// `show crypto ikev2 proposal [NAME]`, `show crypto ikev2 policy [NAME]` and the global
// `crypto ikev2` lines of the running configuration, from the model (IKEv2Proposals.swift).
extension FlexVPNRenderer {
    /// `crypto ikev2 limit max-sa`, `limit max-in-negotiation-sa`, `cookie-challenge`.
    public static func globalLines(_ c: RunningConfig) -> [String] {
        var out: [String] = []
        if let limit = c.ikev2MaxSA { out.append("crypto ikev2 limit max-sa \(limit)") }
        let g = c.flexVPN.global
        if let limit = g.maxInNegotiation {
            out.append("crypto ikev2 limit max-in-negotiation-sa \(limit)" + (g.maxInNegotiationDirection.map { " " + $0.rawValue } ?? ""))
        }
        if let n = g.cookieChallenge { out.append("crypto ikev2 cookie-challenge \(n)") }
        return out
    }

    /// `show crypto ikev2 proposal [NAME]`: IOS's default, then the configured proposals (as an
    /// IOS XE capture shows them; the name line ends in a blank):
    /// ```
    ///  IKEv2 proposal: default
    ///      Encryption : AES-CBC-256
    ///      Integrity  : SHA512 SHA384
    ///      PRF        : SHA512 SHA384
    ///      DH Group   : DH_GROUP_256_ECP/Group 19 DH_GROUP_2048_MODP/Group 14 …
    /// ```
    /// An AES-GCM-only proposal has no Integrity line; without `prf` the PRFs are the integrity
    /// algorithms, as IOS uses them (`integrity sha1` shows `Integrity  : SHA96`, `PRF        : SHA1`).
    public static func showProposals(_ device: Device, name: String?, emit: (String) -> Void) {
        let flex = device.config.flexVPN
        var all = flex.proposals
        if !all.contains(where: { $0.name == "default" }) { all.insert(.iosDefault, at: 0) }
        for p in all where name == nil || p.name == name {
            emit(" IKEv2 proposal: \(p.name) ")
            emit("     Encryption : " + p.encryptions.map(\.showName).joined(separator: " "))
            if !p.integrities.isEmpty { emit("     Integrity  : " + p.integrities.map(\.integrityShowName).joined(separator: " ")) }
            emit("     PRF        : " + p.effectivePRFs.map(\.prfShowName).joined(separator: " "))
            emit("     DH Group   : " + p.groups.map(IKEv2ProposalDefinition.groupShowName).joined(separator: " "))
        }
    }

    /// `show crypto ikev2 policy [NAME]`: IOS's default policy, then the configured ones (which,
    /// once there is one, decide alone: the default applies only while none is configured); the
    /// address and proposal lines end in a blank:
    /// ```
    ///  IKEv2 policy : default
    ///       Match fvrf : any
    ///       Match address local : any
    ///       Proposal    : default
    ///  IKEv2 policy : POL
    ///       Match fvrf  : global
    ///       Match address local : any
    ///       Proposal    : PROP
    /// ```
    public static func showPolicies(_ device: Device, name: String?, emit: (String) -> Void) {
        for p in [FlexVPNConfig.defaultPolicy] + device.config.flexVPN.policies where name == nil || p.name == name {
            let isDefault = p.name == "default"
            emit(" IKEv2 policy : \(p.name)")
            emit("      Match fvrf" + (isDefault ? " : " : "  : ") + (p.matchAnyFVRF ? "any" : "global"))
            if p.localAddresses.isEmpty {
                emit("      Match address local : any ")
            } else {
                for a in p.localAddresses { emit("      Match address local : \(a) ") }
            }
            for proposal in p.proposals { emit("      Proposal    : \(proposal) ") }
        }
    }
}
