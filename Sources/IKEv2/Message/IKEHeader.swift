/// IKEv2 exchange types (RFC 7296 §3.1). Values IKE does not define are kept as they are.
public struct ExchangeType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let ikeSAInit = ExchangeType(rawValue: 34)
    public static let ikeAuth = ExchangeType(rawValue: 35)
    public static let createChildSA = ExchangeType(rawValue: 36)
    public static let informational = ExchangeType(rawValue: 37)

    public var description: String {
        switch self {
        case .ikeSAInit: return "IKE_SA_INIT"
        case .ikeAuth: return "IKE_AUTH"
        case .createChildSA: return "CREATE_CHILD_SA"
        case .informational: return "INFORMATIONAL"
        default: return "EXCHANGE(\(rawValue))"
        }
    }
}

/// The header's Flags octet: Initiator, Version, Response (RFC 7296 §3.1).
public struct IKEFlags: OptionSet, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Set by the original initiator of the IKE SA.
    public static let initiator = IKEFlags(rawValue: 0x08)
    /// "I can speak a higher major version".
    public static let version = IKEFlags(rawValue: 0x10)
    /// This message is a response.
    public static let response = IKEFlags(rawValue: 0x20)
}

/// The fixed 28-octet IKE header.
public struct IKEHeader: Hashable, Sendable {
    public static let size = 28

    public var initiatorSPI: UInt64
    public var responderSPI: UInt64
    /// The type of the first payload of the chain (filled in by `IKEMessage.encode`).
    public var nextPayload: PayloadType
    public var majorVersion: UInt8
    public var minorVersion: UInt8
    public var exchangeType: ExchangeType
    public var flags: IKEFlags
    public var messageID: UInt32
    /// Total length of the message, header included (filled in by `IKEMessage.encode`).
    public var length: UInt32

    public init(initiatorSPI: UInt64, responderSPI: UInt64, nextPayload: PayloadType = .none,
                majorVersion: UInt8 = 2, minorVersion: UInt8 = 0, exchangeType: ExchangeType,
                flags: IKEFlags, messageID: UInt32, length: UInt32 = 0) {
        self.initiatorSPI = initiatorSPI
        self.responderSPI = responderSPI
        self.nextPayload = nextPayload
        self.majorVersion = majorVersion
        self.minorVersion = minorVersion
        self.exchangeType = exchangeType
        self.flags = flags
        self.messageID = messageID
        self.length = length
    }

    public var isResponse: Bool { flags.contains(.response) }
    public var isFromInitiator: Bool { flags.contains(.initiator) }

    /// Reads the header alone; the version is checked by `IKEMessage.decode`, so a caller can
    /// still read the SPIs of a message it must answer with INVALID_MAJOR_VERSION.
    public static func decode(_ bytes: some Collection<UInt8>) throws(IKEv2DecodeError) -> IKEHeader {
        var r = ByteReader(Array(bytes.prefix(size)), context: "IKE header")
        let ispi = try r.uint64()
        let rspi = try r.uint64()
        let next = PayloadType(rawValue: try r.uint8())
        let version = try r.uint8()
        let exchange = ExchangeType(rawValue: try r.uint8())
        let flags = IKEFlags(rawValue: try r.uint8())
        let messageID = try r.uint32()
        let length = try r.uint32()
        return IKEHeader(initiatorSPI: ispi, responderSPI: rspi, nextPayload: next,
                         majorVersion: version >> 4, minorVersion: version & 0x0F,
                         exchangeType: exchange, flags: flags, messageID: messageID, length: length)
    }

    func encode(into w: inout ByteWriter) {
        w.uint64(initiatorSPI)
        w.uint64(responderSPI)
        w.uint8(nextPayload.rawValue)
        w.uint8(majorVersion << 4 | (minorVersion & 0x0F))
        w.uint8(exchangeType.rawValue)
        w.uint8(flags.rawValue)
        w.uint32(messageID)
        w.uint32(length)
    }

    public var encoded: [UInt8] {
        var w = ByteWriter()
        encode(into: &w)
        return w.bytes
    }
}
