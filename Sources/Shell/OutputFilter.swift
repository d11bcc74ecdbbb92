import Foundation

/// IOS output modifiers: `| include`, `| exclude`, `| begin`, `| section`, `| count`.
struct OutputFilter {
    enum Kind { case include, exclude, begin, section, count }
    let kind: Kind
    let pattern: String
    private let regex: NSRegularExpression?

    init?(_ captures: [Capture]) {
        guard let pattern = captures.last(where: { $0.name == "pipe-pattern" })?.text else { return nil }
        let names: [(String, Kind)] = [("include", .include), ("exclude", .exclude), ("begin", .begin),
                                       ("section", .section), ("count", .count)]
        guard let kind = names.first(where: { name in captures.contains { $0.name == name.0 } })?.1 else { return nil }
        self.kind = kind
        self.pattern = pattern
        // IOS's `_` matches a delimiter: start, end, space, comma, braces, parentheses.
        let translated = pattern.replacingOccurrences(of: "_", with: "(?:^|$|[ ,{}()])")
        regex = try? NSRegularExpression(pattern: translated)
    }

    private func matches(_ line: String) -> Bool {
        guard let regex else { return line.contains(pattern) }
        return regex.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil
    }

    func apply(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var kept: [String] = []
        switch kind {
        case .include: kept = lines.filter(matches)
        case .exclude: kept = lines.filter { !matches($0) }
        case .begin:
            if let first = lines.firstIndex(where: matches) { kept = Array(lines[first...]) }
        case .count:
            return "Number of lines which match regexp = \(lines.filter(matches).count)\n"
        case .section:
            // A section is a line that starts at the margin and the indented lines under it.
            var i = 0
            while i < lines.count {
                var end = i + 1
                while end < lines.count, lines[end].hasPrefix(" ") { end += 1 }
                let block = lines[i..<end]
                if block.contains(where: matches) { kept += block }
                i = end
            }
        }
        return kept.map { $0 + "\n" }.joined()
    }
}
