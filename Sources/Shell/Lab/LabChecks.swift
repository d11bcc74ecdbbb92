import Device
import RADIUS
import Renderers

/// Evaluates the check vocabulary against the device: its running-config and startup-config, its
/// live sessions, and the events it recorded (`LabEventLog`) since a task opened.
enum LabChecks {
    static func text(_ text: String, matches pattern: LabPattern) -> Bool { pattern.matches(text) }

    static func session(_ session: Session, matches filter: LabSessionFilter, now: Double,
                        authorization: SessionAuthorization?) -> Bool {
        if let older = filter.olderThan, now - session.startTime < older { return false }
        // The policy the session was given (FlexVPN authorization), not what the server says now.
        if let wanted = filter.radiusClass,
           !(authorization?.attributes.classes ?? []).contains(Array(wanted.utf8)) { return false }
        if let pool = filter.addressPool, authorization?.addressPool != pool { return false }
        return summary(LabEventLog.SessionSummary(session), matches: filter)
    }

    static func summary(_ s: LabEventLog.SessionSummary, matches filter: LabSessionFilter) -> Bool {
        if let user = filter.user, s.userName != user { return false }
        if let pattern = filter.userPattern, !text(s.userName ?? "", matches: pattern) { return false }
        if let audit = filter.auditSessionId, s.auditSessionId != audit { return false }
        if let peer = filter.peer, s.peer != peer { return false }
        if let framed = filter.framedIP, s.framedIP != framed { return false }
        return true
    }

    /// Whether `check` holds now, seeing only `events` (those since the task opened).
    static func evaluate(_ check: LabCheck, device: Device, shell: IOSShell,
                         events: LabEventLog.Entries.SubSequence) -> Bool {
        switch check {
        case let .configHas(line, pattern, section, present):
            return configHolds(device, line: line, pattern: pattern, section: section) == present
        case .configSaved:
            return configSaved(device)
        case let .sessionExists(filter, count, exactly):
            let n = matchingSessions(device, filter)
            return exactly ? n == count : n >= count
        case let .sessionGone(filter):
            return matchingSessions(device, filter) == 0
        case let .dasReply(matcher, atLeast, atMost):
            let n = events.reduce(0) { $0 + (dasMatches(matcher, $1.event) ? 1 : 0) }
            return n >= atLeast && (atMost.map { n <= $0 } ?? true)
        case let .stopSent(filter, cause):
            return events.contains { entry in
                guard case let .accountingStop(session, terminateCause) = entry.event else { return false }
                return summary(session, matches: filter) && (cause.map { $0 == terminateCause } ?? true)
            }
        case let .commandUsed(pattern, before):
            guard let before else { return events.contains { commandMatches(pattern, $0.event) } }
            guard let limit = events.first(where: { eventMatches(before, $0.event) })?.sequence else { return false }
            return events.contains { $0.sequence < limit && commandMatches(pattern, $0.event) }
        case let .showMatches(command, pattern, absent):
            let output = shell.execute(command, promptWidth: 0)
            let found = output.split(separator: "\n").contains { text(String($0), matches: pattern) }
            return found != absent
        }
    }

    static func matchingSessions(_ device: Device, _ filter: LabSessionFilter) -> Int {
        var n = 0
        let now = device.now
        let authorizations = device.flexVPNSessions.authorizations
        device.sessions.forEach {
            if session($0, matches: filter, now: now, authorization: authorizations[$0.uniqueId]) { n += 1 }
        }
        return n
    }

    static func dasMatches(_ matcher: LabDASMatcher, _ event: LabEventLog.Event) -> Bool {
        guard case let .dasReply(client, request, reply, cause, ended) = event else { return false }
        return matcher.matches(client: client, request: request, reply: reply, errorCause: cause, ended: ended)
    }

    static func commandMatches(_ pattern: LabPattern, _ event: LabEventLog.Event) -> Bool {
        guard case let .command(text, _) = event else { return false }
        return self.text(text, matches: pattern)
    }

    static func eventMatches(_ matcher: LabEventMatcher, _ event: LabEventLog.Event) -> Bool {
        switch matcher {
        case let .command(pattern): return commandMatches(pattern, event)
        case let .dasReply(das): return dasMatches(das, event)
        }
    }

    /// A running-config line, compared without indentation; inside `section` (a top-level line)
    /// when given.
    static func configHolds(_ device: Device, line: String?, pattern: LabPattern?, section: String?) -> Bool {
        var header: String?
        var found = false
        RunningConfigRenderer.body(device) { text in
            guard !found else { return }
            let indented = text.hasPrefix(" ")
            let trimmed = text.trimmingSpaces
            if !indented { header = trimmed }
            if let section {
                guard indented, header == section else { return }
            }
            if let line, trimmed == line { found = true }
            if let pattern, self.text(trimmed, matches: pattern) { found = true }
        }
        return found
    }

    /// The startup-config holds what `write memory` would save now (the header comments aside).
    static func configSaved(_ device: Device) -> Bool {
        guard let stored = try? device.startupStore.load() else { return false }
        func body(_ lines: [Substring]) -> [Substring] { lines.filter { !$0.hasPrefix("! ") } }
        let current = RunningConfigRenderer.lines(device).map { Substring($0) }
        return body(stored.split(separator: "\n")) == body(current)
    }
}
