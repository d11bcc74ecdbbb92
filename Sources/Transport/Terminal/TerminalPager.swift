#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The IOS `--More--` pager for one command's output at a time, on the terminal.
///
/// After `length - 1` lines, if more output comes, it shows ` --More-- ` and waits for a key:
/// Space shows the next `length - 1` lines, Enter one more line, anything else (`q`, Ctrl-C, …)
/// drops the rest of the output. Before going on it erases the prompt with backspaces, spaces
/// and backspaces; after a stop too, so the next prompt starts where ` --More-- ` was. The pause
/// comes only when output follows the full page, so an output of exactly one page never stops.
/// Lines are counted as the output's lines ("\n"), not as wrapped screen rows.
///
/// Threads: the line's own thread alone (the console thread, a vty's thread). The command's
/// output reaches it through the line's `CommandOutputQueue`, so waiting for a key never holds up
/// the device's owner: DAS packets, timers and other lines go on while a line sits at --More--.
final class TerminalPager {
    private let out: TerminalWriter
    private let inputFD: Int32

    init(out: TerminalWriter = TerminalWriter(fd: STDOUT_FILENO), inputFD: Int32 = STDIN_FILENO) {
        self.out = out
        self.inputFD = inputFD
    }

    /// What IOS prints to pause, and what erases it (back over it, blank it, back again).
    static let prompt = " --More-- "
    static let erase = String(repeating: "\u{8}", count: prompt.count) + String(repeating: " ", count: prompt.count)
        + String(repeating: "\u{8}", count: prompt.count)

    /// Lines per screen for the command under way; 0: no paging.
    private var length = 0
    /// Lines that may still be written before the next pause.
    private var linesLeft = 0
    /// The user stopped the output: the rest of it is dropped.
    private(set) var stopped = false
    /// How long ` --More-- ` waits for a key, in milliseconds (-1: for ever; a vty's
    /// `exec-timeout`), and whether the last wait ran out.
    var idleTimeout: Int32 = -1
    private(set) var timedOut = false

    /// A command is about to run with `length` lines per screen (`terminal length`; 0 for none).
    func begin(length: Int) {
        self.length = max(0, length)
        linesLeft = max(1, self.length - 1)
        stopped = false
        timedOut = false
    }

    /// Writes (part of) the command's output, pausing at each full page.
    func write(_ text: String) {
        guard !stopped, !text.isEmpty else { return }
        guard length > 0 else { return out.write(text) }
        let bytes = Array(text.utf8)
        var start = 0
        while start < bytes.count {
            if linesLeft == 0 {
                guard let lines = pause() else {
                    stopped = true
                    return
                }
                linesLeft = lines
            }
            // Up to and including the newline that fills the page, in one write.
            var end = start
            while end < bytes.count, linesLeft > 0 {
                if bytes[end] == UInt8(ascii: "\n") { linesLeft -= 1 }
                end += 1
            }
            out.write(String(decoding: bytes[start..<end], as: UTF8.self))
            start = end
        }
    }

    /// The command's output is over: no pause is pending any more.
    func end() {
        length = 0
        stopped = false
    }

    /// Shows the prompt and waits for a key: the lines to show next, or nil to stop.
    private func pause() -> Int? {
        out.write(Self.prompt)
        let key = readKey()
        out.write(Self.erase)
        switch key {
        case UInt8(ascii: " "): return max(1, length - 1)
        case UInt8(ascii: "\r"), UInt8(ascii: "\n"): return 1
        default: return nil
        }
    }

    /// One key from standard input, without echo (nil at end of input). The rest of an escape
    /// sequence (an arrow key) is swallowed with it, so it does not land in the next line.
    private func readKey() -> UInt8? {
        // The tty is normally quiet already between lines (`QuietInput`); make sure of it.
        var saved = termios()
        let isTTY = tcgetattr(inputFD, &saved) == 0
        if isTTY {
            var raw = saved
            raw.c_lflag &= ~(tcflag_t(ECHO) | tcflag_t(ICANON) | tcflag_t(ISIG) | tcflag_t(IEXTEN))
            withUnsafeMutableBytes(of: &raw.c_cc) { chars in
                chars[Int(VMIN)] = 1
                chars[Int(VTIME)] = 0
            }
            tcsetattr(inputFD, TCSANOW, &raw)
        }
        defer { if isTTY { tcsetattr(inputFD, TCSANOW, &saved) } }
        guard let key = readByte(timeout: idleTimeout) else {
            timedOut = idleTimeout >= 0
            return nil
        }
        if key == 0x1B {
            while readByte(timeout: 30) != nil {}
        }
        return key
    }

    /// One byte, waiting up to `timeout` milliseconds (-1: for ever); nil on timeout or end.
    private func readByte(timeout: Int32) -> UInt8? {
        while true {
            var fds = [pollfd(fd: inputFD, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 1, timeout)
            if ready < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if ready == 0 { return nil }
            var byte: UInt8 = 0
            let n = read(inputFD, &byte, 1)
            if n < 0, errno == EINTR || errno == EAGAIN { continue }
            return n == 1 ? byte : nil
        }
    }
}
