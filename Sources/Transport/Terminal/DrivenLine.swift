import Foundation
import Shell

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A line that a program types into rather than a person — the piped console and transcript
/// replay — run by the same libedit `TerminalConsole` as every terminal, on a pseudo-terminal
/// of its own. The program writes keys to the pty's master side (`type`); a reader thread turns
/// what the line writes back into screen lines (`ScreenLines`). Each time the line waits for
/// input, its console writes an idle marker carrying the number of input bytes it has read, so
/// the program knows which output belongs to which keys without relying on timing (a pty
/// delivers asynchronously).
///
/// The window is 4096 columns wide (nothing wraps), libedit draws for a vt100 (a "dumb" terminal
/// cannot erase, so libedit would redraw a line below an empty one), and the output is never
/// paged.
///
/// Threads: the console runs on a thread of its own (`start`); the reader on another; `type`,
/// `waitUntilIdle`, `endInput` and `waitUntilEnded` on the program's. The shell is used only
/// through the executor, as for every line.
public final class DrivenLine: @unchecked Sendable {
    // @unchecked: the mutable state is behind `condition`; the descriptors are fixed.
    public let console: TerminalConsole
    private let masterFD: Int32
    private let slaveFD: Int32
    private let condition = DrivenCondition()
    private var screen = ScreenLines()
    private var finished: [String] = []
    private var idleConsumed = -1
    /// Idle markers seen so far.
    private var idleMarkers = 0
    private var idleTyped = ""
    private var ended = false
    private var consoleDone = false
    private var sent = 0
    /// Called on the reader thread for each finished screen line and, with `idle` true, with the
    /// partial line each time the line waits (the piped console streams them out).
    private let onOutput: (@Sendable (_ text: String, _ idle: Bool) -> Void)?

    /// nil when the system gives no pseudo-terminal. `onOutput`: see the property; without it the
    /// lines wait for `takeOutput`.
    public init?(shell: any ConsoleShell, executor: any ShellExecutor,
                 onOutput: (@Sendable (_ text: String, _ idle: Bool) -> Void)? = nil) {
        var master: Int32 = -1
        var slave: Int32 = -1
        var size = winsize(ws_row: 24, ws_col: 4096, ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&master, &slave, nil, nil, &size) == 0 else { return nil }
        _ = fcntl(master, F_SETFD, FD_CLOEXEC)
        _ = fcntl(slave, F_SETFD, FD_CLOEXEC)
        QuietInput.quietFromTheStart(slave)
        masterFD = master
        slaveFD = slave
        self.onOutput = onOutput
        console = TerminalConsole(shell: shell, executor: executor, io: TerminalFDs(input: slave, output: slave),
                                  signals: false, restartsAfterExit: false, pagesOutput: false,
                                  terminalType: "vt100", ownsTerminal: true)
        let slaveForMarker = slave
        let condition = self.condition
        console.whenIdle { [unowned self] state in
            condition.withLock { idleTyped = state.typed }
            TerminalWriter(fd: slaveForMarker).write(IdleMarker.bytes(consumed: state.consumed))
        }
    }

    deinit {
        close(masterFD)
    }

    /// Starts the console's and the reader's threads. `whenConsoleEnds` runs on the console's
    /// thread after `run()` returned and before the terminal closes: detach the console from
    /// the device there (its output has nowhere to go after).
    public func start(whenConsoleEnds: @escaping @Sendable () -> Void = {}) {
        Thread.detachNewThread { [self] in
            console.run()
            whenConsoleEnds()
            close(slaveFD)   // the reader then reads the rest and sees the end
            condition.withLock { consoleDone = true }
        }
        Thread.detachNewThread { [self] in readOutput() }
    }

    /// Types `bytes` on the line; blocks while the line's input is full. False once the line has
    /// ended (the keys are then dropped).
    @discardableResult
    public func type(_ bytes: [UInt8]) -> Bool {
        // Not before the editor first waits for a key: until then libedit's set-up has the tty
        // echoing and editing lines itself.
        condition.wait { idleMarkers > 0 || ended || consoleDone }
        var offset = 0
        while offset < bytes.count {
            if condition.withLock({ ended || consoleDone }) { return false }
            let n = bytes[offset...].withUnsafeBytes { write(masterFD, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return false
            }
            offset += n
        }
        condition.withLock { sent += bytes.count }
        return true
    }

    /// Waits until the line has read every key typed so far and waits for more, or has ended.
    /// Returns false when it ended.
    @discardableResult
    public func waitUntilIdle() -> Bool {
        condition.wait { idleConsumed >= sent || ended }
        return condition.withLock { !ended }
    }

    /// How many times the line has waited for input so far.
    public var waits: Int { condition.withLock { idleMarkers } }

    /// Waits until the line waits for input again after its `count`th wait (output it printed
    /// without a key, a log line, has then been read), or has ended.
    public func waitUntilIdle(afterWait count: Int) {
        condition.wait { idleMarkers > count || ended }
    }

    /// The console has ended and all its output was read.
    public var hasEnded: Bool { condition.withLock { ended } }

    /// The text typed on the line and kept there at the last wait (after `?`).
    public var typed: String { condition.withLock { idleTyped } }

    /// The finished screen lines since the last call, and the line the cursor is on.
    public func takeOutput() -> (lines: [String], partial: String) {
        condition.withLock {
            defer { finished = [] }
            return (finished, screen.partial)
        }
    }

    /// No more keys: the line ends at its next wait, as at the end of a terminal's input.
    public func endInput() {
        console.endInput()
    }

    /// Waits until the console has ended and all its output was read.
    public func waitUntilEnded() {
        condition.wait { ended }
    }

    private func readOutput() {
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(masterFD, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR || errno == EAGAIN { continue }
            // 0 or EIO: every slave descriptor is closed (the console ended).
            guard n > 0 else { break }
            var streamed: [(String, Bool)] = []
            var waited = false
            condition.withLock {
                for event in screen.feed(buffer[0..<n]) {
                    switch event {
                    case let .line(text):
                        if onOutput != nil { streamed.append((text, false)) } else { finished.append(text) }
                    case let .idle(consumed):
                        idleConsumed = max(idleConsumed, consumed)
                        idleMarkers += 1
                        waited = true
                        if onOutput != nil { streamed.append((screen.partial, true)) }
                    }
                }
            }
            for (text, idle) in streamed { onOutput?(text, idle) }
            // Only a wait of the line is waited for: echoes and output alone wake nobody.
            if waited { condition.broadcast() }
        }
        condition.withLock { ended = true }
        condition.broadcast()
    }
}

/// A mutex with a condition variable (on the heap: pthread objects must not move).
final class DrivenCondition: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let cond = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        mutex.initialize(to: pthread_mutex_t())
        cond.initialize(to: pthread_cond_t())
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(cond, nil)
    }

    deinit {
        pthread_cond_destroy(cond)
        pthread_mutex_destroy(mutex)
        cond.deallocate()
        mutex.deallocate()
    }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    func wait(until ready: () -> Bool) {
        pthread_mutex_lock(mutex)
        while !ready() { pthread_cond_wait(cond, mutex) }
        pthread_mutex_unlock(mutex)
    }

    func broadcast() {
        pthread_mutex_lock(mutex)
        pthread_cond_broadcast(cond)
        pthread_mutex_unlock(mutex)
    }
}
