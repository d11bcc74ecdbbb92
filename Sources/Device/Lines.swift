/// A terminal line's configuration (`line con 0`, `line vty 0 4`): how users log in on it and the
/// terminal settings its sessions start with. Defaults are IOS's.
public struct LineConfig: Equatable, Sendable {
    public enum Login: Equatable, Sendable {
        /// `no login`: no check at all.
        case none
        /// `login`: the line's `password`.
        case password
        /// `login local`: a `username` and its secret or password.
        case local
    }
    public enum Transport: String, Equatable, Sendable {
        case ssh, telnet, all, none
        public func allows(_ protocolName: Transport) -> Bool {
            self == .all || self == protocolName
        }
    }
    public struct ExecTimeout: Equatable, Sendable {
        public var minutes: Int
        public var seconds: Int
        public init(minutes: Int, seconds: Int) {
            self.minutes = minutes
            self.seconds = seconds
        }
        /// IOS's default: 10 minutes.
        public static let standard = ExecTimeout(minutes: 10, seconds: 0)
        /// nil for `exec-timeout 0 0`: never.
        public var interval: Double? { minutes == 0 && seconds == 0 ? nil : Double(minutes * 60 + seconds) }
    }

    public var login: Login
    public var password: ConfigSecret?
    /// `transport input`: nil is the default (the emulator lets telnet and SSH in, see README).
    public var transportInput: Transport?
    public var execTimeout = ExecTimeout.standard
    /// `privilege level N`: the level a session starts at (default 1).
    public var privilegeLevel: Int?
    public var length: Int?
    public var width: Int?
    public var loggingSynchronous = false
    /// `access-class NAME in`: the standard access list a connecting client's address must pass.
    public var accessClass: String?
    /// `login authentication LIST` (with `aaa new-model`): nil uses the `default` list.
    public var loginAuthentication: String?

    public init(login: Login) { self.login = login }

    /// A vty as IOS creates it: `login` (with no password: nobody gets in).
    public static let vtyDefault = LineConfig(login: .password)
    /// The console as IOS creates it: no login.
    public static let consoleDefault = LineConfig(login: .none)

    public func allowsTransport(_ transport: Transport) -> Bool {
        (transportInput ?? .all).allows(transport)
    }
}

/// One line in use: the console or a vty with a session on it. What `show users` lists, where
/// log lines go (the console, and every vty with `terminal monitor`), and how `clear line`
/// reaches the connection. Used on the device's owner only.
public final class DeviceLine {
    public enum Kind: Sendable { case console, vty }
    public let kind: Kind
    /// The number within its kind: `con 0`, `vty 3`.
    public let number: Int
    public var user: String?
    /// The client's address (vty).
    public var peer: String?
    /// How the client came in: `SSH`, `Telnet` (vty), nil for the console.
    public var transportName: String?
    /// `terminal monitor`: log and debug lines are copied here (the console always gets them).
    public var monitor = false
    /// Where log lines for this line go.
    public weak var sink: ConsoleSink?
    /// When the line last received a command (`show users`' Idle).
    public var lastActive: Double
    /// Ends the line's session and closes its connection (`clear line`). Called on the owner.
    public var onClear: (() -> Void)?

    public init(kind: Kind, number: Int, now: Double) {
        self.kind = kind
        self.number = number
        lastActive = now
    }

    /// IOS XE's absolute line number: the console is 0, vty N is N + 1 (a router without aux).
    public var absoluteNumber: Int { kind == .console ? 0 : number + 1 }
    /// `con 0`, `vty 3` (`show users`).
    public var name: String { kind == .console ? "con \(number)" : "vty \(number)" }
    /// `vty0`, the form of `%SYS-5-CONFIG_I`.
    public var shortName: String { kind == .console ? "con\(number)" : "vty\(number)" }
}

extension Device {
    /// How many vty lines the configuration has: 5 (`vty 0 4`), 16 once `line vty 5 15` exists.
    public var vtyCount: Int { config.vtyLines.count }

    /// Takes the first free vty line; nil when every one is in use.
    /// `number`: that line (nil: the first free one), as `vtyLineAdmitting` chose it.
    public func allocateVty(peer: String?, number wanted: Int? = nil) -> DeviceLine? {
        let used = Set(lines.filter { $0.kind == .vty }.map(\.number))
        guard let number = wanted.map({ used.contains($0) || $0 >= vtyCount ? nil : $0 })
                ?? (0..<vtyCount).first(where: { !used.contains($0) }) else { return nil }
        let line = DeviceLine(kind: .vty, number: number, now: now)
        line.peer = peer
        addLine(line)
        return line
    }

    /// The configuration of vty `number` (the last vty's when out of range).
    public func vtyConfig(_ number: Int) -> LineConfig {
        let vtys = config.vtyLines
        return vtys.indices.contains(number) ? vtys[number] : (vtys.last ?? .vtyDefault)
    }
}

extension Device {
    /// `login local`: the `username` whose name and password match, else nil. Its `privilege`
    /// (when given) is the level the session starts at; else the line's `privilege level`.
    public func authenticateLocalUser(_ name: String, password: String) -> LocalUser? {
        guard let user = config.users[named: name] else { return nil }
        let matches: Bool
        switch user.credential {
        case let .password(secret)?: matches = secret.plain == password
        case let .secret(type, hash)?:
            switch type {
            case 5: matches = MD5Crypt.verify(password, against: hash)
            case 9: matches = CiscoScrypt.verify(password, against: hash)
            default: matches = false
            }
        case nil: matches = false
        }
        return matches ? user : nil
    }
}
