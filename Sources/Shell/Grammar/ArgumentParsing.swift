import RADIUS

// Validation of typed arguments, shared by matching, `?` and Tab so they always agree.

enum ArgumentValidation {
    /// Whether `text` is a complete, valid value.
    static func accepts(_ kind: ArgumentKind, _ text: Substring) -> Bool {
        switch kind {
        case .word, .line: return !text.isEmpty
        case .char: return text.count == 1
        case let .charIn(set): return text.count == 1 && set.contains(text.first!)
        case .hostname:
            guard !text.isEmpty, text.count <= 253,
                  text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-._".contains($0)) }) else { return false }
            // Digits and dots alone are an address, and this one did not parse as one.
            return !text.allSatisfy { $0.isNumber || $0 == "." }
        case .ipv4: return parseIPv4(text) != nil
        case let .range(lo, hi):
            guard let v = parseInteger(text) else { return false }
            return v >= lo && v <= hi
        case .time: return parseTime(text) != nil
        case .month: return parseMonth(text) != nil
        }
    }

    /// Whether `text` could still become a valid value with more typing (for `?` after a partial word).
    static func acceptsPrefix(_ kind: ArgumentKind, _ text: Substring) -> Bool {
        switch kind {
        case .word, .line, .char, .hostname: return true
        case let .charIn(set): return text.isEmpty || (text.count == 1 && set.contains(text.first!))
        case .ipv4: return text.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") }
        case let .range(lo, _):
            return text.allSatisfy { $0.isASCII && $0.isNumber } || (lo < 0 && text.first == "-")
        case .time: return text.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ":") }
        case .month: return monthNames.contains { $0.hasPrefix(text.lowercased()) }
        }
    }

    static func parseInteger(_ text: Substring) -> Int64? {
        var digits = text
        var negative = false
        if digits.first == "-" { negative = true; digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        guard let v = Int64(digits) else { return nil }
        return negative ? -v : v
    }

    /// A dotted quad exactly as the RADIUS model reads one (`IPv4Address`), so an address the
    /// grammar accepts is always one the handlers can use.
    static func parseIPv4(_ text: Substring) -> UInt32? {
        IPv4Address(String(text))?.rawValue
    }

    static func parseTime(_ text: Substring) -> (Int, Int, Int)? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, let h = Int(parts[0]), let m = Int(parts[1]), let s = Int(parts[2]),
              parts.allSatisfy({ !$0.isEmpty && $0.count <= 2 }),
              (0...23).contains(h), (0...59).contains(m), (0...59).contains(s) else { return nil }
        return (h, m, s)
    }

    static let monthNames = ["january", "february", "march", "april", "may", "june", "july", "august",
                             "september", "october", "november", "december"]

    /// A month by any unique prefix of at least three letters (`Nov`, `november`): 1...12.
    static func parseMonth(_ text: Substring) -> Int? {
        let t = text.lowercased()
        guard t.count >= 3 else { return nil }
        let hits = monthNames.indices.filter { monthNames[$0].hasPrefix(t) }
        return hits.count == 1 ? hits[0] + 1 : nil
    }
}
