import IKEv2
import RADIUS

// IKE_SA_INIT against the IOS configuration: the policy for the local address and its
// proposals (`crypto ikev2 policy`/`proposal`, or IOS's defaults), the half-open bound
// (`crypto ikev2 limit max-in-negotiation-sa`), and `debug crypto ikev2`'s lines for both.
extension Device {
    /// Whether another half-open SA may be kept. At the bound the IKE_SA_INIT is dropped and
    /// counted (`SA limit` in `show crypto ikev2 stats`), and a syslog line says so once each
    /// time the table fills.
    func admitsHalfOpenSA() -> Bool {
        let limit = config.flexVPN.global.incomingHalfOpenLimit
        guard ike.halfOpenCount >= limit else {
            ike.halfOpenLimitLogged = false
            return true
        }
        ike.statistics.halfOpenLimit += 1
        ike.statistics.droppedAtDispatch += 1
        if !ike.halfOpenLimitLogged {
            ike.halfOpenLimitLogged = true
            syslog(facility: "IKEV2", severity: 5, mnemonic: "SA_REJECTED_LIMIT_REACHED",
                   "Request was rejected because the in-negotiation SA limit (\(limit)) was reached")
        }
        return false
    }

    /// The IKE SA's algorithms from the policy for `local`, with IOS XE's debug lines: the policy
    /// search (IOS prints those without the SA's ids), and on a mismatch the peer's proposals and
    /// ours, each list on its heading's line as IOS prints it:
    /// ```
    /// IKEv2-ERROR:(SESSION ID = 1,SA ID = 1):Received Policies: : Failed to find a matching policyProposal 1:  ENCRYPTION: AES-CBC-256 PRF: SHA512 INTEGRITY: SHA512 DH GROUP: DH_GROUP_256_ECP/Group 19
    /// IKEv2-ERROR:(SESSION ID = 1,SA ID = 1):Expected Policies: : Failed to find a matching policyProposal 1:  ENCRYPTION: AES-CBC-128 …
    /// IKEv2-ERROR:(SESSION ID = 1,SA ID = 1):: Failed to find a matching policy
    /// ```
    func selectIKEProposal(_ offered: SecurityAssociationPayload, keGroup: DHGroupID?, local: IKEEndpoint,
                           debugIds: String) -> IKEProposalSelection {
        let flex = config.flexVPN
        let prefix = "IKEv2:" + debugIds + ":"
        if debug.cryptoIkev2 { debugLog("IKEv2:Searching Policy with fvrf 0, local address \(local.address)") }
        let policy = flex.policy(forLocal: local.address)
        if debug.cryptoIkev2, let policy {
            if flex.policies.isEmpty { debugLog("IKEv2:Using the Default Policy for Proposal") }
            debugLog("IKEv2:Found Policy '\(policy.name)'")
        }
        let ours = policy.map { p in p.proposals.compactMap { flex.proposal(named: $0) }.filter(\.isComplete) } ?? []
        let selection = ProposalSelector.selectIKE(offered: offered, configured: ours.map(\.offer), keGroup: keGroup)
        guard debug.cryptoIkev2 else { return selection }
        switch selection {
        case .selected: break
        case .invalidKE: debugLog(prefix + "Sending invalid ke notification")
        case .noProposalChosen:
            let error = "IKEv2-ERROR:" + debugIds + ":"
            // A second proposal and later ones go on lines of their own.
            func listed(_ heading: String, _ proposals: [String]) -> [String] {
                let numbered = proposals.enumerated().map { "Proposal \($0.offset + 1):  " + $0.element }
                return [error + heading + ": : Failed to find a matching policy" + (numbered.first ?? "")] + numbered.dropFirst()
            }
            debugLog(lines: listed("Received Policies", offered.proposals.map(IKEDebugLines.describe))
                + listed("Expected Policies", ours.map(IKEDebugLines.describe))
                + [error + ": Failed to find a matching policy"])
        }
        return selection
    }
}

extension IKEDebugLines {
    /// A peer's proposal as IOS lists it:
    /// `ENCRYPTION: AES-CBC-256 PRF: SHA512 INTEGRITY: SHA512 DH GROUP: DH_GROUP_256_ECP/Group 19`
    /// (no INTEGRITY with an AEAD cipher alone).
    static func describe(_ proposal: Proposal) -> String {
        let ciphers = proposal.transforms(of: .encryption).map { t -> String in
            let bits = t.keyLength.map { "-\($0)" } ?? ""
            switch EncryptionAlgorithmID(rawValue: t.id) {
            case .aesCBC: return "AES-CBC" + bits
            case .aesGCM16: return "AES-GCM" + bits
            case .aesCTR: return "AES-CTR" + bits
            case .des3: return "3DES"
            case .chaCha20Poly1305: return "CHACHA20-POLY1305"
            default: return t.id == 2 ? "DES" : "ENCR(\(t.id))"
            }
        }
        let hashes: [UInt16: String] = [1: "MD5", 2: "SHA1", 5: "SHA256", 6: "SHA384", 7: "SHA512"]
        let prfs = proposal.transforms(of: .prf).map { hashes[$0.id] ?? "PRF(\($0.id))" }
        let names: [UInt16: String] = [1: "MD596", 2: "SHA96", 12: "SHA256", 13: "SHA384", 14: "SHA512"]
        let integrities = proposal.transforms(of: .integrity).filter { $0.id != 0 }.map { names[$0.id] ?? "INTEG(\($0.id))" }
        let groups = proposal.transforms(of: .keyExchange).map { IKEv2ProposalDefinition.groupShowName(Int($0.id)) }
        return line(ciphers, prfs, integrities, groups)
    }

    /// One of our proposals, in the same shape.
    static func describe(_ proposal: IKEv2ProposalDefinition) -> String {
        line(proposal.encryptions.map(\.showName), proposal.effectivePRFs.map(\.prfShowName),
             proposal.integrities.map(\.integrityShowName), proposal.groups.map(IKEv2ProposalDefinition.groupShowName))
    }

    private static func line(_ ciphers: [String], _ prfs: [String], _ integrities: [String], _ groups: [String]) -> String {
        var out = "ENCRYPTION: " + ciphers.joined(separator: " ") + " PRF: " + prfs.joined(separator: " ")
        if !integrities.isEmpty { out += " INTEGRITY: " + integrities.joined(separator: " ") }
        return out + " DH GROUP: " + groups.joined(separator: " ")
    }
}
