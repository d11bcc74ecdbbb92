// Console lines typed in every mode. The first byte picks the mode the lines start in (and
// whether the router holds the seed-example scenario's sessions); the rest is lines, each ending
// in `\n` (Enter), `\t` (Tab: completion), `\u{1}` (`?`: help at that point) or `\u{1a}`
// (Ctrl-Z). The shell must answer every line and keep a prompt automation can recognise.
//
// With FLEXVPN_FUZZ_DICTIONARY=PATH set, the target writes a libFuzzer dictionary of every
// keyword of the command grammar (and some argument values) to PATH and exits: scripts/fuzz.sh
// passes it with -dict, so mutations splice in words the parser knows.
import Device
import Foundation
import FuzzSupport
import Shell

private let modes: [[String]] = [
    [],
    ["enable"],
    ["enable", "configure terminal"],
    ["enable", "configure terminal", "aaa new-model", "aaa server radius dynamic-author"],
    ["enable", "configure terminal", "radius server R1"],
    ["enable", "configure terminal", "aaa new-model", "aaa group server radius G1"],
    ["enable", "configure terminal", "aaa new-model"],
    ["enable", "configure terminal", "aaa new-model", "radius server R1"],
    ["enable", "configure terminal", "crypto ikev2 proposal P1"],
    ["enable", "configure terminal", "crypto ikev2 policy POL"],
]

/// Every keyword of every declaration's syntax, with a leading blank (words follow words), and
/// argument values the placeholders take.
func grammarDictionary() -> String {
    var words = Set<String>()
    for declaration in IOSCommands.all {
        for lexeme in declaration.syntax.split(whereSeparator: { " {}[]|*".contains($0) }) {
            let word = lexeme.split(separator: "$").first.map(String.init) ?? ""
            guard !word.isEmpty, word.first!.isLowercase || word.first!.isNumber else { continue }
            words.insert(word)
        }
    }
    words.formUnion(["no", "default", "do", "|", "include", "exclude", "begin", "section", "count", "?",
                     "1.2.3.4", "9.45.15.144", "255.255.255.255", "0", "7", "65535", "4294967295", "00:20:23",
                     "Nov", "2014", "cisco", "L2L433010101ZO2L4C0A8CA02ZH119404ZP37", "pskuser2.g1.engdt.com"])
    func quoted(_ s: String) -> String {
        "\"" + s.unicodeScalars.map { $0 == "\"" || $0 == "\\" ? "\\" + String($0) : String($0) }.joined() + "\""
    }
    return words.sorted().map { quoted(" " + $0) }.joined(separator: "\n") + "\n"
}

@_cdecl("FuzzConsoleLine_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    if let path = ProcessInfo.processInfo.environment["FLEXVPN_FUZZ_DICTIONARY"] {
        do {
            try grammarDictionary().write(toFile: path, atomically: true, encoding: .utf8)
            return 0
        } catch {
            print("cannot write \(path): \(error)")
            return 1
        }
    }
    return runFuzzer(argc, argv, fuzzConsoleLine)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConsoleLine(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Fuzz.bytes(data, count)
    guard let first = bytes.first else { return 0 }
    let (shell, _) = Fuzz.router(scenario: first & 0x80 != 0 ? "seed-example" : nil)
    Fuzz.type(shell, modes[Int(first) % modes.count])
    let text = String(decoding: bytes.dropFirst(), as: UTF8.self)
    var line = ""
    var lines = 0
    for character in text {
        switch character {
        case "\n", "\r\n":
            _ = shell.submit(line)
        case "\t":
            _ = shell.complete(line)
        case "\u{1}":
            _ = shell.help(for: line)
        case "\u{1a}":
            _ = shell.controlZ(line)
        default:
            line.append(character)
            continue
        }
        line = ""
        lines += 1
        if shell.isFinished || lines > 200 { break }
        checkPrompt(shell.prompt)
    }
    if !line.isEmpty, !shell.isFinished { _ = shell.submit(line) }
    return 0
}

/// A device prompt (Transcripts/README.md's pattern), one of the shell's questions, or none while
/// a banner's text is typed (IOS prints no prompt between `Enter TEXT message.` and the delimiter).
private func checkPrompt(_ prompt: String) {
    if prompt.hasSuffix(": ") || prompt.hasSuffix("? ") || prompt.hasSuffix("[confirm]") { return }
    if prompt.isEmpty { return }
    guard TranscriptFormat.isDevicePrompt(prompt) else { fatalError("unrecognisable prompt \(prompt)") }
}
