import Device
@testable import Shell
import XCTest

/// Bad input never crashes the shell nor leaves it in a state automation cannot recognise.
final class ShellFuzzTests: XCTestCase {
    func testRandomInputNeverTrapsAndPromptsStayRecognisable() throws {
        let vocabulary = ["enable", "conf", "t", "terminal", "aaa", "new-model", "server", "radius", "dynamic-author",
                          "client", "server-key", "7", "0", "port", "auth-type", "any", "ignore", "session-key", "domain",
                          "delimiter", "stripping", "no", "default", "do", "show", "running-config", "|", "include",
                          "section", "end", "exit", "hostname", "username", "privilege", "secret", "password", "clock",
                          "set", "timezone", "service", "timestamps", "debug", "datetime", "msec", "lab", "session",
                          "connect", "pod", "audit-session-id", "user-name", "clear", "crypto", "write", "copy",
                          "startup-config", "reload", "address", "ipv4", "key", "group", "accounting", "network",
                          "start-stop", "logging", "buffered", "version", "?", "^Z", "70000", "-1", "1.2.3.4",
                          "256.1.1.1", "1.2.3", "::1", "\u{7f}", "é", "\"", "%s", "((", "[", "\\", "00:20:23", "Nov", "2014"]
        let random = SeededRandom(seed: 42)
        let promptPattern = try NSRegularExpression(pattern: #"^[\w.\-@/:]{1,63}(\([\w.\-@/:+]{0,32}\))?[>#]$"#)
        var h = Harness()
        var commands = 0
        for _ in 0..<20_000 {
            let count = random.int(in: 0...6)
            var line = (0..<count).map { _ in vocabulary[random.int(in: 0...(vocabulary.count - 1))] }.joined(separator: " ")
            if random.int(in: 0...9) == 0 { line += " " }
            switch random.int(in: 0...9) {
            case 0: _ = h.shell.help(for: line)
            case 1: _ = h.shell.complete(line)
            case 2: _ = h.shell.controlZ(line)
            default:
                _ = h.shell.submit(line)
                commands += 1
            }
            // `exit` at EXEC closes the console: carry on with a fresh one.
            if h.shell.isFinished { h = Harness() }
            let prompt = h.shell.prompt
            let isQuestion = prompt.hasSuffix(": ") || prompt.hasSuffix("? ") || prompt.hasSuffix("[confirm]")
            let matched = promptPattern.firstMatch(in: prompt, range: NSRange(prompt.startIndex..., in: prompt)) != nil
            XCTAssertTrue(isQuestion || matched, "unrecognisable prompt \(prompt) after \(line)")
        }
        XCTAssertGreaterThan(commands, 10_000)
    }
}
