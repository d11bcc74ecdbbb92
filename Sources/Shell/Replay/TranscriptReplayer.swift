import Device
import Foundation

/// A fresh shell for one transcript, and how to make its device print log lines to a console.
public struct ReplaySession {
    public var shell: ConsoleShell
    /// Called once with the replay's console before anything is typed; typically
    /// `{ device.console = $0 }`. The console is kept alive by the replay.
    public var attach: (ConsoleSink) -> Void

    public init(shell: ConsoleShell, attach: @escaping (ConsoleSink) -> Void = { _ in }) {
        self.shell = shell
        self.attach = attach
    }
}

/// The line a transcript is typed into: the same line editor a user types into, so a transcript
/// tests what a user sees. Each call returns what the line showed since the previous one, as text
/// (lines end in "\n"; the last piece is the line the cursor is on).
public protocol ReplayLine: AnyObject {
    /// What the line shows before anything is typed (the first prompt).
    func start() -> String
    /// Types `keys` and waits until the line has taken them all and waits for more.
    func feed(_ keys: String) -> String
    /// No more keys: the line ends as a terminal's does at the end of its input.
    func endOfInput() -> String
    /// The text the editor keeps on the line after `?` (typed, not yet entered).
    var typed: String { get }
    /// The line's session is over (`exit`, end of input).
    var isFinished: Bool { get }
    /// The shell's prompt and whether it echoes, asked of the shell's owner.
    var prompt: String { get }
    var echoesInput: Bool { get }
    /// At a question answered by one key without Enter (IOS's `[confirm]`).
    var answersWithOneKey: Bool { get }
}

extension ReplayLine {
    public var answersWithOneKey: Bool { false }
}

/// The outcome of replaying one transcript's text.
public struct ReplayRun: Sendable {
    /// The transcript's lines (CR before LF removed).
    public var expected: [String]
    /// What the emulator printed, with typed lines kept as the transcript wrote them where the
    /// prompt matched.
    public var actual: [String]
    /// Typed lines fed to the shell (Enter, `?` and Ctrl-Z each end one).
    public var commands: Int

    public var matches: Bool { expected == actual }
    /// The file `--update` writes.
    public var actualText: String { actual.isEmpty ? "" : actual.joined(separator: "\n") + "\n" }

    /// The unified diff from the transcript to the emulator's output; empty when they match.
    public func diff(name: String) -> String {
        UnifiedDiff.diff(old: expected, new: actual, oldName: "\(name) (transcript)", newName: "\(name) (emulator)")
    }
}

/// The outcome of replaying one transcript file.
public struct ReplayResult: Sendable {
    public var path: String
    /// The emulator printed exactly the transcript.
    public var passed: Bool
    /// `--update` rewrote the file from the emulator's output.
    public var updated: Bool
    /// The unified diff (empty when passed).
    public var diff: String
    /// Set when the file could not be read or written.
    public var error: String?
    public var commands: Int
}

/// The outcome of replaying many transcripts.
public struct ReplaySummary: Sendable {
    public var results: [ReplayResult]

    /// Neither mismatched (without being updated) nor unreadable.
    public var ok: Bool { failed.isEmpty }
    public var failed: [ReplayResult] { results.filter { $0.error != nil || (!$0.passed && !$0.updated) } }
    public var passedCount: Int { results.filter { $0.passed && $0.error == nil }.count }
    public var updatedCount: Int { results.filter { $0.updated }.count }
    public var commands: Int { results.reduce(0) { $0 + $1.commands } }

    /// Diffs and errors of the failures, the updated files, and a closing line
    /// `transcripts: P passed, F failed`.
    public var report: String {
        var text = ""
        for result in results {
            if let error = result.error {
                text += "\(result.path): \(error)\n"
            } else if result.updated {
                text += "updated \(result.path)\n"
            } else if !result.passed {
                text += result.diff
            }
        }
        return text + "transcripts: \(passedCount) passed, \(failed.count) failed\n"
    }
}

/// Replays console transcripts (Transcripts/README.md) through fresh shells and compares what the
/// emulator prints with the transcript, character for character.
public struct TranscriptReplayer {
    public typealias SessionFactory = (ReplaySettings) -> ReplaySession
    /// Puts a session's shell on a line (the libedit console on a pseudo-terminal).
    public typealias LineFactory = (ReplaySession) -> ReplayLine

    /// The file extension of transcripts found in folders.
    public static let fileExtension = "txt"

    private let makeSession: SessionFactory
    private let makeLine: LineFactory

    /// `makeSession` gets the transcript's `! replay:` settings (empty without a header).
    public init(makeSession: @escaping SessionFactory, makeLine: @escaping LineFactory) {
        self.makeSession = makeSession
        self.makeLine = makeLine
    }

    public init(makeSession: @escaping () -> ReplaySession, makeLine: @escaping LineFactory) {
        self.makeSession = { _ in makeSession() }
        self.makeLine = makeLine
    }

    // MARK: files

    /// Replays one file; with `update`, a mismatching file is rewritten from the emulator's output.
    public func replay(path: String, update: Bool = false) -> ReplayResult {
        var result = ReplayResult(path: path, passed: false, updated: false, diff: "", error: nil, commands: 0)
        guard let data = FileManager.default.contents(atPath: path) else {
            result.error = "cannot read the transcript"
            return result
        }
        let outcome = run(text: String(decoding: data, as: UTF8.self))
        result.commands = outcome.commands
        if outcome.matches {
            result.passed = true
            return result
        }
        result.diff = outcome.diff(name: path)
        if update {
            do {
                try Data(outcome.actualText.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
                result.updated = true
            } catch {
                result.error = "cannot write the transcript: \(error)"
            }
        }
        return result
    }

    /// Replays files and folders (every `*.txt` below a folder, recursively, in path order).
    public func replay(paths: [String], update: Bool = false) -> ReplaySummary {
        var results: [ReplayResult] = []
        for path in paths {
            do {
                for file in try Self.transcriptFiles(under: path) {
                    results.append(replay(path: file, update: update))
                }
            } catch {
                results.append(ReplayResult(path: path, passed: false, updated: false, diff: "",
                                            error: "\(error)", commands: 0))
            }
        }
        return ReplaySummary(results: results)
    }

    /// Every transcript below `folder`: what a test calls with the real shell.
    public func replayAll(under folder: String, update: Bool = false) -> ReplaySummary {
        replay(paths: [folder], update: update)
    }

    public struct MissingPath: Error, CustomStringConvertible {
        public var path: String
        public var description: String { "no such file or folder" }
    }

    /// `path` itself when it is a file (whatever its extension); the `*.txt` files below it,
    /// sorted, when it is a folder. Names starting with `.` are skipped.
    public static func transcriptFiles(under path: String) throws -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw MissingPath(path: path)
        }
        guard isFolder.boolValue else { return [path] }
        guard let walker = FileManager.default.enumerator(atPath: path) else { return [] }
        var files: [String] = []
        let base = path.hasSuffix("/") ? path : path + "/"
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.hasPrefix(".") {
                walker.skipDescendants()
                continue
            }
            guard (name as NSString).pathExtension == fileExtension else { continue }
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: base + relative, isDirectory: &isDir), !isDir.boolValue {
                files.append(base + relative)
            }
        }
        return files.sorted()
    }

    // MARK: replay

    /// Replays a transcript's text through a fresh shell.
    public func run(text: String) -> ReplayRun {
        let lines = Self.lines(of: text)
        var headerCount = 0
        while headerCount < lines.count, lines[headerCount].utf8.first == UInt8(ascii: "!") { headerCount += 1 }
        let session = makeSession(TranscriptFormat.settings(fromHeader: lines[0..<headerCount]))
        let console = makeLine(session)

        var output = OutputLines()
        output.lines = lines[0..<headerCount].map(String.init)
        output.append(console.start())
        var cursor = headerCount
        var commands = 0

        while !console.isFinished {
            let echoes = console.echoesInput
            let prompt = console.prompt
            let buffer = echoes ? console.typed : ""
            // The console's current line is normally prompt + buffer; output that did not end in a
            // line break (`Proceed with reload? ` before `[confirm]`) stays in front of the prompt.
            let shown = output.partial
            var linePrompt = shown
            if shown.utf8.count >= buffer.utf8.count, shown.utf8.suffix(buffer.utf8.count).elementsEqual(buffer.utf8) {
                linePrompt = String(shown[..<shown.utf8.index(shown.endIndex, offsetBy: -buffer.utf8.count)])
            }

            // The next typed line: prompts the log interrupted are output, not Enter.
            var next: (index: Int, line: TypedLine)?
            var j = cursor
            while j < lines.count {
                if let typed = TypedLine(lines[j], linePrompt: linePrompt, prompt: prompt, buffer: buffer) {
                    if typed.newText.isEmpty, j + 1 < lines.count, TranscriptFormat.isLogLine(lines[j + 1]) {
                        j += 1
                        continue
                    }
                    next = (j, typed)
                    break
                }
                j += 1
            }
            guard let (index, typed) = next else {
                output.append(console.endOfInput())
                break
            }
            cursor = index + 1
            let written = typed.promptMatches && typed.bufferMatches
                ? String(lines[index]) : output.partial + typed.unmatchedText

            if index == lines.count - 1, typed.newText.isEmpty {
                // The final prompt with nothing typed: the end of the input.
                output.replaceCurrentLine(with: written, thenAppend: console.endOfInput())
                break
            }

            var keys = TranscriptFormat.keystrokes(typed.newText)
            if console.answersWithOneKey {
                // `[confirm]`: the first key answers (Enter when nothing was typed), as on a terminal.
                keys = keys.unicodeScalars.first.map { String($0) } ?? "\n"
            } else if echoes, let helpEnd = Self.endsWithHelpKey(keys) {
                keys = String(keys.unicodeScalars[..<helpEnd])  // `?` ends the line; no Enter
            } else if keys.unicodeScalars.last != "\u{1A}" {
                keys += "\n"
            }
            let printed = console.feed(keys)
            commands += 1
            output.replaceCurrentLine(with: written, thenAppend: printed)
        }
        output.finish()
        return ReplayRun(expected: lines.map(String.init), actual: output.lines, commands: commands)
    }

    /// When the keys end with an unescaped `?` (trailing blanks aside), the index just past it.
    private static func endsWithHelpKey(_ keys: String) -> String.UnicodeScalarView.Index? {
        let scalars = keys.unicodeScalars
        var end = scalars.endIndex
        while end > scalars.startIndex {
            let before = scalars.index(before: end)
            guard scalars[before] == " " else { break }
            end = before
        }
        guard end > scalars.startIndex else { return nil }
        let mark = scalars.index(before: end)
        guard scalars[mark] == "?" else { return nil }
        if mark > scalars.startIndex, scalars[scalars.index(before: mark)] == "\u{16}" { return nil }
        return end
    }

    /// The transcript's lines: split at LF, a CR before it dropped, no empty line after a final LF.
    static func lines(of text: String) -> [Substring] {
        var result: [Substring] = []
        let utf8 = text.utf8
        var start = utf8.startIndex
        while let newline = utf8[start...].firstIndex(of: UInt8(ascii: "\n")) {
            var end = newline
            if end > start, utf8[utf8.index(before: end)] == UInt8(ascii: "\r") { end = utf8.index(before: end) }
            result.append(text[start..<end])
            start = utf8.index(after: newline)
        }
        if start < utf8.endIndex { result.append(text[start...]) }
        return result
    }
}

/// One typed transcript line read against the shell's state.
struct TypedLine {
    /// The prompt as the transcript wrote it is the shell's prompt.
    var promptMatches: Bool
    /// The line starts with what the console still shows after a `?` (the kept buffer).
    var bufferMatches: Bool
    /// What was typed beyond the kept buffer, in transcript notation.
    var newText: Substring
    /// The line's text after the prompt when the prompt does not match (shown after the real one).
    var unmatchedText: String

    /// Nil when `line` is not a typed line: it starts neither with a device prompt nor with the
    /// console's current prompt. `linePrompt` is the console's current line before the buffer (the
    /// prompt, after any output left on that line); `prompt` is the shell's prompt.
    init?(_ line: Substring, linePrompt: String, prompt: String, buffer: String) {
        let promptLength: Int
        if !linePrompt.isEmpty, line.utf8.starts(with: linePrompt.utf8) {
            promptLength = linePrompt.utf8.count
            promptMatches = true
        } else if !linePrompt.isEmpty, Self.trimmed(line).utf8.elementsEqual(Self.trimmed(Substring(linePrompt)).utf8) {
            // `Password:` with the trailing blank lost to an editor.
            promptLength = line.utf8.count
            promptMatches = true
        } else if linePrompt != prompt, !prompt.isEmpty, line.utf8.starts(with: prompt.utf8) {
            // The prompt without the output the console shows before it.
            promptLength = prompt.utf8.count
            promptMatches = false
        } else if let length = TranscriptFormat.devicePromptLength(line) {
            promptLength = length
            promptMatches = false
        } else {
            return nil
        }
        var rest = line[line.utf8.index(line.startIndex, offsetBy: promptLength)...]
        // `Device# enable`: the documentation's blank after a device prompt is not typed.
        var blank = ""
        if rest.utf8.first == UInt8(ascii: " "), TranscriptFormat.devicePromptLength(line) == promptLength {
            rest = rest.dropFirst()
            blank = " "
        }
        if buffer.isEmpty {
            newText = rest
            bufferMatches = true
            unmatchedText = blank + rest
        } else if rest.utf8.starts(with: buffer.utf8) {
            newText = rest[rest.utf8.index(rest.startIndex, offsetBy: buffer.utf8.count)...]
            bufferMatches = true
            unmatchedText = String(newText)
        } else if buffer.utf8.starts(with: rest.utf8), buffer.utf8.dropFirst(rest.utf8.count).allSatisfy({ $0 == 32 }) {
            // The kept buffer's trailing blank lost to an editor.
            newText = rest[rest.endIndex...]
            bufferMatches = true
            unmatchedText = ""
        } else {
            newText = rest
            bufferMatches = false
            unmatchedText = String(rest)
        }
    }

    private static func trimmed(_ s: Substring) -> Substring {
        var end = s.endIndex
        while end > s.startIndex, s[s.index(before: end)] == " " { end = s.index(before: end) }
        return s[..<end]
    }
}

/// The emulator's output cut into lines, with the line the cursor is on kept apart so a typed
/// line can replace its echo.
private struct OutputLines {
    var lines: [String] = []
    var partial = ""

    mutating func append(_ text: String) {
        let utf8 = text.utf8
        var start = utf8.startIndex
        while let newline = utf8[start...].firstIndex(of: UInt8(ascii: "\n")) {
            partial.append(contentsOf: text[start..<newline])
            lines.append(partial)
            partial = ""
            start = utf8.index(after: newline)
        }
        partial.append(contentsOf: text[start...])
    }

    /// The current line (prompt, then the echo of the typed keys, up to the first line break in
    /// `text`) becomes `line`; the rest of `text` follows.
    mutating func replaceCurrentLine(with line: String, thenAppend text: String) {
        guard let newline = text.utf8.firstIndex(of: UInt8(ascii: "\n")) else {
            // The keys did not end the line (cannot happen with Enter appended); keep the echo.
            partial += text
            return
        }
        lines.append(line)
        partial = ""
        append(String(text[text.utf8.index(after: newline)...]))
    }

    mutating func finish() {
        if !partial.isEmpty { lines.append(partial) }
        partial = ""
    }
}
