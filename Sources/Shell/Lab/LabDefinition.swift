import Device
import RADIUS

/// A training lab as its file describes it (see `LabFile` for the format): the story, the
/// starting state, timed events, and the graded tasks. Nothing here is shown at the console but
/// the title, story, task texts and hints: the checks and the solution stay with the trainer.
public struct LabDefinition: Sendable {
    /// The short name: a bundled lab's name, or the file's name without extension.
    public var name: String
    public var title: String
    /// One line for `flexvpn-emu labs`.
    public var summary: String
    public var story: String
    public var scenario: Scenario
    public var events: [LabEventRule]
    public var tasks: [LabTask]
    /// The reference solution, for the trainer and the tests (never shown at the console).
    public var solution: [LabSolutionStep]

    public var maxPoints: Int { tasks.reduce(0) { $0 + $1.points } }
}

public struct LabTask: Sendable {
    public var id: String
    public var title: String
    public var text: String
    public var hints: [String]
    public var points: Int
    /// Tasks that must pass first; this task's event checks only see what happened after them.
    public var requires: [String]
    public var checks: [LabCheck]
}

/// One step of a reference solution: console lines, or a radclient request from the student's shell.
public enum LabSolutionStep: Sendable, Equatable {
    case console(String)
    case radclient(attributes: String, code: String, port: Int, secret: String)
}

/// Something the lab does by itself: at a time, or after the student's action.
public struct LabEventRule: Sendable {
    public enum Trigger: Sendable, Equatable {
        /// Seconds after the lab starts.
        case at(Double)
        /// Each time a line leaves configuration mode (`end`: `%SYS-5-CONFIG_I`).
        case configured
        /// Each time a Disconnect-ACK ends a session (of this user, when given).
        case disconnected(user: String?)
    }

    public enum Action: Sendable, Equatable {
        /// An EXEC command on the lab's own line (`lab session connect …`).
        case run(String)
        /// A Disconnect-Request from the lab's simulated DAC: its address, key and the DAS port it
        /// sends to (nothing answers when the router's DAS listens elsewhere).
        case disconnect(from: IPv4Address, key: String, port: UInt16, identification: [LabIdentification])
    }

    public var trigger: Trigger
    public var delay: Double
    public var action: Action
}

/// A session-identification attribute of a simulated Disconnect-Request.
public struct LabIdentification: Sendable, Equatable {
    /// The `lab pod` keyword: audit-session-id, user-name, acct-session-id, framed-ip,
    /// calling-station-id, session-key, nas-ip-address.
    public var name: String
    public var value: String
}

/// Which sessions a check means; every given field must hold.
public struct LabSessionFilter: Sendable, Equatable {
    public var user: String?
    /// A regular expression the user name must contain a match of.
    public var userPattern: LabPattern?
    public var auditSessionId: String?
    public var peer: IPv4Address?
    public var framedIP: IPv4Address?
    /// Up at least this many seconds (sessions only: events carry no age).
    public var olderThan: Double?
    /// The session's authorization applied this Class (live sessions only: the policy it got).
    public var radiusClass: String?
    /// The session's address came from this `ip local pool` (live sessions only).
    public var addressPool: String?

    public var isEmpty: Bool {
        user == nil && userPattern == nil && auditSessionId == nil && peer == nil && framedIP == nil && olderThan == nil
            && radiusClass == nil && addressPool == nil
    }
}

/// What a `das-reply` check or a `before:` looks for in the DAS's answers.
public struct LabDASMatcher: Sendable, Equatable {
    public enum Reply: String, Sendable { case ack, nak, any }
    public var request: RADIUSCode = .disconnectRequest
    public var from: IPv4Address?
    public var reply: Reply = .any
    public var errorCause: UInt32?
    /// For an ACK: one of the sessions it ended matches.
    public var sessions = LabSessionFilter()

    func matches(client: IPv4Address, request: RADIUSCode, reply: RADIUSCode, errorCause: UInt32?,
                 ended: [LabEventLog.SessionSummary]) -> Bool {
        guard request == self.request else { return false }
        if let from, from != client { return false }
        switch self.reply {
        case .ack: guard reply == request.ackCode else { return false }
        case .nak: guard reply == request.nakCode else { return false }
        case .any: break
        }
        if let cause = self.errorCause, cause != errorCause { return false }
        if !sessions.isEmpty, !ended.contains(where: { LabChecks.summary($0, matches: sessions) }) { return false }
        return true
    }
}

/// An event a `command-used … before:` must precede.
public enum LabEventMatcher: Sendable, Equatable {
    case command(pattern: LabPattern)
    case dasReply(LabDASMatcher)
}

/// The check vocabulary: each reads the device's state or what it did, never the console text,
/// except `showMatches`, which runs a show command on the lab's own line.
public enum LabCheck: Sendable, Equatable {
    /// `config-has` / `config-lacks`: a running-config line (compared without its indentation),
    /// or a regular expression, optionally only inside a section (`aaa server radius dynamic-author`).
    case configHas(line: String?, pattern: LabPattern?, section: String?, present: Bool)
    /// `config-saved`: the startup-config holds what the running-config would save.
    case configSaved
    /// `session-exists` (at least `count`, or exactly `count` when `exactly`) / `session-gone`.
    case sessionExists(LabSessionFilter, count: Int, exactly: Bool)
    case sessionGone(LabSessionFilter)
    /// `das-reply`: the DAS answered at least `atLeast` (and at most `atMost`) such requests.
    case dasReply(LabDASMatcher, atLeast: Int, atMost: Int?)
    /// `stop-sent`: an accounting Stop left for a matching session (with this Acct-Terminate-Cause).
    case stopSent(LabSessionFilter, terminateCause: UInt32?)
    /// `command-used`: a command matching `pattern` was run (before the first `before` event, if given).
    case commandUsed(pattern: LabPattern, before: LabEventMatcher?)
    /// `show-matches`: a show command's output has a line matching `pattern` (`absent`: has none).
    case showMatches(command: String, pattern: LabPattern, absent: Bool)

    /// The names a lab file may use, for error messages.
    public static let names = ["config-has", "config-lacks", "config-saved", "session-exists", "session-gone",
                               "das-reply", "stop-sent", "command-used", "show-matches"]
}

/// A regular expression of a lab file, compiled once when the file loads (grading runs after
/// every event, so it must not compile patterns again). `Regex` is not `Sendable`; a compiled one
/// is only read, and only on the device's serial owner, after the file was loaded.
public struct LabPattern: @unchecked Sendable, Equatable {
    public let text: String
    let regex: Regex<AnyRegexOutput>

    /// Nil when `text` is not a valid regular expression.
    public init?(_ text: String) {
        guard let regex = try? Regex(text) else { return nil }
        self.text = text
        self.regex = regex
    }

    public static func == (a: LabPattern, b: LabPattern) -> Bool { a.text == b.text }

    func matches(_ subject: String) -> Bool { subject.contains(regex) }
}
