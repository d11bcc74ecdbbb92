import Device
import Foundation
import RADIUS
import Yams

/// A lab file: YAML a trainer writes by hand. Every key is checked: an unknown key, an unknown
/// check name, a wrong type, a bad regular expression, a command the router would refuse or a
/// starting state that does not load is reported with the file's line number, and nothing starts.
///
/// ```yaml
/// title: Enforce reauthentication
/// summary: one line for `flexvpn-emu labs`
/// story: |                 # shown at start and by `show lab`
///   ...
/// scenario: |              # the starting state: a scenario (README "Scenarios"), or a bundled name
///   ! scenario: deterministic 7
///   hostname Device
///   end
///   lab session connect ...
/// events:                  # optional: what the lab does by itself
///   - at: 30               # or `on: configured` (each `end`) / `on: disconnected` (+ `user:`)
///     delay: 2             # seconds after the trigger (default 0)
///     run: lab session connect bob      # an EXEC command, or:
///     disconnect: {from: 192.168.0.5, key: cisco, port: 1812, audit-session-id: X}
/// tasks:
///   - id: find
///     title: Find the session
///     text: |
///       ...
///     points: 10
///     hints: [first, second]
///     requires: [other-task-id]
///     checks:
///       - command-used: {pattern: "^show aaa user", before: {das-reply: {reply: ack}}}
/// solution:                # for the trainer and the tests; never shown at the console
///   - console: |
///       enable
///   - radclient: {attributes: 'User-Name = "bob"', code: disconnect, port: 1700, secret: cisco}
/// ```
public struct LabFileError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var line: Int
    public var message: String
    /// `FILE:LINE: message`; without a line (the file cannot be read) `FILE: message`.
    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}

public enum LabFile {
    /// Parses and validates a lab file's text. `file` names it in errors; `name` is the lab's name.
    public static func parse(_ text: String, name: String, file: String) throws -> LabDefinition {
        let reader = Reader(file: file)
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw LabFileError(file: file, line: 1, message: "the file is empty")
            }
            root = node
        } catch let error as YamlError {
            throw reader.yamlError(error)
        }
        return try reader.lab(root, name: name)
    }

    /// A bundled lab's name, or a file.
    public static func load(_ nameOrPath: String) throws -> LabDefinition {
        if let text = BundledLabs.text(nameOrPath) {
            return try parse(text, name: nameOrPath, file: nameOrPath + ".yaml")
        }
        guard FileManager.default.fileExists(atPath: nameOrPath) else {
            throw LabFileError(file: nameOrPath, line: 0,
                               message: "no such lab (give a file, or one of: \(BundledLabs.names.joined(separator: ", ")))")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: nameOrPath))
        } catch {
            throw LabFileError(file: nameOrPath, line: 0, message: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw LabFileError(file: nameOrPath, line: 1, message: "the file is not UTF-8 text")
        }
        let base = URL(fileURLWithPath: nameOrPath).deletingPathExtension().lastPathComponent
        return try parse(text, name: base, file: nameOrPath)
    }
}

/// Walks the YAML tree, turning each node into the model or an error at its line.
private struct Reader {
    let file: String

    init(file: String) { self.file = file }

    func fail(_ node: Node?, _ message: String) -> LabFileError {
        LabFileError(file: file, line: node?.mark?.line ?? 1, message: message)
    }

    func yamlError(_ error: YamlError) -> LabFileError {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return LabFileError(file: file, line: mark.line, message: "not valid YAML: \(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            return LabFileError(file: file, line: context.mark.line,
                                message: "duplicate key \(duplicates.joined(separator: ", "))")
        default:
            return LabFileError(file: file, line: 1, message: "not valid YAML")
        }
    }

    // MARK: shapes

    /// A mapping's entries, refusing keys outside `allowed` and missing `required` ones.
    func mapping(_ node: Node, _ what: String, allowed: [String], required: [String] = []) throws -> [String: Node] {
        guard case let .mapping(map) = node else { throw fail(node, "\(what) must be a mapping (key: value)") }
        var out: [String: Node] = [:]
        for (key, value) in map {
            guard let name = key.string else { throw fail(key, "\(what): a key must be text") }
            guard allowed.contains(name) else {
                throw fail(key, "\(what): unknown key '\(name)' (expected one of: \(allowed.joined(separator: ", ")))")
            }
            guard out[name] == nil else { throw fail(key, "\(what): '\(name)' given twice") }
            out[name] = value
        }
        for name in required where out[name] == nil { throw fail(node, "\(what): '\(name)' is missing") }
        return out
    }

    func string(_ node: Node, _ what: String) throws -> String {
        guard case let .scalar(scalar) = node else { throw fail(node, "\(what) must be text") }
        return scalar.string
    }

    func integer(_ node: Node, _ what: String, in range: ClosedRange<Int>) throws -> Int {
        guard case let .scalar(scalar) = node, let value = Int(scalar.string), range.contains(value) else {
            throw fail(node, "\(what) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    func seconds(_ node: Node, _ what: String) throws -> Double {
        guard case let .scalar(scalar) = node, let value = Double(scalar.string), value >= 0, value <= 31_536_000 else {
            throw fail(node, "\(what) must be a number of seconds (0 to 31536000)")
        }
        return value
    }

    func boolean(_ node: Node, _ what: String) throws -> Bool {
        guard case let .scalar(scalar) = node else { throw fail(node, "\(what) must be true or false") }
        switch scalar.string.lowercased() {
        case "true", "yes": return true
        case "false", "no": return false
        default: throw fail(node, "\(what) must be true or false")
        }
    }

    func address(_ node: Node, _ what: String) throws -> IPv4Address {
        guard let address = IPv4Address(try string(node, what)) else { throw fail(node, "\(what) must be an IPv4 address") }
        return address
    }

    func strings(_ node: Node, _ what: String) throws -> [String] {
        if case .scalar = node { return [try string(node, what)] }
        guard case let .sequence(items) = node else { throw fail(node, "\(what) must be a list") }
        return try items.map { try string($0, what) }
    }

    func pattern(_ node: Node, _ what: String) throws -> LabPattern {
        let text = try string(node, what)
        guard let pattern = LabPattern(text) else { throw fail(node, "\(what): '\(text)' is not a valid regular expression") }
        return pattern
    }

    /// An EXEC command the router's grammar takes (in privileged EXEC, with AAA on).
    func command(_ node: Node, _ what: String) throws -> String {
        let text = try string(node, what).trimmingCharacters(in: .whitespaces)
        let graph = IOSShell.standardRegistry.graph(for: .privilegedExec, aaa: true)
        guard case .success = graph.match(Substring(text)) else {
            throw fail(node, "\(what): the router does not take the command '\(text)'")
        }
        return text
    }

    // MARK: the lab

    func lab(_ root: Node, name: String) throws -> LabDefinition {
        let keys = try mapping(root, "the lab", allowed: ["title", "summary", "story", "scenario", "events", "tasks",
                                                           "solution"],
                               required: ["title", "story", "scenario", "tasks"])
        let title = try string(keys["title"]!, "title")
        let story = try string(keys["story"]!, "story")
        let summary = try keys["summary"].map { try string($0, "summary") } ?? title
        let scenario = try self.scenario(keys["scenario"]!, name: name)
        let events = try keys["events"].map(eventList) ?? []
        guard case let .sequence(taskNodes) = keys["tasks"]!, !taskNodes.isEmpty else {
            throw fail(keys["tasks"], "tasks must be a list of at least one task")
        }
        var tasks: [LabTask] = []
        for node in taskNodes {
            let task = try self.task(node, number: tasks.count + 1, earlier: tasks.map(\.id))
            tasks.append(task)
        }
        let solution = try keys["solution"].map(solutionSteps) ?? []
        return LabDefinition(name: name, title: title, summary: summary, story: story, scenario: scenario,
                             events: events, tasks: tasks, solution: solution)
    }

    /// The starting state, loaded once on a scratch router: a line it refuses is the file's error.
    func scenario(_ node: Node, name: String) throws -> Scenario {
        let text = try string(node, "scenario")
        let scenario: Scenario
        if !text.contains("\n") {
            do {
                scenario = try Scenario.load(text.trimmingCharacters(in: .whitespaces))
            } catch {
                throw fail(node, "scenario: \(error)")
            }
        } else {
            scenario = Scenario(name: name, text: text)
        }
        let device = Device(time: ManualTimeSource(), random: SeededRandom(seed: scenario.deterministicSeed ?? 1))
        let shell = IOSShell(device: device)
        shell.recordsLabEvents = false
        let report = shell.apply(scenario)
        guard report.isEmpty else {
            // The report names the scenario's own line (`% scenario t line 2:`); a block scalar's
            // text starts on the line after its key, so that is the file's line key + N.
            let text = report.trimmingCharacters(in: .newlines)
            if case let .scalar(scalar) = node, scalar.style == .literal || scalar.style == .folded,
               let match = text.firstMatch(of: /line (\d+):/), let n = Int(match.1), let key = node.mark?.line {
                throw LabFileError(file: file, line: key + n, message: "the scenario's line \(n) does not load:\n" + text)
            }
            throw fail(node, "the scenario does not load:\n" + text)
        }
        return scenario
    }

    func eventList(_ node: Node) throws -> [LabEventRule] {
        guard case let .sequence(items) = node else { throw fail(node, "events must be a list") }
        return try items.map(event)
    }

    func event(_ node: Node) throws -> LabEventRule {
        let keys = try mapping(node, "an event", allowed: ["at", "on", "user", "delay", "run", "disconnect"])
        let trigger: LabEventRule.Trigger
        switch (keys["at"], keys["on"]) {
        case let (at?, nil):
            trigger = .at(try seconds(at, "at"))
        case let (nil, on?):
            switch try string(on, "on") {
            case "configured": trigger = .configured
            case "disconnected": trigger = .disconnected(user: try keys["user"].map { try string($0, "user") })
            default: throw fail(on, "on: expected configured or disconnected")
            }
        default:
            throw fail(node, "an event needs exactly one of 'at' (seconds after the start) or 'on'")
        }
        if let user = keys["user"], trigger != .disconnected(user: try string(user, "user")) {
            throw fail(user, "'user' goes with 'on: disconnected'")
        }
        let delay = try keys["delay"].map { try seconds($0, "delay") } ?? 0
        let action: LabEventRule.Action
        switch (keys["run"], keys["disconnect"]) {
        case let (run?, nil): action = .run(try command(run, "run"))
        case let (nil, disconnect?): action = try self.disconnect(disconnect)
        default: throw fail(node, "an event needs exactly one of 'run' (a command) or 'disconnect'")
        }
        return LabEventRule(trigger: trigger, delay: delay, action: action)
    }

    static let identificationNames = ["audit-session-id", "user-name", "acct-session-id", "framed-ip",
                                      "calling-station-id", "session-key", "nas-ip-address"]

    func disconnect(_ node: Node) throws -> LabEventRule.Action {
        let keys = try mapping(node, "disconnect", allowed: ["from", "key", "port"] + Reader.identificationNames,
                               required: ["from", "key", "port"])
        var identification: [LabIdentification] = []
        if case let .mapping(map) = node {
            for (key, value) in map {
                guard let name = key.string, Reader.identificationNames.contains(name) else { continue }
                identification.append(LabIdentification(name: name, value: try string(value, name)))
            }
        }
        guard !identification.isEmpty else {
            throw fail(node, "disconnect needs a session attribute (\(Reader.identificationNames.joined(separator: ", ")))")
        }
        return .disconnect(from: try address(keys["from"]!, "from"), key: try string(keys["key"]!, "key"),
                           port: UInt16(try integer(keys["port"]!, "port", in: 1...65535)),
                           identification: identification)
    }

    func task(_ node: Node, number: Int, earlier: [String]) throws -> LabTask {
        let what = "task \(number)"
        let keys = try mapping(node, what, allowed: ["id", "title", "text", "hints", "points", "requires", "checks"],
                               required: ["title", "checks"])
        let id = try keys["id"].map { try string($0, "id") } ?? String(number)
        guard !earlier.contains(id) else { throw fail(keys["id"], "\(what): the id '\(id)' is taken by another task") }
        let requires = try keys["requires"].map { try strings($0, "requires") } ?? []
        for required in requires where !earlier.contains(required) {
            throw fail(keys["requires"], "\(what): requires '\(required)', which is not an earlier task's id")
        }
        guard case let .sequence(checkNodes) = keys["checks"]!, !checkNodes.isEmpty else {
            throw fail(keys["checks"], "\(what): checks must be a list of at least one check")
        }
        return LabTask(id: id, title: try string(keys["title"]!, "title"),
                       text: try keys["text"].map { try string($0, "text") } ?? "",
                       hints: try keys["hints"].map { try strings($0, "hints") } ?? [],
                       points: try keys["points"].map { try integer($0, "points", in: 0...1000) } ?? 1,
                       requires: requires, checks: try checkNodes.map(check))
    }

    // MARK: checks

    func check(_ node: Node) throws -> LabCheck {
        let name: String
        let argument: Node
        switch node {
        case let .scalar(scalar):
            name = scalar.string
            argument = Node("")
        case let .mapping(map) where map.count == 1:
            guard let key = map.keys.first?.string else { throw fail(node, "a check's name must be text") }
            name = key
            argument = map.values.first!
        default:
            throw fail(node, "a check is one name with its arguments, like `- session-gone: {user: bob}`")
        }
        switch name {
        case "config-has", "config-lacks":
            let keys = try mapping(argument, name, allowed: ["line", "pattern", "section"])
            guard (keys["line"] == nil) != (keys["pattern"] == nil) else {
                throw fail(argument, "\(name) needs exactly one of 'line' or 'pattern'")
            }
            return .configHas(line: try keys["line"].map { try string($0, "line").trimmingCharacters(in: .whitespaces) },
                              pattern: try keys["pattern"].map { try pattern($0, "pattern") },
                              section: try keys["section"].map { try string($0, "section").trimmingCharacters(in: .whitespaces) },
                              present: name == "config-has")
        case "config-saved":
            if case .scalar = argument {} else { throw fail(argument, "config-saved takes no arguments") }
            return .configSaved
        case "session-exists":
            let keys = try mapping(argument, name, allowed: LabSessionFilter.keys + ["count", "exactly"])
            return .sessionExists(try sessionFilter(argument, name, extra: ["count", "exactly"], live: true),
                                  count: try keys["count"].map { try integer($0, "count", in: 0...1_000_000) } ?? 1,
                                  exactly: try keys["exactly"].map { try boolean($0, "exactly") } ?? false)
        case "session-gone":
            return .sessionGone(try sessionFilter(argument, name, live: true))
        case "das-reply":
            let keys = try mapping(argument, name, allowed: LabDASMatcher.keys + ["at-least", "at-most"])
            let atLeast = try keys["at-least"].map { try integer($0, "at-least", in: 0...1_000_000) } ?? 1
            let atMost = try keys["at-most"].map { try integer($0, "at-most", in: 0...1_000_000) }
            return .dasReply(try dasMatcher(argument, name, extra: ["at-least", "at-most"]), atLeast: atLeast, atMost: atMost)
        case "stop-sent":
            let keys = try mapping(argument, name, allowed: LabSessionFilter.keys + ["cause"])
            return .stopSent(try sessionFilter(argument, name, extra: ["cause"]),
                             terminateCause: try keys["cause"].map(terminateCause))
        case "command-used":
            let keys = try mapping(argument, name, allowed: ["pattern", "before"], required: ["pattern"])
            return .commandUsed(pattern: try pattern(keys["pattern"]!, "pattern"),
                                before: try keys["before"].map(eventMatcher))
        case "show-matches":
            let keys = try mapping(argument, name, allowed: ["command", "pattern", "absent"], required: ["command", "pattern"])
            let command = try self.command(keys["command"]!, "command")
            guard command.lowercased().hasPrefix("sh") else { throw fail(keys["command"], "show-matches runs a show command") }
            return .showMatches(command: command, pattern: try pattern(keys["pattern"]!, "pattern"),
                                absent: try keys["absent"].map { try boolean($0, "absent") } ?? false)
        default:
            throw fail(node, "unknown check '\(name)' (the checks are: \(LabCheck.names.joined(separator: ", ")))")
        }
    }

    /// `live`: the filter picks live sessions, so it may ask for their applied policy.
    func sessionFilter(_ node: Node, _ what: String, extra: [String] = [], live: Bool = false) throws -> LabSessionFilter {
        let keys = try mapping(node, what, allowed: LabSessionFilter.keys + extra)
        var filter = LabSessionFilter()
        filter.user = try keys["user"].map { try string($0, "user") }
        filter.userPattern = try keys["user-pattern"].map { try pattern($0, "user-pattern") }
        filter.auditSessionId = try keys["audit-session-id"].map { try string($0, "audit-session-id") }
        filter.peer = try keys["peer"].map { try address($0, "peer") }
        filter.framedIP = try keys["framed-ip"].map { try address($0, "framed-ip") }
        filter.olderThan = try keys["older-than"].map { try seconds($0, "older-than") }
        if !live, let policy = keys["class"] ?? keys["address-pool"] {
            throw fail(policy, "\(what): class and address-pool apply to live sessions only")
        }
        filter.radiusClass = try keys["class"].map { try string($0, "class") }
        filter.addressPool = try keys["address-pool"].map { try string($0, "address-pool") }
        return filter
    }

    func dasMatcher(_ node: Node, _ what: String, extra: [String] = []) throws -> LabDASMatcher {
        let keys = try mapping(node, what, allowed: LabDASMatcher.keys + extra)
        var matcher = LabDASMatcher()
        if let request = keys["request"] {
            switch try string(request, "request") {
            case "disconnect": matcher.request = .disconnectRequest
            case "coa": matcher.request = .coaRequest
            default: throw fail(request, "request: expected disconnect or coa")
            }
        }
        matcher.from = try keys["from"].map { try address($0, "from") }
        if let reply = keys["reply"] {
            guard let value = LabDASMatcher.Reply(rawValue: try string(reply, "reply")) else {
                throw fail(reply, "reply: expected ack, nak or any")
            }
            matcher.reply = value
        }
        matcher.errorCause = try keys["cause"].map { UInt32(try integer($0, "cause", in: 1...999)) }
        matcher.sessions = try sessionFilter(node, what, extra: ["request", "from", "reply", "cause"] + extra)
        if let older = keys["older-than"] { throw fail(older, "\(what): older-than applies to live sessions only") }
        return matcher
    }

    func eventMatcher(_ node: Node) throws -> LabEventMatcher {
        let keys = try mapping(node, "before", allowed: ["command", "das-reply"])
        switch (keys["command"], keys["das-reply"]) {
        case let (command?, nil): return .command(pattern: try pattern(command, "command"))
        case let (nil, das?): return .dasReply(try dasMatcher(das, "das-reply"))
        default: throw fail(node, "before needs exactly one of 'command' (a pattern) or 'das-reply'")
        }
    }

    /// Acct-Terminate-Cause by number or by name.
    func terminateCause(_ node: Node) throws -> UInt32 {
        let text = try string(node, "cause")
        if let value = UInt32(text) { return value }
        let names: [String: UInt32] = ["none": 0, "user-request": 1, "lost-carrier": 2, "idle-timeout": 4,
                                       "session-timeout": 5, "admin-reset": 6, "nas-request": 10]
        guard let value = names[text.lowercased()] else {
            throw fail(node, "cause: a number or one of \(names.keys.sorted().joined(separator: ", "))")
        }
        return value
    }

    // MARK: solution

    func solutionSteps(_ node: Node) throws -> [LabSolutionStep] {
        guard case let .sequence(items) = node else { throw fail(node, "solution must be a list of steps") }
        return try items.map { item in
            let keys = try mapping(item, "a solution step", allowed: ["console", "radclient"])
            switch (keys["console"], keys["radclient"]) {
            case let (console?, nil):
                return .console(try string(console, "console"))
            case let (nil, radclient?):
                let r = try mapping(radclient, "radclient", allowed: ["attributes", "code", "port", "secret"],
                                    required: ["attributes", "port", "secret"])
                return .radclient(attributes: try string(r["attributes"]!, "attributes"),
                                  code: try r["code"].map { try string($0, "code") } ?? "disconnect",
                                  port: try integer(r["port"]!, "port", in: 1...65535),
                                  secret: try string(r["secret"]!, "secret"))
            default:
                throw fail(item, "a solution step is 'console' or 'radclient'")
            }
        }
    }
}

extension LabSessionFilter {
    static let keys = ["user", "user-pattern", "audit-session-id", "peer", "framed-ip", "older-than", "class",
                       "address-pool"]
}

extension LabDASMatcher {
    static let keys = ["request", "from", "reply", "cause"] + LabSessionFilter.keys
}
