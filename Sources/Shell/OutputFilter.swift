import Foundation

/// IOS output modifiers: `| include`, `| exclude`, `| begin`, `| section [include|exclude]`,
/// `| count`.
struct OutputFilter {
    enum Kind { case include, exclude, begin, section, sectionExclude, count }
    let kind: Kind
    let pattern: String
    private let regex: NSRegularExpression?

    init?(_ captures: [Capture]) {
        guard let pattern = captures.last(where: { $0.name == "pipe-pattern" })?.text else { return nil }
        let names: [(String, Kind)] = [("include", .include), ("exclude", .exclude), ("begin", .begin),
                                       ("section", .section), ("count", .count)]
        guard var kind = names.first(where: { name in captures.contains { $0.name == name.0 } })?.1 else { return nil }
        // `section include` is `section`; `section exclude` keeps the sections that do not match.
        if captures.contains(where: { $0.name == "section-exclude" }) { kind = .sectionExclude }
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

    // State carried across chunks of a streamed output.
    private var begun = false
    private var counted = 0
    private var section: [String] = []
    private var sectionMatches = false

    /// Filters complete lines (text ending in a newline, or empty) and returns what passes.
    mutating func feed(_ text: String) -> String {
        var out = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            let line = String(line)
            switch kind {
            case .include: if matches(line) { out += line + "\n" }
            case .exclude: if !matches(line) { out += line + "\n" }
            case .begin:
                if !begun, matches(line) { begun = true }
                if begun { out += line + "\n" }
            case .count: if matches(line) { counted += 1 }
            case .section, .sectionExclude:
                // A section is a line that starts at the margin and the indented lines under it.
                if !line.hasPrefix(" ") { out += closeSection() }
                section.append(line)
                if matches(line) { sectionMatches = true }
            }
        }
        return out
    }

    private mutating func closeSection() -> String {
        defer { section.removeAll(); sectionMatches = false }
        let keep = kind == .sectionExclude ? !sectionMatches : sectionMatches
        return keep && !section.isEmpty ? section.map { $0 + "\n" }.joined() : ""
    }

    /// What the filter still holds once the command is done.
    mutating func finish() -> String {
        switch kind {
        case .count: return "Number of lines which match regexp = \(counted)\n"
        case .section, .sectionExclude: return closeSection()
        default: return ""
        }
    }

    /// The whole of a finished output, filtered.
    func apply(_ text: String) -> String {
        var copy = self
        return copy.feed(text.hasSuffix("\n") || text.isEmpty ? text : text + "\n") + copy.finish()
    }
}
