// The running configuration as a value. Renderers turn it into `show running-config` text; the
// shell's handlers change it; a running engine observes changes (see `Device.observeConfig`).

/// A shared secret or password as the user gave it. `type7` holds the Cisco type 7 form once the
/// key was typed that way or `service password-encryption` encrypted it; IOS keeps it encrypted
/// from then on, even after the service is turned off.
///
/// `type6` holds the type 6 (AES) form once the key was typed that way or `password encryption
/// aes` with a master key encrypted it; it takes precedence over `type7` when shown.
public struct ConfigSecret: Equatable, Sendable {
    public var plain: String
    public var type7: String?
    public var type6: String?

    public init(plain: String, type7: String? = nil, type6: String? = nil) {
        self.plain = plain
        self.type7 = type7
        self.type6 = type6
    }
}

public enum TimestampService: Equatable, Sendable {
    case uptime
    case datetime(msec: Bool, localtime: Bool, showTimezone: Bool, year: Bool)
}

public struct ClockTimezone: Equatable, Sendable {
    public var name: String
    public var hours: Int
    public var minutes: Int
    public init(name: String, hours: Int, minutes: Int) {
        self.name = name
        self.hours = hours
        self.minutes = minutes
    }
    /// Offset from UTC in seconds; a negative hour makes the minutes negative too (`-3 30`).
    public var offsetSeconds: Int { hours * 3600 + (hours < 0 ? -minutes : minutes) * 60 }
}

public enum DASAuthType: String, Equatable, Sendable, CaseIterable {
    case all, any
    case sessionKey = "session-key"
}

public struct DynamicAuthorClient: Equatable, Sendable {
    /// A hostname or a dotted-quad address, as typed.
    public var host: String
    public var vrf: String?
    public var serverKey: ConfigSecret?
    public init(host: String, vrf: String? = nil, serverKey: ConfigSecret? = nil) {
        self.host = host
        self.vrf = vrf
        self.serverKey = serverKey
    }
}

public struct DynamicAuthorConfig: Equatable, Sendable {
    public static let defaultPort: UInt16 = 1700
    /// Kept in entry order, as IOS shows them.
    public var clients: [DynamicAuthorClient] = []
    public var serverKey: ConfigSecret?
    public var port: UInt16 = DynamicAuthorConfig.defaultPort
    public var authType: DASAuthType = .all
    public var ignoreServerKey = false
    public var ignoreSessionKey = false
    public var ignoreRetransmission = false
    public var domainDelimiter: Character?
    /// nil: no stripping; false: left to right; true: right to left.
    public var domainStrippingRightToLeft: Bool?
    public init() {}

    /// The client entry for this address in this VRF (nil: the global routing table). IOS keeps
    /// one entry per address and VRF.
    public func client(host: String, vrf: String? = nil) -> DynamicAuthorClient? {
        clients.first { $0.host == host && $0.vrf == vrf }
    }
}

public struct LocalUser: Equatable, Sendable {
    public enum Credential: Equatable, Sendable {
        case password(ConfigSecret)
        /// A hashed secret: the IOS type (5, 8, 9) and its text.
        case secret(type: Int, hash: String)
    }
    public var name: String
    public var privilege: Int?
    public var credential: Credential?
    public init(name: String, privilege: Int? = nil, credential: Credential? = nil) {
        self.name = name
        self.privilege = privilege
        self.credential = credential
    }
}

/// The `username` entries in configuration order, with an index by name, so that each
/// `username` line of a long startup-config finds its name in constant time.
public struct LocalUserList: RandomAccessCollection, MutableCollection, Equatable, Sendable, ExpressibleByArrayLiteral {
    private var entries: [LocalUser] = []
    private var positions: [String: Int] = [:]

    public init() {}
    /// The users in order; a later entry of a name replaces the earlier one in its place.
    public init(_ users: some Sequence<LocalUser>) {
        for user in users { set(user) }
    }
    public init(arrayLiteral users: LocalUser...) { self.init(users) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { entries.count }
    public subscript(position: Int) -> LocalUser {
        get { entries[position] }
        set {
            let old = entries[position].name
            entries[position] = newValue
            if old != newValue.name { reindex() }
        }
    }

    /// The user of this name.
    public subscript(named name: String) -> LocalUser? {
        positions[name].map { entries[$0] }
    }

    /// Replaces the user of that name in its place, or adds it at the end (as `username` does).
    public mutating func set(_ user: LocalUser) {
        if let position = positions[user.name] {
            entries[position] = user
        } else {
            positions[user.name] = entries.count
            entries.append(user)
        }
    }

    /// The same as `set`: a name is never listed twice.
    public mutating func append(_ user: LocalUser) { set(user) }

    /// Removes the user of this name; false when there is none.
    @discardableResult
    public mutating func remove(named name: String) -> Bool {
        guard let position = positions[name] else { return false }
        entries.remove(at: position)
        reindex()
        return true
    }

    private mutating func reindex() {
        positions.removeAll(keepingCapacity: true)
        for (position, user) in entries.enumerated() where positions[user.name] == nil {
            positions[user.name] = position
        }
    }

    public static func == (a: LocalUserList, b: LocalUserList) -> Bool { a.entries == b.entries }
}

public struct RadiusServerConfig: Equatable, Sendable {
    public var name: String
    public var address: String?
    /// IOS's defaults when `address ipv4` names no ports (IOS XE's YANG model; running-configs
    /// show them): the old RADIUS ports 1645 and 1646, not RFC 2865's 1812 and 1813.
    public static let defaultAuthPort: UInt16 = 1645
    public static let defaultAcctPort: UInt16 = 1646
    public var authPort: UInt16 = RadiusServerConfig.defaultAuthPort
    public var acctPort: UInt16 = RadiusServerConfig.defaultAcctPort
    public var key: ConfigSecret?
    public init(name: String) { self.name = name }
}

public struct RadiusServerGroup: Equatable, Sendable {
    public var name: String
    public var serverNames: [String] = []
    public init(name: String) { self.name = name }
}

public struct AAAMethodList: Equatable, Sendable {
    public enum Method: Hashable, Sendable {
        case local
        case group(String)
    }
    public var name: String
    public var methods: [Method]
    public init(name: String, methods: [Method]) {
        self.name = name
        self.methods = methods
    }
}

/// `aaa authentication login {default | LIST} METHOD...`: tried in order; the next method only
/// when one cannot answer (no such database, no server answering), never after a refusal.
public struct LoginMethodList: Equatable, Sendable {
    public enum Method: Equatable, Sendable {
        case local, line, enable, none
        case group(String)
        public var text: String {
            switch self {
            case .local: return "local"
            case .line: return "line"
            case .enable: return "enable"
            case .none: return "none"
            case let .group(name): return "group \(name)"
            }
        }
    }
    public var name: String
    public var methods: [Method]
    public init(name: String, methods: [Method]) {
        self.name = name
        self.methods = methods
    }
}

public struct RunningConfig: Equatable, Sendable {
    public static let defaultHostname = "Device"

    public var hostname = RunningConfig.defaultHostname
    /// `enable secret`: the IOS hash type and text.
    public var enableSecret: (type: Int, hash: String)? {
        get { enableSecretStorage.map { ($0.type, $0.hash) } }
        set { enableSecretStorage = newValue.map { HashedSecret(type: $0.type, hash: $0.hash) } }
    }
    public var enableSecretStorage: HashedSecret?
    public var enablePassword: ConfigSecret?
    public var servicePasswordEncryption = false
    /// `password encryption aes`: keys are stored as type 6 once a master key is configured
    /// (`key config-key password-encrypt`, kept by the device outside the running config).
    public var passwordEncryptionAES = false
    public var timestampsDebug: TimestampService? = .datetime(msec: true, localtime: false, showTimezone: false, year: false)
    public var timestampsLog: TimestampService? = .datetime(msec: true, localtime: false, showTimezone: false, year: false)
    public var clockTimezone: ClockTimezone?
    public var aaaNewModel = false
    /// IOS's default once AAA is on; shown in the running-config then.
    public var aaaSessionIdCommon = true
    public var dynamicAuthor: DynamicAuthorConfig?
    public var users = LocalUserList()
    public var radiusServers: [RadiusServerConfig] = []
    public var radiusGroups: [RadiusServerGroup] = []
    public var accountingNetwork: [AAAMethodList] = []
    public var authorizationNetwork: [AAAMethodList] = []
    /// `aaa authentication login`.
    public var authenticationLogin: [LoginMethodList] = []
    /// `aaa authorization exec` (`local`, `group GROUP`).
    public var authorizationExec: [AAAMethodList] = []
    /// `login on-failure log` / `login on-success log`.
    public var loginOnFailureLog = false
    public var loginOnSuccessLog = false
    public var ipDomainLookup = true
    /// `ip access-list standard NAME` and numbered `access-list N` (1-99), in creation order.
    public var accessLists: [StandardAccessList] = []
    /// `logging buffered [SIZE]`: nil when off.
    public var loggingBufferedSize: Int? = nil
    /// `line con 0`.
    public var consoleLine = LineConfig.consoleDefault
    /// `line vty 0 4` (five lines; `line vty 5 15` makes sixteen).
    public var vtyLines = Array(repeating: LineConfig.vtyDefault, count: 5)
    /// `ip domain name`, `ip ssh …`, `crypto key generate rsa` (see SSHConfig.swift).
    public var domainName: String?
    public var ssh = SSHConfig()
    /// `banner login|motd|exec`.
    public var banners = Banners()
    /// `crypto ikev2 …`, `ip local pool`, `interface Virtual-Template` (FlexVPN/).
    public var flexVPN = FlexVPNConfig()
    /// `interface GigabitEthernet1` and `interface Loopback N`, in running-config order.
    public var interfaces = InterfaceConfig.labDefaults
    /// `ip route …`, in the order IOS lists them (by prefix, then as entered).
    public var staticRoutes: [StaticRouteConfig] = []
    /// `ip radius source-interface NAME`: the interface whose address RADIUS packets carry as
    /// NAS-IP-Address (GigabitEthernet1's when unset).
    public var radiusSourceInterface: String?
    /// `aaa accounting update {periodic N | newinfo [periodic N]}`; nil: none (IOS's default).
    public var accountingUpdate: AccountingUpdateConfig?
    /// `crypto ikev2 limit max-sa N`: the most IKEv2 SAs (remote-access sessions) at once; nil:
    /// no limit (IOS's default), the table then bounded by memory alone.
    public var ikev2MaxSA: Int?

    public init() {}

    public struct HashedSecret: Equatable, Sendable {
        public var type: Int
        public var hash: String
        public init(type: Int, hash: String) {
            self.type = type
            self.hash = hash
        }
    }

    public func radiusServer(named name: String) -> RadiusServerConfig? {
        radiusServers.first { $0.name == name }
    }
    public func radiusGroup(named name: String) -> RadiusServerGroup? {
        radiusGroups.first { $0.name == name }
    }

    /// The DAS is live only while AAA and the dynamic-author block are both configured.
    public var dasPort: UInt16? {
        guard aaaNewModel, let das = dynamicAuthor else { return nil }
        return das.port
    }
}

extension RunningConfig {
    /// The configured interface of that kind and number.
    public func interface(_ kind: InterfaceConfig.Kind, _ number: Int) -> InterfaceConfig? {
        interfaces.first { $0.kind == kind && $0.number == number }
    }

    /// Changes that interface, creating it first (in running-config order) when it is new.
    public mutating func updateInterface(_ kind: InterfaceConfig.Kind, _ number: Int,
                                         _ change: (inout InterfaceConfig) -> Void) {
        if let i = interfaces.firstIndex(where: { $0.kind == kind && $0.number == number }) {
            change(&interfaces[i])
            return
        }
        var new = InterfaceConfig(kind: kind, number: number)
        change(&new)
        let at = interfaces.firstIndex { InterfaceConfig.precedes(new, $0) } ?? interfaces.endIndex
        interfaces.insert(new, at: at)
    }
}

