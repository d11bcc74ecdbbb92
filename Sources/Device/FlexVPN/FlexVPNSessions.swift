import RADIUS

/// Attributes authorization gives a session, from a local `crypto ikev2 authorization policy`
/// or a RADIUS Access-Accept (or a CoA). nil: not given, so a lower source's value stands.
public struct AuthorizationAttributes: Equatable, Sendable {
    public var framedIP: IPv4Address?
    /// `ipsec:addr-pool` / the policy's `pool`.
    public var pool: String?
    public var dnsServers: [IPv4Address]?
    public var defaultDomain: String?
    /// `ipsec:route-set=…` values (`prefix 10.0.0.0/8`, `interface`).
    public var routeSets: [String]?
    /// `ipsec:inacl=ACL`.
    public var inacl: String?
    /// `ip:inacl#N=ACE`, by N.
    public var inaclEntries: [Int: String]?
    /// `ip:interface-config=…` lines (QoS `service-policy`, `ip access-group`).
    public var interfaceConfig: [String]?
    public var sessionTimeout: UInt32?
    public var idleTimeout: UInt32?
    public var interimInterval: UInt32?
    /// Class (25) values, echoed in every accounting record.
    public var classes: [[UInt8]]?
    /// `ipsec:ikev2-password-remote=…` / `-local=…`: AAA pre-shared keys (`keyring aaa`), the
    /// peer's AUTH checked with the first, ours made with the second. Never shown, never overlaid.
    public var ikev2PasswordRemote: String?
    public var ikev2PasswordLocal: String?
    public init() {}

    /// These attributes with every attribute `higher` gives replacing this one's.
    public func overlaid(with higher: AuthorizationAttributes) -> AuthorizationAttributes {
        var out = self
        if let v = higher.framedIP { out.framedIP = v }
        if let v = higher.pool { out.pool = v }
        if let v = higher.dnsServers { out.dnsServers = v }
        if let v = higher.defaultDomain { out.defaultDomain = v }
        if let v = higher.routeSets { out.routeSets = v }
        if let v = higher.inacl { out.inacl = v }
        if let v = higher.inaclEntries { out.inaclEntries = v }
        if let v = higher.interfaceConfig { out.interfaceConfig = v }
        if let v = higher.sessionTimeout { out.sessionTimeout = v }
        if let v = higher.idleTimeout { out.idleTimeout = v }
        if let v = higher.interimInterval { out.interimInterval = v }
        if let v = higher.classes { out.classes = v }
        return out
    }

    /// A local authorization policy's attributes.
    public init(policy: IKEv2AuthorizationPolicy) {
        pool = policy.pool
        if !policy.dns.isEmpty { dnsServers = policy.dns }
        defaultDomain = policy.defaultDomain
        if !policy.routeSets.isEmpty {
            routeSets = policy.routeSets.map { route in
                switch route {
                case let .interface(name): return "interface" + (name.map { " \($0)" } ?? "")
                case let .accessList(name): return "access-list \(name)"
                case let .remote(a, m): return "prefix \(a)/\(m.rawValue.nonzeroBitCount)"
                }
            }
        }
        sessionTimeout = policy.sessionLifetime.map { UInt32(clamping: $0) }
    }

    /// Why an attribute could not be taken (a CoA NAKs it: 401 unsupported, 407 bad value).
    public enum Problem: Error, Equatable, Sendable {
        case unsupported(UInt8)
        case invalidValue(UInt8)
    }

    /// Reads the authorization attributes of an Access-Accept or a CoA-Request. `strict` (a
    /// CoA): an attribute outside `allowed` is a problem; an Access-Accept's others are ignored.
    /// Identification attributes (User-Name, Acct-Session-Id, …) are skipped: the caller matched
    /// the session with them.
    public static func read(_ attributes: [RADIUSAttribute], strict: Bool) -> Result<AuthorizationAttributes, Problem> {
        var out = AuthorizationAttributes()
        for attribute in attributes {
            let value = attribute.value
            switch attribute.type {
            case RADIUSAttributeType.framedIPAddress:
                if strict { return .failure(.unsupported(attribute.type)) }
                guard let a = IPv4Address(bytes: value) else { return .failure(.invalidValue(attribute.type)) }
                out.framedIP = a
            case RADIUSAttributeType.sessionTimeout, RADIUSAttributeType.idleTimeout,
                 RADIUSAttributeType.acctInterimInterval:
                guard value.count == 4 else { return .failure(.invalidValue(attribute.type)) }
                let v = UInt32(value[0]) << 24 | UInt32(value[1]) << 16 | UInt32(value[2]) << 8 | UInt32(value[3])
                switch attribute.type {
                case RADIUSAttributeType.sessionTimeout: out.sessionTimeout = v
                case RADIUSAttributeType.idleTimeout: out.idleTimeout = v
                default:
                    if strict { return .failure(.unsupported(attribute.type)) }
                    out.interimInterval = v
                }
            case RADIUSAttributeType.class:
                out.classes = (out.classes ?? []) + [value]
            case RADIUSAttributeType.vendorSpecific:
                guard let pairs = ciscoPairs(value) else {
                    if strict { return .failure(.unsupported(attribute.type)) }
                    continue
                }
                for pair in pairs {
                    guard let pair else { return .failure(.invalidValue(attribute.type)) }
                    if let problem = out.take(pair, strict: strict) { return .failure(problem) }
                }
            case RADIUSAttributeType.userName, RADIUSAttributeType.acctSessionId, RADIUSAttributeType.callingStationId,
                 RADIUSAttributeType.nasIPAddress, RADIUSAttributeType.nasIdentifier, RADIUSAttributeType.ciscoSessionKey,
                 RADIUSAttributeType.messageAuthenticator, RADIUSAttributeType.eventTimestamp,
                 RADIUSAttributeType.proxyState, RADIUSAttributeType.state, RADIUSAttributeType.serviceType,
                 RADIUSAttributeType.replyMessage, RADIUSAttributeType.eapMessage:
                continue
            default:
                if strict { return .failure(.unsupported(attribute.type)) }
            }
        }
        return .success(out)
    }

    /// The Cisco AV pairs of a Vendor-Specific value (nil: another vendor or sub-type; a nil
    /// element: a malformed sub-attribute).
    static func ciscoPairs(_ value: [UInt8]) -> [String?]? {
        guard value.count >= 4,
              UInt32(value[0]) << 24 | UInt32(value[1]) << 16 | UInt32(value[2]) << 8 | UInt32(value[3]) == RADIUSVendor.cisco
        else { return nil }
        var out: [String?] = []
        var i = 4
        while i < value.count {
            guard i + 2 <= value.count, value[i + 1] >= 2, i + Int(value[i + 1]) <= value.count else { return out + [nil] }
            let length = Int(value[i + 1])
            guard value[i] == RADIUSVendor.ciscoAVPair else { return nil }
            out.append(String(decoding: value[(i + 2)..<(i + length)], as: UTF8.self))
            i += length
        }
        return out
    }

    /// Applies one `protocol:attribute=value` pair; returns the problem if it cannot.
    mutating func take(_ pair: String, strict: Bool) -> Problem? {
        let vsa = RADIUSAttributeType.vendorSpecific
        // `ip:inacl#5=permit ip any any` and `ipsec:inacl=ACL`; `*` marks an optional pair.
        guard let eq = pair.firstIndex(where: { $0 == "=" || $0 == "*" }) else { return .invalidValue(vsa) }
        let key = String(pair[..<eq]).lowercased()
        let value = String(pair[pair.index(after: eq)...])
        switch key {
        case "ipsec:addr-pool":
            if strict { return .unsupported(vsa) }
            guard !value.isEmpty else { return .invalidValue(vsa) }
            pool = value
        case "ipsec:dns-servers":
            let addresses = value.split(separator: " ").map { IPv4Address(String($0)) }
            guard !addresses.isEmpty, !addresses.contains(nil) else { return .invalidValue(vsa) }
            if strict { return .unsupported(vsa) }
            dnsServers = addresses.compactMap { $0 }
        case "ipsec:default-domain":
            if strict { return .unsupported(vsa) }
            defaultDomain = value
        case "ipsec:route-set":
            if strict { return .unsupported(vsa) }
            routeSets = (routeSets ?? []) + [value]
        case "ipsec:inacl":
            guard !value.isEmpty, !value.contains(" ") else { return .invalidValue(vsa) }
            inacl = value
        case "ipsec:ikev2-password-remote", "ipsec:ikev2-password-local":
            if strict { return .unsupported(vsa) }
            guard !value.isEmpty else { return .invalidValue(vsa) }
            if key.hasSuffix("remote") { ikev2PasswordRemote = value } else { ikev2PasswordLocal = value }
        case "ip:interface-config":
            guard !value.isEmpty else { return .invalidValue(vsa) }
            interfaceConfig = (interfaceConfig ?? []) + [value]
        case "audit-session-id", "subscriber:command", "subscriber:reauthenticate-type":
            break   // identification and commands: the CoA reads them itself
        default:
            if key.hasPrefix("ip:inacl#") {
                guard let n = Int(key.dropFirst("ip:inacl#".count)), n > 0, !value.isEmpty else { return .invalidValue(vsa) }
                inaclEntries = (inaclEntries ?? [:]).merging([n: value]) { $1 }
            } else if strict {
                return .unsupported(vsa)
            }
        }
        return nil
    }

    /// The Cisco AV pairs these attributes are, as `show aaa user` and a session-query list them.
    public var avPairs: [String] {
        var out: [String] = []
        if let p = pool { out.append("ipsec:addr-pool=\(p)") }
        if let d = dnsServers { out.append("ipsec:dns-servers=" + d.map(\.description).joined(separator: " ")) }
        if let d = defaultDomain { out.append("ipsec:default-domain=\(d)") }
        for r in routeSets ?? [] { out.append("ipsec:route-set=\(r)") }
        if let a = inacl { out.append("ipsec:inacl=\(a)") }
        for (n, ace) in (inaclEntries ?? [:]).sorted(by: { $0.key < $1.key }) { out.append("ip:inacl#\(n)=\(ace)") }
        for c in interfaceConfig ?? [] { out.append("ip:interface-config=\(c)") }
        return out
    }
}

/// What authorization gave a session: the attributes of every source merged, and where from.
public struct SessionAuthorization: Equatable, Sendable {
    /// The `crypto ikev2 profile` the session came up on.
    public var profile: String
    /// Whether the peer authenticated with pre-shared keys or EAP (chooses the profile's
    /// `aaa accounting psk|eap` list).
    public var kind: IKEv2AAAKind
    /// The name AAA was asked for (after the name mangler); nil when no RADIUS request was sent.
    public var aaaUserName: String?
    public var attributes = AuthorizationAttributes()
    /// The pool the session's address came from (it goes back there when the session ends).
    public var addressPool: String?
    public init(profile: String, kind: IKEv2AAAKind) {
        self.profile = profile
        self.kind = kind
    }
}

/// Per-session FlexVPN state: the applied authorization and the session's timers.
public final class FlexVPNSessionState {
    public internal(set) var authorizations: [UInt32: SessionAuthorization] = [:]
    /// Session-Timeout, Idle-Timeout and interim timers of each session.
    var timers: [UInt32: SessionTimers] = [:]
    /// Sessions that did not come up (Access-Reject, no server, no profile, pool exhausted).
    public internal(set) var failedConnects = 0
    /// Sessions brought up through authorization.
    public internal(set) var authorizedConnects = 0
    /// Lab sessions' traffic rates, and up to when their counters were brought.
    var traffic: [UInt32: (SimulatedTraffic, Double)] = [:]
    /// The `default` policy's attributes as of a config write count (`Device.defaultPolicyAttributes`).
    var defaultPolicy: (configWrites: Int, attributes: AuthorizationAttributes)?
    public init() {}
}

/// A session's running timers, and the traffic seen when the idle timer last looked.
final class SessionTimers {
    var sessionTimeout: ScheduledTimer?
    var idle: ScheduledTimer?
    var interim: ScheduledTimer?
    var lastTraffic: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    var lastActivity: Double = 0
    /// When `Session-Timeout` ends the session (device time), for `show aaa user`.
    var sessionDeadline: Double?

    func cancelAll() {
        sessionTimeout?.cancel()
        idle?.cancel()
        interim?.cancel()
        sessionTimeout = nil
        idle = nil
        interim = nil
    }
}

extension Device {
    /// Live sessions on a profile (`show crypto ikev2 profile`'s Ref Count adds them).
    public func flexVPNSessionCount(profile: String) -> Int {
        flexVPNSessions.authorizations.values.reduce(0) { $0 + ($1.profile == profile ? 1 : 0) }
    }

    /// The applied authorization of a live session.
    public func authorization(uniqueId: UInt32) -> SessionAuthorization? {
        flexVPNSessions.authorizations[uniqueId]
    }

    /// Seconds until Session-Timeout ends the session, if one is running.
    public func sessionTimeRemaining(uniqueId: UInt32) -> Double? {
        flexVPNSessions.timers[uniqueId]?.sessionDeadline.map { max(0, $0 - now) }
    }
}
