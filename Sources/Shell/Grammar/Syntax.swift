// The IOS syntax language of command declarations, parsed once into a tree.
//
//   keyword            a literal word, matched by any unique prefix, case-insensitively
//   WORD, LINE, NAME   an argument: LINE takes the rest of the line, A.B.C.D an IPv4 address,
//   A.B.C.D, <1-15>    <lo-hi> a number in range, hh:mm:ss a time, MONTH a month name,
//   hh:mm:ss, MONTH    CHAR one character, DELIMITER one of IOS's domain delimiters
//                      (`@ / $ % \ # -`, shown as CHAR); any other upper-case word is a single word
//   {a | b}            exactly one of the alternatives
//   [a]                optional
//   [a | b]*           any of them, any number of times, in any order
//   \Keyword           a keyword written with IOS's capitals (`\GigabitEthernet`), not an argument
//   x$name             names the value (default: the keyword before an argument, or the keyword)
//
// Help texts come one per keyword or argument, in the order they appear in the syntax string.

public enum ArgumentKind: Equatable, Sendable {
    case word
    /// A host name: letters, digits, `-`, `.`, `_`; never a malformed dotted quad.
    case hostname
    case line
    case ipv4
    case range(Int64, Int64)
    case time
    case month
    case char
    /// One character from this set.
    case charIn(String)
}

public struct Token: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case keyword(String)
        case argument(ArgumentKind, placeholder: String)
    }
    public var kind: Kind
    public var name: String
    public var help: String
    /// Keywords IOS accepts but `?` does not list.
    public var hidden = false

    /// What `?` shows in its first column.
    public var display: String {
        switch kind {
        case let .keyword(k): return k
        case let .argument(_, placeholder): return placeholder
        }
    }
    public var keyword: String? {
        if case let .keyword(k) = kind { return k }
        return nil
    }
}

public indirect enum SyntaxNode: Equatable, Sendable {
    case token(Token)
    case sequence([SyntaxNode])
    case choice([SyntaxNode])
    case optional(SyntaxNode)
    /// `[a | b | c]*`: any of them, any number of times, in any order.
    case repeated(SyntaxNode)
}

public struct SyntaxError: Error, CustomStringConvertible {
    public var description: String
}

enum SyntaxParser {
    /// Parses a declaration's syntax string with its help texts.
    static func parse(_ syntax: String, help: [String]) throws -> SyntaxNode {
        var lexemes = lex(syntax)
        var helps = help[...]
        var index = 0
        var lastKeyword: String?
        let node = try parseSequence(&lexemes, &index, &helps, &lastKeyword, terminators: [])
        guard index == lexemes.count else { throw SyntaxError(description: "unbalanced syntax: \(syntax)") }
        guard helps.isEmpty else { throw SyntaxError(description: "\(helps.count) help texts too many: \(syntax)") }
        return node
    }

    private static func lex(_ s: String) -> [String] {
        var out: [String] = []
        var current = ""
        for ch in s {
            if ch == " " {
                if !current.isEmpty { out.append(current); current = "" }
            } else if "{}[]|*".contains(ch) {
                if !current.isEmpty { out.append(current); current = "" }
                out.append(String(ch))
            } else {
                current.append(ch)
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    private static func parseSequence(_ lx: inout [String], _ i: inout Int, _ helps: inout ArraySlice<String>,
                                      _ lastKeyword: inout String?, terminators: Set<String>) throws -> SyntaxNode {
        var items: [SyntaxNode] = []
        var alternatives: [SyntaxNode] = []
        while i < lx.count, !terminators.contains(lx[i]) {
            let lexeme = lx[i]
            i += 1
            switch lexeme {
            case "{":
                let inner = try parseSequence(&lx, &i, &helps, &lastKeyword, terminators: ["}"])
                guard i < lx.count, lx[i] == "}" else { throw SyntaxError(description: "missing }") }
                i += 1
                items.append(inner)
            case "[":
                let inner = try parseSequence(&lx, &i, &helps, &lastKeyword, terminators: ["]"])
                guard i < lx.count, lx[i] == "]" else { throw SyntaxError(description: "missing ]") }
                i += 1
                if i < lx.count, lx[i] == "*" {
                    i += 1
                    items.append(.repeated(inner))
                } else {
                    items.append(.optional(inner))
                }
            case "|":
                alternatives.append(items.count == 1 ? items[0] : .sequence(items))
                items = []
            default:
                items.append(.token(try token(lexeme, &helps, &lastKeyword)))
            }
        }
        let last: SyntaxNode = items.count == 1 ? items[0] : .sequence(items)
        if alternatives.isEmpty { return last }
        return .choice(alternatives + [last])
    }

    private static func token(_ lexeme: String, _ helps: inout ArraySlice<String>, _ lastKeyword: inout String?) throws -> Token {
        var text = lexeme
        var explicitName: String?
        if let dollar = lexeme.lastIndex(of: "$") {
            text = String(lexeme[..<dollar])
            explicitName = String(lexeme[lexeme.index(after: dollar)...])
        }
        guard let help = helps.popFirst() else { throw SyntaxError(description: "no help text for \(text)") }
        // `\GigabitEthernet`: a keyword written with IOS's capitals, not a WORD argument.
        if text.hasPrefix("\\"), text.count > 1 {
            text.removeFirst()
            lastKeyword = text
            return Token(kind: .keyword(text), name: explicitName ?? text, help: help)
        }
        if let kind = argumentKind(text) {
            let name = explicitName ?? lastKeyword ?? text
            var placeholder = text
            if case let .range(lo, hi) = kind, lo < 0 { placeholder = "<\(lo) - \(hi)>" }
            if case .charIn = kind { placeholder = "CHAR" }
            return Token(kind: .argument(kind, placeholder: placeholder), name: name, help: help)
        }
        lastKeyword = text
        return Token(kind: .keyword(text), name: explicitName ?? text, help: help)
    }

    static func argumentKind(_ text: String) -> ArgumentKind? {
        if text == "A.B.C.D" { return .ipv4 }
        if text == "LINE" { return .line }
        if text == "hh:mm:ss" { return .time }
        if text == "MONTH" { return .month }
        if text == "CHAR" { return .char }
        if text == "DELIMITER" { return .charIn("@/$%\\#-") }
        if text == "Hostname" || text == "HOSTNAME" { return .hostname }
        if text.hasPrefix("<"), text.hasSuffix(">") {
            // `<0-65535>`, and `<-23-23>` for a range that starts below zero.
            let body = Array(text.dropFirst().dropLast())
            if let dash = body.indices.dropFirst().first(where: { body[$0] == "-" }),
               let lo = Int64(String(body[..<dash])), let hi = Int64(String(body[(dash + 1)...])) {
                return .range(lo, hi)
            }
            return .word
        }
        if let first = text.first, first.isUppercase { return .word }
        return nil
    }
}
