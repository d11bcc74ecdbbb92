/// Turns what a line editor writes to a terminal (libedit drawing for a vt100: text, CR, BS, BEL,
/// "\r\n", and the cursor and erase sequences ESC [ n C / D / K) into the text the terminal shows, line by
/// line — the form of a console transcript. Also picks out the private idle markers a driven line
/// writes (`IdleMarker`). Pure: the caller feeds bytes and takes events.
///
/// The screen model is one line of cells and a cursor (the driven line's terminal is so wide that
/// nothing wraps). Printable characters overwrite the cell under the cursor; CR moves to the
/// start, BS one cell left; "\r\n" (a newline after the tty's output processing) and "\n" end
/// the line. A finished line keeps its cells up to the cursor or the last non-blank cell,
/// whichever is further: the blanks an editor writes to erase text to the right of the cursor
/// are not part of the line, blanks written before the cursor (`Password: `) are.
struct ScreenLines {
    enum Event: Equatable {
        /// A finished screen line, without its line break.
        case line(String)
        /// The line waited for input after reading `consumed` input bytes.
        case idle(consumed: Int)
    }

    private var cells: [Unicode.Scalar] = []
    private var cursor = 0
    private var pendingCR = false
    private var utf8: [UInt8] = []
    private enum Escape { case none, start, csi, string, stringEscape }
    private var escape = Escape.none
    private var escapeText: [UInt8] = []

    /// The line the cursor is on, as shown now (the prompt while the line waits for a key).
    var partial: String { text(of: cells, cursor: cursor) }

    mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [Event] where Bytes.Element == UInt8 {
        var events: [Event] = []
        for byte in bytes { take(byte, into: &events) }
        return events
    }

    private mutating func take(_ byte: UInt8, into events: inout [Event]) {
        switch escape {
        case .none: break
        case .start:
            // ESC P: a device control string (the idle marker); ESC [: a control sequence.
            escape = byte == UInt8(ascii: "P") ? .string : byte == UInt8(ascii: "[") ? .csi : .none
            escapeText = []
            return
        case .csi:
            guard (0x40...0x7E).contains(byte) else {
                if escapeText.count < 16 { escapeText.append(byte) }
                return
            }
            escape = .none
            let count = max(1, Int(String(decoding: escapeText, as: UTF8.self)) ?? 1)
            switch byte {
            case UInt8(ascii: "K"):
                // Erase to the end of the line: the cells go.
                if escapeText.isEmpty || escapeText == [UInt8(ascii: "0")], cursor < cells.count {
                    cells.removeSubrange(cursor...)
                }
            case UInt8(ascii: "C"): cursor += count
            case UInt8(ascii: "D"): cursor = max(0, cursor - count)
            default: break   // up and down: the line never wraps, so nothing moves between rows
            }
            return
        case .string:
            if byte == 0x1B { escape = .stringEscape } else if escapeText.count < 256 { escapeText.append(byte) }
            return
        case .stringEscape:
            escape = .none
            if byte == UInt8(ascii: "\\"), let consumed = IdleMarker.consumed(in: escapeText) {
                events.append(.idle(consumed: consumed))
            }
            return
        }
        if pendingCR {
            pendingCR = false
            if byte == UInt8(ascii: "\n") {
                endLine(into: &events)
                return
            }
            cursor = 0
        }
        if !utf8.isEmpty || byte >= 0x80 {
            utf8.append(byte)
            let complete = completeUTF8Prefix(utf8)
            guard complete > 0 else { return }
            for scalar in String(decoding: utf8[0..<complete], as: UTF8.self).unicodeScalars { put(scalar) }
            utf8.removeFirst(complete)
            return
        }
        switch byte {
        case 0x1B: escape = .start
        case UInt8(ascii: "\r"): pendingCR = true
        case UInt8(ascii: "\n"): endLine(into: &events)
        case 0x08: cursor = max(0, cursor - 1)
        case 0x09, 0x20..<0x7F: put(Unicode.Scalar(byte))
        default: break   // BEL and other controls show nothing
        }
    }

    private mutating func put(_ scalar: Unicode.Scalar) {
        if cursor < cells.count {
            cells[cursor] = scalar
        } else {
            cells.append(contentsOf: repeatElement(" ", count: cursor - cells.count))
            cells.append(scalar)
        }
        cursor += 1
    }

    private mutating func endLine(into events: inout [Event]) {
        events.append(.line(text(of: cells, cursor: cursor)))
        cells = []
        cursor = 0
    }

    private func text(of cells: [Unicode.Scalar], cursor: Int) -> String {
        var end = cells.count
        while end > min(cursor, cells.count), cells[end - 1] == " " { end -= 1 }
        var text = ""
        text.unicodeScalars.append(contentsOf: cells[0..<end])
        return text
    }
}

/// The private marker a driven line writes to its terminal when it waits for input:
/// ESC P flexvpn-idle;<consumed> ESC \ (a device control string, which terminals ignore).
enum IdleMarker {
    private static let tag = Array("flexvpn-idle;".utf8)

    static func bytes(consumed: Int) -> [UInt8] {
        [0x1B, UInt8(ascii: "P")] + tag + Array(String(consumed).utf8) + [0x1B, UInt8(ascii: "\\")]
    }

    static func consumed(in text: [UInt8]) -> Int? {
        guard text.starts(with: tag) else { return nil }
        return Int(String(decoding: text.dropFirst(tag.count), as: UTF8.self))
    }
}

/// The length of the longest prefix of `bytes` that does not end inside a multi-byte UTF-8
/// character (a malformed tail counts as complete: the decoder replaces it).
func completeUTF8Prefix(_ bytes: [UInt8]) -> Int {
    let n = bytes.count
    var i = n - 1
    var back = 0
    while i >= 0, back < 4 {
        let b = bytes[i]
        if b & 0xC0 != 0x80 {
            let need: Int
            if b & 0x80 == 0 { need = 1 }
            else if b & 0xE0 == 0xC0 { need = 2 }
            else if b & 0xF0 == 0xE0 { need = 3 }
            else if b & 0xF8 == 0xF0 { need = 4 }
            else { return n }
            return n - i < need ? i : n
        }
        i -= 1
        back += 1
    }
    return n
}
