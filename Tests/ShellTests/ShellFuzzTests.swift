import Device
@testable import Shell
import XCTest

/// Bad input never crashes the shell nor leaves it in a state automation cannot recognise.
///
/// The input comes from the grammar itself: every keyword of every command, and for every
/// argument type the values at and past its edges (0, max, max+1, 2^32-1, 2^32, -1, huge
/// numbers, hex with `-1` glued on, odd-length hex, non-ASCII, very long words). Half the lines
/// are random walks through a command's syntax typed in that command's mode, so deep commands
/// (`server-key 7 …`, `lab session connect … session-id …`) are reached; a line is sometimes
/// typed twice (a counter at its edge breaks on the next use). Seeded, fixed iteration count.
final class ShellFuzzTests: XCTestCase {
    /// Values for every argument, whatever its type: hostile to any parser.
    static let longWord = String(repeating: "A", count: 600)

    static let hostileWords = [
        "-1", "-1AB", "+1AB", "-10A0B", "09-1", "-1771D69", "1771D693", "FFFFFFFF", "00000000", "094F471A1A0A",
        "094F471A1A0", "ABC", "53AABB", "99AABB", "0", "00", "4294967295", "4294967296", "18446744073709551615",
        "18446744073709551616", "99999999999999999999999999", "-9223372036854775808", "0x10", "1e9",
        "1.2.3.4", "0.0.0.0", "255.255.255.255", "256.1.1.1", "1.2.3", "1.2.3.4.5", "::1", "é", "日本", "\u{7f}",
        "\u{1F600}", "\"", "%s", "((", "[", "\\", "$1$", "$1$abcd$", "$9$", "6", "7", "5", "9", "00:20:23", "24:00:00",
        "-1:00:00", "Nov", "@", "/", "a.b", "a_b", "abc-", longWord,
        String(repeating: "7", count: 300), "|", "?",
    ]

    /// The edges of one argument type.
    static func edges(of kind: ArgumentKind) -> [String] {
        switch kind {
        case let .range(lo, hi):
            return [lo, hi, hi &+ 1, lo &- 1, 0, -1, 4_294_967_295, 4_294_967_296, Int64.max].map(String.init)
                + ["\(hi)0", "-\(hi)", "+\(lo)"]
        case .ipv4: return ["0.0.0.0", "255.255.255.255", "256.0.0.0", "1.2.3", "1.2.3.4.", "01.2.3.4"]
        case .time: return ["00:00:00", "23:59:59", "24:00:00", "99:99:99", "1:2", "::"]
        case .month: return ["Jan", "December", "Ju", "xyz"]
        case .char: return ["@", "#", "ab", "é", "$"]
        case let .charIn(set): return set.map(String.init) + ["ab", "é", "!", "."]
        case .word, .line, .hostname: return hostileWords
        }
    }

    /// A value for an argument: mostly its edges, else any hostile word.
    static func value(for kind: ArgumentKind, _ random: SeededRandom) -> String {
        random.int(in: 0...2) == 0 ? pick(hostileWords, random) : pick(edges(of: kind), random)
    }

    struct Grammar {
        var commands: [(modes: [ModeKind], syntax: SyntaxNode)]
        /// Command indexes, each as often as its syntax has tokens: long commands get more walks.
        var weighted: [Int]
        var vocabulary: [String]
    }

    static func tokenCount(_ node: SyntaxNode) -> Int {
        switch node {
        case .token: return 1
        case let .sequence(items), let .choice(items): return items.map(tokenCount).reduce(0, +)
        case let .optional(inner), let .repeated(inner): return tokenCount(inner)
        }
    }

    static func grammar() -> Grammar {
        let commands = IOSShell.standardRegistry.commandSyntaxes
        var words = Set<String>()
        func collect(_ node: SyntaxNode) {
            switch node {
            case let .token(token):
                switch token.kind {
                case let .keyword(k): words.insert(k)
                case let .argument(kind, _): words.formUnion(edges(of: kind))
                }
            case let .sequence(items), let .choice(items): items.forEach(collect)
            case let .optional(inner), let .repeated(inner): collect(inner)
            }
        }
        commands.forEach { collect($0.syntax) }
        words.formUnion(hostileWords)
        let weighted = commands.indices.flatMap { Array(repeating: $0, count: tokenCount(commands[$0].syntax)) }
        return Grammar(commands: commands, weighted: weighted,
                       vocabulary: words.sorted() + ["?", "^Z", "do", "end", "exit"])
    }

    static func pick<T>(_ items: [T], _ random: SeededRandom) -> T { items[random.int(in: 0...(items.count - 1))] }

    /// How many argument tokens a subtree holds (numbered depth first).
    static func argumentCount(_ node: SyntaxNode) -> Int {
        switch node {
        case let .token(token):
            if case .argument = token.kind { return 1 }
            return 0
        case let .sequence(items), let .choice(items): return items.map(argumentCount).reduce(0, +)
        case let .optional(inner), let .repeated(inner): return argumentCount(inner)
        }
    }

    /// One random path through a syntax tree; keywords sometimes abbreviated. With `target`, the
    /// path goes through the argument numbered `target` (depth first from `base`), which gets
    /// `value`.
    static func walk(_ node: SyntaxNode, _ random: SeededRandom, _ out: inout [String],
                     target: Int? = nil, value: String = "", base: Int = 0) {
        let holdsTarget = target.map { $0 >= base && $0 < base + argumentCount(node) } ?? false
        switch node {
        case let .token(token):
            switch token.kind {
            case let .keyword(k):
                out.append(random.int(in: 0...4) == 0 ? String(k.prefix(random.int(in: 1...k.count))) : k)
            case let .argument(kind, _): out.append(holdsTarget ? value : Self.value(for: kind, random))
            }
        case let .sequence(items):
            var start = base
            for item in items {
                walk(item, random, &out, target: target, value: value, base: start)
                start += argumentCount(item)
            }
        case let .choice(alternatives):
            var start = base
            var starts: [Int] = []
            for alternative in alternatives {
                starts.append(start)
                start += argumentCount(alternative)
            }
            let index = holdsTarget
                ? alternatives.indices.last { starts[$0] <= target! }!
                : random.int(in: 0...(alternatives.count - 1))
            walk(alternatives[index], random, &out, target: target, value: value, base: starts[index])
        case let .optional(inner):
            if holdsTarget || random.int(in: 0...2) != 0 {
                walk(inner, random, &out, target: target, value: value, base: base)
            }
        case let .repeated(inner):
            let times = holdsTarget ? 1 : random.int(in: 0...3)
            for _ in 0..<times { walk(inner, random, &out, target: target, value: value, base: base) }
        }
    }

    /// Every argument of every command, at each of its edges, typed twice in the command's mode,
    /// then the command once more on a random path (a counter at its edge breaks on the next use).
    func testEveryArgumentAtItsEdgesTypedTwice() {
        let grammar = Self.grammar()
        let random = SeededRandom(seed: 7)
        var lines = 0
        for command in grammar.commands {
            var arguments: [ArgumentKind] = []
            func collect(_ node: SyntaxNode) {
                switch node {
                case let .token(token): if case let .argument(kind, _) = token.kind { arguments.append(kind) }
                case let .sequence(items), let .choice(items): items.forEach(collect)
                case let .optional(inner), let .repeated(inner): collect(inner)
                }
            }
            collect(command.syntax)
            for (index, kind) in arguments.enumerated() {
                let values: [String]
                switch kind {
                case .word, .line: values = ["-1AB", "094F471A1A0", "53AABB", "4294967295", "é", Self.longWord]
                case .hostname: values = ["a.b", "a_b", "abc-", "1abc", "é", Self.longWord]
                default: values = Self.edges(of: kind)
                }
                let h = Harness()
                for mode in command.modes {
                    for value in values {
                        var words: [String] = []
                        Self.walk(command.syntax, random, &words, target: index, value: value)
                        let line = words.joined(separator: " ")
                        for step in Self.path(to: mode) { _ = h.shell.submit(step) }
                        _ = h.shell.submit(line)
                        _ = h.shell.submit(line)
                        // Then the same command on another path (the next session after an id at its edge).
                        var other: [String] = []
                        Self.walk(command.syntax, random, &other)
                        _ = h.shell.submit(other.joined(separator: " "))
                        lines += 3
                        if h.shell.isFinished { break }
                    }
                }
            }
        }
        XCTAssertGreaterThan(lines, 1_000)
    }

    /// Lines that bring a fresh shell from `>` into a mode of this kind.
    static func path(to kind: ModeKind) -> [String] {
        switch kind {
        case .exec: return ["end", "enable"]
        case .config: return ["end", "enable", "configure terminal"]
        case .dynamicAuthor: return ["end", "enable", "configure terminal", "aaa new-model", "aaa server radius dynamic-author"]
        case .radiusServer: return ["end", "enable", "configure terminal", "radius server FUZZ"]
        case .serverGroupRadius: return ["end", "enable", "configure terminal", "aaa new-model", "aaa group server radius G"]
        case .line: return ["end", "enable", "configure terminal", "line vty 0 4"]
        case .standardACL: return ["end", "enable", "configure terminal", "ip access-list standard FUZZ"]
        case .sshPubkey: return ["end", "enable", "configure terminal", "ip ssh pubkey-chain"]
        case .sshPubkeyUser: return ["end", "enable", "configure terminal", "ip ssh pubkey-chain", "username FUZZ"]
        case .sshPubkeyData:
            return ["end", "enable", "configure terminal", "ip ssh pubkey-chain", "username FUZZ", "key-string"]
        case .ikev2Profile: return ["end", "enable", "configure terminal", "crypto ikev2 profile FUZZ"]
        case .ikev2Keyring: return ["end", "enable", "configure terminal", "crypto ikev2 keyring FUZZ"]
        case .ikev2KeyringPeer: return ["end", "enable", "configure terminal", "crypto ikev2 keyring FUZZ", "peer P"]
        case .ikev2NameMangler: return ["end", "enable", "configure terminal", "crypto ikev2 name-mangler FUZZ"]
        case .ikev2AuthorizationPolicy:
            return ["end", "enable", "configure terminal", "crypto ikev2 authorization policy FUZZ"]
        case .interface: return ["end", "enable", "configure terminal", "interface Virtual-Template 1 type tunnel"]
        case .ikev2Proposal: return ["end", "enable", "configure terminal", "crypto ikev2 proposal FUZZ"]
        case .ikev2Policy: return ["end", "enable", "configure terminal", "crypto ikev2 policy FUZZ"]
        case .loopbackInterface: return ["end", "enable", "configure terminal", "interface Loopback 7"]
        case .ethernetInterface: return ["end", "enable", "configure terminal", "interface GigabitEthernet1"]
        case .ipsecTransformSet:
            return ["end", "enable", "configure terminal", "crypto ipsec transform-set FUZZ esp-aes 256 esp-sha256-hmac"]
        case .ipsecProfile: return ["end", "enable", "configure terminal", "crypto ipsec profile FUZZ"]
        }
    }

    func testRandomInputNeverTrapsAndPromptsStayRecognisable() throws {
        let grammar = Self.grammar()
        // The vocabulary really comes from the grammar: deep keywords and 32-bit edges are in it.
        for word in ["session-id", "unique-id", "server-key", "delimiter", "4294967295", "4294967296", "-1AB"] {
            XCTAssertTrue(grammar.vocabulary.contains(word), word)
        }
        let random = SeededRandom(seed: 42)
        let promptPattern = try NSRegularExpression(pattern: #"^[\w.\-@/:]{1,63}(\([\w.\-@/:+]{0,32}\))?[>#]$"#)
        var h = Harness()
        var commands = 0
        var previous = ""
        func check(_ line: String) {
            let prompt = h.shell.prompt
            let isQuestion = prompt.hasSuffix(": ") || prompt.hasSuffix("? ") || prompt.hasSuffix("[confirm]")
            let matched = promptPattern.firstMatch(in: prompt, range: NSRange(prompt.startIndex..., in: prompt)) != nil
            // A banner's text is typed with no prompt, as on IOS.
            let inBanner = h.shell.bannerEntry != nil && prompt.isEmpty
            XCTAssertTrue(isQuestion || matched || inBanner, "unrecognisable prompt \(prompt) after \(line)")
        }
        for iteration in 0..<8_000 {
            // A fresh router now and then: a set enable secret or a deep mode must not stall the rest.
            if iteration % 300 == 0 { h = Harness() }
            var line: String
            switch random.int(in: 0...9) {
            case 0...4:
                let command = grammar.commands[Self.pick(grammar.weighted, random)]
                for step in Self.path(to: Self.pick(command.modes, random)) { _ = h.shell.submit(step) }
                var words: [String] = []
                Self.walk(command.syntax, random, &words)
                line = words.joined(separator: " ")
            case 5:
                line = previous
            default:
                let count = random.int(in: 0...6)
                line = (0..<count).map { _ in Self.pick(grammar.vocabulary, random) }.joined(separator: " ")
            }
            if random.int(in: 0...9) == 0 { line += " " }
            previous = line
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
            check(line)
        }
        XCTAssertGreaterThan(commands, 4_000)
    }
}
