/// TSi / TSr payloads (RFC 7296 §3.13).
public struct TrafficSelectorPayload: Hashable, Sendable {
    public var selectors: [TrafficSelector]

    public init(selectors: [TrafficSelector]) { self.selectors = selectors }

    init(body: ArraySlice<UInt8>, type: PayloadType) throws(IKEv2DecodeError) {
        var r = ByteReader(body, context: "\(type) payload")
        let count = try r.uint8()
        try r.skip(3)
        var selectors: [TrafficSelector] = []
        for _ in 0..<count {
            let tsType = TrafficSelector.Kind(rawValue: try r.uint8())
            let ipProtocol = try r.uint8()
            let length = try r.uint16()
            let addressLength: Int
            switch tsType {
            case .ipv4AddressRange: addressLength = 4
            case .ipv6AddressRange: addressLength = 16
            default: throw .malformedPayload(type, "traffic selector type \(tsType.rawValue)")
            }
            guard Int(length) == 8 + 2 * addressLength else { throw .malformedPayload(type, "selector length \(length)") }
            let startPort = try r.uint16()
            let endPort = try r.uint16()
            selectors.append(TrafficSelector(kind: tsType, ipProtocol: ipProtocol, startPort: startPort, endPort: endPort,
                                             startAddress: try r.bytes(addressLength), endAddress: try r.bytes(addressLength)))
        }
        guard r.isAtEnd else { throw .malformedPayload(type, "bytes after \(count) selectors") }
        self.selectors = selectors
    }

    func encodeBody() -> [UInt8] {
        var w = ByteWriter()
        w.uint8(UInt8(truncatingIfNeeded: selectors.count))
        w.append([0, 0, 0])
        for s in selectors {
            w.uint8(s.kind.rawValue)
            w.uint8(s.ipProtocol)
            w.uint16(UInt16(truncatingIfNeeded: 8 + s.startAddress.count + s.endAddress.count))
            w.uint16(s.startPort)
            w.uint16(s.endPort)
            w.append(s.startAddress)
            w.append(s.endAddress)
        }
        return w.bytes
    }
}

/// One traffic selector: an address range, a port range and an IP protocol (0: any).
public struct TrafficSelector: Hashable, Sendable {
    public struct Kind: RawRepresentable, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let ipv4AddressRange = Kind(rawValue: 7)
        public static let ipv6AddressRange = Kind(rawValue: 8)
    }

    public var kind: Kind
    public var ipProtocol: UInt8
    public var startPort: UInt16
    public var endPort: UInt16
    public var startAddress: [UInt8]
    public var endAddress: [UInt8]

    public init(kind: Kind, ipProtocol: UInt8, startPort: UInt16, endPort: UInt16, startAddress: [UInt8], endAddress: [UInt8]) {
        self.kind = kind
        self.ipProtocol = ipProtocol
        self.startPort = startPort
        self.endPort = endPort
        self.startAddress = startAddress
        self.endAddress = endAddress
    }

    /// 0.0.0.0 - 255.255.255.255, any protocol, any port.
    public static let anyIPv4 = TrafficSelector(kind: .ipv4AddressRange, ipProtocol: 0, startPort: 0, endPort: 65535,
                                                startAddress: [0, 0, 0, 0], endAddress: [255, 255, 255, 255])

    /// One IPv4 address, any protocol, any port.
    public static func ipv4Host(_ octets: [UInt8]) -> TrafficSelector {
        TrafficSelector(kind: .ipv4AddressRange, ipProtocol: 0, startPort: 0, endPort: 65535, startAddress: octets, endAddress: octets)
    }
}
