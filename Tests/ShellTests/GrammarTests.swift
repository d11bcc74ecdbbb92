@testable import Shell
import XCTest

final class GrammarTests: XCTestCase {
    private func graph(_ decls: [(String, [String])]) -> CommandGraph {
        let g = CommandGraph()
        for (i, d) in decls.enumerated() {
            // swiftlint:disable:next force_try
            g.add(try! SyntaxParser.parse(d.0, help: d.1), payload: i)
        }
        return g
    }

    func testAbbreviationAndAmbiguity() {
        let g = graph([("show clock", ["s", "c"]), ("show configuration", ["s", "c2"]), ("set x", ["s2", "x"])])
        XCTAssertEqual(g.match("sh cl"), .success(payload: 0, captures: [Capture(name: "show", text: "show"), Capture(name: "clock", text: "clock")]))
        XCTAssertEqual(g.match("s clock"), .ambiguous)
        XCTAssertEqual(g.match("sh c"), .ambiguous)
        XCTAssertEqual(g.match("show"), .incomplete)
        XCTAssertEqual(g.match("   "), .empty)
    }

    func testCaretIsUnderFirstCharacterNoKeywordAllows() {
        let g = graph([("ip ospf area <0-9>", ["i", "o", "a", "n"])])
        // `a` is still a valid prefix of `area`; `r` is not.
        XCTAssertEqual(g.match("ip ospf arxa 1"), .invalid(offset: 10))
        XCTAssertEqual(g.match("ip ospf zz 1"), .invalid(offset: 8))
        XCTAssertEqual(g.match("ip ospf area 10"), .invalid(offset: 13))
        XCTAssertEqual(g.match("ip ospf area 1 extra"), .invalid(offset: 15))
    }

    /// Words and their character offsets, whether the line is printable ASCII (split on bytes)
    /// or not (split on characters); the caret counts characters either way.
    func testWordsAndCaretsCountCharacters() {
        func split(_ line: String) -> [String] {
            CommandGraph.words(Substring(line)).map { "\($0.offset):\($0.text)" }
        }
        XCTAssertEqual(split("  show\tip  int "), ["2:show", "7:ip", "11:int"])
        XCTAssertEqual(split("shöw  ip"), ["0:shöw", "6:ip"])
        XCTAssertEqual(split("e\u{301}x y"), ["0:e\u{301}x", "3:y"])
        XCTAssertEqual(split("a\u{1}b c"), ["0:a\u{1}b", "4:c"])
        XCTAssertEqual(split(""), [])
        let g = graph([("ip ospf area <0-9>", ["i", "o", "a", "n"])])
        XCTAssertEqual(g.match("ip öspf 1"), .invalid(offset: 3))
        XCTAssertEqual(g.match("ïp ospf 1"), .invalid(offset: 0))
        XCTAssertEqual(g.match("ip ospf arö 1"), .invalid(offset: 10))
    }

    func testTypedArgumentsBeatFreeWordsAndRangesAreChecked() {
        let g = graph([("client {Hostname$h | A.B.C.D$h}", ["c", "n", "a"]), ("port <0-65535>", ["p", "n"])])
        XCTAssertEqual(g.match("client 10.1.1.1"), .success(payload: 0, captures: [Capture(name: "client", text: "client"), Capture(name: "h", text: "10.1.1.1")]))
        XCTAssertEqual(g.match("port 65536"), .invalid(offset: 5))
        XCTAssertEqual(g.match("port -1"), .invalid(offset: 5))
        XCTAssertEqual(g.match("port 0"), .success(payload: 1, captures: [Capture(name: "port", text: "port"), Capture(name: "port", text: "0")]))
    }

    /// `\\Loopback` is a keyword with IOS's capitals (not a WORD): typed in any case, shown as
    /// declared, and, as IOS accepts interface names, glued to its number (`lo0`, `Loopback0`).
    /// Lower-case keywords never take a glued number.
    func testCapitalizedKeywordsAndGluedInterfaceNumbers() {
        let g = graph([("show interfaces [\\Loopback <0-9>$lo | \\Local-Port <0-9>$lp]", ["s", "i", "l", "n", "p", "n"]),
                       ("terminal length <0-512>", ["t", "l", "n"])])
        let expected = MatchResult.success(payload: 0, captures: [
            Capture(name: "show", text: "show"), Capture(name: "interfaces", text: "interfaces"),
            Capture(name: "Loopback", text: "Loopback"), Capture(name: "lo", text: "3")])
        XCTAssertEqual(g.match("show interfaces loopback 3"), expected)
        XCTAssertEqual(g.match("sh int LOOP 3"), expected)
        XCTAssertEqual(g.match("sh int loo3"), expected)
        XCTAssertEqual(g.match("sh int lo3"), .ambiguous)
        XCTAssertEqual(g.match("sh int Loopback3"), expected)
        XCTAssertEqual(g.match("sh int l3"), .ambiguous)
        XCTAssertEqual(g.match("sh int lo12"), .invalid(offset: 9))
        XCTAssertEqual(g.match("sh int banana"), .invalid(offset: 7))
        XCTAssertEqual(g.match("terminal length24"), .invalid(offset: 15))
        XCTAssertEqual(g.help("show interfaces "), .choices([(word: "Local-Port", help: "p"), (word: "Loopback", help: "l")],
                                                           cr: true))
    }

    func testLineTakesTheRestOfTheLine() {
        let g = graph([("server-key [0 | 7] LINE$key", ["s", "0", "7", "k"])])
        XCTAssertEqual(g.match("server-key my secret  "), .success(payload: 0, captures: [Capture(name: "server-key", text: "server-key"), Capture(name: "key", text: "my secret")]))
        if case let .success(_, captures) = g.match("server-key 7 0822455D0A16") {
            XCTAssertEqual(captures.map(\.name), ["server-key", "7", "key"])
        } else {
            XCTFail("type 7 key did not parse")
        }
    }

    func testAnyOrderOptions() {
        let g = graph([("datetime [msec | localtime | year]*", ["d", "m", "l", "y"])])
        for line in ["datetime", "datetime localtime msec", "datetime year msec localtime"] {
            guard case .success = g.match(Substring(line)) else { return XCTFail(line) }
        }
    }

    func testHelpAndCompletion() {
        let g = graph([("show clock", ["Show", "Clock"]), ("show configuration", ["Show", "Config"]), ("set x", ["Set", "X"])])
        XCTAssertEqual(g.help("show "), .choices([(word: "clock", help: "Clock"), (word: "configuration", help: "Config")], cr: false))
        XCTAssertEqual(g.help("s"), .completions(["set", "show"]))
        XCTAssertEqual(g.help("q"), .unrecognized)
        XCTAssertEqual(g.help("show clock "), .choices([], cr: true))
        XCTAssertEqual(g.help("show zz "), .invalid(offset: 5))
        XCTAssertEqual(g.complete("sh"), "show ")
        XCTAssertEqual(g.complete("show cl"), "show clock ")
        XCTAssertNil(g.complete("show c"))
        XCTAssertNil(g.complete("show "))
    }

    func testHelpOrderPutsArgumentsFirst() {
        let g = graph([("a WORD", ["a", "w"]), ("a <1-5>", ["a", "n"]), ("a b", ["a", "b"])])
        guard case let .choices(rows, _) = g.help("a ") else { return XCTFail() }
        XCTAssertEqual(rows.map(\.word), ["<1-5>", "WORD", "b"])
    }

    func testEveryDeclarationParses() {
        // Building the registry parses each declaration; a bad one traps here, not at a user.
        let registry = CommandRegistry(IOSCommands.all)
        XCTAssertGreaterThan(registry.entries.count, 50)
    }
}
