/// ID types (RFC 7296 §3.5).
public struct IDType: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let ipv4Address = IDType(rawValue: 1)
    public static let fqdn = IDType(rawValue: 2)
    public static let rfc822Address = IDType(rawValue: 3)
    public static let ipv6Address = IDType(rawValue: 5)
    public static let derASN1DN = IDType(rawValue: 9)
    public static let derASN1GN = IDType(rawValue: 10)
    public static let keyID = IDType(rawValue: 11)
}

/// IDi / IDr payloads (RFC 7296 §3.5).
public struct IdentificationPayload: Hashable, Sendable {
    public var idType: IDType
    public var data: [UInt8]

    public init(idType: IDType, data: [UInt8]) {
        self.idType = idType
        self.data = data
    }

    public static func fqdn(_ name: String) -> IdentificationPayload { .init(idType: .fqdn, data: Array(name.utf8)) }
    public static func rfc822(_ address: String) -> IdentificationPayload { .init(idType: .rfc822Address, data: Array(address.utf8)) }
    public static func keyID(_ id: [UInt8]) -> IdentificationPayload { .init(idType: .keyID, data: id) }
    /// An IPv4 address from its four network-order octets.
    public static func ipv4(_ octets: [UInt8]) -> IdentificationPayload { .init(idType: .ipv4Address, data: octets) }

    init(body: ArraySlice<UInt8>, type: PayloadType) throws(IKEv2DecodeError) {
        var r = ByteReader(body, context: "\(type) payload")
        idType = IDType(rawValue: try r.uint8())
        try r.skip(3)
        data = r.rest()
        if idType == .ipv4Address && data.count != 4 { throw .malformedPayload(type, "ID_IPV4_ADDR of \(data.count) octets") }
        if idType == .ipv6Address && data.count != 16 { throw .malformedPayload(type, "ID_IPV6_ADDR of \(data.count) octets") }
    }

    /// The payload body (type, three reserved octets, data): what `prf(SK_p, ...)` covers in AUTH
    /// (RFC 7296 §2.15, "RestOfInitIDPayload").
    public var body: [UInt8] { [idType.rawValue, 0, 0, 0] + data }

    /// The identity as IOS prints it: the name for FQDN / e-mail / key-id, the dotted address for
    /// IPv4, eight colon-separated groups for IPv6, hex octets otherwise.
    public var displayString: String {
        switch idType {
        case .ipv4Address where data.count == 4: return data.map(String.init).joined(separator: ".")
        case .ipv6Address where data.count == 16:
            return stride(from: 0, to: 16, by: 2).map { String(UInt16(data[$0]) << 8 | UInt16(data[$0 + 1]), radix: 16) }
                .joined(separator: ":")
        case .fqdn, .rfc822Address, .keyID: return String(decoding: data, as: UTF8.self)
        default: return data.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        }
    }
}
