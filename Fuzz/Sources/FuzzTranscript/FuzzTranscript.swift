// The transcript parser and the replayer's loop: any text is a transcript (Transcripts/README.md).
// Replaying types its lines, with their `?`, `^I` and `^Z`, into a line; here the line is a
// recorder that answers with a prompt and keeps the keys, so the target exercises the parsing and
// matching without a terminal (the editor and the shell are exercised by the replayed transcripts
// and by FuzzConsoleLine). A mismatch is the normal outcome; a trap is the bug.
import FuzzSupport
import Shell

@_cdecl("FuzzTranscript_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzTranscript)
}

/// A line that shows its prompt, echoes what is typed, and ends at the end of input or after
/// a bounded number of lines.
private final class RecordingLine: ReplayLine {
    private(set) var keys: [String] = []
    private var ended = false
    let prompt: String

    init(prompt: String) {
        self.prompt = prompt
    }

    func start() -> String { prompt }
    func feed(_ keys: String) -> String {
        self.keys.append(keys)
        if self.keys.count >= 10_000 { ended = true }
        let echoed = keys.hasSuffix("\n") ? keys : keys + "\n"
        return echoed + (ended ? "" : prompt)
    }
    func endOfInput() -> String {
        ended = true
        return "\n"
    }
    var typed: String { "" }
    var isFinished: Bool { ended }
    var echoesInput: Bool { true }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTranscript(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = String(decoding: Fuzz.bytes(data, count), as: UTF8.self)
    // The prompt comes from the input too, so typed lines are found and matched.
    let prompt = text.utf8.first.map { $0 % 2 == 0 ? "Device#" : "Device(config)#" } ?? "Device>"
    let replayer = TranscriptReplayer(
        makeSession: { _ in ReplaySession(shell: NoShell()) },
        makeLine: { _ in RecordingLine(prompt: prompt) })
    let run = replayer.run(text: text)
    if run.matches {
        guard run.actualText == run.expected.map({ $0 + "\n" }).joined() else { fatalError("matching runs differ") }
    } else {
        _ = run.diff(name: "fuzz.txt")
    }
    return 0
}

/// The session's shell, never called: the recording line answers instead.
private final class NoShell: ConsoleShell {
    var prompt: String { "" }
    var echoesInput: Bool { true }
    func help(for buffer: String) -> String { "" }
    func complete(_ buffer: String) -> String? { nil }
    func submit(_ line: String) -> String { "" }
    func controlZ(_ buffer: String) -> String { "" }
    var isFinished: Bool { false }
    var outputStream: ((String) -> Void)?
}
