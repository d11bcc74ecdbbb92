/// Telnet as IOS speaks it on a vty (RFC 854 with ECHO 857, SUPPRESS-GO-AHEAD 858, NAWS 1073 and
/// TERMINAL-TYPE 1091): the server offers to echo and to suppress go-ahead, and asks for the
/// terminal type and window size. Pure values, no I/O.
public enum Telnet {
    public static let iac: UInt8 = 255
    public static let dont: UInt8 = 254
    public static let `do`: UInt8 = 253
    public static let wont: UInt8 = 252
    public static let will: UInt8 = 251
    public static let sb: UInt8 = 250
    public static let se: UInt8 = 240
    /// Commands a client may send outside options.
    public static let ip: UInt8 = 244   // interrupt process: Ctrl-C
    public static let ec: UInt8 = 247   // erase character: Backspace
    public static let el: UInt8 = 248   // erase line: Ctrl-U

    public static let echo: UInt8 = 1
    public static let sga: UInt8 = 3
    public static let ttype: UInt8 = 24
    public static let naws: UInt8 = 31

    /// What the server sends first: IAC WILL ECHO, IAC WILL SGA, IAC DO TTYPE, IAC DO NAWS.
    public static let greeting: [UInt8] = [iac, will, echo, iac, will, sga, iac, `do`, ttype, iac, `do`, naws]

    /// Output to the client: IAC doubled.
    public static func escape(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount + 8)
        for byte in bytes {
            out.append(byte)
            if byte == iac { out.append(iac) }
        }
        return out
    }
}

/// Splits what a telnet client sends into the bytes typed, the answers the server owes, and the
/// window size when the client reports one. Never fails: unknown commands and options are
/// refused or ignored, over-long subnegotiations are cut short.
public struct TelnetDecoder: Sendable {
    public struct Output: Equatable, Sendable {
        /// Keys for the line: CR NUL and CR LF arrive as one CR, NUL is dropped.
        public var data: [UInt8] = []
        /// Bytes to send back (option refusals, the terminal-type request).
        public var replies: [UInt8] = []
        /// The client's window, columns and rows, from its last NAWS report.
        public var windowSize: (columns: Int, rows: Int)?
        /// The terminal type the client named (`XTERM`, `VT100`).
        public var terminalType: String?

        public static func == (a: Output, b: Output) -> Bool {
            a.data == b.data && a.replies == b.replies && a.windowSize?.columns == b.windowSize?.columns
                && a.windowSize?.rows == b.windowSize?.rows && a.terminalType == b.terminalType
        }
    }

    private enum State: Sendable {
        case data, carriageReturn, command, option(UInt8), subnegotiation, subnegotiationCommand
    }

    private var state = State.data
    private var subnegotiation: [UInt8] = []
    /// Options already refused, so a client repeating itself gets no second answer (no loops).
    private var refused: Set<UInt16> = []
    static let subnegotiationLimit = 256

    public init() {}

    public mutating func feed(_ bytes: some Sequence<UInt8>) -> Output {
        var out = Output()
        for byte in bytes { step(byte, &out) }
        return out
    }

    private mutating func step(_ byte: UInt8, _ out: inout Output) {
        switch state {
        case .carriageReturn:
            state = .data
            if byte == 0 || byte == UInt8(ascii: "\n") { return }
            step(byte, &out)
        case .data:
            switch byte {
            case Telnet.iac: state = .command
            case 0: break
            case UInt8(ascii: "\r"):
                out.data.append(byte)
                state = .carriageReturn
            default: out.data.append(byte)
            }
        case .command:
            state = .data
            switch byte {
            case Telnet.iac: out.data.append(Telnet.iac)
            case Telnet.will, Telnet.wont, Telnet.do, Telnet.dont: state = .option(byte)
            case Telnet.sb:
                subnegotiation = []
                state = .subnegotiation
            case Telnet.ip: out.data.append(0x03)
            case Telnet.ec: out.data.append(0x7F)
            case Telnet.el: out.data.append(0x15)
            default: break   // NOP, DM, BRK, AO, AYT, GA: nothing to do
            }
        case let .option(verb):
            state = .data
            negotiate(verb, byte, &out)
        case .subnegotiation:
            if byte == Telnet.iac {
                state = .subnegotiationCommand
            } else if subnegotiation.count < Self.subnegotiationLimit {
                subnegotiation.append(byte)
            }
        case .subnegotiationCommand:
            switch byte {
            case Telnet.se:
                state = .data
                finishSubnegotiation(&out)
            case Telnet.iac:
                state = .subnegotiation
                if subnegotiation.count < Self.subnegotiationLimit { subnegotiation.append(Telnet.iac) }
            default:
                // A command inside a subnegotiation: the subnegotiation is over, badly.
                state = .data
                subnegotiation = []
            }
        }
    }

    private mutating func negotiate(_ verb: UInt8, _ option: UInt8, _ out: inout Output) {
        switch verb {
        case Telnet.do:
            // DO ECHO / DO SGA answer our WILLs; anything else we will not do.
            guard option != Telnet.echo, option != Telnet.sga else { return }
            if refused.insert(UInt16(verb) << 8 | UInt16(option)).inserted {
                out.replies += [Telnet.iac, Telnet.wont, option]
            }
        case Telnet.will:
            switch option {
            case Telnet.ttype:
                // Ask for the name (SB TTYPE SEND), as IOS does.
                out.replies += [Telnet.iac, Telnet.sb, Telnet.ttype, 1, Telnet.iac, Telnet.se]
            case Telnet.naws:
                break   // the size follows in SB NAWS
            default:
                if refused.insert(UInt16(verb) << 8 | UInt16(option)).inserted {
                    out.replies += [Telnet.iac, Telnet.dont, option]
                }
            }
        default:
            break   // WONT / DONT: nothing to answer; a client refusing ECHO is still echoed (netmiko relies on it)
        }
    }

    private mutating func finishSubnegotiation(_ out: inout Output) {
        defer { subnegotiation = [] }
        guard let option = subnegotiation.first else { return }
        if option == Telnet.naws, subnegotiation.count >= 5 {
            let s = subnegotiation
            out.windowSize = (Int(s[1]) << 8 | Int(s[2]), Int(s[3]) << 8 | Int(s[4]))
        } else if option == Telnet.ttype, subnegotiation.count >= 2, subnegotiation[1] == 0 {
            out.terminalType = String(decoding: subnegotiation.dropFirst(2), as: UTF8.self)
        }
    }
}
