// A mode's commands compiled into one graph (a small NFA): a root, one node per keyword or
// argument, and an accept node per command. Parsing, `?`, Tab and the error forms all walk
// the same graph, so they cannot disagree.

/// One typed word and where it starts on the line (in characters, for the caret).
public struct Word: Equatable, Sendable {
    public var text: Substring
    public var offset: Int
}

/// A value bound while matching: the token's name and the text typed for it.
public struct Capture: Equatable, Sendable {
    public var name: String
    public var text: String
}

public enum MatchResult: Equatable {
    case empty
    case success(payload: Int, captures: [Capture])
    /// The caret goes under this character offset of the line.
    case invalid(offset: Int)
    case incomplete
    case ambiguous
}

public enum HelpResult: Equatable {
    /// `?` after a space: one entry per possible next word, and whether `<cr>` may end here.
    case choices([(word: String, help: String)], cr: Bool)
    /// `?` straight after a partial word: the words it could become.
    case completions([String])
    case invalid(offset: Int)
    case unrecognized
    case ambiguous

    public static func == (a: HelpResult, b: HelpResult) -> Bool {
        switch (a, b) {
        case let (.choices(x, c1), .choices(y, c2)):
            return c1 == c2 && x.map { $0.word + "\u{0}" + $0.help } == y.map { $0.word + "\u{0}" + $0.help }
        case let (.completions(x), .completions(y)): return x == y
        case let (.invalid(x), .invalid(y)): return x == y
        case (.unrecognized, .unrecognized), (.ambiguous, .ambiguous): return true
        default: return false
        }
    }
}

public final class CommandGraph {
    struct Node {
        var token: Token?
        var accept: Int?
        var next: [Int] = []
        /// The keyword in lower case, folded once here rather than at every word typed.
        var foldedKeyword: String?
        /// A keyword written with IOS's capitals (`GigabitEthernet`): an interface type a number may follow.
        var hasCapitals = false

        init(token: Token?, accept: Int?) {
            self.token = token
            self.accept = accept
            foldedKeyword = token?.keyword?.lowercased()
            hasCapitals = token?.keyword?.contains(where: { $0.isUppercase }) ?? false
        }
    }

    private var nodes: [Node] = [Node(token: nil, accept: nil)]
    private static let root = 0

    public init() {}

    /// Adds a command; `payload` comes back from `match` when a line parses to it.
    public func add(_ syntax: SyntaxNode, payload: Int) {
        let exits = compile(syntax, from: [CommandGraph.root])
        nodes.append(Node(token: nil, accept: payload))
        let accept = nodes.count - 1
        for e in exits { nodes[e].next.append(accept) }
    }

    private func compile(_ node: SyntaxNode, from preds: [Int]) -> [Int] {
        switch node {
        case let .token(token):
            nodes.append(Node(token: token, accept: nil))
            let index = nodes.count - 1
            for p in preds { nodes[p].next.append(index) }
            return [index]
        case let .sequence(items):
            var current = preds
            for item in items { current = compile(item, from: current) }
            return current
        case let .choice(alternatives):
            var exits: [Int] = []
            for alt in alternatives { exits += compile(alt, from: preds) }
            return uniqued(exits)
        case let .optional(inner):
            return uniqued(compile(inner, from: preds) + preds)
        case let .repeated(inner):
            // Compile once, then let every exit loop back to the heads it just created.
            let before = nodes.count
            let exits = compile(inner, from: preds)
            let heads = preds.flatMap { nodes[$0].next.filter { $0 >= before } }
            for e in exits {
                for h in uniqued(heads) where !nodes[e].next.contains(h) { nodes[e].next.append(h) }
            }
            return uniqued(exits + preds)
        }
    }

    private func uniqued(_ xs: [Int]) -> [Int] {
        var seen = Set<Int>()
        return xs.filter { seen.insert($0).inserted }
    }

    // MARK: matching

    struct Thread {
        var node: Int
        var captures: [Capture]
        /// Set once a LINE argument took the rest of the line.
        var done = false
    }

    public static func words(_ line: Substring) -> [Word] {
        // Printable ASCII (nearly every line): a byte is a character, and splitting on bytes
        // spares grapheme breaking.
        if line.utf8.allSatisfy({ ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x09 }) {
            return split(line, units: line.utf8) { $0 == 0x20 || $0 == 0x09 }
        }
        return split(line, units: line) { $0 == " " || $0 == "\t" }
    }

    /// The words of `line`, read as `units` (its characters or its bytes): offsets count units.
    private static func split<Units: Collection>(_ line: Substring, units: Units,
                                                 isBlank: (Units.Element) -> Bool) -> [Word]
        where Units.Index == String.Index {
        var out: [Word] = []
        var start: String.Index?
        var startOffset = 0
        var offset = 0
        var i = units.startIndex
        while i < units.endIndex {
            if isBlank(units[i]) {
                if let s = start { out.append(Word(text: line[s..<i], offset: startOffset)); start = nil }
            } else if start == nil {
                start = i
                startOffset = offset
            }
            offset += 1
            i = units.index(after: i)
        }
        if let s = start { out.append(Word(text: line[s...], offset: startOffset)) }
        return out
    }

    private enum Step {
        case threads([Thread])
        case invalid(Int)
        case ambiguous
    }

    /// How well a word fits a token: 4 exact keyword, 3 keyword prefix, 2 typed argument,
    /// 1 free word or line, 0 no match. Only the best tier present survives, as in IOS.
    /// `folded`: the word in lower case (keywords may carry IOS's capitals, `GigabitEthernet`;
    /// typing is case-insensitive). By node index, so a keyword is compared without copying its token.
    private func fit(_ node: Int, _ word: Substring, folded: String) -> Int {
        if let k = nodes[node].foldedKeyword {
            if folded == k { return 4 }
            return k.hasPrefix(folded) ? 3 : 0
        }
        switch nodes[node].token?.kind {
        case nil, .keyword?:
            return 0
        case let .argument(kind, _)?:
            guard ArgumentValidation.accepts(kind, word) else { return 0 }
            switch kind {
            case .word, .line, .hostname: return 1
            default: return 2
            }
        }
    }

    private func advance(_ threads: [Thread], words: [Word], at index: Int, line: Substring) -> Step {
        let word = words[index]
        var best = 0
        var matched: [(thread: Thread, node: Int)] = []
        let folded = word.text.lowercased()
        for thread in threads where !thread.done {
            for n in nodes[thread.node].next {
                let f = fit(n, word.text, folded: folded)
                if f == 0 { continue }
                if f > best { best = f; matched.removeAll() }
                if f == best { matched.append((thread, n)) }
            }
        }
        if matched.isEmpty {
            if let glued = gluedInterface(threads, word) { return glued }
            return .invalid(caret(threads, word))
        }
        if best == 3 {
            let distinct = Set(matched.compactMap { nodes[$0.node].foldedKeyword })
            if distinct.count > 1 { return .ambiguous }
        }
        var out: [Thread] = []
        for (thread, n) in matched {
            guard let token = nodes[n].token else { continue }
            var t = Thread(node: n, captures: thread.captures)
            switch token.kind {
            case let .keyword(k):
                t.captures.append(Capture(name: token.name, text: k))
            case .argument(.line, _):
                // The rest of the line, spaces included, trailing blanks dropped.
                let rest = line.dropFirst(word.offset)
                let trimmed = rest.reversed().drop(while: { $0 == " " || $0 == "\t" })
                t.captures.append(Capture(name: token.name, text: String(trimmed.reversed())))
                t.done = true
            case .argument:
                t.captures.append(Capture(name: token.name, text: String(word.text)))
            }
            out.append(t)
        }
        // Threads that already took the whole line stay as they are.
        out += threads.filter(\.done)
        return .threads(out)
    }

    /// `gi1`, `Virtual-Access2`, `lo0`: an interface type keyword (one written with IOS's
    /// capitals) glued to the number that follows it, as IOS accepts interface names.
    private func gluedInterface(_ threads: [Thread], _ word: Word) -> Step? {
        guard let split = word.text.firstIndex(where: { $0.isASCII && $0.isNumber }), split > word.text.startIndex
        else { return nil }
        let type = word.text[..<split].lowercased()
        let number = word.text[split...]
        var out: [Thread] = []
        var keywords = Set<String>()
        for thread in threads where !thread.done {
            for n in nodes[thread.node].next {
                guard nodes[n].hasCapitals, nodes[n].foldedKeyword?.hasPrefix(type) == true,
                      let token = nodes[n].token, case let .keyword(k) = token.kind else { continue }
                for m in nodes[n].next {
                    guard let argument = nodes[m].token, case let .argument(kind, _) = argument.kind,
                          case .range = kind, ArgumentValidation.accepts(kind, number) else { continue }
                    var t = Thread(node: m, captures: thread.captures)
                    t.captures.append(Capture(name: token.name, text: k))
                    t.captures.append(Capture(name: argument.name, text: String(number)))
                    out.append(t)
                    keywords.insert(k)
                }
            }
        }
        if keywords.count > 1 { return .ambiguous }
        return out.isEmpty ? nil : .threads(out + threads.filter(\.done))
    }

    /// The caret column for a word nothing accepts: past the longest prefix some keyword still allows.
    private func caret(_ threads: [Thread], _ word: Word) -> Int {
        let folded = word.text.lowercased()
        // Keywords are ASCII: for an ASCII word its bytes are its characters, and comparing
        // bytes spares the grapheme breaking of every keyword at this point of the graph.
        let ascii = folded.utf8.allSatisfy { $0 < 0x80 }
        let w = Array(folded)
        var longest = 0
        for thread in threads where !thread.done {
            for n in nodes[thread.node].next {
                guard let k = nodes[n].foldedKeyword else { continue }
                var common = 0
                if ascii {
                    for (a, b) in zip(folded.utf8, k.utf8) { if a == b { common += 1 } else { break } }
                } else {
                    for (a, b) in zip(w, k) { if a == b { common += 1 } else { break } }
                }
                longest = max(longest, common)
            }
        }
        return word.offset + longest
    }

    private func run(_ words: [Word], line: Substring) -> Step {
        var threads = [Thread(node: CommandGraph.root, captures: [])]
        for i in words.indices {
            if threads.allSatisfy(\.done) { break }
            switch advance(threads, words: words, at: i, line: line) {
            case let .threads(t): threads = t
            case let .invalid(offset):
                // Words after a LINE argument were already taken by it.
                return .invalid(offset)
            case .ambiguous: return .ambiguous
            }
        }
        return .threads(threads)
    }

    public func match(_ line: Substring) -> MatchResult {
        let words = CommandGraph.words(line)
        if words.isEmpty { return .empty }
        switch run(words, line: line) {
        case let .invalid(offset): return .invalid(offset: offset)
        case .ambiguous: return .ambiguous
        case let .threads(threads):
            for thread in threads {
                for n in nodes[thread.node].next {
                    if let payload = nodes[n].accept { return .success(payload: payload, captures: thread.captures) }
                }
            }
            return .incomplete
        }
    }

    public func help(_ buffer: Substring) -> HelpResult {
        let endsWithSpace = buffer.last.map { $0 == " " || $0 == "\t" } ?? true
        var words = CommandGraph.words(buffer)
        var partial: Substring?
        if !endsWithSpace, let last = words.popLast() { partial = last.text }
        let threads: [Thread]
        switch run(words, line: buffer) {
        case let .invalid(offset): return .invalid(offset: offset)
        case .ambiguous: return .ambiguous
        case let .threads(t): threads = t
        }
        if let partial {
            var found: [String] = []
            let folded = partial.lowercased()
            for thread in threads where !thread.done {
                for n in nodes[thread.node].next {
                    guard let token = nodes[n].token, !token.hidden else { continue }
                    switch token.kind {
                    case let .keyword(k):
                        if nodes[n].foldedKeyword?.hasPrefix(folded) == true { found.append(k) }
                    case let .argument(kind, placeholder):
                        if ArgumentValidation.acceptsPrefix(kind, partial) { found.append(placeholder) }
                    }
                }
            }
            if threads.contains(where: \.done) { return .choices([], cr: true) }
            let unique = Array(Set(found)).sorted(by: CommandGraph.iosOrder)
            return unique.isEmpty ? .unrecognized : .completions(unique)
        }
        var entries: [String: String] = [:]
        var cr = false
        for thread in threads {
            for n in nodes[thread.node].next {
                if nodes[n].accept != nil { cr = true }
                if thread.done { continue }
                guard let token = nodes[n].token, !token.hidden else { continue }
                if entries[token.display] == nil { entries[token.display] = token.help }
            }
        }
        let sorted = entries.keys.sorted(by: CommandGraph.iosOrder).map { (word: $0, help: entries[$0] ?? "") }
        return .choices(sorted, cr: cr)
    }

    /// Tab: the buffer with its last word completed, or nil when it is not one unique keyword.
    public func complete(_ buffer: Substring) -> String? {
        guard let last = buffer.last, last != " ", last != "\t" else { return nil }
        var words = CommandGraph.words(buffer)
        guard let partial = words.popLast() else { return nil }
        guard case let .threads(threads) = run(words, line: buffer) else { return nil }
        var candidates = Set<String>()
        let folded = partial.text.lowercased()
        for thread in threads where !thread.done {
            for n in nodes[thread.node].next {
                guard let k = nodes[n].token?.keyword, nodes[n].token?.hidden == false else { continue }
                if nodes[n].foldedKeyword?.hasPrefix(folded) == true { candidates.insert(k) }
            }
        }
        guard candidates.count == 1, let keyword = candidates.first else { return nil }
        return String(buffer.prefix(partial.offset)) + keyword + " "
    }

    /// IOS lists `?` choices in plain character order, which puts `<1-15>`, `A.B.C.D` and `WORD`
    /// before lower-case keywords.
    static func iosOrder(_ a: String, _ b: String) -> Bool {
        Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8))
    }
}
