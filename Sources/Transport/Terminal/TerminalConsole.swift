import CLineEdit
import Device
import Shell

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The interactive console on a terminal: libedit line editing with IOS habits around a
/// `ConsoleShell`. One for the local console (standard input and output) and one per vty line
/// (its pseudo-terminal's slave side, `TerminalFDs`): every line edits with the same code.
///
/// Keys: Enter submits the line; `?` shows help at once (not inserted); Tab completes or rings
/// the bell; Ctrl-Z runs the line and leaves configuration mode; Ctrl-C abandons the line (and a
/// question, and configuration mode: `ConsoleShell.interrupt`); Ctrl-D deletes the character
/// under the cursor and does nothing at the end of the line; Ctrl-^ (IOS's escape sequence) is
/// taken and ignored; no key ends the program. Arrows, Ctrl-A/E/B/F/K/P/N/T/Y and Esc-B/F are
/// libedit's emacs keys; Ctrl-W deletes the word left of the cursor and Ctrl-U the text left of
/// the cursor, as on IOS; the arrow keys walk the current mode's history (EXEC and
/// configuration keep their own, `ConsoleShell.recallHistory`). `exit` from EXEC shows
/// `Device con0 is now available` and waits for RETURN; the program ends at end of input (the
/// terminal closing) or with `lab quit`. Passwords
/// (`shell.echoesInput == false`) are read without echo and kept out of the history. Keys typed
/// while a command runs wait, unechoed, for the next prompt (`QuietInput`). Command output,
/// returned or streamed (`writeCommandOutput`), stops at `--More--` every screen
/// (`ConsoleShell.pageLength`; `TerminalPager`); lines logged meanwhile come after the output.
/// The owner never waits for this line: it queues the output (`CommandOutputQueue`) and this
/// thread pages it, so a line at --More-- pauses only itself. A vty's idle `exec-timeout` ends
/// `run()` (`timedOut`).
///
/// Threads: `run()` blocks the thread that calls it (the console thread); every shell call goes
/// through the `ShellExecutor` to the shell's owner. `printAsync(_:)` / `deviceLog(_:)` may be
/// called from any thread at any time.
///
/// Asynchronous output: `printAsync` queues the lines under a lock and writes a byte to a
/// self-pipe. libedit reads keys through our read function (EL_GETCFN), which poll()s the
/// terminal's input and that pipe; when the pipe wakes it returns a reserved key (Ctrl-_, never passed
/// through from the keyboard) bound to a handler that moves the cursor to the end of the typed
/// text, prints a newline and the queued lines, and returns CC_REDISPLAY so libedit draws the
/// prompt and the partial line again below them, cursor where it was (IOS `logging synchronous`).
/// Lines queued while a command runs are shown after the next prompt is drawn, then the prompt
/// is drawn again, as IOS shows `%SYS-5-CONFIG_I` after `end`. Lines from before `run()` starts
/// wait for the first prompt; after it returns, lines are written straight away.
///
/// `@unchecked Sendable`: the only state touched from other threads is `pending` (guarded by
/// `lock`), `wakePipe` (immutable file descriptors) and `outputQueue` (its own lock); everything else is used by the console
/// thread alone (`run()` and the libedit callbacks it causes), and the shell only inside
/// executor bodies.
public final class TerminalConsole: ConsoleSink, @unchecked Sendable {
    private let shell: ShellReference
    private let executor: any ShellExecutor
    private let historySize: Int
    /// The terminal: standard input and output, or a vty's pseudo-terminal.
    private let io: TerminalFDs
    private let out: TerminalWriter
    /// Whether libedit may install its process-wide signal handlers (the local console only).
    private let signals: Bool
    /// `exit` from EXEC: the console waits for RETURN and starts over; a vty ends.
    private let restartsAfterExit: Bool
    /// The line's `exec-timeout` in seconds (nil: never). Set before `run()`.
    public var idleTimeout: Double?
    /// True when `run()` ended because the line sat idle for `idleTimeout`.
    public private(set) var timedOut = false
    /// Where the commands' output waits for this thread to page it.
    private let outputQueue = CommandOutputQueue()

    private let lock = TerminalLock()
    private var pending = PendingOutput()
    private let wakePipe: WakePipe?

    // Console thread only.
    private var editor: OpaquePointer?
    private var promptWidth = 0
    private var pendingControlZ: String?
    private var pendingInterrupt = false
    /// The lines libedit's history holds now: the shell's history of the mode last prompted in.
    private var loadedHistory: [String] = []
    private var stopped = false
    private var quietInput = QuietInput()
    /// `--More--` for command output, on this line's thread (see `CommandOutputQueue`).
    private let pager: TerminalPager
    /// False without a terminal: no key to wait for, so no paging.
    private var pages = false
    /// False for a line a program types into (piped input, replay): its output is never paged.
    private let pagesOutput: Bool
    /// The terminal type libedit draws for (nil: `TERM`'s terminal).
    private let terminalType: String?
    /// Called on the console thread each time the line waits for input (see `whenIdle`).
    private var idleObserver: (@Sendable (IdleState) -> Void)?
    private let ownsTerminal: Bool

    /// `shell` is used only through `executor`; `historySize` is how many submitted lines the
    /// arrow keys recall (IOS keeps 10 on a line, the ones `show history` lists).
    /// `io`: the terminal (standard input and output by default); `signals` false for every
    /// terminal but the process's own; `restartsAfterExit` false for a vty, whose session ends
    /// with `exit`.
    /// `pagesOutput` false: no `--More--` (a line driven by a program); `terminalType`: what
    /// libedit draws for instead of `TERM`'s terminal; `ownsTerminal`: the terminal is a
    /// pseudo-terminal made for this line (a vty's), kept quiet between lines by libedit itself.
    public init(shell: any ConsoleShell, executor: any ShellExecutor, historySize: Int = 10,
                io: TerminalFDs = .standard, signals: Bool = true, restartsAfterExit: Bool = true,
                pagesOutput: Bool = true, terminalType: String? = nil, ownsTerminal: Bool = false) {
        self.ownsTerminal = ownsTerminal
        self.pagesOutput = pagesOutput
        self.terminalType = terminalType
        self.shell = ShellReference(shell: shell)
        self.executor = executor
        self.historySize = max(1, historySize)
        self.io = io
        out = TerminalWriter(fd: io.output)
        pager = TerminalPager(out: out, inputFD: io.input)
        self.signals = signals
        self.restartsAfterExit = restartsAfterExit
        wakePipe = WakePipe()
    }

    /// The terminal's window changed (a vty's pseudo-terminal got TIOCSWINSZ): libedit reads the
    /// new size before its next key. Any thread.
    public func resize() {
        lock.withLock {
            pending.resize = true
            if pending.running { wakePipe?.wake() }
        }
    }

    /// What the line is at when it waits for input: every key written so far has been read
    /// (`consumed` input bytes) and every output it caused has been written to the terminal.
    public struct IdleState: Sendable {
        /// Input bytes read so far (keys, and answers read without echo).
        public var consumed: Int
        /// The text typed on the line and kept by the editor (after `?`); "" at a password.
        public var typed: String
    }

    /// Calls `observer` on the console thread each time the line is about to wait for input,
    /// after its output was written: a program typing into the line (`DrivenLine`) learns from it
    /// which output belongs to which keys. Set before `run()`.
    public func whenIdle(_ observer: @escaping @Sendable (IdleState) -> Void) {
        idleObserver = observer
    }

    /// The program typing into the line has no more keys: the next time the line would wait for
    /// input, `run()` ends as at end of input. Any thread.
    public func endInput() {
        lock.withLock {
            pending.inputEnded = true
            wakePipe?.wake()
        }
    }

    /// At the point of waiting for input: tells the observer, and says whether the input ended.
    /// Console thread.
    private func idle(consumed: Int, typed: String) -> Bool {
        if lock.withLock({ pending.inputEnded }) { return true }
        if let idleObserver {
            fflush(nil)   // libedit's buffered output belongs before the observer's marker
            idleObserver(IdleState(consumed: consumed, typed: typed))
        }
        return false
    }

    /// True when standard input and output are both terminals: the case for this console
    /// (otherwise read plain lines).
    public static var standardInputIsTerminal: Bool {
        isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1
    }

    /// Runs the session on the calling thread until end of input, `lab quit`, or the executor's
    /// owner is gone (`exit` starts a new session after RETURN, as a console line does). Standard input should be a
    /// terminal; without one libedit reads plain lines, the special keys do nothing and
    /// asynchronous lines are written as they come.
    public func run() {
        // Without a terminal libedit reads plain lines and would take the wake key for text:
        // then asynchronous lines are written at once instead.
        let isTerminal = io.isTerminal
        guard let wakePipe,
              let editor = cle_create_fd("flexvpn-emu", Int32(historySize), io.input, io.output,
                                         isTerminal ? wakePipe.readFD : -1, Self.wakeKey, signals ? 1 : 0) else {
            out.write("% Cannot start the line editor\n")
            return
        }
        if let terminalType { _ = cle_set_terminal(editor, terminalType) }
        if let idleTimeout, isTerminal {
            cle_set_idle_timeout(editor, Int32(min(idleTimeout * 1000, 2_000_000_000)))
            pager.idleTimeout = Int32(min(idleTimeout * 1000, 2_000_000_000))
        }
        timedOut = false
        self.editor = editor
        cle_set_handler(editor, Unmanaged.passUnretained(self).toOpaque(), { context, action, key in
            guard let context else { return Int32(CLE_ERROR) }
            return Unmanaged<TerminalConsole>.fromOpaque(context).takeUnretainedValue()
                .handleKey(action: action, key: key)
        })
        if ownsTerminal || idleObserver != nil {
            // A client or a program types ahead into this line: keys that arrive between lines
            // must reach libedit as they were typed, not be echoed or edited by the tty.
            _ = cle_quiet_between_lines(editor)
        }
        if idleObserver != nil {
            cle_set_idle(editor, { context, consumed in
                guard let context else { return 1 }
                let console = Unmanaged<TerminalConsole>.fromOpaque(context).takeUnretainedValue()
                let typed = console.editor.map { console.currentLine($0).text } ?? ""
                return console.idle(consumed: Int(consumed), typed: typed) ? 1 : 0
            })
        }
        for action in KeyAction.allCases { cle_bind(editor, action.key, action.rawValue) }
        cle_bind_builtin(editor, "^W", "ed-delete-prev-word")
        cle_bind_builtin(editor, "^U", "vi-kill-line-prev")
        cle_bind_builtin(editor, "^R", "ed-redisplay")
        loadedHistory = []

        lock.withLock {
            pending.started = true
            pending.running = isTerminal
            if !isTerminal, !pending.lines.isEmpty {
                out.write(Self.text(of: pending.take()))
            }
        }
        pages = isTerminal && pagesOutput
        quietInput = QuietInput(fd: io.input)
        defer {
            quietInput.restore()
            cle_destroy(editor)
            self.editor = nil
            // Lines queued but not yet shown are written now, and later ones straight away.
            lock.withLock {
                pending.running = false
                let lines = pending.take()
                if !lines.isEmpty { out.write(Self.text(of: lines)) }
            }
        }

        stopped = false
        while !stopped {
            guard let state = ask({ ($0.isFinished, $0.echoesInput, $0.prompt, $0.answersWithOneKey,
                                     $0.quitsEmulator, $0.recallHistory) }) else { break }
            if state.0 {
                // `exit`: a console line starts over after RETURN; `lab quit` or no terminal: the end.
                guard isTerminal, restartsAfterExit, !state.4, waitForReturn(),
                      ask({ $0.startSession() }) != nil else { break }
                continue
            }
            let prompt = state.2
            if !state.1 || state.3 {
                // A password (no echo), or `[confirm]`, which the first key answers.
                let ran: Bool
                switch readHidden(prompt: prompt, oneKey: state.3) {
                case let .line(answer): ran = runCommand({ $0.submit(answer) })
                case .interrupt: ran = runCommand({ $0.interrupt() })
                case .endOfInput: ran = false
                }
                guard ran else { break }
                continue
            }
            loadHistory(state.5, into: editor)
            cle_set_prompt(editor, prompt)
            promptWidth = prompt.unicodeScalars.count
            pendingControlZ = nil
            pendingInterrupt = false
            var count: Int32 = 0
            let raw = cle_gets(editor, &count)
            if isTerminal { quietInput.begin() }
            if stopped { break }
            if let buffer = pendingControlZ {
                guard runCommand({ $0.controlZ(buffer) }) else { break }
                continue
            }
            if pendingInterrupt {
                guard runCommand({ $0.interrupt() }) else { break }
                continue
            }
            guard let raw, count > 0 else {
                if cle_timed_out(editor) != 0 {
                    timedOut = true     // exec-timeout: the session ends quietly
                } else {
                    out.write("\n")   // at end of input
                }
                break
            }
            var line = String(decoding: UnsafeRawBufferPointer(start: raw, count: Int(count)), as: UTF8.self)
            while let last = line.last, last == "\n" || last == "\r" { line.removeLast() }
            let submitted = line
            guard runCommand({ $0.submit(submitted) }) else { break }
        }
    }

    /// Shows `lines` below the line being typed, then the prompt and the partial line again (or,
    /// while a command runs, after the next prompt). Any thread; never blocks on the shell.
    public func printAsync(_ lines: [String]) {
        guard !lines.isEmpty else { return }
        lock.withLock {
            if pending.running || !pending.started {
                // Before run() starts too: the lines come after the first prompt, which they
                // interrupt (a startup-config's port that cannot be had, logged at start).
                pending.hold(lines)
                wakePipe?.wake()
            } else {
                out.write(Self.text(of: lines))
            }
        }
    }

    /// Part of a command's output while the command runs, paged like the rest of it: the
    /// shell's `outputStream`. Called on the shell's owner, which never waits here: the line's
    /// thread pages the output as it comes (`CommandOutputQueue`).
    public func writeCommandOutput(_ text: String) {
        outputQueue.push(text)
    }

    /// `ConsoleSink`: the device's log and debug lines (set `device.console` to this console and
    /// keep a strong reference: the device's is weak).
    public func deviceLog(_ line: String) {
        printAsync([line])
    }

    // MARK: keys

    /// The key the read function reports when the wake pipe fires: Ctrl-_ (0x1F).
    private static let wakeKey: Int32 = 0x1F

    private enum KeyAction: Int32, CaseIterable {
        case help, complete, controlZ, asyncOutput, interrupt, deleteUnderCursor, escapeSequence

        var key: String {
            switch self {
            case .help: "?"
            case .complete: "^I"
            case .controlZ: "^Z"
            case .asyncOutput: "^_"
            case .interrupt: "^C"
            case .deleteUnderCursor: "^D"
            case .escapeSequence: "^^"
            }
        }
    }

    /// Called by libedit, on the console thread, inside `cle_gets`.
    private func handleKey(action: Int32, key: Int32) -> Int32 {
        guard let editor, let action = KeyAction(rawValue: action) else { return Int32(CLE_ERROR) }
        switch action {
        case .help:
            let line = currentLine(editor)
            guard let text = ask({ LineEcho.help($0, for: line.text) }) else { return Int32(CLE_EOF) }
            printBelowLine(line, text)
            cle_cursor_to_end(editor)
            return Int32(CLE_REDISPLAY)

        case .complete:
            let line = currentLine(editor)
            guard let result = ask({ $0.complete(line.text) }) else { return Int32(CLE_EOF) }
            guard let completed = result else { return Int32(CLE_ERROR) }   // the bell
            cle_clear_line(editor)
            if !completed.isEmpty, cle_insert(editor, completed) != 0, !line.text.isEmpty {
                _ = cle_insert(editor, line.text)   // too long for the buffer: keep what was typed
            }
            return Int32(CLE_REFRESH)

        case .controlZ:
            // The shell runs after cle_gets returns, outside libedit; see run().
            let line = currentLine(editor)
            out.write(line.tail)
            out.write(LineEcho.controlZ)
            pendingControlZ = line.text
            return Int32(CLE_NEWLINE)

        case .asyncOutput:
            let (lines, resize): ([String], Bool) = lock.withLock {
                defer { pending.resize = false }
                return (pending.take(), pending.resize)
            }
            if resize { cle_resize(editor) }
            guard !lines.isEmpty else { return Int32(resize ? CLE_REDISPLAY : CLE_NORM) }
            printBelowLine(currentLine(editor), LineEcho.logBlock(lines))
            return Int32(CLE_REDISPLAY)

        case .interrupt:
            // IOS echoes `^C` where the cursor is and abandons the line; the shell runs after
            // cle_gets returns (see run()).
            let line = currentLine(editor)
            out.write(line.tail)
            out.write(LineEcho.interrupt)
            pendingInterrupt = true
            return Int32(CLE_NEWLINE)

        case .deleteUnderCursor:
            return Int32(cle_delete_under_cursor(editor) != 0 ? CLE_REFRESH : CLE_NORM)

        case .escapeSequence:
            return Int32(CLE_NORM)   // Ctrl-^ (Ctrl-Shift-6): nothing to break here
        }
    }

    private struct Line {
        var text: String
        /// The bytes from the cursor to the end: writing them puts the cursor at the end.
        var tail: [UInt8]
        /// The screen row of the cursor, counted from the prompt's row.
        var cursorRow: Int
    }

    private func currentLine(_ editor: OpaquePointer) -> Line {
        var length: Int32 = 0
        var cursor: Int32 = 0
        guard let bytes = cle_line(editor, &length, &cursor), length > 0 else {
            return Line(text: "", tail: [], cursorRow: promptWidth / max(1, Int(cle_columns(editor))))
        }
        let buffer = UnsafeRawBufferPointer(start: bytes, count: Int(length))
        let cursorByte = min(max(0, Int(cursor)), buffer.count)
        var cursorChars: Int32 = 0
        _ = cle_line_chars(editor, &cursorChars)
        let columns = max(1, Int(cle_columns(editor)))
        return Line(text: String(decoding: buffer, as: UTF8.self),
                    tail: Array(buffer[cursorByte...]),
                    cursorRow: (promptWidth + Int(cursorChars)) / columns)
    }

    /// Writes `text` (which ends in a newline) after the typed line, then makes libedit's
    /// CC_REDISPLAY draw the prompt and line right below it. CC_REDISPLAY first clears the rows
    /// it believes the line occupies, moving relative to where it believes the cursor is (row
    /// `cursorRow` of the line); that many blank lines after our text put those rows below it.
    private func printBelowLine(_ line: Line, _ text: String) {
        out.write(line.tail)
        out.write(text + String(repeating: "\n", count: line.cursorRow))
    }

    /// Replaces libedit's history with `lines` when the shell's current history differs from
    /// what it holds (a mode change between EXEC and configuration, a new session).
    private func loadHistory(_ lines: [String], into editor: OpaquePointer) {
        guard lines != loadedHistory else { return }
        cle_history_clear(editor)
        for line in lines { cle_history_enter(editor, line) }
        loadedHistory = lines
    }

    /// After `exit`: IOS's console banner, then RETURN starts a new session. Other keys are
    /// ignored. False at end of input.
    private func waitForReturn() -> Bool {
        guard let banner = ask({ $0.lineAvailableBanner }) else { return false }
        let prompt = "Press RETURN to get started."
        out.write(banner + prompt)
        while true {
            switch readHidden(prompt: prompt, oneKey: true, echoNewline: false, writePrompt: false) {
            case .line(""):
                out.write("\n\n")
                return true
            case .endOfInput: return false
            default: continue
            }
        }
    }

    // MARK: passwords

    private enum HiddenInput: Equatable {
        case line(String)
        case interrupt
        case endOfInput
    }

    /// Reads a line without echo, showing asynchronous lines meanwhile. The tty goes to
    /// non-canonical mode without echo or signals, so Ctrl-C and Ctrl-Z cannot leave it that way:
    /// Backspace and Ctrl-U edit, Enter ends, Ctrl-C abandons, Ctrl-D does nothing.
    private func readHidden(prompt: String, oneKey: Bool = false, echoNewline: Bool = true,
                            writePrompt: Bool = true) -> HiddenInput {
        if writePrompt { out.write(prompt) }
        var saved = termios()
        let isTTY = tcgetattr(io.input, &saved) == 0
        var hidden = saved
        hidden.c_lflag &= ~(tcflag_t(ECHO) | tcflag_t(ICANON) | tcflag_t(ISIG) | tcflag_t(IEXTEN))
        withUnsafeMutableBytes(of: &hidden.c_cc) { chars in
            chars[Int(VMIN)] = 1
            chars[Int(VTIME)] = 0
        }
        if isTTY { tcsetattr(io.input, TCSANOW, &hidden) }
        defer {
            if isTTY { tcsetattr(io.input, TCSANOW, &saved) }
            if echoNewline { out.write("\n") }   // the Enter that was not echoed
        }
        var typed: [UInt8] = []
        var byte: UInt8 = 0
        // A vty's exec-timeout runs here too (a question nobody answers); log lines do not count
        // as activity, keys do.
        var deadline = idleTimeout.map { Self.monotonicSeconds() + $0 }
        while true {
            var fds = [pollfd(fd: io.input, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: wakePipe?.readFD ?? -1, events: Int16(POLLIN), revents: 0)]
            var wait: Int32 = -1
            if let deadline {
                let left = deadline - Self.monotonicSeconds()
                guard left > 0 else {
                    timedOut = true
                    return .endOfInput
                }
                wait = Int32(min(left * 1000 + 1, 2_000_000_000))
            }
            if idleObserver != nil, let editor {
                // A driven line: report the wait, as libedit's read function does.
                var now = fds
                if poll(&now, nfds_t(now.count), 0) == 0, idle(consumed: cle_consumed(editor), typed: "") {
                    return .endOfInput
                }
            }
            let ready = poll(&fds, nfds_t(fds.count), wait)
            if ready < 0 {
                if errno == EINTR { continue }
                return .endOfInput
            }
            if ready == 0 { continue }   // the deadline check above ends it

            if fds[0].revents == 0, fds[1].revents & Int16(POLLIN) != 0 {
                wakePipe?.drain()
                let lines: [String] = lock.withLock { pending.take() }
                if !lines.isEmpty { out.write(LineEcho.logBlock(lines) + prompt) }
                continue
            }
            // One byte at a time: whatever was typed after Enter stays for the next reader.
            let n = read(io.input, &byte, 1)
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return .endOfInput
            }
            if n == 1, let editor { cle_add_consumed(editor, 1) }
            if n == 0 { return typed.isEmpty ? .endOfInput : .line(String(decoding: typed, as: UTF8.self)) }
            if let idleTimeout { deadline = Self.monotonicSeconds() + idleTimeout }
            if oneKey, byte != 0x03 {
                return .line(byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") ? "" : String(decoding: [byte], as: UTF8.self))
            }
            switch byte {
            case UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                return .line(String(decoding: typed, as: UTF8.self))
            case 0x7F, 0x08:                     // Backspace
                if !typed.isEmpty { typed.removeLast() }
            case 0x15:                           // Ctrl-U
                typed.removeAll()
            case 0x03:                           // Ctrl-C: the question is abandoned
                return .interrupt
            case 0x20..., 0x09:
                typed.append(byte)
            default:
                break                            // other control keys do nothing here
            }
        }
    }

    // MARK: helpers

    /// Runs `body` with the shell on its owner; nil (and the session stops) if the owner is gone.
    private func ask<T: Sendable>(_ body: @escaping @Sendable (any ConsoleShell) -> T) -> T? {
        let shell = self.shell
        do {
            return try executor.sync { body(shell.shell) }
        } catch {
            stopped = true
            return nil
        }
    }

    /// Runs a command on the shell's owner and pages its output, streamed and returned, on this
    /// thread as it comes, with the shell's page length (read on its owner just before). The
    /// owner does not wait for this line: it queues the output (`CommandOutputQueue`). False
    /// (and the session stops) when the owner is gone.
    private func runCommand(_ body: @escaping @Sendable (any ConsoleShell) -> String) -> Bool {
        guard let length = ask({ $0.pageLength }) else { return false }
        pager.begin(length: pages ? length : 0)
        let queue = outputQueue
        let shell = self.shell
        queue.reset()
        executor.async({ queue.finish(body(shell.shell)) }, ifGone: { queue.finish(nil) })
        while let chunk = queue.next() {
            pager.write(chunk)
            if pager.stopped { queue.cancel() }
        }
        pager.end()
        if pager.timedOut {
            // Idle at --More-- for the line's exec-timeout: the session ends.
            timedOut = true
            stopped = true
            return false
        }
        if queue.ownerGone {
            stopped = true
            return false
        }
        return true
    }

    private static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    private static func text(of lines: [String]) -> String {
        lines.map { $0.hasSuffix("\n") ? $0 : $0 + "\n" }.joined()
    }

    /// The most log and debug lines held for a line while it cannot show them (a command's
    /// output at `--More--`, a slow terminal). Past it the newest are dropped and counted, and
    /// the line says so when it shows the rest, in the words of IOS's logging queue overflow
    /// (`%SYS-3-MSGLOST: N messages lost because of queue overflow`). IOS's own limit is
    /// `logging synchronous limit` (20 by default); the emulator keeps more, since a lab's
    /// debug output is what one pages through.
    public static let heldLineCapacity = 1_000

    private struct PendingOutput {
        /// True while `run()` owns the terminal: lines are queued for the console thread.
        var running = false
        /// False until `run()` starts: lines wait for the first prompt.
        var started = false
        private(set) var lines: [String] = []
        /// Lines dropped since the line last showed what it held.
        private(set) var dropped = 0
        /// The window size changed: libedit must read it again.
        var resize = false

        mutating func hold(_ new: [String]) {
            let room = max(0, TerminalConsole.heldLineCapacity - lines.count)
            lines.append(contentsOf: new.prefix(room))
            dropped += new.count - min(room, new.count)
        }

        /// What to show now (the lines held, then the overflow notice), emptying the queue.
        mutating func take() -> [String] {
            defer {
                lines = []
                dropped = 0
            }
            guard dropped > 0 else { return lines }
            return lines + ["%SYS-3-MSGLOST: " + String(dropped) + " messages lost because of queue overflow"]
        }
        /// `endInput()` was called: the next wait for input ends the session.
        var inputEnded = false
    }
}

/// The shell as carried into executor bodies. `@unchecked Sendable`: the console thread only
/// passes it along; `shell` is used solely inside bodies that the `ShellExecutor` runs on the
/// shell's owner, one at a time.
private struct ShellReference: @unchecked Sendable {
    let shell: any ConsoleShell
}
