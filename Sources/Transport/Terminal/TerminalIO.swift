#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A plain mutex. `@unchecked Sendable`: the pthread mutex is what makes sharing it safe.
final class TerminalLock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}

/// A self-pipe: any thread writes a byte to wake the console thread, which poll()s the read end
/// together with standard input. Both ends are non-blocking: a full pipe already means "wake".
final class WakePipe: Sendable {
    let readFD: Int32
    let writeFD: Int32

    init?() {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return nil }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        readFD = fds[0]
        writeFD = fds[1]
    }

    deinit {
        close(readFD)
        close(writeFD)
    }

    func wake() {
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)
    }

    /// Empties the pipe (used where libedit is not reading it).
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 256)
        while read(readFD, &buffer, buffer.count) > 0 {}
    }
}

/// libc's write(2), reachable from inside `TerminalWriter`, whose own `write` shadows it.
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, bytes, count)
}

/// The two file descriptors of one terminal: standard input and output for the local console,
/// the slave side of a pseudo-terminal for a vty.
public struct TerminalFDs: Sendable {
    public var input: Int32
    public var output: Int32
    public init(input: Int32, output: Int32) {
        self.input = input
        self.output = output
    }
    public static let standard = TerminalFDs(input: STDIN_FILENO, output: STDOUT_FILENO)
    /// True when both are terminals.
    public var isTerminal: Bool { isatty(input) == 1 && isatty(output) == 1 }
}

/// Writes to one terminal's output.
struct TerminalWriter: Sendable {
    let fd: Int32

    /// Writes all of `bytes`, first flushing C stdio (libedit's and `print`'s buffered output) so
    /// the order on screen is the order of calls.
    func write(_ bytes: [UInt8]) {
        fflush(nil)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { buffer in
                systemWrite(fd, buffer.baseAddress, buffer.count)
            }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return
            }
            offset += n
        }
    }

    /// Writes `text` with its newlines as the terminal needs them: libedit's edit mode may turn
    /// off the tty's "\n" to "\r\n" translation, so "\n" then becomes "\r\n" here.
    func write(_ text: String) {
        guard !text.isEmpty else { return }
        guard !translatesNewlines() else { return write(Array(text.utf8)) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 16)
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\n"), previous != UInt8(ascii: "\r") { bytes.append(UInt8(ascii: "\r")) }
            bytes.append(byte)
            previous = byte
        }
        write(bytes)
    }

    /// True when the tty turns "\n" into "\r\n" itself (or the output is not a tty).
    func translatesNewlines() -> Bool {
        var settings = termios()
        guard tcgetattr(fd, &settings) == 0 else { return true }
        let needed = tcflag_t(OPOST) | tcflag_t(ONLCR)
        return settings.c_oflag & needed == needed
    }
}

/// Keeps keys typed while a command runs out of its output. libedit puts the tty back in cooked
/// mode each time it returns a line, and there the tty itself echoes what is typed meanwhile, in
/// the middle of the command's output; IOS shows such keys after the next prompt. So between
/// lines standard input is quiet: non-canonical, without echo or signals (Ctrl-C and Ctrl-Z wait
/// as keys for libedit, like the rest). libedit takes a non-canonical tty's settings for its own
/// and keeps the cooked ones it saved, so it can start the next line straight from quiet.
struct QuietInput {
    /// The terminal's input.
    var fd: Int32 = STDIN_FILENO
    /// The cooked settings libedit restored, to put back when the session ends.
    private var cooked: termios?

    init(fd: Int32 = STDIN_FILENO) { self.fd = fd }

    /// After libedit returned a line: remember the cooked settings, then go quiet.
    mutating func begin() {
        var settings = termios()
        guard tcgetattr(fd, &settings) == 0 else { return }
        // Not cooked (libedit left the tty as it was): the cooked settings known still hold.
        guard settings.c_lflag & tcflag_t(ICANON) != 0 else { return }
        cooked = settings
        var quiet = Self.quiet(settings)
        // TCSANOW, not TCSAFLUSH: what was typed ahead stays for the next line.
        tcsetattr(fd, TCSANOW, &quiet)
    }

    /// `settings` made quiet: non-canonical, one key at a time, without echo or signals.
    static func quiet(_ settings: termios) -> termios {
        var quiet = settings
        quiet.c_lflag &= ~(tcflag_t(ECHO) | tcflag_t(ECHONL) | tcflag_t(ICANON) | tcflag_t(ISIG) | tcflag_t(IEXTEN))
        withUnsafeMutableBytes(of: &quiet.c_cc) { chars in
            chars[Int(VMIN)] = 1
            chars[Int(VTIME)] = 0
        }
        return quiet
    }

    /// A pseudo-terminal made for a line (a vty's, a driven line's) is quiet from its first
    /// byte: keys written before libedit takes the terminal (typed ahead of the prompt, during
    /// the login dialog) must not be echoed, edited or turned into signals by the tty itself;
    /// libedit echoes them once it reads them, as IOS does. Without flow control either.
    static func quietFromTheStart(_ fd: Int32) {
        var settings = termios()
        guard tcgetattr(fd, &settings) == 0 else { return }
        var quiet = Self.quiet(settings)
        quiet.c_iflag &= ~(tcflag_t(IXON) | tcflag_t(IXOFF))
        tcsetattr(fd, TCSANOW, &quiet)
    }

    /// Back to the cooked settings (session over, or the process about to take a signal).
    func restore() {
        guard var settings = cooked else { return }
        tcsetattr(fd, TCSANOW, &settings)
    }
}
