import DequeModule
import RADIUS

/// Where the device's asynchronous console output goes: log messages and debug lines. The shell
/// prints them above a redrawn prompt; a transcript records them in order.
public protocol ConsoleSink: AnyObject {
    func deviceLog(_ line: String)
}

/// Keeps the startup-config somewhere: a file for the real product, memory for tests.
public protocol StartupConfigStore: AnyObject {
    func load() throws -> String?
    /// Must be atomic: afterwards the store holds the old text or the new, never a torn mix.
    func save(_ text: String) throws
    /// `write erase`: afterwards `load` finds no startup-config.
    func erase() throws
    /// A name for messages (`nvram:startup-config`, a path).
    var displayName: String { get }
}

public final class MemoryStartupConfigStore: StartupConfigStore {
    public var text: String?
    public init(text: String? = nil) { self.text = text }
    public func load() throws -> String? { text }
    public func save(_ text: String) throws { self.text = text }
    public func erase() throws { text = nil }
    public var displayName: String { "nvram:startup-config" }
}

public struct DebugFlags: Equatable, Sendable {
    /// `debug radius authentication`: RADIUS authentication packets (the emulator sends none).
    public var radiusAuthentication = false
    /// `debug radius accounting`: the accounting packets' lines.
    public var radiusAccounting = false
    /// `debug radius dynamic-authorization`: the DAS's packet lines.
    public var radiusDynamicAuthorization = false
    public var aaaPod = false
    /// `debug aaa coa`: the CoA-Requests the DAS decides, in the `POD:` lines' style.
    public var aaaCoa = false
    public var cryptoIkev2 = false
    public init() {}
    /// `debug radius`: every kind of RADIUS packet at once.
    public var radius: Bool {
        get { radiusAuthentication && radiusAccounting && radiusDynamicAuthorization }
        set {
            radiusAuthentication = newValue
            radiusAccounting = newValue
            radiusDynamicAuthorization = newValue
        }
    }
    /// Whether any RADIUS debugging is on (`Radius protocol debugging is on`).
    public var radiusProtocol: Bool { radiusAuthentication || radiusAccounting || radiusDynamicAuthorization }
    public var any: Bool { radiusProtocol || aaaPod || aaaCoa || cryptoIkev2 }
}

/// What a RADIUS answer answered: an Access-Request, or an Accounting-Request of this status.
public enum RADIUSResponseKind: Sendable {
    case access
    case accounting(AccountingPackets.Status)
}

/// The emulated router: its configuration, clock, logs and sessions. Logic only; one serial
/// owner (the engine's event loop, or a test) calls it, so it needs no locks.
public final class Device {
    /// The running configuration. Edited in place (`_modify`): a property observer would make
    /// every edit from another module copy the list it changes — each `username` line of a
    /// 20,000-user startup-config copying every user — so the observers are called by hand, and
    /// see only the new value (they keep what they compare against themselves).
    public var config: RunningConfig {
        get { storedConfig }
        _modify {
            defer { configChanged() }
            yield &storedConfig
        }
        set {
            storedConfig = newValue
            configChanged()
        }
    }
    /// Read it directly where a copy of the whole config would cost (a session's connect);
    /// every write goes through `config`.
    private(set) var storedConfig = RunningConfig()

    private func configChanged() {
        configWrites &+= 1
        followInterfaceAddresses()
        accounting.serverLists.removeAll()
        for observer in configObservers { observer(storedConfig) }
    }

    /// Writes of `config` since boot: how the shell tells, while a file loads, which lines
    /// changed the configuration without holding a copy of it across each line.
    public private(set) var configWrites = 0
    public let time: TimeSource
    public let random: RandomSource
    public let startupStore: StartupConfigStore
    /// Where log and debug lines go. Lines logged before a console first attaches (while the
    /// device boots: a DAS port that cannot be allocated) are held and shown when it attaches,
    /// as IOS prints its boot messages on the console.
    public weak var console: ConsoleSink? {
        didSet {
            guard let console, let held = heldConsoleLines else { return }
            heldConsoleLines = nil
            for line in held { console.deviceLog(line) }
        }
    }
    /// The lines in use: the console (once attached) and the vty lines with a session, in the
    /// order of their numbers.
    public private(set) var lines: [DeviceLine] = []

    /// Sessions each vty line has had since boot (`show line`'s Uses).
    public var vtyUses: [Int: Int] = [:]
    /// `show access-lists` match counters: list name -> entry sequence -> matches.
    public var accessListMatches: [String: [Int: Int]] = [:]
    /// Logins waiting on RADIUS servers (`aaa authentication login … group …`).
    public let loginAuth = LoginAuthState()

    public func addLine(_ line: DeviceLine) {
        if line.kind == .vty { vtyUses[line.number, default: 0] += 1 }
        lines.append(line)
        lines.sort { $0.absoluteNumber < $1.absoluteNumber }
    }

    public func removeLine(_ line: DeviceLine) {
        lines.removeAll { $0 === line }
    }

    /// Lines waiting for the first console (nil once one attached); at most `heldConsoleLimit`.
    private var heldConsoleLines: [String]? = []
    static let heldConsoleLimit = 256
    /// The master key of `key config-key password-encrypt`, for type 6 keys. IOS keeps it in
    /// private NVRAM, never in the configuration: here it lives as long as the device (a
    /// `reload` keeps it; a new process starts without one).
    public var configKey: String?

    /// Seconds added to the time source by `clock set`.
    public var clockOffset: Double = 0
    /// False until `clock set` (IOS prints a leading `*` on times it does not trust).
    public var clockAuthoritative = false
    /// When the device booted, on the time source (`lab clock advance` on the host's clock moves it back).
    public private(set) var bootTime: Double

    public var debug = DebugFlags()
    /// Messages kept by `logging buffered`, oldest first. Bound: after each message the lines
    /// hold at most the configured size in bytes (each line's UTF-8 bytes plus its line break);
    /// the oldest go first. A ring, so a debug flood into a full buffer costs O(1) per line.
    public private(set) var logBuffer = Deque<String>()
    public private(set) var logBufferBytes = 0
    /// Whether log and debug lines go to the console (`logging console`, on by default).
    public var consoleLogging = true

    /// When and by whom the configuration last changed, and when it was last saved.
    public var lastConfigChange: (time: Double, by: String)? {
        didSet { if lastConfigChange == nil { unsavedConfigChanges = false } }
    }
    /// True when the configuration changed since it was loaded or last saved: `reload` asks
    /// whether to save first.
    public var unsavedConfigChanges = false
    /// The `! NVRAM config last updated at …` text of the saved configuration, if any.
    public var nvramStamp: String?
    /// Messages logged since boot, for `show logging`.
    public private(set) var messagesLogged = 0
    /// Per destination, as `show logging` counts them: those shown on the console (`logging
    /// console`, level debugging), those put in the buffer while `logging buffered` was on, and
    /// those at the trap level (informational: severity 6 or more urgent; debug lines are 7).
    public private(set) var consoleMessagesLogged = 0
    public private(set) var bufferMessagesLogged = 0
    public private(set) var trapMessagesLogged = 0

    private var configObservers: [(RunningConfig) -> Void] = []

    /// Remote-access sessions (Sessions/).
    public let sessions = SessionTable()
    /// The address this device gives RADIUS as its own: NAS-IP-Address, the seeds'
    /// `Best Local IP-Address 192.168.202.1`. A Disconnect-Request naming another is NAKed 403.
    /// `ip radius source-interface`'s address, else GigabitEthernet1's; while neither has one,
    /// the last one.
    public private(set) var nasIPAddress = IPv4Address(192, 168, 202, 1)
    /// The IKEv2 local address sessions terminate on (the seeds' 51.1.1.1, in audit-session-ids):
    /// Loopback0's address, the one the Virtual-Access interfaces borrow; while it has none, the
    /// last one it had.
    public private(set) var sessionLocalAddress = IPv4Address(51, 1, 1, 1)

    /// Kept in step with the configuration, so the hot paths read a stored address. The NAS
    /// address is `ip radius source-interface`'s when that interface is up with an address, else
    /// GigabitEthernet1's.
    private func followInterfaceAddresses() {
        var nas: IPv4Address?
        var source: IPv4Address?
        for i in storedConfig.interfaces {
            guard let address = i.address?.address else { continue }
            if i.kind == .gigabitEthernet, i.number == 1 { nas = address }
            if i.kind == .loopback, i.number == 0 { sessionLocalAddress = address }
            if i.name == storedConfig.radiusSourceInterface, !i.shutdown { source = address }
        }
        if let address = source ?? nas { nasIPAddress = address }
    }
    /// The `Profile:` of `show crypto session` for a lab session that came up without a
    /// `crypto ikev2 profile` (the seeds' sessions); an authorized session shows its own profile.
    public var ikev2ProfileName = "FLEX_PROF"
    /// The Dynamic Authorization Server's state (DAS/).
    public let das = DASState()
    /// Called on the owner's loop after sessions end (POD, `clear crypto session`), oldest first:
    /// the place for IKEv2 delete lines and the accounting Stop.
    public var onSessionsDisconnected: (([Session], SessionEndCause) -> Void)?
    /// Called on the owner's loop after a session comes up: the place for the accounting Start.
    public var onSessionConnected: ((Session) -> Void)?
    /// RADIUS accounting (Accounting/): requests in flight, per-session records, server counters.
    public let accounting = AccountingState()
    /// What a training lab grades (Labs/): DAS answers, Stops sent, commands run.
    public let labEvents = LabEventLog()
    /// The IKEv2 responder's SAs, settings and counters (IKE/).
    public let ike = IKEState()
    /// Addresses given out of the `ip local pool`s (FlexVPN/).
    public let addressPools = AddressPoolState()
    /// FlexVPN sessions' applied authorization and timers (FlexVPN/).
    public let flexVPNSessions = FlexVPNSessionState()
    /// Hears every verified RADIUS answer the device gets as a client, with its round-trip
    /// time in device seconds (`flexvpn-bench lifecycle`'s percentiles). nil: nobody listens.
    public var onRADIUSResponse: ((RADIUSResponseKind, Double) -> Void)?
    /// New SAs refused because `crypto ikev2 limit max-sa` was reached (since boot).
    public internal(set) var sessionsRefusedAtLimit = 0
    /// The timeouts of the Accounting-Requests and Access-Requests in flight (one timer each kind).
    lazy var accountingTimeouts = RequestTimeouts<PendingAccountingRequest> { [unowned self] request in
        self.accountingTimedOut(request)
    }
    lazy var accessTimeouts = RequestTimeouts<PendingAccessRequest> { [unowned self] request in
        self.accessRequestTimedOut(request)
    }

    public init(time: TimeSource = SystemTimeSource(), random: RandomSource = SystemRandom(),
                startupStore: StartupConfigStore = MemoryStartupConfigStore()) {
        self.time = time
        self.random = random
        self.startupStore = startupStore
        bootTime = time.now()
        // Accounting follows sessions by default; a test may replace these hooks.
        onSessionConnected = { [unowned self] session in self.accountingSessionConnected(session) }
        onSessionsDisconnected = { [unowned self] ended, cause in
            self.accountingSessionsEnded(ended, cause: cause)
            self.flexVPNSessionsEnded(ended)
            // A real client is then told with an IKEv2 Delete.
            self.ikeSessionsEnded(ended, cause: cause)
        }
    }

    /// Called after every write of the running configuration (a write may change nothing), with
    /// the new value.
    public func observeConfig(_ observer: @escaping (RunningConfig) -> Void) {
        configObservers.append(observer)
    }

    // MARK: clock

    /// The device's notion of now, in seconds since 1970 UTC.
    public var now: Double { time.now() + clockOffset }

    public var uptimeSeconds: Double { time.now() - bootTime }

    /// `clock set`: moves the device clock to `epochSeconds` (UTC) and trusts it from then on.
    public func setClock(to epochSeconds: Double) {
        clockOffset = epochSeconds - time.now()
        clockAuthoritative = true
    }

    /// `lab clock advance` on the host's clock (no manual scheduler to move): the device's clock
    /// and its uptime move on as if the time had passed.
    public func advanceClock(by seconds: Double) {
        clockOffset += seconds
        bootTime -= seconds
    }

    /// The local zone: the configured one, else UTC.
    public var timezone: ClockTimezone { config.clockTimezone ?? ClockTimezone(name: "UTC", hours: 0, minutes: 0) }

    public func localTime(_ epochSeconds: Double) -> CivilTime {
        CivilTime(epochSeconds: epochSeconds + Double(timezone.offsetSeconds))
    }

    // MARK: logging

    /// Emits a syslog message such as `%SYS-5-CONFIG_I: Configured from console by console`.
    public func syslog(facility: String, severity: Int, mnemonic: String, _ text: String) {
        emit(timestamp(for: config.timestampsLog) + "%\(facility)-\(severity)-\(mnemonic): \(text)", severity: severity)
    }

    /// A syslog message that the command printing it shows inline (IOS prints some, such as
    /// `%AAAA-4-CLI_DEPRECATED`, before the next prompt): counted and buffered like any other,
    /// returned instead of sent to the console.
    public func syslogLine(facility: String, severity: Int, mnemonic: String, _ text: String) -> String {
        let line = timestamp(for: config.timestampsLog) + "%\(facility)-\(severity)-\(mnemonic): \(text)"
        record(line, severity: severity)
        if consoleLogging { consoleMessagesLogged += 1 }
        return line
    }

    /// Emits one debug line, stamped as `service timestamps debug` says.
    public func debugLog(_ text: String) {
        emit(timestamp(for: config.timestampsDebug) + text, severity: 7)
    }

    /// Debug lines of one event share one timestamp prefix, as IOS stamps them within a millisecond.
    public func debugLog(lines: [String]) {
        let stamp = timestamp(for: config.timestampsDebug)
        for line in lines { emit(stamp + line, severity: 7) }
    }

    /// A line for the consoles only (not a logged message).
    func emitNotice(_ line: String) {
        for vty in lines where vty.kind == .vty && vty.monitor { vty.sink?.deviceLog(line) }
        console?.deviceLog(line)
    }

    private func emit(_ line: String, severity: Int) {
        record(line, severity: severity)
        guard consoleLogging else { return }
        consoleMessagesLogged += 1
        for vty in lines where vty.kind == .vty && vty.monitor { vty.sink?.deviceLog(line) }
        if let console {
            console.deviceLog(line)
        } else if heldConsoleLines != nil, heldConsoleLines!.count < Device.heldConsoleLimit {
            heldConsoleLines!.append(line)
        }
    }

    /// Counts a message and keeps it in the logging buffer.
    private func record(_ line: String, severity: Int) {
        messagesLogged += 1
        if severity <= 6 { trapMessagesLogged += 1 }
        if let size = config.loggingBufferedSize {
            bufferMessagesLogged += 1
            logBuffer.append(line)
            logBufferBytes += line.utf8.count + 1
            while logBufferBytes > size, !logBuffer.isEmpty {
                logBufferBytes -= logBuffer.removeFirst().utf8.count + 1
            }
        }
    }

    /// Lines held for the first console so far.
    public var heldConsoleLineCount: Int { heldConsoleLines?.count ?? 0 }

    /// Forgets the held lines from `index` on (a scenario's own set-up commands are not shown).
    public func dropHeldConsoleLines(from index: Int) {
        guard let held = heldConsoleLines, index < held.count else { return }
        heldConsoleLines = Array(held.prefix(max(0, index)))
    }

    public func clearLogBuffer() {
        logBuffer.removeAll()
        logBufferBytes = 0
    }

    /// The prefix IOS puts before a message: `*Mar  1 00:00:12.345: `, `Nov  4 00:26:49.908 IST: `,
    /// `00:01:02: ` (uptime), or nothing when the service is off.
    public func timestamp(for service: TimestampService?) -> String {
        guard let service else { return "" }
        switch service {
        case .uptime:
            return Device.formatUptime(uptimeSeconds) + ": "
        case let .datetime(msec, localtime, showTimezone, year):
            let instant = now
            let zone = localtime ? timezone : ClockTimezone(name: "UTC", hours: 0, minutes: 0)
            let t = CivilTime(epochSeconds: instant + Double(zone.offsetSeconds))
            var s = clockAuthoritative ? "" : "*"
            s += t.monthName + " " + pad(t.day, 2, " ")
            if year { s += " " + String(t.year) }
            s += " " + pad(t.hour, 2) + ":" + pad(t.minute, 2) + ":" + pad(t.second, 2)
            if msec { s += "." + pad(t.millisecond, 3) }
            if showTimezone { s += " " + zone.name }
            return s + ": "
        }
    }

    /// IOS's uptime stamp: `00:01:02` under a day, then `1d02h`, then `1w2d`.
    public static func formatUptime(_ seconds: Double) -> String {
        let s = max(0, Int(seconds))
        let days = s / 86400
        if days == 0 { return pad(s / 3600, 2) + ":" + pad(s / 60 % 60, 2) + ":" + pad(s % 60, 2) }
        if days < 7 { return "\(days)d" + pad(s / 3600 % 24, 2) + "h" }
        return "\(days / 7)w\(days % 7)d"
    }

    /// `show clock`: `*18:57:38.347 UTC Mon Oct 19 2015`.
    public func showClock() -> String {
        let t = localTime(now)
        return (clockAuthoritative ? "" : "*") + pad(t.hour, 2) + ":" + pad(t.minute, 2) + ":" + pad(t.second, 2)
            + "." + pad(t.millisecond, 3) + " " + timezone.name + " " + t.weekdayName + " " + t.monthName + " "
            + String(t.day) + " " + String(t.year)
    }

    /// `19:35:21 UTC Mon Jul 15 2019`: the form of the running-config's change lines.
    public func changeStamp(_ epochSeconds: Double) -> String {
        let t = localTime(epochSeconds)
        return pad(t.hour, 2) + ":" + pad(t.minute, 2) + ":" + pad(t.second, 2) + " " + timezone.name + " "
            + t.weekdayName + " " + t.monthName + " " + String(t.day) + " " + String(t.year)
    }

    /// Records a configuration change for the running-config's header.
    public func noteConfigChange(by who: String) {
        lastConfigChange = (now, who)
        unsavedConfigChanges = true
    }
}

/// Left-pads a number: `pad(4, 2, " ")` is ` 4`.
public func pad(_ value: Int, _ width: Int, _ fill: Character = "0") -> String {
    let s = String(value)
    return s.count >= width ? s : String(repeating: fill, count: width - s.count) + s
}
