import Device

/// Turns typed characters into `ConsoleShell` calls and produces exactly what an IOS console
/// shows: echo, context help, completion, Ctrl-Z, the prompt, and asynchronous log lines printed
/// above a redrawn prompt. A pure state machine: it appends to an output buffer and does no I/O,
/// so piped standard input and transcript replay drive the same code.
///
/// Keys: printable characters are echoed (not at `Password: `, where `echoesInput` is false) and
/// typed; `?` asks for help; Tab (0x09) completes; Ctrl-Z (0x1A) leaves configuration mode; Enter
/// is `\n`, `\r` or `\r\n`; Ctrl-C (0x03) abandons the line (`ConsoleShell.interrupt`);
/// Backspace (0x08) and DEL (0x7F) erase one character; Ctrl-V (0x16) types the next character
/// literally (IOS's way to enter a `?`). Other control characters are ignored.
///
/// One serial owner calls it (the device's event loop, or a test), like the shell itself.
public final class LineDiscipline: ConsoleSink {
    public let shell: ConsoleShell
    /// What has been typed on the current line and not yet submitted.
    public private(set) var buffer = ""
    /// True once the shell finished (`exit`) or the input ended; later input is ignored.
    public private(set) var isFinished = false
    /// Called after output was produced outside `feed` (a log line that arrived while idle), so a
    /// front end can write it out. Not called for output produced by `feed`, `start` or
    /// `endOfInput`: their caller takes it.
    public var onIdleOutput: (() -> Void)?

    private var output = ""
    private var started = false
    /// Inside a shell call: log lines wait for the next prompt.
    private var busy = false
    private var pendingLogs: [String] = []
    private var lastWasCR = false
    private var literalNext = false
    private var utf8Pending: [UInt8] = []

    /// Called when a streaming command put output in the buffer; the runner writes it out.
    public var onStreamedOutput: (() -> Void)?

    public init(shell: ConsoleShell) {
        self.shell = shell
        shell.outputStream = { [weak self] text in
            guard let self else { return }
            output += text
            onStreamedOutput?()
        }
    }

    /// Whether output is waiting to be taken.
    public var hasOutput: Bool { !output.isEmpty }

    /// Returns everything printed since the last call and empties the output buffer.
    public func takeOutput() -> String {
        let text = output
        output = ""
        return text
    }

    /// The text on the console's current line as the discipline drew it: the prompt and the echoed
    /// buffer (nothing of a password).
    public var currentLine: String { shell.prompt + (shell.echoesInput ? buffer : "") }

    /// Prints the first prompt. `feed` calls it if nobody did.
    public func start() {
        guard !started else { return }
        started = true
        if shell.isFinished {
            finish()
            return
        }
        printPrompt()
    }

    /// Typed text, already decoded.
    public func feed(_ text: String) {
        start()
        for scalar in text.unicodeScalars {
            if isFinished { return }
            key(scalar)
        }
    }

    /// Raw bytes from a terminal or pipe, UTF-8; a character split across two reads is kept until
    /// its last byte arrives. Invalid bytes become U+FFFD.
    public func feed<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        utf8Pending.append(contentsOf: bytes)
        let complete = completeUTF8Prefix(utf8Pending)
        guard complete > 0 else {
            start()
            return
        }
        let text = String(decoding: utf8Pending[0..<complete], as: UTF8.self)
        utf8Pending.removeFirst(complete)
        feed(text)
    }

    /// The input ended: a line break after the last prompt, and nothing more. A partly typed line
    /// is dropped, as when a terminal hangs up.
    public func endOfInput() {
        start()
        guard !isFinished else { return }
        if !utf8Pending.isEmpty {
            // A truncated character at the very end: type it as U+FFFD like any invalid byte.
            let text = String(decoding: utf8Pending, as: UTF8.self)
            utf8Pending.removeAll()
            feed(text)
            if isFinished { return }
        }
        output += "\n"
        finish()
    }

    // MARK: ConsoleSink

    public func deviceLog(_ line: String) {
        if isFinished {
            // Nothing to redraw any more; the cursor is at the start of a line.
            output += line + "\n"
            onIdleOutput?()
            return
        }
        pendingLogs.append(line)
        if busy || !started { return }
        // One event (a POD) logs several lines in a row: redraw once for all of them.
        if let deferIdleFlush {
            if idleFlushScheduled { return }
            idleFlushScheduled = true
            deferIdleFlush { [weak self] in
                guard let self else { return }
                idleFlushScheduled = false
                if busy || pendingLogs.isEmpty { return }
                flushLogs()
                onIdleOutput?()
            }
            return
        }
        flushLogs()
        onIdleOutput?()
    }

    /// Runs a job later on the same serial owner (the engine's loop). When set, log lines that
    /// arrive while idle are gathered and redrawn once, after the event that logged them.
    public var deferIdleFlush: ((@escaping () -> Void) -> Void)?
    private var idleFlushScheduled = false

    // MARK: keys

    private func key(_ scalar: Unicode.Scalar) {
        let value = scalar.value
        if value == 0x0A, lastWasCR {
            // The second half of "\r\n": the Enter was already handled.
            lastWasCR = false
            return
        }
        lastWasCR = false
        if literalNext {
            literalNext = false
            if value >= 0x20, value != 0x7F { type(scalar) }
            return
        }
        switch value {
        case 0x0D:
            lastWasCR = true
            enter()
        case 0x0A:
            enter()
        case 0x09:
            tab()
        case 0x1A:
            controlZ()
        case 0x03:
            interrupt()
        case 0x08, 0x7F:
            backspace()
        case 0x16:
            literalNext = true
        case 0x3F where shell.echoesInput:
            help()
        case 0..<0x20:
            break
        default:
            type(scalar)
        }
    }

    private func type(_ scalar: Unicode.Scalar) {
        buffer.unicodeScalars.append(scalar)
        if shell.echoesInput { output.unicodeScalars.append(scalar) }
    }

    private func backspace() {
        guard !buffer.isEmpty else { return }
        buffer.removeLast()
        if shell.echoesInput { output += "\u{8} \u{8}" }
    }

    private func help() {
        let buffer = self.buffer
        output += call { LineEcho.help(shell, for: buffer) }
        afterCommand()
    }

    private func tab() {
        guard shell.echoesInput else { return }
        let old = buffer
        guard let new = call({ shell.complete(old) }), new != old else {
            flushLogsIfAny()
            return
        }
        buffer = new
        if new.hasPrefix(old) {
            output += String(new.dropFirst(old.count))
        } else {
            // The completion rewrote typed text: rub out back to the common prefix and retype.
            let common = old.commonPrefix(with: new).count
            let erased = old.count - common
            output += String(repeating: "\u{8}", count: erased)
            let tail = String(new.dropFirst(common))
            output += tail
            let leftover = erased - tail.count
            if leftover > 0 {
                output += String(repeating: " ", count: leftover) + String(repeating: "\u{8}", count: leftover)
            }
        }
        flushLogsIfAny()
    }

    private func controlZ() {
        output += LineEcho.controlZ
        let line = buffer
        buffer = ""
        output += call { shell.controlZ(line) }
        afterCommand()
    }

    /// Ctrl-C: the typed line is abandoned (IOS echoes `^C`), and so is a question; in a
    /// configuration mode the line returns to privileged EXEC.
    private func interrupt() {
        output += LineEcho.interrupt
        buffer = ""
        output += call { shell.interrupt() }
        afterCommand()
    }

    private func enter() {
        output += "\n"
        let line = buffer
        buffer = ""
        output += call { shell.submit(line) }
        afterCommand()
    }

    // MARK: prompt and logs

    private func call<T>(_ body: () -> T) -> T {
        busy = true
        defer { busy = false }
        return body()
    }

    /// After a shell call: the prompt (with the kept buffer) and any logs it produced, or the end.
    private func afterCommand() {
        if shell.isFinished {
            finish()
        } else {
            printPrompt()
        }
    }

    private func printPrompt() {
        output += currentLine
        flushLogsIfAny()
    }

    private func flushLogsIfAny() {
        if !pendingLogs.isEmpty { flushLogs() }
    }

    /// IOS's form: the log lines start on a new line, then the prompt and partial line come again.
    private func flushLogs() {
        output += LineEcho.logBlock(pendingLogs)
        pendingLogs.removeAll()
        output += currentLine
    }

    private func finish() {
        isFinished = true
        started = true
        for line in pendingLogs { output += line + "\n" }
        pendingLogs.removeAll()
    }
}

/// The length of the longest prefix of `bytes` that does not end inside a multi-byte UTF-8
/// character (a malformed tail counts as complete: the decoder replaces it).
func completeUTF8Prefix(_ bytes: [UInt8]) -> Int {
    let n = bytes.count
    // Look back at most 3 bytes for the start of the last character.
    var i = n - 1
    var back = 0
    while i >= 0, back < 4 {
        let b = bytes[i]
        if b & 0xC0 != 0x80 {
            let need: Int
            if b & 0x80 == 0 { need = 1 }
            else if b & 0xE0 == 0xC0 { need = 2 }
            else if b & 0xF0 == 0xE0 { need = 3 }
            else if b & 0xF8 == 0xF0 { need = 4 }
            else { return n }
            return n - i < need ? i : n
        }
        i -= 1
        back += 1
    }
    return n
}
