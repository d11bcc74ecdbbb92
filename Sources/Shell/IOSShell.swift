import Device
import Renderers

/// The IOS console: modes, prompts, the command grammar, interactive prompts and history.
/// Front ends (libedit terminal, piped input, replay) drive it through `ConsoleShell`.
public final class IOSShell: ConsoleShell {
    public let device: Device
    public internal(set) var mode: Mode = .userExec
    public private(set) var isFinished = false
    /// Set by `lab quit`: the program ends, not only this EXEC session.
    public internal(set) var quitsEmulator = false
    /// Who the CONFIG_I message and the running-config header name.
    public var lineName = "console"
    /// The line this shell serves: nil or the console for the local terminal, a vty for a
    /// remote session (its user, peer and `terminal monitor`).
    public var line: DeviceLine?
    /// True on the console line (`terminal monitor` answers `% Console already monitors`).
    public var isConsoleLine: Bool { line.map { $0.kind == .console } ?? true }
    /// Who asked, in `%SYS-5-RELOAD: Reload requested by …`: `console`, or `admin on vty0 (…)`.
    var requestedBy: String {
        guard let line, line.kind == .vty else { return lineName }
        let place = line.shortName + (line.peer.map { " (\($0))" } ?? "")
        return line.user.map { "\($0) on \(place)" } ?? place
    }
    /// `Configured from …` of `%SYS-5-CONFIG_I`: `console by console` on the console,
    /// `console by admin on vty0 (127.0.0.1)` on a vty (`console by vty0 (…)` without a user).
    public var configuredFrom: String {
        guard let line, line.kind == .vty else { return "\(lineName) by \(lineName)" }
        let place = line.shortName + (line.peer.map { " (\($0))" } ?? "")
        if let user = line.user { return "console by \(user) on \(place)" }
        return "console by \(place)"
    }

    /// The privilege level in user EXEC: 1, or what `enable N` / `disable N` chose below 15
    /// (privileged EXEC and the configuration modes are level 15).
    var userExecLevel = 1
    /// `show privilege`: 15 in privileged EXEC and configuration, else the user EXEC level.
    public var privilegeLevel: Int { mode == .userExec ? userExecLevel : 15 }

    public var terminalLength = 24
    public var terminalWidth = 80
    public var terminalMonitor = false {
        didSet { line?.monitor = terminalMonitor }
    }
    /// The last commands of the current mode's history, newest last (`show history`; IOS keeps
    /// 10 on a console line, one history for EXEC and one for the configuration modes).
    public var history: [String] { mode.isConfiguration ? configHistory : execHistory }
    public var recallHistory: [String] { history }
    private var execHistory: [String] = []
    private var configHistory: [String] = []
    public var historySize = 10
    /// Whether the running config changed since this line entered configuration mode: Ctrl-C
    /// leaves without `%SYS-5-CONFIG_I` when it did not.
    private var configChangedInConfigMode = false
    public var outputStream: ((String) -> Void)?
    public var pageLength: Int { terminalLength }

    /// An interactive question waiting for the next line.
    enum Pending {
        case password(attempt: Int)
        case copyDestination(toStartup: Bool)
        case reloadConfirm
        /// `reload` with unsaved changes: `Save? [yes/no]: ` comes before `[confirm]`.
        case reloadSave
        /// `configure` alone: from where.
        case configureSource
        /// `write erase`, `erase startup-config`.
        case eraseConfirm
        /// `clear line`: the line in use, or nil when nobody is on it.
        case clearLine(DeviceLine?)
        /// `crypto key generate rsa` without `modulus`: the key's size.
        case rsaModulus(name: String)
        /// `crypto key generate rsa` without `modulus` when a key exists: replace it?
        case rsaReplace(name: String)
    }
    var pending: Pending?
    /// A banner being typed over several lines (`banner motd ^C` … `^C`).
    var bannerEntry: BannerEntry?

    /// Whether the last command executed was refused: a parse error or a handler's `reject`.
    var lastCommandRejected = false
    /// While a startup-config or scenario loads: IOS's per-command warnings stay quiet.
    var loadingConfiguration = false
    /// Whether this shell's commands are a student's, for a lab to grade; false for the lab's own
    /// shell (its starting state, timed events and `show` checks).
    public var recordsLabEvents = true
    /// The line's short name in lab events: `con0`, `vty0`.
    var labLineName: String { line?.shortName ?? "con0" }

    let registry: CommandRegistry

    public init(device: Device, registry: CommandRegistry = IOSShell.standardRegistry) {
        self.device = device
        self.registry = registry
    }

    /// Every command the emulator knows, compiled once.
    public static let standardRegistry = CommandRegistry(IOSCommands.all)

    // MARK: ConsoleShell

    public var prompt: String {
        // A banner's text is typed without a prompt, as on IOS.
        if bannerEntry != nil, pending == nil { return "" }
        switch pending {
        case .password?: return "Password: "
        case let .copyDestination(toStartup)?: return "Destination filename [\(toStartup ? "startup-config" : "running-config")]? "
        case .reloadConfirm?: return "Proceed with reload? [confirm]"
        case .reloadSave?: return "System configuration has been modified. Save? [yes/no]: "
        case .configureSource?: return "Configuring from terminal, memory, or network [terminal]? "
        case .eraseConfirm?: return "Erasing the nvram filesystem will remove all configuration files! Continue? [confirm]"
        case .clearLine?: return "[confirm]"
        case .rsaModulus?: return "How many bits in the modulus [1024]: "
        case .rsaReplace?: return "% Do you really want to replace them? [yes/no]: "
        // Levels 2-14 have only level 1's commands here, but IOS prompts with `#` above level 1.
        case nil: return promptHostname + (mode == .userExec && userExecLevel > 1 ? "#" : mode.promptSuffix)
        }
    }

    /// IOS shortens a long hostname in configuration prompts.
    private var promptHostname: String {
        let name = device.config.hostname
        return mode.isConfiguration && name.count > 20 ? String(name.prefix(20)) : name
    }

    public var answersWithOneKey: Bool {
        if case .reloadConfirm? = pending { return true }
        if case .eraseConfirm? = pending { return true }
        if case .clearLine? = pending { return true }
        return false
    }

    public var echoesInput: Bool {
        if case .password? = pending { return false }
        return true
    }

    public func submit(_ line: String) -> String {
        self.line?.lastActive = device.now
        if let pending {
            self.pending = nil
            return answer(pending, line)
        }
        if !line.allSatisfy({ $0 == " " || $0 == "\t" }) { remember(line) }
        return execute(line, promptWidth: prompt.count)
    }

    public func help(for buffer: String) -> String {
        if pending != nil { return "" }
        let promptWidth = prompt.count
        let (graph, text, offset) = grammarFor(buffer)
        switch graph.help(Substring(text)) {
        case let .choices(entries, cr):
            var rows = entries
            if cr { rows.append((word: "<cr>", help: "<cr>")) }
            if rows.isEmpty { return "% Unrecognized command\n" }
            var out = ""
            if text.allSatisfy({ $0 == " " }), offset == 0, let header = mode.helpHeader { out += header + "\n" }
            out += formatHelp(rows)
            return out + "\n"
        case let .completions(words):
            return words.joined(separator: "  ") + "\n\n"
        case let .invalid(at):
            return caretError(column: promptWidth + offset + at)
        case .unrecognized:
            return "% Unrecognized command\n"
        case .ambiguous:
            return "% Ambiguous command:  \"\(buffer)\"\n"
        }
    }

    public func complete(_ buffer: String) -> String? {
        if pending != nil { return nil }
        let (graph, text, offset) = grammarFor(buffer)
        guard let completed = graph.complete(Substring(text)) else { return nil }
        return String(buffer.prefix(offset)) + completed
    }

    public func controlZ(_ buffer: String) -> String {
        pending = nil
        var out = ""
        if !buffer.allSatisfy({ $0 == " " }) {
            remember(buffer)
            out = execute(buffer, promptWidth: prompt.count)
        }
        if mode.isConfiguration { leaveConfiguration() }
        return out
    }

    // MARK: running commands

    private func remember(_ line: String) {
        func append(_ history: inout [String]) {
            history.append(line)
            if history.count > historySize { history.removeFirst(history.count - historySize) }
        }
        if mode.isConfiguration { append(&configHistory) } else { append(&execHistory) }
    }

    public func interrupt() -> String {
        if pending != nil {
            pending = nil
            return ""
        }
        guard mode.isConfiguration else { return "" }
        if configChangedInConfigMode {
            leaveConfiguration()
        } else {
            mode = .privilegedExec
        }
        return ""
    }

    public var lineAvailableBanner: String {
        "\n\n\n\(device.config.hostname) con0 is now available\n\n\n\n\n\n"
    }

    public func startSession() {
        isFinished = false
        pending = nil
        enter(.userExec)
        execHistory = []
        configHistory = []
        beginConsoleSession()
    }

    /// The graph for what is typed, seeing through `do` in configuration modes: the graph, the
    /// text it parses, and where that text starts in the buffer.
    private func grammarFor(_ buffer: String) -> (CommandGraph, String, Int) {
        if mode.isConfiguration, let rest = doRemainder(buffer) {
            return (registry.graph(for: .privilegedExec, aaa: device.config.aaaNewModel), rest.text, rest.offset)
        }
        return (registry.graph(for: mode, aaa: device.config.aaaNewModel), buffer, 0)
    }

    /// `do show run` in a configuration mode: the exec command and where it starts.
    private func doRemainder(_ buffer: String) -> (text: String, offset: Int)? {
        let words = CommandGraph.words(Substring(buffer))
        guard let first = words.first, first.text.lowercased() == "do", words.count > 1 || buffer.hasSuffix(" ") else {
            return nil
        }
        let start = first.offset + 2
        return (String(buffer.dropFirst(start)), start)
    }

    /// The line being run and its prompt's width, for handlers that place a caret themselves.
    var executing: (line: String, promptWidth: Int)?

    func execute(_ line: String, promptWidth: Int) -> String {
        executing = (line, promptWidth)
        lastCommandRejected = false
        // Free text: a banner's lines up to its delimiter, a key-string's lines up to `exit`.
        if bannerEntry != nil { return continueBanner(line) }
        if case let .sshPubkeyData(user, text) = mode { return keyStringLine(line, user: user, text: text) }
        // A line that starts with `!` is a comment, as in a pasted configuration: IOS ignores it.
        if line.drop(while: { $0 == " " || $0 == "\t" }).first == "!" { return "" }
        if mode.isConfiguration, let rest = doRemainder(line) {
            let exec = registry.graph(for: .privilegedExec, aaa: device.config.aaaNewModel)
            let trimmed = String(rest.text.drop(while: { $0 == " " }))
            switch exec.match(Substring(trimmed)) {
            case .empty: return ""
            case let .success(payload, captures): return run(payload, captures)
            case let .invalid(offset):
                lastCommandRejected = true
                return trimmed + "\n" + caretError(column: offset)
            case .incomplete:
                lastCommandRejected = true
                return "% Incomplete command.\n\n"
            case .ambiguous:
                lastCommandRejected = true
                return "% Ambiguous command:  \"\(trimmed)\"\n"
            }
        }
        let graph = registry.graph(for: mode, aaa: device.config.aaaNewModel)
        let result = graph.match(Substring(line))
        switch result {
        case .empty:
            return ""
        case let .success(payload, captures):
            return run(payload, captures)
        default:
            // A configuration submode hands what it does not know to its parent, and leaves.
            if mode.isConfiguration, mode != .config {
                var parentMode = mode.parentMode
                while true {
                    let parent = registry.graph(for: parentMode, aaa: device.config.aaaNewModel)
                    if case let .success(payload, captures) = parent.match(Substring(line)) {
                        mode = parentMode
                        return run(payload, captures)
                    }
                    if parentMode == .config { break }
                    parentMode = parentMode.parentMode
                }
            }
            lastCommandRejected = true
            return errorText(result, line: line, promptWidth: promptWidth)
        }
    }

    private func errorText(_ result: MatchResult, line: String, promptWidth: Int) -> String {
        switch result {
        case let .invalid(offset):
            let words = CommandGraph.words(Substring(line))
            if mode.kind == .exec, words.count == 1, let first = words.first, offset < first.offset + first.text.count {
                return unknownExecWord(String(first.text))
            }
            return caretError(column: promptWidth + offset)
        case .incomplete:
            let words = CommandGraph.words(Substring(line))
            if mode.kind == .exec, words.count == 1, "show".hasPrefix(words[0].text.lowercased()), words[0].text.count >= 2 {
                return "% Type \"show ?\" for a list of subcommands\n"
            }
            return "% Incomplete command.\n\n"
        case .ambiguous:
            return "% Ambiguous command:  \"\(line)\"\n"
        case .empty, .success:
            return ""
        }
    }

    /// EXEC takes a lone unknown word for a host to connect to, as IOS does.
    private func unknownExecWord(_ word: String) -> String {
        if ArgumentValidation.parseIPv4(Substring(word)) != nil {
            return "Trying \(word) ... \n% Connection timed out; remote host not responding\n\n"
        }
        let translating = device.config.ipDomainLookup
            ? "Translating \"\(word)\"...domain server (255.255.255.255)\n"
            : "Translating \"\(word)\"\n"
        return translating + "% Unknown command or computer name, or unable to find computer address\n"
    }

    func caretError(column: Int) -> String {
        String(repeating: " ", count: max(0, column)) + "^\n% Invalid input detected at '^' marker.\n\n"
    }

    private func run(_ payload: Int, _ captures: [Capture]) -> String {
        let entry = registry.entries[payload]
        let context = CommandContext(shell: self, captures: captures, form: entry.form)
        if entry.declaration.pipe { context.filter = OutputFilter(captures) }
        context.stream = outputStream
        // A typed command changed the configuration when it left it different (`no username`
        // of nobody changes nothing). While a file loads, writes are counted instead: a copy
        // held across each line would make every `username` line copy the whole user list.
        let before = loadingConfiguration ? nil : device.config
        let writesBefore = device.configWrites
        entry.declaration.run(context)
        if context.rejected { lastCommandRejected = true }
        let changed = before.map { device.config != $0 } ?? (device.configWrites != writesBefore)
        if changed {
            device.noteConfigChange(by: lineName)
            if mode.isConfiguration { configChangedInConfigMode = true }
        }
        if recordsLabEvents, !context.rejected {
            device.recordLabEvent(.command(text: LabCommandText.canonical(captures), line: labLineName))
        }
        return context.finish()
    }

    /// `?` rows: two-space indent, the word column as wide as the longest word plus two spaces,
    /// help wrapped at the terminal width under its column.
    func formatHelp(_ rows: [(word: String, help: String)]) -> String {
        let width = rows.map(\.word.count).max() ?? 0
        let column = 2 + width + 2
        let limit = terminalWidth > column + 10 ? terminalWidth : 80
        var out = ""
        for row in rows {
            var line = "  " + row.word + String(repeating: " ", count: width - row.word.count + 2)
            var current = line.count
            var first = true
            for word in row.help.split(separator: " ", omittingEmptySubsequences: false) {
                if !first, current + 1 + word.count > limit - 1 {
                    out += line + "\n"
                    line = String(repeating: " ", count: column) + word
                    current = line.count
                    continue
                }
                line += (first ? "" : " ") + word
                current += (first ? 0 : 1) + word.count
                first = false
            }
            out += line + "\n"
        }
        return out
    }

    // MARK: modes

    func enter(_ newMode: Mode) {
        if newMode.isConfiguration, !mode.isConfiguration { configChangedInConfigMode = false }
        mode = newMode
        if newMode == .userExec { userExecLevel = 1 }
    }

    /// `enable N` / `disable N`: 15 is privileged EXEC; any lower level is user EXEC at that level.
    func setPrivilege(_ level: Int) {
        if level >= 15 {
            enter(.privilegedExec)
        } else {
            enter(.userExec)
            userExecLevel = max(0, level)
        }
    }

    /// `end`, Ctrl-Z, or `exit` from global configuration.
    func leaveConfiguration() {
        mode = .privilegedExec
        device.syslog(facility: "SYS", severity: 5, mnemonic: "CONFIG_I", "Configured from \(configuredFrom)")
        if recordsLabEvents { device.recordLabEvent(.configured(line: labLineName)) }
    }

    func finish() { isFinished = true }

    func ask(_ question: Pending) { pending = question }
}
