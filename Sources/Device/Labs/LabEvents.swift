import DequeModule
import RADIUS

/// What a training lab grades besides the device's current state: what the router *did*. The
/// DAS's answers, the accounting Stops that left, the commands the lines ran and the moments a
/// configuration mode was left, in order. Recording costs nothing until a lab listens
/// (`onEvent` set), so the DAS hot path and the benchmarks are untouched without a lab.
public final class LabEventLog {
    /// One session as an event names it.
    public struct SessionSummary: Equatable, Sendable {
        public var userName: String?
        public var auditSessionId: String
        public var peer: IPv4Address
        public var framedIP: IPv4Address?
        public var uniqueId: UInt32
        public var acctSessionId: UInt32

        public init(_ session: Session) {
            userName = session.userName
            auditSessionId = session.auditSessionId
            peer = session.peer
            framedIP = session.framedIP
            uniqueId = session.uniqueId
            acctSessionId = session.acctSessionId
        }
    }

    public enum Event: Equatable, Sendable {
        /// A command a line ran (parsed and accepted), in its full-keyword form (`show aaa user 41`
        /// for `sh aaa us 41`), and the line (`con0`, `vty0`).
        case command(text: String, line: String)
        /// A line left configuration mode (`end`, Ctrl-Z, `exit`): IOS's `%SYS-5-CONFIG_I` moment.
        case configured(line: String)
        /// The DAS answered a request from `client`: the request and reply codes, the reply's
        /// Error-Cause (NAKs), and the sessions a Disconnect-ACK ended.
        case dasReply(client: IPv4Address, request: RADIUSCode, reply: RADIUSCode, errorCause: UInt32?,
                      ended: [SessionSummary])
        /// An accounting Stop left for a session (its first transmission), with its
        /// Acct-Terminate-Cause.
        case accountingStop(session: SessionSummary, terminateCause: UInt32)
    }

    public typealias Entries = Deque<Entry>

    public struct Entry: Equatable, Sendable {
        /// Counts every event since the log began listening, gaps never: later is larger.
        public var sequence: Int
        /// The device clock when it happened.
        public var time: Double
        public var event: Event
    }

    /// The newest events, oldest first. Bound: at most `capacity` (16,384: a lab grades minutes
    /// of a student's work, a few thousand events; a load driven at a lab — `lab sessions connect`,
    /// a DAS flood — would otherwise grow it for as long as it runs). When full the oldest leave
    /// first, counted in `discarded`, and the first time the device logs `%LAB-4-EVENTS_FULL`. A
    /// ring, so a full log costs O(1) per event.
    public private(set) var entries = Entries()
    public var capacity = 16_384 {
        didSet { trim(to: capacity) }
    }
    /// Events that left the full log to make room, since it began listening (or `lab reset`).
    public private(set) var discarded = 0
    private var nextSequence = 0
    /// The lab listening; nil: nothing is recorded.
    public var onEvent: ((Entry) -> Void)?
    /// The lab running on this device (a Shell `LabSession`), kept here so that every line finds
    /// it; the device itself never looks inside.
    public var runtime: AnyObject?

    public init() {}

    /// Whether anything listens: callers skip building events otherwise.
    @inline(__always)
    public var isListening: Bool { onEvent != nil }

    /// Keeps `event`; returns true when this event made the log discard for the first time
    /// (the moment to say so).
    @discardableResult
    public func record(_ event: Event, at time: Double) -> Bool {
        guard let onEvent else { return false }
        let entry = Entry(sequence: nextSequence, time: time, event: event)
        nextSequence += 1
        let before = discarded
        trim(to: capacity - 1)
        entries.append(entry)
        onEvent(entry)
        return before == 0 && discarded > 0
    }

    private func trim(to count: Int) {
        while entries.count > max(0, count) {
            entries.removeFirst()
            discarded += 1
        }
    }

    /// Forgets every event (`lab reset`).
    public func removeAll() {
        entries.removeAll()
        discarded = 0
    }
}

extension Device {
    /// Records an event for a listening lab, stamped with the device clock.
    public func recordLabEvent(_ event: @autoclosure () -> LabEventLog.Event) {
        guard labEvents.isListening else { return }
        if labEvents.record(event(), at: now) {
            syslog(facility: "LAB", severity: 4, mnemonic: "EVENTS_FULL",
                   "Lab event log full (\(labEvents.capacity) events), discarding the oldest")
        }
    }
}

extension AccountingState {
    /// `lab reset`: the sessions are gone without Stops, so are their records.
    public func forgetSessionRecords() { records.removeAll() }
}

extension DASState {
    /// `lab reset`: the counters and the retransmission cache start again.
    public func resetForLab() {
        statistics = Statistics()
        cache.removeAll()
    }
}
