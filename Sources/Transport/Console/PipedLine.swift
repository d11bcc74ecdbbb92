import Foundation
import NIOCore
import Shell

/// The console line when standard input is not a terminal: the same libedit console as a
/// terminal's, on a `DrivenLine`, with standard input typed into it and what it shows written to
/// standard output as a console transcript — each screen line as it is finished, and the line
/// the cursor is on (the prompt) whenever the console waits for input. At the end of input the
/// console is let read every key, then ends as a terminal's does at end of input.
public enum PipedLine {
    /// Runs the line until the end of input, `exit` or `lab quit`. `makeLine` runs on the
    /// shell's owner (through `executor`) and makes the line with the given output handler,
    /// attached to the device (its console the device's console and the shell's output stream);
    /// `detach` runs there when the console has ended.
    public static func run(executor: any ShellExecutor,
                    input: FileHandle = .standardInput,
                    write: @escaping @Sendable (String) -> Void = PipedLine.writeToStandardOutput,
                    makeLine: @escaping @Sendable (_ onOutput: @escaping @Sendable (String, Bool) -> Void) -> DrivenLine?,
                    detach: @escaping @Sendable () -> Void) {
        let stream = TranscriptStream(write: write)
        let made: DrivenLine?
        do {
            made = try executor.sync { makeLine { text, idle in stream.take(text, idle: idle) } }
        } catch {
            return   // the owner is gone: the router is stopping
        }
        guard let line = made else {
            write("% Cannot open a pseudo-terminal for the console\n")
            return
        }
        line.start(whenConsoleEnds: { _ = try? executor.sync { detach() } })
        // Reading blocks until input arrives, so it runs on its own thread: after `exit` the
        // console is over even while standard input stays open.
        Thread.detachNewThread {
            var afterCR = false
            while true {
                // availableData: an empty Data at end of file (and on a read error).
                let data = input.availableData
                if data.isEmpty { break }
                guard line.type(oneEnterPerLine([UInt8](data), afterCR: &afterCR)) else { return }
            }
            if line.waitUntilIdle() { line.endInput() }
        }
        line.waitUntilEnded()
        stream.finish(partial: line.takeOutput().partial)
    }

    /// A file's CR-LF line ends are one Enter each, not two (libedit takes CR and LF each as
    /// Enter): the LF after a CR is dropped, also when a read ends between them.
    static func oneEnterPerLine(_ bytes: [UInt8], afterCR: inout Bool) -> [UInt8] {
        var kept: [UInt8] = []
        kept.reserveCapacity(bytes.count)
        for byte in bytes {
            if byte == UInt8(ascii: "\n"), afterCR {
                afterCR = false
                continue
            }
            afterCR = byte == UInt8(ascii: "\r")
            kept.append(byte)
        }
        return kept
    }

    /// Writes `text` to standard output at once (no buffering: the console is interactive).
    public static let writeToStandardOutput: @Sendable (String) -> Void = { text in
        // A closed standard output leaves nothing sensible to do; the error is dropped.
        try? FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
    }
}

/// Screen lines out as a transcript: a finished line, or what the current line gained since it
/// was last written (the prompt, written when the line waits). Used by one thread at a time
/// (the driven line's reader, then the caller once it ended).
final class TranscriptStream: @unchecked Sendable {
    private let write: @Sendable (String) -> Void
    /// What of the current screen line has been written already.
    private var written = ""

    init(write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }

    func take(_ text: String, idle: Bool) {
        var out: String
        if text.hasPrefix(written) {
            out = String(text.dropFirst(written.count))
        } else {
            // The editor redrew the line differently from what was written: start a new one.
            out = "\n" + text
        }
        if idle {
            written = text
        } else {
            out += "\n"
            written = ""
        }
        if !out.isEmpty { write(out) }
    }

    /// The end: what is left on the current line.
    func finish(partial: String) {
        if !partial.isEmpty { take(partial, idle: true) }
    }
}
