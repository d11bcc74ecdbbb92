import RADIUS

// The FlexVPN server's configuration as values: `crypto ikev2 profile`, `crypto ikev2 keyring`,
// `crypto ikev2 name-mangler`, `crypto ikev2 authorization policy`, `ip local pool`,
// `interface Virtual-Template N type tunnel`. The shell's handlers change them; the running-config
// renderer shows them; `FlexVPNAuthorization.swift` uses them when a peer connects.

/// `match identity remote …`: which peers a profile takes.
public enum IKEv2IdentityMatch: Equatable, Sendable {
    case any
    /// `fqdn NAME` (exact) or `fqdn domain NAME` (the identity ends with `.NAME` or is NAME).
    case fqdn(String, domain: Bool)
    /// `email NAME` (exact) or `email domain NAME` (the part after `@`).
    case email(String, domain: Bool)
    /// `address A.B.C.D [MASK]` (no mask: the host).
    case address(IPv4Address, mask: IPv4Address?)

    /// The words after `match identity remote`.
    public var text: String {
        switch self {
        case .any: return "any"
        case let .fqdn(name, domain): return domain ? "fqdn domain \(name)" : "fqdn \(name)"
        case let .email(name, domain): return domain ? "email domain \(name)" : "email \(name)"
        // IOS XE writes the mask form with a trailing space.
        case let .address(address, mask): return mask.map { "address \(address) \($0) " } ?? "address \(address)"
        }
    }

    /// Whether a peer with this IKEv2 identity and address matches.
    public func matches(_ identity: IKEv2Identity, peer: IPv4Address) -> Bool {
        switch self {
        case .any:
            return true
        case let .fqdn(name, domain):
            guard case let .fqdn(value) = identity else { return false }
            let v = value.lowercased(), n = name.lowercased()
            return domain ? (v == n || v.hasSuffix("." + n)) : v == n
        case let .email(name, domain):
            guard case let .email(value) = identity else { return false }
            let v = value.lowercased(), n = name.lowercased()
            if domain { return v.split(separator: "@", maxSplits: 1).last.map(String.init) == n }
            return v == n
        case let .address(address, mask):
            let m = mask?.rawValue ?? 0xFFFF_FFFF
            let candidate: IPv4Address
            if case let .address(a) = identity { candidate = a } else { candidate = peer }
            return candidate.rawValue & m == address.rawValue & m
        }
    }
}

/// A peer's IKEv2 identity (the IDi payload), as FlexVPN names it.
public enum IKEv2Identity: Equatable, Sendable, CustomStringConvertible {
    case fqdn(String)
    case email(String)
    case address(IPv4Address)
    case keyId(String)

    /// The identity as text: the User-Name of AAA pre-shared keys, `isakmp-phase1-id`.
    public var description: String {
        switch self {
        case let .fqdn(s), let .email(s), let .keyId(s): return s
        case let .address(a): return a.description
        }
    }

    /// A lab user name as an identity: `a@b` is an e-mail address, a dotted quad an address,
    /// anything else an FQDN (strongSwan's rule for `id = …`).
    public init(text: String) {
        if let address = IPv4Address(text) {
            self = .address(address)
        } else if text.contains("@") {
            self = .email(text)
        } else {
            self = .fqdn(text)
        }
    }
}

/// `identity local {fqdn NAME | email NAME | address A.B.C.D | key-id NAME}` (kept for callers
/// of the first API).
public typealias IKEv2LocalIdentity = IKEv2Identity

public extension IKEv2Identity {
    /// The words after `identity local` / keyring `identity`: `fqdn NAME`, `address A.B.C.D`.
    var configText: String {
        switch self {
        case let .fqdn(s): return "fqdn \(s)"
        case let .email(s): return "email \(s)"
        case let .address(a): return "address \(a)"
        case let .keyId(s): return "key-id \(s)"
        }
    }
}

/// How one side authenticates (`authentication {remote | local} …`).
public enum IKEv2AuthMethod: Equatable, Sendable {
    case preShare
    case rsaSig
    /// `eap [query-identity] [timeout N]` (remote only).
    case eap(queryIdentity: Bool, timeout: Int?)

    public var configText: String {
        switch self {
        case .preShare: return "pre-share"
        case .rsaSig: return "rsa-sig"
        case let .eap(query, timeout):
            var s = "eap"
            if query { s += " query-identity" }
            if let timeout { s += " timeout \(timeout)" }
            return s
        }
    }

    /// `show crypto ikev2 profile`'s word: `PSK`, `RSA`, `EAP`.
    public var showText: String {
        switch self {
        case .preShare: return "PSK"
        case .rsaSig: return "RSA"
        case .eap: return "EAP"
        }
    }
}

/// The authentication kinds AAA authorization and accounting are configured per.
public enum IKEv2AAAKind: String, Equatable, Sendable, CaseIterable {
    case psk, eap, cert
}

/// `aaa authorization group {psk | eap} list LIST [NAME | name-mangler MANGLER]`.
public struct IKEv2GroupAuthorization: Equatable, Sendable {
    public var kind: IKEv2AAAKind
    public var list: String
    /// The name asked for (an `crypto ikev2 authorization policy` or a RADIUS group user).
    public var name: String?
    public var nameMangler: String?
    public init(kind: IKEv2AAAKind, list: String, name: String? = nil, nameMangler: String? = nil) {
        self.kind = kind
        self.list = list
        self.name = name
        self.nameMangler = nameMangler
    }
}

/// `aaa authorization user {psk | eap} {cached | list LIST [NAME]}`.
public struct IKEv2UserAuthorization: Equatable, Sendable {
    public var kind: IKEv2AAAKind
    /// nil: `cached` (the attributes of the authentication's Access-Accept).
    public var list: String?
    public var name: String?
    public init(kind: IKEv2AAAKind, list: String?, name: String? = nil) {
        self.kind = kind
        self.list = list
        self.name = name
    }
}

/// `keyring {local NAME | aaa LIST [name-mangler NAME]}`.
public enum IKEv2KeyringReference: Equatable, Sendable {
    case local(String)
    case aaa(list: String, nameMangler: String?)

    public var configText: String {
        switch self {
        case let .local(name): return "local \(name)"
        case let .aaa(list, mangler): return "aaa \(list)" + (mangler.map { " name-mangler \($0)" } ?? "")
        }
    }
}

/// `dpd INTERVAL RETRY {on-demand | periodic}`.
public struct IKEv2DPD: Equatable, Sendable {
    public var interval: Int
    public var retry: Int
    public var periodic: Bool
    public init(interval: Int, retry: Int, periodic: Bool) {
        self.interval = interval
        self.retry = retry
        self.periodic = periodic
    }
}

/// `crypto ikev2 profile NAME`.
public struct IKEv2Profile: Equatable, Sendable {
    public static let defaultLifetime = 86400
    public var name: String
    public var matchIdentities: [IKEv2IdentityMatch] = []
    public var localIdentity: IKEv2Identity?
    /// `authentication remote …` may be given for several methods (pre-share and eap).
    public var remoteAuthentication: [IKEv2AuthMethod] = []
    public var localAuthentication: IKEv2AuthMethod?
    public var keyring: IKEv2KeyringReference?
    /// `pki trustpoint NAME [sign | verify]`, in order: the certificates of `rsa-sig`.
    public var trustpoints: [IKEv2Trustpoint] = []
    /// `aaa authentication eap LIST`.
    public var eapAuthenticationList: String?
    public var groupAuthorization: [IKEv2GroupAuthorization] = []
    public var userAuthorization: [IKEv2UserAuthorization] = []
    /// `aaa accounting {psk | eap | cert} LIST`, per kind.
    public var accounting: [IKEv2AAAKind: String] = [:]
    public var virtualTemplate: Int?
    public var dpd: IKEv2DPD?
    public var lifetime = IKEv2Profile.defaultLifetime
    public init(name: String) { self.name = name }

    /// Whether a peer with this identity and address is this profile's.
    public func matches(_ identity: IKEv2Identity, peer: IPv4Address) -> Bool {
        matchIdentities.contains { $0.matches(identity, peer: peer) }
    }

    /// The remote authentication the profile uses: EAP when it is configured (and the client
    /// asks for it), else pre-shared keys.
    public var usesEAP: Bool {
        remoteAuthentication.contains { if case .eap = $0 { return true } else { return false } }
    }
}

/// `crypto ikev2 keyring NAME` / `peer NAME`.
public struct IKEv2KeyringPeer: Equatable, Sendable {
    public var name: String
    public var description: String?
    public var address: IPv4Address?
    public var mask: IPv4Address?
    public var hostname: String?
    public var identity: IKEv2Identity?
    /// `pre-shared-key KEY` sets both; `pre-shared-key local|remote KEY` one.
    public var localKey: ConfigSecret?
    public var remoteKey: ConfigSecret?
    public init(name: String) { self.name = name }

    /// Whether this peer entry covers a client with this identity and address: an `identity`
    /// must match exactly; else an `address` (with its mask) must cover the address.
    public func covers(_ identity: IKEv2Identity, peer: IPv4Address) -> Bool {
        if let own = self.identity { return own == identity }
        if let address {
            let m = mask?.rawValue ?? 0xFFFF_FFFF
            return peer.rawValue & m == address.rawValue & m
        }
        return false
    }
}

public struct IKEv2Keyring: Equatable, Sendable {
    public var name: String
    public var peers: [IKEv2KeyringPeer] = []
    public init(name: String) { self.name = name }

    /// The first peer entry for the client: an identity match wins over an address match, and a
    /// longer address mask over a shorter (IOS's rule).
    public func peer(for identity: IKEv2Identity, address: IPv4Address) -> IKEv2KeyringPeer? {
        if let exact = peers.first(where: { $0.identity != nil && $0.covers(identity, peer: address) }) { return exact }
        return peers.filter { $0.identity == nil && $0.covers(identity, peer: address) }
            .max { ($0.mask?.rawValue.nonzeroBitCount ?? 32) < ($1.mask?.rawValue.nonzeroBitCount ?? 32) }
    }
}

/// `crypto ikev2 name-mangler NAME`: how an identity becomes the name AAA is asked for.
public struct IKEv2NameMangler: Equatable, Sendable {
    public enum FQDNPart: String, Equatable, Sendable { case all, domain, hostname }
    public enum EmailPart: String, Equatable, Sendable { case all, domain, username }
    public enum EAPRule: Equatable, Sendable {
        case all
        /// `prefix delimiter C`: the part before C; `suffix delimiter C`: the part after.
        case prefix(Character)
        case suffix(Character)
        public var configText: String {
            switch self {
            case .all: return "all"
            case let .prefix(c): return "prefix delimiter \(c)"
            case let .suffix(c): return "suffix delimiter \(c)"
            }
        }
    }
    public var name: String
    public var fqdn: FQDNPart?
    public var email: EmailPart?
    public var eap: EAPRule?
    public init(name: String) { self.name = name }

    /// The name derived from a peer identity (or EAP identity), or nil when the mangler has no
    /// rule for its kind (IOS then sends no request: the authorization fails).
    public func mangle(_ identity: IKEv2Identity, eapIdentity: String? = nil) -> String? {
        if let eapIdentity {
            guard let rule = eap else { return nil }
            switch rule {
            case .all: return eapIdentity
            case let .prefix(c): return eapIdentity.split(separator: c, maxSplits: 1).first.map(String.init) ?? eapIdentity
            case let .suffix(c):
                guard let i = eapIdentity.firstIndex(of: c) else { return eapIdentity }
                return String(eapIdentity[eapIdentity.index(after: i)...])
            }
        }
        switch identity {
        case let .fqdn(value):
            guard let part = fqdn else { return nil }
            let dot = value.firstIndex(of: ".")
            switch part {
            case .all: return value
            case .hostname: return dot.map { String(value[..<$0]) } ?? value
            case .domain: return dot.map { String(value[value.index(after: $0)...]) } ?? value
            }
        case let .email(value):
            guard let part = email else { return nil }
            let at = value.firstIndex(of: "@")
            switch part {
            case .all: return value
            case .username: return at.map { String(value[..<$0]) } ?? value
            case .domain: return at.map { String(value[value.index(after: $0)...]) } ?? value
            }
        case .address, .keyId:
            return nil
        }
    }
}

/// `route set …` of an authorization policy.
public enum IKEv2RouteSet: Equatable, Sendable {
    case interface(String?)
    case accessList(String)
    case remote(IPv4Address, mask: IPv4Address)

    public var configText: String {
        switch self {
        case let .interface(name): return "route set interface" + (name.map { " \($0)" } ?? "")
        case let .accessList(name): return "route set access-list \(name)"
        case let .remote(a, m): return "route set remote ipv4 \(a) \(m)"
        }
    }
}

/// `crypto ikev2 authorization policy NAME`: local attributes for the group authorization.
public struct IKEv2AuthorizationPolicy: Equatable, Sendable {
    public var name: String
    public var pool: String?
    public var dns: [IPv4Address] = []
    public var netmask: IPv4Address?
    public var defaultDomain: String?
    public var routeSets: [IKEv2RouteSet] = []
    /// `session-lifetime SECONDS`: the Session-Timeout applied when RADIUS gives none.
    public var sessionLifetime: Int?
    public init(name: String) { self.name = name }
}

/// `ip local pool NAME FIRST [LAST]` (a pool may hold several ranges).
public struct LocalAddressPool: Equatable, Sendable {
    public struct Range: Equatable, Sendable {
        public var first: IPv4Address
        public var last: IPv4Address
        public init(first: IPv4Address, last: IPv4Address) {
            self.first = first
            self.last = last
        }
        public var size: Int { Int(last.rawValue) - Int(first.rawValue) + 1 }
    }
    public var name: String
    public var ranges: [Range] = []
    public init(name: String) { self.name = name }
    public var size: Int { ranges.reduce(0) { $0 + $1.size } }
}

/// `interface Virtual-Template N type tunnel`.
public struct VirtualTemplate: Equatable, Sendable {
    public var number: Int
    public var description: String?
    /// `ip unnumbered INTERFACE` (as typed, canonical: `Loopback0`).
    public var unnumbered: String?
    /// `tunnel source {INTERFACE | A.B.C.D}`.
    public var tunnelSource: TunnelSource?
    public var tunnelModeIPsecIPv4 = false
    public var tunnelProtectionProfile: String?
    public init(number: Int) { self.number = number }
}

/// `aaa accounting update {periodic N | newinfo [periodic N]}`.
public struct AccountingUpdateConfig: Equatable, Sendable {
    public var newinfo: Bool
    /// Minutes; nil: no periodic records.
    public var periodicMinutes: Int?
    public init(newinfo: Bool, periodicMinutes: Int?) {
        self.newinfo = newinfo
        self.periodicMinutes = periodicMinutes
    }
    public var configText: String {
        var s = "aaa accounting update"
        if newinfo { s += " newinfo" }
        if let periodicMinutes { s += " periodic \(periodicMinutes)" }
        return s
    }
}

/// Every FlexVPN part of the running configuration, kept in creation order as IOS shows them.
public struct FlexVPNConfig: Equatable, Sendable {
    public var profiles: [IKEv2Profile] = []
    public var keyrings: [IKEv2Keyring] = []
    public var nameManglers: [IKEv2NameMangler] = []
    public var authorizationPolicies: [IKEv2AuthorizationPolicy] = []
    public var pools: [LocalAddressPool] = []
    public var virtualTemplates: [VirtualTemplate] = []
    /// `crypto ikev2 proposal`, `crypto ikev2 policy` (IKEv2Proposals.swift).
    public var proposals: [IKEv2ProposalDefinition] = []
    public var policies: [IKEv2PolicyDefinition] = []
    /// `crypto ikev2 cookie-challenge`, `crypto ikev2 limit max-in-negotiation-sa`.
    public var global = IKEv2GlobalSettings()
    /// `crypto ipsec transform-set`, `crypto ipsec profile` (IPsecConfig.swift).
    public var transformSets: [IPsecTransformSet] = []
    public var ipsecProfiles: [IPsecProfile] = []
    public init() {}

    public func profile(named name: String) -> IKEv2Profile? { profiles.first { $0.name == name } }
    public func keyring(named name: String) -> IKEv2Keyring? { keyrings.first { $0.name == name } }
    public func nameMangler(named name: String) -> IKEv2NameMangler? { nameManglers.first { $0.name == name } }
    public func authorizationPolicy(named name: String) -> IKEv2AuthorizationPolicy? {
        authorizationPolicies.first { $0.name == name }
    }
    public func pool(named name: String) -> LocalAddressPool? { pools.first { $0.name == name } }

    /// The profile a connecting peer lands on: the first (in configuration order) whose
    /// `match identity remote` takes it.
    public func profile(for identity: IKEv2Identity, peer: IPv4Address) -> IKEv2Profile? {
        profiles.first { $0.matches(identity, peer: peer) }
    }
}

/// `pki trustpoint NAME [sign | verify]` in an IKEv2 profile; no usage: both.
public struct IKEv2Trustpoint: Equatable, Sendable {
    public enum Usage: String, Equatable, Sendable { case sign, verify }
    public var name: String
    public var usage: Usage?
    public init(name: String, usage: Usage?) {
        self.name = name
        self.usage = usage
    }
    public var configText: String { "pki trustpoint " + name + (usage.map { " " + $0.rawValue } ?? "") }
}

/// `interface Virtual-Template N type tunnel`'s `tunnel source`: an interface or an address.
public enum TunnelSource: Equatable, Sendable {
    case interface(String)
    case address(IPv4Address)
    public var text: String {
        switch self {
        case let .interface(name): return name
        case let .address(address): return address.description
        }
    }
}

