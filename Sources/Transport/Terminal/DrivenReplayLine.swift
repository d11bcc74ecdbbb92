import Dispatch
import Shell

/// A transcript's line for `TranscriptReplayer`: the libedit console on a `DrivenLine`, with the
/// transcript's device on a serial queue of its own. The replayer types each line's keys and
/// takes what the screen shows once the line has read them all.
public final class DrivenReplayLine: ReplayLine {
    private let line: DrivenLine
    private let executor: DispatchQueueShellExecutor
    private let shell: ReplayShell
    private var shownPartial = ""
    private var started = false

    /// nil when the system gives no pseudo-terminal.
    public init?(session: ReplaySession) {
        executor = DispatchQueueShellExecutor(queue: DispatchQueue(label: "flexvpn-emu.replay"))
        shell = ReplayShell(shell: session.shell)
        guard let line = DrivenLine(shell: session.shell, executor: executor) else { return nil }
        self.line = line
        // Nothing runs on the queue yet: the session is set up here, then only on the queue.
        let console = line.console
        session.attach(console)
        session.shell.outputStream = { [weak console] text in console?.writeCommandOutput(text) }
        line.start(whenConsoleEnds: { [shell, executor] in
            _ = try? executor.sync { shell.shell.outputStream = nil }
        })
    }

    public func start() -> String {
        begin()
        return shown()
    }

    public func feed(_ keys: String) -> String {
        feed(bytes: Array(keys.utf8))
    }

    /// Types raw bytes (a character may be split between two calls).
    public func feed(bytes: [UInt8]) -> String {
        begin()
        line.type(bytes)
        line.waitUntilIdle()
        return shown()
    }

    public func endOfInput() -> String {
        begin()
        line.endInput()
        line.waitUntilEnded()
        return shown()
    }

    /// Waits for the first prompt, once; what it showed stays for the next `shown()`.
    private func begin() {
        guard !started else { return }
        started = true
        line.waitUntilIdle()
    }

    /// Runs `job` on the shell's owner — it must make the line print something (a log line) —
    /// then waits until the line waits for input again and returns what it showed.
    public func perform(_ job: @escaping @Sendable () -> Void) -> String {
        begin()
        let waits = line.waits
        _ = try? executor.sync(job)
        line.waitUntilIdle(afterWait: waits)
        return shown()
    }

    /// Reads something of the shell on its owner (a test's look at its double), nil once gone.
    public func onOwner<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T? {
        try? executor.sync(body)
    }

    public var typed: String { line.typed }
    public var isFinished: Bool { line.hasEnded }
    public var prompt: String { shellState.prompt }
    public var echoesInput: Bool { shellState.echoes }
    public var answersWithOneKey: Bool { shellState.oneKey }

    /// The shell's prompt and question state, asked of its owner once per wait of the line.
    private var shellState: ShellState {
        if let cached = cachedState { return cached }
        let state = (try? executor.sync { [shell] in
            ShellState(prompt: shell.shell.prompt, echoes: shell.shell.echoesInput, oneKey: shell.shell.answersWithOneKey)
        }) ?? ShellState(prompt: "", echoes: true, oneKey: false)
        cachedState = state
        return state
    }
    private var cachedState: ShellState?

    private struct ShellState: Sendable {
        var prompt: String
        var echoes: Bool
        var oneKey: Bool
    }

    /// The screen since the last call as text the replayer appends: the finished lines (the
    /// first one continues the line shown last), then the current line.
    private func shown() -> String {
        cachedState = nil   // the keys (or the job) may have changed the shell's state
        let (lines, partial) = line.takeOutput()
        var pieces = lines + [partial]
        if pieces[0].hasPrefix(shownPartial) {
            pieces[0] = String(pieces[0].dropFirst(shownPartial.count))
        }
        shownPartial = partial
        return pieces.joined(separator: "\n")
    }
}

/// The transcript's shell, carried into jobs on its queue. `@unchecked Sendable`: used only
/// inside jobs on that serial queue.
private struct ReplayShell: @unchecked Sendable {
    let shell: any ConsoleShell
}

extension IOSShell {
    /// Replays transcripts with the real shell on the libedit console.
    public static var transcriptReplayer: TranscriptReplayer {
        TranscriptReplayer(makeSession: { settings in IOSShell.replaySession(settings) },
                           makeLine: { session in DrivenReplayLine.make(session) })
    }
}

extension DrivenReplayLine {
    /// A line for the replayer; without a pseudo-terminal, a line that shows why and ends.
    public static func make(_ session: ReplaySession) -> ReplayLine {
        DrivenReplayLine(session: session) ?? UnavailableReplayLine()
    }
}

/// The replay's line when no pseudo-terminal could be had: the transcript fails visibly.
private final class UnavailableReplayLine: ReplayLine {
    func start() -> String { "% Cannot open a pseudo-terminal for the replay\n" }
    func feed(_ keys: String) -> String { "" }
    func endOfInput() -> String { "" }
    var typed: String { "" }
    var isFinished: Bool { true }
    var prompt: String { "" }
    var echoesInput: Bool { true }
}
