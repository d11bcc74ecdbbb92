/// The responder's answer to an IKE_SA_INIT's SA and KE payloads (RFC 7296 §1.2, §2.7, §3.3.6).
public enum IKEProposalSelection: Hashable, Sendable {
    /// Accepted: the peer's proposal number (echoed in our SA payload) and the algorithms.
    case selected(number: UInt8, suite: IKECipherSuite)
    /// A proposal matched, but the KE payload is for another group: answer INVALID_KE_PAYLOAD
    /// naming this group (the peer retries with it).
    case invalidKE(DHGroupID)
    /// Nothing matched: answer NO_PROPOSAL_CHOSEN.
    case noProposalChosen

    /// The notify to answer with, for the two refusals.
    public var refusal: NotifyPayload? {
        switch self {
        case .selected: return nil
        case .invalidKE(let group): return .invalidKEPayload(accepted: group)
        case .noProposalChosen: return NotifyPayload(type: .noProposalChosen)
        }
    }

    /// The SA payload of the IKE_SA_INIT response, when accepted: one proposal with the peer's number.
    public var responseSA: SecurityAssociationPayload? {
        guard case .selected(let number, let suite) = self else { return nil }
        return SecurityAssociationPayload(proposals: [suite.proposal(number: number)])
    }
}

public enum ProposalSelector {
    /// Chooses the IKE SA's algorithms.
    ///
    /// Our configured proposals are tried in order (the order of `proposal` lines in the policy),
    /// each against the peer's proposals in the peer's order; the first pair with a common
    /// cipher, PRF, integrity (or an AEAD cipher and no integrity) and group is chosen. Within that
    /// pair each algorithm is the first of ours the peer offers, except the group: the KE payload's
    /// group if the pair allows it, else INVALID_KE_PAYLOAD naming our first group the peer offers
    /// (as strongSwan's responder does: only the chosen proposal is searched for the KE's group).
    /// A peer proposal with a transform type we do not know, or for another protocol, is skipped
    /// (RFC 7296 §3.3.6); groups we cannot compute are never chosen.
    public static func selectIKE(offered: SecurityAssociationPayload, configured: [IKEv2ProposalConfig],
                                 keGroup: DHGroupID?) -> IKEProposalSelection {
        for ours in configured {
            for theirs in offered.proposals {
                guard let match = match(ours, theirs) else { continue }
                let group: DHGroupID
                if let keGroup, match.groups.contains(keGroup) {
                    group = keGroup
                } else {
                    return .invalidKE(match.groups[0])
                }
                return .selected(number: theirs.number,
                                 suite: IKECipherSuite(encryption: match.encryption, integrity: match.integrity, prf: match.prf, group: group))
            }
        }
        return .noProposalChosen
    }

    private struct Match {
        var encryption: EncryptionAlgorithm
        var integrity: IntegrityAlgorithm?
        var prf: PRFAlgorithm
        /// Common groups, ours first.
        var groups: [DHGroupID]
    }

    private static let ikeTransformTypes: Set<TransformType> = [.encryption, .prf, .integrity, .keyExchange]

    private static func match(_ ours: IKEv2ProposalConfig, _ theirs: Proposal) -> Match? {
        guard theirs.protocolID == .ike, theirs.transforms.allSatisfy({ ikeTransformTypes.contains($0.type) }) else { return nil }
        let theirEncryptions = Set(theirs.transforms(of: .encryption).compactMap(EncryptionAlgorithm.init(transform:)))
        let theirPRFs = Set(theirs.transforms(of: .prf).compactMap(PRFAlgorithm.init(transform:)))
        let theirIntegrityTransforms = theirs.transforms(of: .integrity)
        let theirIntegrities = Set(theirIntegrityTransforms.compactMap(IntegrityAlgorithm.init(transform:)))
        // RFC 5282 §8: with a combined-mode cipher the integrity transform is absent or NONE.
        let allowsNoIntegrity = theirIntegrityTransforms.isEmpty
            || theirIntegrityTransforms.contains { $0.id == IntegrityAlgorithmID.none.rawValue && $0.attributes.isEmpty }
        let theirGroups = Set(theirs.transforms(of: .keyExchange).filter(\.attributes.isEmpty).map { DHGroupID(rawValue: $0.id) })

        guard let prf = ours.prfs.first(where: theirPRFs.contains) else { return nil }
        let groups = ours.groups.filter { theirGroups.contains($0) && DiffieHellman.isSupported($0) }
        guard !groups.isEmpty else { return nil }
        for encryption in ours.encryptions where theirEncryptions.contains(encryption) {
            if encryption.isAEAD {
                if allowsNoIntegrity { return Match(encryption: encryption, integrity: nil, prf: prf, groups: groups) }
            } else if let integrity = ours.integrities.first(where: theirIntegrities.contains) {
                return Match(encryption: encryption, integrity: integrity, prf: prf, groups: groups)
            }
        }
        return nil
    }
}
