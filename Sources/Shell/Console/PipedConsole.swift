import Foundation

/// The console when standard input is not a terminal: reads bytes, feeds them to a
/// `LineDiscipline`, and writes what it prints. Reading blocks the thread that calls `run`; every
/// call into the discipline (and so into the shell) goes through the caller's serial executor.
///
/// Attach `discipline` as the device's `ConsoleSink` (on the executor) before calling `run`, so
/// log lines that arrive while idle are written at once.
public final class PipedConsole: @unchecked Sendable {
    // @unchecked: `discipline` and `finished` are only touched inside `perform`, which the caller
    // guarantees to be serial; `closedFlag` is behind its lock.
    public let discipline: LineDiscipline
    private let readChunk: @Sendable () -> [UInt8]?
    private let write: @Sendable (String) -> Void
    private var finishedReported = false
    /// Set on the executor when the console closed, read by the reading thread to stop early.
    private let closed = NSLock()
    private var closedFlag = false

    /// - Parameters:
    ///   - input: read until end of file (standard input by default).
    ///   - write: where output goes (standard output by default, unbuffered).
    public init(discipline: LineDiscipline,
                input: FileHandle = .standardInput,
                write: @escaping @Sendable (String) -> Void = PipedConsole.writeToStandardOutput) {
        self.discipline = discipline
        self.readChunk = {
            // availableData returns an empty Data at end of file (and on a read error).
            let data = input.availableData
            return data.isEmpty ? nil : [UInt8](data)
        }
        self.write = write
    }

    /// For tests and other sources: `readChunk` returns the next bytes, or nil at end of input.
    public init(discipline: LineDiscipline,
                readChunk: @escaping @Sendable () -> [UInt8]?,
                write: @escaping @Sendable (String) -> Void) {
        self.discipline = discipline
        self.readChunk = readChunk
        self.write = write
    }

    /// Reads until end of input or until the shell finished, then returns. `perform` runs a job on
    /// the device's serial executor (e.g. `{ eventLoop.execute($0) }`, or `{ $0() }` when the
    /// caller is the owner). `onFinished` runs on that executor once, when the console closed
    /// (end of input, or `exit`); the remaining reads, if any, are discarded.
    public func run(perform: @escaping @Sendable (@escaping @Sendable () -> Void) -> Void,
                    onFinished: @escaping @Sendable () -> Void = {}) {
        perform { [self] in
            discipline.onIdleOutput = { [unowned self] in flush() }
            discipline.onStreamedOutput = { [unowned self] in flush() }
            discipline.start()
            flush()
            reportIfFinished(onFinished)
        }
        while !isClosed, let bytes = readChunk() {
            perform { [self] in
                guard !discipline.isFinished else { return }
                discipline.feed(bytes)
                flush()
                reportIfFinished(onFinished)
            }
        }
        perform { [self] in
            discipline.endOfInput()
            flush()
            reportIfFinished(onFinished)
        }
    }

    private var isClosed: Bool {
        closed.lock()
        defer { closed.unlock() }
        return closedFlag
    }

    private func flush() {
        let text = discipline.takeOutput()
        if !text.isEmpty { write(text) }
    }

    private func reportIfFinished(_ onFinished: () -> Void) {
        guard discipline.isFinished, !finishedReported else { return }
        finishedReported = true
        closed.lock()
        closedFlag = true
        closed.unlock()
        onFinished()
    }

    /// Writes `text` to standard output at once (no buffering: the console is interactive).
    public static let writeToStandardOutput: @Sendable (String) -> Void = { text in
        // A closed standard output leaves nothing sensible to do; the error is dropped.
        try? FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
    }
}
