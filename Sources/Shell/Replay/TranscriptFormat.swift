/// The pieces of the transcript format (see Transcripts/README.md): recognising prompt lines and
/// log lines, the keystroke notation inside typed text, and the optional header. Hand-written
/// scanners over UTF-8 so replay stays fast (no regex per line or character).
public enum TranscriptFormat {
    /// The length in bytes of a device prompt at the start of `line`, matching
    /// `^[A-Za-z0-9_.\-@/:]{1,63}(\([A-Za-z0-9_.\-@/:+]{0,32}\))?[>#]`, or nil.
    public static func devicePromptLength(_ line: Substring) -> Int? {
        var it = line.utf8.makeIterator()
        var length = 0
        var name = 0
        var next = it.next()
        while let b = next, isNameByte(b) {
            name += 1
            if name > 63 { return nil }
            next = it.next()
        }
        guard name >= 1, var b = next else { return nil }
        length = name
        if b == UInt8(ascii: "(") {
            length += 1
            var mode = 0
            next = it.next()
            while let m = next, isNameByte(m) || m == UInt8(ascii: "+") {
                mode += 1
                if mode > 32 { return nil }
                next = it.next()
            }
            guard let close = next, close == UInt8(ascii: ")") else { return nil }
            length += mode + 1
            guard let after = it.next() else { return nil }
            b = after
        }
        guard b == UInt8(ascii: "#") || b == UInt8(ascii: ">") else { return nil }
        return length + 1
    }

    public static func isDevicePrompt(_ text: String) -> Bool {
        devicePromptLength(Substring(text)) == text.utf8.count
    }

    private static func isNameByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "@"),
             UInt8(ascii: "/"), UInt8(ascii: ":"):
            return true
        default:
            return false
        }
    }

    private static let months: Set<String> = ["Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Whether `line` is an asynchronous log line: it starts with an IOS timestamp
    /// (`*Mar  1 00:00:12.345:`, `Nov  4 00:26:49.908 IST:`, `00:01:02:`, `1d02h:`, `1w2d:`),
    /// possibly after a sequence number (`000123: `) and a `*` or `.`, or with
    /// `%FACILITY-N-MNEMONIC:`.
    public static func isLogLine(_ line: Substring) -> Bool {
        var s = Array(line.utf8.prefix(48))
        // `service sequence-numbers`: `000123: ` before the stamp.
        if let n = digitRun(s, 0), n > 0, n + 1 < s.count, s[n] == UInt8(ascii: ":"), s[n + 1] == UInt8(ascii: " ") {
            s.removeFirst(n + 2)
        }
        if let first = s.first, first == UInt8(ascii: "*") || first == UInt8(ascii: ".") { s.removeFirst() }
        guard let first = s.first else { return false }
        if first == UInt8(ascii: "%") { return isMessageTag(s) }
        if s.count >= 8, months.contains(String(decoding: s[0..<3], as: UTF8.self)), s[3] == UInt8(ascii: " ") {
            // `Mar  1 ` or `Mar 12 `, then a clock or a year, and a colon somewhere.
            let d1 = s[4], d2 = s[5]
            return (d1 == UInt8(ascii: " ") || isDigit(d1)) && isDigit(d2) && s[6] == UInt8(ascii: " ")
                && isDigit(s[7]) && s.contains(UInt8(ascii: ":"))
        }
        // Uptime stamps.
        guard let n1 = digitRun(s, 0), n1 > 0, n1 < s.count else { return false }
        switch s[n1] {
        case UInt8(ascii: ":"):
            // hh:mm:ss:
            return n1 == 2 && s.count >= 9 && digitRun(s, 3) == 2 && s[5] == UInt8(ascii: ":")
                && digitRun(s, 6) == 2 && s[8] == UInt8(ascii: ":")
        case UInt8(ascii: "d"):
            // 1d02h:
            return digitRun(s, n1 + 1) == 2 && n1 + 4 < s.count && s[n1 + 3] == UInt8(ascii: "h")
                && s[n1 + 4] == UInt8(ascii: ":")
        case UInt8(ascii: "w"):
            // 1w2d:
            guard let n2 = digitRun(s, n1 + 1), n2 > 0 else { return false }
            let d = n1 + 1 + n2
            return d + 1 < s.count && s[d] == UInt8(ascii: "d") && s[d + 1] == UInt8(ascii: ":")
        default:
            return false
        }
    }

    /// `%SYS-5-CONFIG_I:`: facility, severity digit, mnemonic, colon.
    private static func isMessageTag(_ s: [UInt8]) -> Bool {
        var i = 1
        func run() -> Int {
            let start = i
            while i < s.count, isTagByte(s[i]) { i += 1 }
            return i - start
        }
        guard run() > 0, i < s.count, s[i] == UInt8(ascii: "-") else { return false }
        i += 1
        guard i + 1 < s.count, isDigit(s[i]), s[i + 1] == UInt8(ascii: "-") else { return false }
        i += 2
        guard run() > 0, i < s.count, s[i] == UInt8(ascii: ":") else { return false }
        return true
    }

    private static func isTagByte(_ b: UInt8) -> Bool {
        isDigit(b) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")) || b == UInt8(ascii: "_")
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    /// The number of digits starting at `start`, or nil when `start` is past the end.
    private static func digitRun(_ s: [UInt8], _ start: Int) -> Int? {
        guard start < s.count else { return nil }
        var i = start
        while i < s.count, isDigit(s[i]) { i += 1 }
        return i - start
    }

    // MARK: typed text

    /// The keystrokes that typed text stands for: `?` is the help key, `^I` Tab, `^Z` Ctrl-Z,
    /// `^V` followed by a character types that character literally (IOS's own escape: `^V?`
    /// types a `?`, `^V^` a `^`). Any other character, including a `^` not followed by I, Z or V,
    /// is itself.
    public static func keystrokes(_ typed: Substring) -> String {
        guard typed.utf8.contains(UInt8(ascii: "^")) else { return String(typed) }
        var out = String.UnicodeScalarView()
        var scalars = typed.unicodeScalars.makeIterator()
        var pending = scalars.next()
        while let c = pending {
            pending = scalars.next()
            guard c == "^", let n = pending else {
                out.append(c)
                continue
            }
            switch n {
            case "I", "i":
                out.append("\u{9}")
                pending = scalars.next()
            case "Z", "z":
                out.append("\u{1A}")
                pending = scalars.next()
            case "V", "v":
                // A `^V` with nothing after it escapes nothing (and must not swallow the Enter).
                pending = scalars.next()
                if let literal = pending {
                    out.append("\u{16}")
                    out.append(literal)
                    pending = scalars.next()
                }
            default:
                out.append(c)
            }
        }
        return String(out)
    }

    // MARK: header

    /// Settings from `! replay: KEY VALUE` header lines, in file order.
    public static func settings(fromHeader lines: some Sequence<Substring>) -> ReplaySettings {
        var settings = ReplaySettings()
        for line in lines {
            var rest = line.drop(while: { $0 == "!" || $0 == " " })
            guard rest.hasPrefix("replay:") else { continue }
            rest = rest.dropFirst("replay:".count).drop(while: { $0 == " " })
            let key = rest.prefix(while: { $0 != " " && $0 != "=" })
            guard !key.isEmpty else { continue }
            let value = rest.dropFirst(key.count).drop(while: { $0 == " " || $0 == "=" })
            settings.values[String(key)] = String(value.reversed().drop(while: { $0 == " " }).reversed())
        }
        return settings
    }
}

/// Replay settings from a transcript's header (`! replay: seed 1` gives `["seed": "1"]`). The
/// session factory decides what they mean.
public struct ReplaySettings: Equatable, Sendable {
    public var values: [String: String] = [:]
    public init(_ values: [String: String] = [:]) { self.values = values }
    public subscript(key: String) -> String? { values[key] }
}
