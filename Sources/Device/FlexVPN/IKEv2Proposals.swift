import IKEv2
import RADIUS

// `crypto ikev2 proposal` and `crypto ikev2 policy` as values, and what the responder offers
// from them. As on IOS XE, a proposal is only used through a policy; while no policy exists the
// default policy (any local address, any front-door VRF) with the default proposal applies.

/// `crypto ikev2 proposal NAME`: the algorithms as IOS keywords, in the order typed.
public struct IKEv2ProposalDefinition: Equatable, Sendable {
    /// `encryption …` keywords.
    public enum Encryption: String, CaseIterable, Sendable {
        case des = "des", tripleDES = "3des"
        case aesCBC128 = "aes-cbc-128", aesCBC192 = "aes-cbc-192", aesCBC256 = "aes-cbc-256"
        case aesGCM128 = "aes-gcm-128", aesGCM256 = "aes-gcm-256"

        public var isAEAD: Bool { self == .aesGCM128 || self == .aesGCM256 }
        /// `show crypto ikev2 proposal`'s name.
        public var showName: String { rawValue == "3des" ? "3DES" : rawValue.uppercased() }
        /// The algorithm the responder runs; nil: accepted in the configuration, never negotiated.
        var algorithm: EncryptionAlgorithm? {
            switch self {
            case .des, .tripleDES: return nil
            case .aesCBC128: return .aesCBC(keyBits: 128)
            case .aesCBC192: return .aesCBC(keyBits: 192)
            case .aesCBC256: return .aesCBC(keyBits: 256)
            case .aesGCM128: return .aesGCM16(keyBits: 128)
            case .aesGCM256: return .aesGCM16(keyBits: 256)
            }
        }
    }

    /// `integrity …` and `prf …` keywords.
    public enum Hash: String, CaseIterable, Sendable {
        case md5, sha1, sha256, sha384, sha512

        /// `show crypto ikev2 proposal`'s integrity name (the truncated HMACs of IKEv1 days keep
        /// their `96` there).
        public var integrityShowName: String {
            switch self {
            case .md5: return "MD596"
            case .sha1: return "SHA96"
            default: return rawValue.uppercased()
            }
        }
        public var prfShowName: String { rawValue.uppercased() }
        var integrity: IntegrityAlgorithm? {
            switch self {
            case .md5, .sha1: return nil
            case .sha256: return .hmacSHA2_256_128
            case .sha384: return .hmacSHA2_384_192
            case .sha512: return .hmacSHA2_512_256
            }
        }
        var prf: PRFAlgorithm? {
            switch self {
            case .md5, .sha1: return nil
            case .sha256: return .hmacSHA2_256
            case .sha384: return .hmacSHA2_384
            case .sha512: return .hmacSHA2_512
            }
        }
    }

    /// The `group` numbers IOS XE accepts.
    public static let groupNumbers: [Int] = [1, 2, 5, 14, 15, 16, 19, 20, 21, 24, 31]

    public var name: String
    public var encryptions: [Encryption] = []
    public var integrities: [Hash] = []
    public var prfs: [Hash] = []
    public var groups: [Int] = []
    public init(name: String) { self.name = name }

    /// IOS XE's `crypto ikev2 proposal default`.
    public static let iosDefault: IKEv2ProposalDefinition = {
        var p = IKEv2ProposalDefinition(name: "default")
        p.encryptions = [.aesCBC256]
        p.integrities = [.sha512, .sha384]
        p.prfs = [.sha512, .sha384]
        p.groups = [19, 14, 21, 5]
        return p
    }()

    /// IOS's rule: a cipher other than AES-GCM with an integrity algorithm and a group, or AES-GCM
    /// with a PRF and a group.
    public var isComplete: Bool {
        guard !groups.isEmpty else { return false }
        let plain = encryptions.contains { !$0.isAEAD } && !integrities.isEmpty
        let aead = encryptions.contains { $0.isAEAD } && !prfs.isEmpty
        return plain || aead
    }

    /// The PRFs the proposal offers: the `prf` lines, or else the integrity algorithms (IOS).
    public var effectivePRFs: [Hash] { prfs.isEmpty ? integrities : prfs }

    /// What the responder accepts from it: only the algorithms it can run.
    public var offer: IKEv2ProposalConfig {
        IKEv2ProposalConfig(name: name, encryptions: encryptions.compactMap(\.algorithm),
                            integrities: integrities.compactMap(\.integrity), prfs: effectivePRFs.compactMap(\.prf),
                            groups: groups.map { DHGroupID(rawValue: UInt16($0)) })
    }

    /// `DH_GROUP_256_ECP/Group 19`, as IOS names a group.
    public static func groupShowName(_ group: Int) -> String {
        let kind: String
        switch group {
        case 1: kind = "DH_GROUP_768_MODP"
        case 2: kind = "DH_GROUP_1024_MODP"
        case 5: kind = "DH_GROUP_1536_MODP"
        case 14: kind = "DH_GROUP_2048_MODP"
        case 15: kind = "DH_GROUP_3072_MODP"
        case 16: kind = "DH_GROUP_4096_MODP"
        case 19: kind = "DH_GROUP_256_ECP"
        case 20: kind = "DH_GROUP_384_ECP"
        case 21: kind = "DH_GROUP_521_ECP"
        case 24: kind = "DH_GROUP_2048_256_MODP"
        case 31: kind = "DH_GROUP_CURVE_25519"
        default: kind = "DH_GROUP_\(group)"
        }
        return kind + "/Group \(group)"
    }

    /// The running-config lines under `crypto ikev2 proposal NAME`.
    public var configLines: [String] {
        var out: [String] = []
        if !encryptions.isEmpty { out.append(" encryption " + encryptions.map(\.rawValue).joined(separator: " ")) }
        if !integrities.isEmpty { out.append(" integrity " + integrities.map(\.rawValue).joined(separator: " ")) }
        if !prfs.isEmpty { out.append(" prf " + prfs.map(\.rawValue).joined(separator: " ")) }
        if !groups.isEmpty { out.append(" group " + groups.map(String.init).joined(separator: " ")) }
        return out
    }
}

/// `crypto ikev2 policy NAME`: which proposals apply to IKE SAs on a local address.
public struct IKEv2PolicyDefinition: Equatable, Sendable {
    public var name: String
    /// `proposal NAME` lines, in order.
    public var proposals: [String] = []
    /// `match address local A.B.C.D` lines; none: any local address.
    public var localAddresses: [IPv4Address] = []
    /// `match fvrf any`; false: the global routing table (the only one emulated), IOS's default.
    public var matchAnyFVRF = false
    public init(name: String) { self.name = name }

    /// The running-config lines under `crypto ikev2 policy NAME`.
    public var configLines: [String] {
        var out: [String] = []
        if matchAnyFVRF { out.append(" match fvrf any") }
        for a in localAddresses { out.append(" match address local \(a)") }
        for p in proposals { out.append(" proposal \(p)") }
        return out
    }
}

/// The global `crypto ikev2` settings of the responder that are not a named block.
public struct IKEv2GlobalSettings: Equatable, Sendable {
    /// `crypto ikev2 cookie-challenge N`: from N half-open SAs on, IKE_SA_INIT needs a cookie.
    public var cookieChallenge: Int?
    /// `crypto ikev2 limit max-in-negotiation-sa N [incoming | outgoing]`.
    public var maxInNegotiation: Int?
    public var maxInNegotiationDirection: Direction?
    public enum Direction: String, Sendable { case incoming, outgoing }
    public init() {}

    /// The half-open bound when none is configured: enough for any lab, small enough that a
    /// flood of IKE_SA_INITs cannot grow the table without end.
    public static let defaultMaxInNegotiation = 4096

    /// IOS's bound on outgoing ones (the emulator never initiates; shown by `show crypto ikev2 stats`).
    public var outgoingHalfOpenLimit: Int {
        guard let maxInNegotiation, maxInNegotiationDirection != .incoming else { return 400 }
        return maxInNegotiation
    }

    /// The bound on incoming half-open SAs the responder applies.
    public var incomingHalfOpenLimit: Int {
        guard let maxInNegotiation, maxInNegotiationDirection != .outgoing else { return Self.defaultMaxInNegotiation }
        return maxInNegotiation
    }
}

extension FlexVPNConfig {
    public func proposal(named name: String) -> IKEv2ProposalDefinition? {
        if name == "default" { return proposals.first { $0.name == name } ?? .iosDefault }
        return proposals.first { $0.name == name }
    }
    public func policy(named name: String) -> IKEv2PolicyDefinition? { policies.first { $0.name == name } }

    /// IOS's default policy, shown by `show crypto ikev2 policy` while none is configured.
    public static let defaultPolicy: IKEv2PolicyDefinition = {
        var p = IKEv2PolicyDefinition(name: "default")
        p.proposals = ["default"]
        p.matchAnyFVRF = true
        return p
    }()

    /// The policy for IKE SAs to `local`: one naming that address first, else the first without
    /// `match address local`; while none is configured, the default. nil: policies exist and
    /// none matches (every IKE_SA_INIT gets NO_PROPOSAL_CHOSEN).
    public func policy(forLocal local: IPv4Address) -> IKEv2PolicyDefinition? {
        guard !policies.isEmpty else { return Self.defaultPolicy }
        return policies.first { $0.localAddresses.contains(local) } ?? policies.first { $0.localAddresses.isEmpty }
    }

    /// The proposals a policy offers, in its order: complete ones only.
    public func offers(of policy: IKEv2PolicyDefinition) -> [IKEv2ProposalConfig] {
        policy.proposals.compactMap { proposal(named: $0) }.filter(\.isComplete).map(\.offer)
    }
}
