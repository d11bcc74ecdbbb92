// The transcript parser and replayer: any text is a transcript (Transcripts/README.md); replaying
// it types its lines, with their `?`, `^I` and `^Z`, into a fresh router through the line
// discipline and compares the output. A mismatch is the normal outcome; a trap is the bug.
//
// `! replay: scenario` is kept only for the shipped `seed-example`: a path would make the target
// read whatever file the fuzzer names (`/dev/zero`), which is not the replayer's behaviour under test.
import Device
import FuzzSupport
import Shell

@_cdecl("FuzzTranscript_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzTranscript)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTranscript(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = String(decoding: Fuzz.bytes(data, count), as: UTF8.self)
    let replayer = TranscriptReplayer(makeSession: { settings in
        var settings = settings
        if let scenario = settings["scenario"], scenario != "seed-example" { settings.values["scenario"] = nil }
        return IOSShell.replaySession(settings)
    })
    let run = replayer.run(text: text)
    if run.matches {
        guard run.actualText == run.expected.map({ $0 + "\n" }).joined() else { fatalError("matching runs differ") }
    } else {
        _ = run.diff(name: "fuzz.txt")
    }
    return 0
}
