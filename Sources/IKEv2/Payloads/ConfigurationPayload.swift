/// CFG types (RFC 7296 §3.15).
public struct ConfigType: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let request = ConfigType(rawValue: 1)
    public static let reply = ConfigType(rawValue: 2)
    public static let set = ConfigType(rawValue: 3)
    public static let ack = ConfigType(rawValue: 4)
}

/// Configuration attribute types (RFC 7296 §3.15.1). Cisco's own (28672 and up, banner,
/// default domain, split DNS...) are kept by number.
public struct ConfigAttributeType: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue & 0x7FFF }

    public static let internalIP4Address = ConfigAttributeType(rawValue: 1)
    public static let internalIP4Netmask = ConfigAttributeType(rawValue: 2)
    public static let internalIP4DNS = ConfigAttributeType(rawValue: 3)
    public static let internalIP4NBNS = ConfigAttributeType(rawValue: 4)
    public static let internalIP4DHCP = ConfigAttributeType(rawValue: 6)
    public static let applicationVersion = ConfigAttributeType(rawValue: 7)
    public static let internalIP6Address = ConfigAttributeType(rawValue: 8)
    public static let internalIP6DNS = ConfigAttributeType(rawValue: 10)
    public static let internalIP4Subnet = ConfigAttributeType(rawValue: 13)
    public static let supportedAttributes = ConfigAttributeType(rawValue: 14)
    public static let internalIP6Subnet = ConfigAttributeType(rawValue: 15)
}

/// One configuration attribute; a request's are usually empty (RFC 7296 §3.15.1).
public struct ConfigAttribute: Hashable, Sendable {
    public var type: ConfigAttributeType
    public var value: [UInt8]

    public init(type: ConfigAttributeType, value: [UInt8] = []) {
        self.type = type
        self.value = value
    }
}

/// The CP payload (RFC 7296 §3.15).
public struct ConfigurationPayload: Hashable, Sendable {
    public var configType: ConfigType
    public var attributes: [ConfigAttribute]

    public init(configType: ConfigType, attributes: [ConfigAttribute]) {
        self.configType = configType
        self.attributes = attributes
    }

    /// Whether the peer asked for (or was given) an attribute of this type.
    public func contains(_ type: ConfigAttributeType) -> Bool { attributes.contains { $0.type == type } }

    /// The values of every attribute of a type, in order.
    public func values(of type: ConfigAttributeType) -> [[UInt8]] { attributes.filter { $0.type == type }.map(\.value) }

    init(body: ArraySlice<UInt8>) throws(IKEv2DecodeError) {
        var r = ByteReader(body, context: "CP payload")
        configType = ConfigType(rawValue: try r.uint8())
        try r.skip(3)
        var attributes: [ConfigAttribute] = []
        while !r.isAtEnd {
            let type = ConfigAttributeType(rawValue: try r.uint16())
            let length = try r.uint16()
            attributes.append(ConfigAttribute(type: type, value: try r.bytes(Int(length))))
        }
        self.attributes = attributes
    }

    func encodeBody() -> [UInt8] {
        var w = ByteWriter()
        w.uint8(configType.rawValue)
        w.append([0, 0, 0])
        for attribute in attributes {
            w.uint16(attribute.type.rawValue)
            w.uint16(UInt16(truncatingIfNeeded: attribute.value.count))
            w.append(attribute.value)
        }
        return w.bytes
    }
}
