import Device
import Foundation
import RADIUS

/// A lab running on a device: the tasks' state, live grading, the lab's own events, the report.
///
/// Everything runs on the device's serial owner. The device records what happens
/// (`LabEventLog`); each recorded event re-grades the open tasks, so a task passes the moment the
/// router's state or behaviour satisfies its checks, whichever line (console, vty) or peer (a
/// radclient, the lab's simulated DAC) caused it. A passed task stays passed and logs
/// `%LAB-5-TASK_PASSED`; the last one also logs `%LAB-5-LAB_COMPLETE`.
public final class LabSession {
    public let definition: LabDefinition
    public let device: Device
    /// The lab's own line: starting state, timed events and `show-matches` checks. Its commands
    /// are not the student's, so they are not graded.
    let shell: IOSShell
    /// Who the report names (`--student`, else the login name).
    public var student: String
    /// Called with the report's JSON after every change; the product writes it atomically.
    public var reportWriter: ((String) -> Void)?
    /// Configuration loaded before the lab's state on start and on `lab reset` (a class's vty
    /// lines and users).
    let baseConfiguration: String?

    struct TaskState {
        var passed = false
        /// Device clock and event sequence at the first pass.
        var passedTime: Double?
        var passedSequence: Int?
        /// `lab check` runs while the task was open (the one that found it passed included).
        var attempts = 0
        var hintsShown = 0
    }

    private(set) var states: [TaskState]
    private(set) var startTime: Double
    /// Events before this sequence number belong to before the (re)start.
    private var startSequence = 0
    private var nextSequenceSeen = 0
    private var timers: [ScheduledTimer] = []
    private var queue: [LabEventLog.Entry] = []
    private var handling = false
    /// True once the program is ending: the report says `final`.
    private var finished = false

    private init(definition: LabDefinition, device: Device, student: String, baseConfiguration: String?) {
        self.definition = definition
        self.device = device
        self.student = student
        self.baseConfiguration = baseConfiguration
        shell = IOSShell(device: device)
        shell.recordsLabEvents = false
        shell.lineName = "lab"
        states = Array(repeating: TaskState(), count: definition.tasks.count)
        startTime = device.now
    }

    /// The lab running on `device`, if any.
    public static func current(_ device: Device) -> LabSession? { device.labEvents.runtime as? LabSession }

    /// Brings `device` to the lab's starting state and starts grading. `baseConfiguration` (a
    /// startup-config text) loads first. Returns what the base configuration refused, if anything.
    @discardableResult
    public static func start(_ definition: LabDefinition, on device: Device, student: String,
                             baseConfiguration: String? = nil,
                             reportWriter: ((String) -> Void)? = nil) -> LabSession {
        let lab = LabSession(definition: definition, device: device, student: student,
                             baseConfiguration: baseConfiguration)
        lab.reportWriter = reportWriter
        device.labEvents.runtime = lab
        lab.begin()
        return lab
    }

    private func begin() {
        shell.startSession()
        shell.setPrivilege(15)
        if let baseConfiguration { _ = shell.applyConfiguration(baseConfiguration, source: "startup-config") }
        // The file was checked at load: its starting state applies cleanly. What setting it up
        // logs (`clock set`'s CLOCKUPDATE) is the lab's past, not shown (as at start).
        let logging = device.consoleLogging
        device.consoleLogging = false
        _ = shell.apply(definition.scenario)
        device.consoleLogging = logging
        device.unsavedConfigChanges = false
        startTime = device.now
        device.labEvents.removeAll()
        device.labEvents.onEvent = { [unowned self] entry in self.handle(entry) }
        startSequence = nextSequenceSeen
        for rule in definition.events {
            if case let .at(seconds) = rule.trigger { schedule(rule.action, after: seconds + rule.delay) }
        }
        // A task the starting state already satisfies passes now, not at the first event.
        grade()
        writeReport()
    }

    /// `lab reset`: the starting state again, every task open, the clock of the timed events restarted.
    public func reset() {
        timers.forEach { $0.cancel() }
        timers.removeAll()
        device.labEvents.onEvent = nil
        queue.removeAll()
        _ = device.sessions.removeAll()
        device.resetFlexVPNForLab()
        // The scenario gives the simulated RADIUS servers their users and behaviour again.
        device.accounting.labPeers.users.removeAll()
        device.accounting.labPeers.behaviours.removeAll()
        device.accounting.forgetSessionRecords()
        device.das.resetForLab()
        device.debug = DebugFlags()
        device.config = RunningConfig()
        states = Array(repeating: TaskState(), count: definition.tasks.count)
        begin()
    }

    /// The program is ending: the last report.
    public func finish() {
        finished = true
        writeReport()
    }

    // MARK: events and grading

    private func handle(_ entry: LabEventLog.Entry) {
        nextSequenceSeen = entry.sequence + 1
        queue.append(entry)
        // An event raised while one is handled (the lab's own DAC, a reconnect) waits its turn.
        guard !handling else { return }
        handling = true
        defer { handling = false }
        while !queue.isEmpty {
            let next = queue.removeFirst()
            trigger(next)
            grade()
        }
    }

    /// The lab's rules that answer a student's action.
    private func trigger(_ entry: LabEventLog.Entry) {
        for rule in definition.events {
            switch (rule.trigger, entry.event) {
            case (.configured, .configured):
                run(rule.action, after: rule.delay)
            case let (.disconnected(user), .dasReply(_, _, _, _, ended)):
                for session in ended where user == nil || session.userName == user {
                    run(rule.action, after: rule.delay)
                }
            default:
                break
            }
        }
    }

    private func run(_ action: LabEventRule.Action, after delay: Double) {
        if delay > 0 {
            schedule(action, after: delay)
        } else {
            perform(action)
        }
    }

    private func schedule(_ action: LabEventRule.Action, after seconds: Double) {
        guard let scheduler = device.accounting.scheduler else { return }
        // A timed action changes state without a student's event (a reconnected session): grade after it.
        timers.append(scheduler.schedule(after: seconds) { [weak self] in
            self?.perform(action)
            self?.grade()
        })
    }

    private func perform(_ action: LabEventRule.Action) {
        switch action {
        case let .run(command):
            _ = shell.execute(command, promptWidth: 0)
        case let .disconnect(from, key, port, identification):
            _ = LabPod.deliver(device: device, from: from, secret: key, port: port,
                               attributes: identification.compactMap(LabPod.attribute))
        }
    }

    /// Grades the open tasks whose required tasks passed, in order, until nothing changes.
    /// Returns the numbers of the tasks that passed now.
    @discardableResult
    func grade() -> [Int] {
        var passedNow: [Int] = []
        var changed = true
        while changed {
            changed = false
            for (index, task) in definition.tasks.enumerated() where !states[index].passed {
                guard let since = openedSequence(index) else { continue }
                let events = device.labEvents.entries.drop { $0.sequence < since }
                guard task.checks.allSatisfy({ LabChecks.evaluate($0, device: device, shell: shell, events: events) })
                else { continue }
                states[index].passed = true
                states[index].passedTime = device.now
                states[index].passedSequence = nextSequenceSeen
                passedNow.append(index + 1)
                changed = true
                device.syslog(facility: "LAB", severity: 5, mnemonic: "TASK_PASSED",
                              "Task \(index + 1) (\(task.title)) passed, \(task.points) points (\(points) of \(definition.maxPoints))")
                if states.allSatisfy(\.passed) {
                    device.syslog(facility: "LAB", severity: 5, mnemonic: "LAB_COMPLETE",
                                  "Lab \(definition.name) complete, \(points) of \(definition.maxPoints) points")
                }
            }
        }
        if !passedNow.isEmpty { writeReport() }
        return passedNow
    }

    /// The event sequence from which a task's checks look, or nil while a required task is open.
    private func openedSequence(_ index: Int) -> Int? {
        var since = startSequence
        for id in definition.tasks[index].requires {
            guard let required = definition.tasks.firstIndex(where: { $0.id == id }),
                  let sequence = states[required].passedSequence else { return nil }
            since = max(since, sequence)
        }
        return since
    }

    // MARK: what the student sees

    public var points: Int {
        zip(definition.tasks, states).reduce(0) { $0 + ($1.1.passed ? $1.0.points : 0) }
    }

    var passedCount: Int { states.filter(\.passed).count }

    private func stateWord(_ index: Int) -> String {
        if states[index].passed { return "passed" }
        return openedSequence(index) == nil ? "waiting" : "open"
    }

    /// `show lab`: the story, then each task with its state.
    public func show() -> String {
        var out = "Lab \(definition.name): \(definition.title)\n\n"
        out += definition.story.trimmingCharacters(in: .newlines) + "\n\n"
        for (index, task) in definition.tasks.enumerated() {
            var heading = "Task \(index + 1) [\(stateWord(index))] \(task.title) (\(task.points) points)"
            if stateWord(index) == "waiting" { heading += ", after task " + requiredNumbers(index) }
            out += heading + "\n"
            for line in task.text.trimmingCharacters(in: .newlines).split(separator: "\n", omittingEmptySubsequences: false) {
                out += line.isEmpty ? "\n" : "  " + line + "\n"
            }
            out += "\n"
        }
        out += "Score: \(points) of \(definition.maxPoints) points, \(passedCount) of \(definition.tasks.count) tasks passed\n"
        // Only once the bound was reached: what was graded no longer sees every event.
        let log = device.labEvents
        if log.discarded > 0 {
            out += "Event log: \(log.entries.count) events kept (at most \(log.capacity)), \(log.discarded) oldest discarded\n"
        }
        return out
    }

    private func requiredNumbers(_ index: Int) -> String {
        definition.tasks[index].requires.compactMap { id in
            definition.tasks.firstIndex { $0.id == id }.map { String($0 + 1) }
        }.joined(separator: ", ")
    }

    /// `lab check`: grades now, then each task's state and points, and the first hint of each open one.
    public func check() -> String {
        for index in states.indices where !states[index].passed && openedSequence(index) != nil {
            states[index].attempts += 1
        }
        grade()
        writeReport()
        let width = definition.tasks.map(\.title.count).max() ?? 0
        var out = "Lab \(definition.name): \(passedCount) of \(definition.tasks.count) tasks passed, "
            + "\(points) of \(definition.maxPoints) points\n"
        for (index, task) in definition.tasks.enumerated() {
            let state = stateWord(index)
            let earned = states[index].passed ? task.points : 0
            let number = index < 9 ? " \(index + 1)" : "\(index + 1)"
            out += number + "  " + state.padding(toLength: 7, withPad: " ", startingAt: 0) + " "
                + task.title.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(earned)/\(task.points)\n"
            if state == "open", let hint = task.hints.first { out += "      Hint: \(hint)\n" }
        }
        return out
    }

    /// `lab hint [N]`: the next hint of task N (default: the first open task), with those shown before.
    public func hint(_ number: Int?) -> String {
        let index: Int
        if let number {
            guard definition.tasks.indices.contains(number - 1) else {
                return "% Lab: no task \(number) (tasks 1-\(definition.tasks.count))\n"
            }
            index = number - 1
        } else {
            guard let open = states.indices.first(where: { !states[$0].passed && openedSequence($0) != nil }) else {
                return "% Lab: no open task\n"
            }
            index = open
        }
        let hints = definition.tasks[index].hints
        guard !hints.isEmpty else { return "% Lab: task \(index + 1) has no hints\n" }
        states[index].hintsShown = min(hints.count, states[index].hintsShown + 1)
        writeReport()
        var out = ""
        for (n, hint) in hints.prefix(states[index].hintsShown).enumerated() {
            out += "Task \(index + 1), hint \(n + 1) of \(hints.count): \(hint)\n"
        }
        return out
    }

    // MARK: the report

    public var report: LabReport {
        LabReport(lab: definition.name, title: definition.title, student: student,
                  started: LabReport.isoTime(startTime), updated: LabReport.isoTime(device.now), final: finished,
                  points: points, maxPoints: definition.maxPoints,
                  tasks: definition.tasks.enumerated().map { index, task in
                      let state = states[index]
                      return LabReport.Task(number: index + 1, id: task.id, title: task.title,
                                            state: stateWord(index), points: state.passed ? task.points : 0,
                                            maxPoints: task.points, attempts: state.attempts, hintsUsed: state.hintsShown,
                                            passedAfterSeconds: state.passedTime.map { ($0 - startTime).rounded(.down) },
                                            passedAt: state.passedTime.map(LabReport.isoTime))
                  })
    }

    func writeReport() {
        guard let reportWriter else { return }
        reportWriter(report.json)
    }
}
