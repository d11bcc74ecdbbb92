import CLineEdit
import Device
import Shell

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The interactive console on a terminal: libedit line editing with IOS habits around a
/// `ConsoleShell`.
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
///
/// Threads: `run()` blocks the thread that calls it (the console thread); every shell call goes
/// through the `ShellExecutor` to the shell's owner. `printAsync(_:)` / `deviceLog(_:)` may be
/// called from any thread at any time.
///
/// Asynchronous output: `printAsync` queues the lines under a lock and writes a byte to a
/// self-pipe. libedit reads keys through our read function (EL_GETCFN), which poll()s standard
/// input and that pipe; when the pipe wakes it returns a reserved key (Ctrl-_, never passed
/// through from the keyboard) bound to a handler that moves the cursor to the end of the typed
/// text, prints a newline and the queued lines, and returns CC_REDISPLAY so libedit draws the
/// prompt and the partial line again below them, cursor where it was (IOS `logging synchronous`).
/// Lines queued while a command runs are shown after the next prompt is drawn, then the prompt
/// is drawn again, as IOS shows `%SYS-5-CONFIG_I` after `end`. Before `run()` starts and after
/// it returns, lines are written straight away.
///
/// `@unchecked Sendable`: the only state touched from other threads is `pending` (guarded by
/// `lock`) and `wakePipe` (immutable file descriptors); everything else is used by the console
/// thread alone (`run()` and the libedit callbacks it causes), and the shell only inside
/// executor bodies.
public final class TerminalConsole: ConsoleSink, @unchecked Sendable {
    private let shell: ShellReference
    private let executor: any ShellExecutor
    private let historySize: Int

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
    /// `--More--` for command output; also used on the shell's owner, see `TerminalPager`.
    private let pager = TerminalPager()
    /// False without a terminal: no key to wait for, so no paging.
    private var pages = false

    /// `shell` is used only through `executor`; `historySize` is how many submitted lines the
    /// arrow keys recall (IOS keeps 10 on a line, the ones `show history` lists).
    public init(shell: any ConsoleShell, executor: any ShellExecutor, historySize: Int = 10) {
        self.shell = ShellReference(shell: shell)
        self.executor = executor
        self.historySize = max(1, historySize)
        wakePipe = WakePipe()
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
        let isTerminal = Self.standardInputIsTerminal
        guard let wakePipe,
              let editor = cle_create("flexvpn-emu", Int32(historySize), isTerminal ? wakePipe.readFD : -1,
                                      Self.wakeKey) else {
            TerminalOutput.write("% Cannot start the line editor\n")
            return
        }
        self.editor = editor
        cle_set_handler(editor, Unmanaged.passUnretained(self).toOpaque(), { context, action, key in
            guard let context else { return Int32(CLE_ERROR) }
            return Unmanaged<TerminalConsole>.fromOpaque(context).takeUnretainedValue()
                .handleKey(action: action, key: key)
        })
        for action in KeyAction.allCases { cle_bind(editor, action.key, action.rawValue) }
        cle_bind_builtin(editor, "^W", "ed-delete-prev-word")
        cle_bind_builtin(editor, "^U", "vi-kill-line-prev")
        cle_bind_builtin(editor, "^R", "ed-redisplay")
        loadedHistory = []

        lock.withLock { pending.running = isTerminal }
        pages = isTerminal
        quietInput = QuietInput()
        defer {
            quietInput.restore()
            cle_destroy(editor)
            self.editor = nil
            // Lines queued but not yet shown are written now, and later ones straight away.
            lock.withLock {
                pending.running = false
                if !pending.lines.isEmpty { TerminalOutput.write(Self.text(of: pending.lines)) }
                pending.lines = []
            }
        }

        stopped = false
        while !stopped {
            guard let state = ask({ ($0.isFinished, $0.echoesInput, $0.prompt, $0.answersWithOneKey,
                                     $0.quitsEmulator, $0.recallHistory) }) else { break }
            if state.0 {
                // `exit`: a console line starts over after RETURN; `lab quit` or no terminal: the end.
                guard isTerminal, !state.4, waitForReturn(),
                      ask({ $0.startSession() }) != nil else { break }
                continue
            }
            let prompt = state.2
            if !state.1 || state.3 {
                // A password (no echo), or `[confirm]`, which the first key answers.
                let output: String?
                switch readHidden(prompt: prompt, oneKey: state.3) {
                case let .line(answer): output = runCommand({ $0.submit(answer) })
                case .interrupt: output = runCommand({ $0.interrupt() })
                case .endOfInput: output = nil
                }
                guard let output else { break }
                page(output)
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
                guard let output = runCommand({ $0.controlZ(buffer) }) else { break }
                page(output)
                continue
            }
            if pendingInterrupt {
                guard let output = runCommand({ $0.interrupt() }) else { break }
                page(output)
                continue
            }
            guard let raw, count > 0 else {
                TerminalOutput.write("\n")   // at end of input
                break
            }
            var line = String(decoding: UnsafeRawBufferPointer(start: raw, count: Int(count)), as: UTF8.self)
            while let last = line.last, last == "\n" || last == "\r" { line.removeLast() }
            let submitted = line
            guard let output = runCommand({ $0.submit(submitted) }) else { break }
            page(output)
        }
    }

    /// Shows `lines` below the line being typed, then the prompt and the partial line again (or,
    /// while a command runs, after the next prompt). Any thread; never blocks on the shell.
    public func printAsync(_ lines: [String]) {
        guard !lines.isEmpty else { return }
        lock.withLock {
            if pending.running {
                pending.lines.append(contentsOf: lines)
                wakePipe?.wake()
            } else {
                TerminalOutput.write(Self.text(of: lines))
            }
        }
    }

    /// Writes part of a command's output while the command runs, paged like the rest of it: the
    /// shell's `outputStream`. Called on the shell's owner while `run()` waits for the command;
    /// waiting at `--More--` holds the owner up until a key is pressed (see `TerminalPager`).
    public func writeCommandOutput(_ text: String) {
        pager.write(text)
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
            guard let help = ask({ $0.help(for: line.text) }) else { return Int32(CLE_EOF) }
            var text = "?\n" + help
            if !text.hasSuffix("\n") { text += "\n" }
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
            TerminalOutput.write(line.tail)
            TerminalOutput.write("^Z\n")
            pendingControlZ = line.text
            return Int32(CLE_NEWLINE)

        case .asyncOutput:
            let lines: [String] = lock.withLock {
                defer { pending.lines = [] }
                return pending.lines
            }
            guard !lines.isEmpty else { return Int32(CLE_NORM) }
            printBelowLine(currentLine(editor), "\n" + Self.text(of: lines))
            return Int32(CLE_REDISPLAY)

        case .interrupt:
            // IOS echoes `^C` where the cursor is and abandons the line; the shell runs after
            // cle_gets returns (see run()).
            let line = currentLine(editor)
            TerminalOutput.write(line.tail)
            TerminalOutput.write("^C\n")
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
        TerminalOutput.write(line.tail)
        TerminalOutput.write(text + String(repeating: "\n", count: line.cursorRow))
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
        TerminalOutput.write(banner + prompt)
        while true {
            switch readHidden(prompt: prompt, oneKey: true, echoNewline: false, writePrompt: false) {
            case .line(""):
                TerminalOutput.write("\n\n")
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
        if writePrompt { TerminalOutput.write(prompt) }
        var saved = termios()
        let isTTY = tcgetattr(STDIN_FILENO, &saved) == 0
        var hidden = saved
        hidden.c_lflag &= ~(tcflag_t(ECHO) | tcflag_t(ICANON) | tcflag_t(ISIG) | tcflag_t(IEXTEN))
        withUnsafeMutableBytes(of: &hidden.c_cc) { chars in
            chars[Int(VMIN)] = 1
            chars[Int(VTIME)] = 0
        }
        if isTTY { tcsetattr(STDIN_FILENO, TCSANOW, &hidden) }
        defer {
            if isTTY { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
            if echoNewline { TerminalOutput.write("\n") }   // the Enter that was not echoed
        }
        var typed: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: wakePipe?.readFD ?? -1, events: Int16(POLLIN), revents: 0)]
            if poll(&fds, nfds_t(fds.count), -1) < 0 {
                if errno == EINTR { continue }
                return .endOfInput
            }
            if fds[0].revents == 0, fds[1].revents & Int16(POLLIN) != 0 {
                wakePipe?.drain()
                let lines: [String] = lock.withLock {
                    defer { pending.lines = [] }
                    return pending.lines
                }
                if !lines.isEmpty { TerminalOutput.write("\n" + Self.text(of: lines) + prompt) }
                continue
            }
            // One byte at a time: whatever was typed after Enter stays for the next reader.
            let n = read(STDIN_FILENO, &byte, 1)
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return .endOfInput
            }
            if n == 0 { return typed.isEmpty ? .endOfInput : .line(String(decoding: typed, as: UTF8.self)) }
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

    /// Runs a command with the shell's page length (read on its owner, just before) for its
    /// output, streamed or returned.
    private func runCommand(_ body: @escaping @Sendable (any ConsoleShell) -> String) -> String? {
        let pager = self.pager
        let pages = self.pages
        return ask { shell in
            pager.begin(length: pages ? shell.pageLength : 0)
            return body(shell)
        }
    }

    /// What the command returned, after what it streamed, paged; then the output is over.
    private func page(_ output: String) {
        pager.write(output)
        pager.end()
    }

    private static func text(of lines: [String]) -> String {
        lines.map { $0.hasSuffix("\n") ? $0 : $0 + "\n" }.joined()
    }

    private struct PendingOutput {
        /// True while `run()` owns the terminal: lines are queued for the console thread.
        var running = false
        var lines: [String] = []
    }
}

/// The shell as carried into executor bodies. `@unchecked Sendable`: the console thread only
/// passes it along; `shell` is used solely inside bodies that the `ShellExecutor` runs on the
/// shell's owner, one at a time.
private struct ShellReference: @unchecked Sendable {
    let shell: any ConsoleShell
}
