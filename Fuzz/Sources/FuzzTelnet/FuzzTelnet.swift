// Telnet option negotiation (Sources/Transport/Telnet): what a client sends, decoded by the
// vty's `TelnetDecoder`. The first byte picks how the rest is cut into reads (TCP delivers any
// split); the decoder must give the same keys, answers, window size and terminal type whatever
// the split, answer only with well-formed refusals or the terminal-type request, refuse each
// option at most once (no negotiation loops), and hand back any text it escaped unchanged.
import FuzzSupport
import Transport

@_cdecl("FuzzTelnet_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzTelnet)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTelnet(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Fuzz.bytes(data, count)
    guard let first = bytes.first else { return 0 }
    let stream = Array(bytes.dropFirst())

    var whole = TelnetDecoder()
    let once = whole.feed(stream)

    // The same bytes in reads of 1…16 octets, sizes drawn from the first byte.
    var split = TelnetDecoder()
    var data: [UInt8] = [], replies: [UInt8] = []
    var window: (columns: Int, rows: Int)?
    var terminalType: String?
    var offset = 0
    var size = Int(first)
    while offset < stream.count {
        size = (size &* 5 &+ 3) & 0xFF
        let end = min(stream.count, offset + 1 + size % 16)
        let out = split.feed(stream[offset..<end])
        data += out.data
        replies += out.replies
        if let size = out.windowSize { window = size }
        if let name = out.terminalType { terminalType = name }
        offset = end
    }
    guard data == once.data, replies == once.replies, window?.columns == once.windowSize?.columns,
          window?.rows == once.windowSize?.rows, terminalType == once.terminalType
    else { fatalError("the decoder's output depends on how the bytes were split") }

    checkReplies(once.replies)

    // Text the server escaped comes back as it was (CR and NUL aside, which the decoder folds).
    let text = stream.filter { $0 != 0x0D && $0 != 0 }
    var fresh = TelnetDecoder()
    let back = fresh.feed(Telnet.escape(text))
    guard back.data == text, back.replies.isEmpty else { fatalError("escaped text does not decode to itself") }
    return 0
}

/// Every answer is IAC WONT x, IAC DONT x or IAC SB TTYPE SEND IAC SE, and no option is refused twice.
private func checkReplies(_ replies: [UInt8]) {
    var refused = Set<[UInt8]>()
    var i = 0
    while i < replies.count {
        let rest = replies[i...]
        if rest.starts(with: [Telnet.iac, Telnet.sb, Telnet.ttype, 1, Telnet.iac, Telnet.se]) {
            i += 6
            continue
        }
        guard rest.count >= 3, replies[i] == Telnet.iac, replies[i + 1] == Telnet.wont || replies[i + 1] == Telnet.dont
        else { fatalError("a malformed answer: \(Array(rest.prefix(8)))") }
        guard refused.insert(Array(replies[i..<i + 3])).inserted else {
            fatalError("option \(replies[i + 2]) refused twice: a negotiation loop")
        }
        i += 3
    }
}
