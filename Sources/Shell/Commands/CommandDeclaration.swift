import Device
import RADIUS

/// The configuration modes and their prompts.
public enum Mode: Equatable, Sendable {
    case userExec
    case privilegedExec
    case config
    case dynamicAuthor
    case radiusServer(name: String)
    case serverGroupRadius(name: String)
    /// `line con 0`, `line vty 0 4`: the lines being configured.
    case line(LineRange)
    /// `ip access-list standard NAME`.
    case standardACL(name: String)
    /// `ip ssh pubkey-chain`, its `username X`, and that user's `key-string` lines.
    case sshPubkey
    case sshPubkeyUser(String)
    case sshPubkeyData(user: String, text: String)
    /// FlexVPN: `crypto ikev2 profile NAME`, `crypto ikev2 keyring NAME` and its `peer NAME`,
    /// `crypto ikev2 name-mangler NAME`, `crypto ikev2 authorization policy NAME`.
    case ikev2Profile(name: String)
    case ikev2Keyring(name: String)
    case ikev2KeyringPeer(keyring: String, peer: String)
    case ikev2NameMangler(name: String)
    case ikev2AuthorizationPolicy(name: String)
    /// `crypto ikev2 proposal NAME`, `crypto ikev2 policy NAME`.
    case ikev2Proposal(name: String)
    case ikev2Policy(name: String)
    /// `interface Virtual-Template N type tunnel`.
    case virtualTemplate(number: Int)
    /// `interface GigabitEthernet1`, `interface Loopback N`.
    case configuredInterface(kind: InterfaceConfig.Kind, number: Int)
    /// `crypto ipsec transform-set NAME …`, `crypto ipsec profile NAME`.
    case ipsecTransformSet(name: String)
    case ipsecProfile(name: String)

    /// Which command set a mode uses.
    var kind: ModeKind {
        switch self {
        case .userExec, .privilegedExec: return .exec
        case .config: return .config
        case .dynamicAuthor: return .dynamicAuthor
        case .radiusServer: return .radiusServer
        case .serverGroupRadius: return .serverGroupRadius
        case .line: return .line
        case .standardACL: return .standardACL
        case .sshPubkey: return .sshPubkey
        case .sshPubkeyUser: return .sshPubkeyUser
        case .sshPubkeyData: return .sshPubkeyData
        case .ikev2Profile: return .ikev2Profile
        case .ikev2Keyring: return .ikev2Keyring
        case .ikev2KeyringPeer: return .ikev2KeyringPeer
        case .ikev2NameMangler: return .ikev2NameMangler
        case .ikev2AuthorizationPolicy: return .ikev2AuthorizationPolicy
        case .ikev2Proposal: return .ikev2Proposal
        case .ikev2Policy: return .ikev2Policy
        case .virtualTemplate: return .interface
        case let .configuredInterface(kind, _): return kind == .loopback ? .loopbackInterface : .ethernetInterface
        case .ipsecTransformSet: return .ipsecTransformSet
        case .ipsecProfile: return .ipsecProfile
        }
    }

    var promptSuffix: String {
        switch self {
        case .userExec: return ">"
        case .privilegedExec: return "#"
        case .config: return "(config)#"
        case .dynamicAuthor: return "(config-locsvr-da-radius)#"
        case .radiusServer: return "(config-radius-server)#"
        case .serverGroupRadius: return "(config-sg-radius)#"
        case .line: return "(config-line)#"
        case .standardACL: return "(config-std-nacl)#"
        case .sshPubkey: return "(conf-ssh-pubkey)#"
        case .sshPubkeyUser: return "(conf-ssh-pubkey-user)#"
        case .sshPubkeyData: return "(conf-ssh-pubkey-data)#"
        case .ikev2Profile: return "(config-ikev2-profile)#"
        case .ikev2Keyring: return "(config-ikev2-keyring)#"
        case .ikev2KeyringPeer: return "(config-ikev2-keyring-peer)#"
        case .ikev2NameMangler: return "(config-ikev2-name-mangler)#"
        case .ikev2AuthorizationPolicy: return "(config-ikev2-author-policy)#"
        case .ikev2Proposal: return "(config-ikev2-proposal)#"
        case .ikev2Policy: return "(config-ikev2-policy)#"
        case .virtualTemplate, .configuredInterface: return "(config-if)#"
        case .ipsecTransformSet: return "(cfg-crypto-trans)#"
        case .ipsecProfile: return "(ipsec-profile)#"
        }
    }

    var isConfiguration: Bool { kind != .exec }

    /// The heading of `?` on an empty line.
    var helpHeader: String? {
        switch self {
        case .userExec, .privilegedExec: return "Exec commands:"
        case .config: return "Configure commands:"
        case .dynamicAuthor: return "dynamic authorization local server configuration commands:"
        case .radiusServer: return "RADIUS server sub-mode commands:"
        case .serverGroupRadius: return "Server group configuration commands:"
        case .line: return "Line configuration commands:"
        case .standardACL: return "Standard Access List configuration commands:"
        case .sshPubkey: return "SSH pubkey-chain configuration commands:"
        case .sshPubkeyUser: return "SSH pubkey-chain user configuration commands:"
        case .sshPubkeyData: return nil
        case .ikev2Profile: return "IKEv2 profile commands:"
        case .ikev2Keyring: return "IKEv2 keyring commands:"
        case .ikev2KeyringPeer: return "IKEv2 keyring peer commands:"
        case .ikev2NameMangler: return "IKEv2 name mangler commands:"
        case .ikev2AuthorizationPolicy: return "IKEv2 authorization policy commands:"
        case .ikev2Proposal: return "IKEv2 Proposal commands:"
        case .ikev2Policy: return "IKEv2 Policy commands:"
        case .virtualTemplate, .configuredInterface: return "Interface configuration commands:"
        case .ipsecTransformSet: return "Crypto transform configuration commands:"
        case .ipsecProfile: return "Crypto Map configuration commands:"
        }
    }

    /// Where a command this mode does not know is tried: a keyring's peer hands it to its
    /// keyring, every other submode to global configuration (IOS does the same).
    var parentMode: Mode {
        if case let .ikev2KeyringPeer(keyring, _) = self { return .ikev2Keyring(name: keyring) }
        return .config
    }
}

public enum ModeKind: Hashable, Sendable {
    case exec, config, dynamicAuthor, radiusServer, serverGroupRadius, line, standardACL
    case sshPubkey, sshPubkeyUser, sshPubkeyData
    case ikev2Profile, ikev2Keyring, ikev2KeyringPeer, ikev2NameMangler, ikev2AuthorizationPolicy, interface
    case ikev2Proposal, ikev2Policy
    case loopbackInterface, ethernetInterface
    case ipsecTransformSet, ipsecProfile
}

/// The lines a `line` command configures: the console, or vty lines `first` to `last`.
public struct LineRange: Equatable, Sendable {
    public var console: Bool
    public var first: Int
    public var last: Int
    public init(console: Bool, first: Int, last: Int) {
        self.console = console
        self.first = first
        self.last = last
    }
}

/// How a configuration command was given: plain, `no …` or `default …`.
public enum CommandForm: Sendable {
    case set, no, `default`
}

/// What a handler sees: the typed values by name, the form, the shell and its device.
public final class CommandContext {
    public let shell: IOSShell
    public let captures: [Capture]
    public let form: CommandForm
    /// What the command printed and not yet handed on.
    public var output = ""
    /// The output modifier (`| include …`), applied as lines go by.
    var filter: OutputFilter?
    /// Where output goes in chunks while the command runs, when the console streams.
    var stream: ((String) -> Void)?
    static let chunkBytes = 64 * 1024

    init(shell: IOSShell, captures: [Capture], form: CommandForm) {
        self.shell = shell
        self.captures = captures
        self.form = form
    }

    /// Hands complete lines on once enough have gathered.
    func drainIfLarge() {
        guard let stream, output.utf8.count >= CommandContext.chunkBytes,
              let lastNewline = output.lastIndex(of: "\n") else { return }
        let complete = String(output[...lastNewline])
        output = String(output[output.index(after: lastNewline)...])
        var text = complete
        if var f = filter {
            text = f.feed(complete)
            filter = f
        }
        if !text.isEmpty { stream(text) }
    }

    /// What is left once the command is done, through the filter.
    func finish() -> String {
        guard var filter else { return output }
        let text = filter.feed(output) + filter.finish()
        self.filter = filter
        return text
    }

    public var device: Device { shell.device }
    public var negated: Bool { form != .set }

    /// Whether a keyword (or a named value) was given.
    public func has(_ name: String) -> Bool { captures.contains { $0.name == name } }
    public func string(_ name: String) -> String? { captures.last { $0.name == name }?.text }
    public func int(_ name: String) -> Int? { string(name).flatMap { Int($0) } }
    /// An `A.B.C.D` argument; the grammar only accepts addresses this can read.
    public func ipv4(_ name: String) -> IPv4Address? { string(name).flatMap(IPv4Address.init) }
    public func print(_ text: String) {
        output += text + "\n"
        if stream != nil { drainIfLarge() }
    }

    /// Whether the handler refused the command (a startup-config reports such a line).
    public private(set) var rejected = false

    /// Prints IOS's refusal of the command and marks it refused.
    public func reject(_ text: String) {
        rejected = true
        print(text)
    }

    /// Marks the command refused after its message was printed.
    public func markRejected() { rejected = true }
}

/// One command: its IOS syntax, a help text per keyword or argument (in order), and its handler.
/// Parsing, abbreviation, `?`, Tab, the error forms and `no`/`default` forms all follow from it.
public struct CommandDeclaration {
    public var modes: [ModeKind]
    public var syntax: String
    public var help: [String]
    /// 1 for commands the user EXEC level may run; 15 for privileged ones.
    public var privilege = 15
    /// For configuration commands: how many leading items identify the setting. The `no` and
    /// `default` forms take those and make the rest optional. nil: no `no` form.
    public var negation: Int?
    /// Only there once `aaa new-model` is on, as on IOS.
    public var requiresAAA = false
    /// Accepted but not listed by `?` (lines of IOS's own running-config such as `version`).
    public var hidden = false
    /// Output modifiers (`| include …`) may follow.
    public var pipe = false
    public var run: (CommandContext) -> Void

    public init(_ modes: [ModeKind], _ syntax: String, _ help: [String], privilege: Int = 15, no negation: Int? = nil,
                requiresAAA: Bool = false, hidden: Bool = false, pipe: Bool = false,
                run: @escaping (CommandContext) -> Void) {
        self.modes = modes
        self.syntax = syntax
        self.help = help
        self.privilege = privilege
        self.negation = negation
        self.requiresAAA = requiresAAA
        self.hidden = hidden
        self.pipe = pipe
        self.run = run
    }
}

/// Help texts IOS repeats across commands.
enum HelpText {
    static let show = "Show running system information"
    static let aaa = "Authentication, Authorization and Accounting."
    static let no = "Negate a command or set its defaults"
    static let `default` = "Set a command to its defaults"
    static let debug = "Debugging functions (see also 'undebug')"
    static let undebug = "Disable debugging functions (see also 'debug')"
    static let clear = "Reset functions"
    static let lab = "Emulator lab controls (not in IOS)"
    static let key0 = "Specifies an UNENCRYPTED key will follow"
    static let key7 = "Specifies HIDDEN key will follow"
    static let key6 = "Specifies an ENCRYPTED key will follow"
}
