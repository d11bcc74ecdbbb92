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

    /// The IKE SA's algorithms from the policy for `local`, with IOS's debug lines: the policy
    /// found, or on a mismatch the peer's proposals and ours.
    func selectIKEProposal(_ offered: SecurityAssociationPayload, keGroup: DHGroupID?, local: IKEEndpoint,
                           debugIds: String) -> IKEProposalSelection {
        let flex = config.flexVPN
        let prefix = "IKEv2:" + debugIds + ":"
        if debug.cryptoIkev2 { debugLog(prefix + "Searching Policy with fvrf 0, local address \(local.address)") }
        let policy = flex.policy(forLocal: local.address)
        if debug.cryptoIkev2, let policy {
            if flex.policies.isEmpty { debugLog(prefix + "Using the Default Policy for Proposal") }
            debugLog(prefix + "Found Policy '\(policy.name)'")
        }
        let ours = policy.map { p in p.proposals.compactMap { flex.proposal(named: $0) }.filter(\.isComplete) } ?? []
        let selection = ProposalSelector.selectIKE(offered: offered, configured: ours.map(\.offer), keGroup: keGroup)
        guard debug.cryptoIkev2 else { return selection }
        switch selection {
        case .selected: break
        case .invalidKE: debugLog(prefix + "Sending invalid ke notification")
        case .noProposalChosen:
            let error = "IKEv2-ERROR:" + debugIds + ":"
            var lines = [error + "Received Policies: : Failed to find a matching policy"]
            lines += offered.proposals.map { "Proposal \($0.number):  " + IKEDebugLines.describe($0) }
            lines.append(error + "Expected Policies: : Failed to find a matching policy")
            lines += ours.enumerated().map { "Proposal \($0.offset + 1):  " + IKEDebugLines.describe($0.element) }
            lines.append(error + ": Failed to find a matching policy")
            debugLog(lines: lines)
        }
        return selection
    }
}

extension IKEDebugLines {
    /// A peer's proposal as IOS lists it: `AES-CBC-256 SHA256 SHA256 DH_GROUP_256_ECP/Group 19`
    /// (ciphers, PRFs, integrity, groups).
    static func describe(_ proposal: Proposal) -> String {
        var words: [String] = []
        for t in proposal.transforms(of: .encryption) {
            let bits = t.keyLength.map { "-\($0)" } ?? ""
            switch EncryptionAlgorithmID(rawValue: t.id) {
            case .aesCBC: words.append("AES-CBC" + bits)
            case .aesGCM16: words.append("AES-GCM" + bits)
            case .aesCTR: words.append("AES-CTR" + bits)
            case .des3: words.append("3DES")
            case .chaCha20Poly1305: words.append("CHACHA20-POLY1305")
            default: words.append(t.id == 2 ? "DES" : "ENCR(\(t.id))")
            }
        }
        let hashes: [UInt16: String] = [1: "MD5", 2: "SHA1", 5: "SHA256", 6: "SHA384", 7: "SHA512"]
        words += proposal.transforms(of: .prf).map { hashes[$0.id] ?? "PRF(\($0.id))" }
        let integrities: [UInt16: String] = [1: "MD596", 2: "SHA96", 12: "SHA256", 13: "SHA384", 14: "SHA512"]
        words += proposal.transforms(of: .integrity).filter { $0.id != 0 }.map { integrities[$0.id] ?? "INTEG(\($0.id))" }
        words += proposal.transforms(of: .keyExchange).map { IKEv2ProposalDefinition.groupShowName(Int($0.id)) }
        return words.joined(separator: " ")
    }

    /// One of our proposals, in the same shape.
    static func describe(_ proposal: IKEv2ProposalDefinition) -> String {
        (proposal.encryptions.map(\.showName) + proposal.effectivePRFs.map(\.prfShowName)
            + proposal.integrities.map(\.prfShowName) + proposal.groups.map(IKEv2ProposalDefinition.groupShowName))
            .joined(separator: " ")
    }
}
