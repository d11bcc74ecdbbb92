/// Next Payload values (RFC 7296 §3.2). Unknown values are kept as they are.
public struct PayloadType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let none = PayloadType(rawValue: 0)
    public static let securityAssociation = PayloadType(rawValue: 33)
    public static let keyExchange = PayloadType(rawValue: 34)
    public static let identificationInitiator = PayloadType(rawValue: 35)
    public static let identificationResponder = PayloadType(rawValue: 36)
    public static let certificate = PayloadType(rawValue: 37)
    public static let certificateRequest = PayloadType(rawValue: 38)
    public static let authentication = PayloadType(rawValue: 39)
    public static let nonce = PayloadType(rawValue: 40)
    public static let notify = PayloadType(rawValue: 41)
    public static let delete = PayloadType(rawValue: 42)
    public static let vendorID = PayloadType(rawValue: 43)
    public static let trafficSelectorInitiator = PayloadType(rawValue: 44)
    public static let trafficSelectorResponder = PayloadType(rawValue: 45)
    public static let encrypted = PayloadType(rawValue: 46)
    public static let configuration = PayloadType(rawValue: 47)
    public static let eap = PayloadType(rawValue: 48)
    public static let encryptedFragment = PayloadType(rawValue: 53)

    /// The notation of RFC 7296 (and of IOS's "Payload contents:" debug line for most).
    public var description: String {
        switch self {
        case .none: return "NONE"
        case .securityAssociation: return "SA"
        case .keyExchange: return "KE"
        case .identificationInitiator: return "IDi"
        case .identificationResponder: return "IDr"
        case .certificate: return "CERT"
        case .certificateRequest: return "CERTREQ"
        case .authentication: return "AUTH"
        case .nonce: return "N"
        case .notify: return "NOTIFY"
        case .delete: return "DELETE"
        case .vendorID: return "VID"
        case .trafficSelectorInitiator: return "TSi"
        case .trafficSelectorResponder: return "TSr"
        case .encrypted: return "SK"
        case .configuration: return "CFG"
        case .eap: return "EAP"
        case .encryptedFragment: return "SKF"
        default: return "PAYLOAD(\(rawValue))"
        }
    }
}

/// Security protocol identifiers of proposals, notifies and deletes (RFC 7296 §3.3.1).
public struct ProtocolID: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// In a Notify: no SA is concerned.
    public static let none = ProtocolID(rawValue: 0)
    public static let ike = ProtocolID(rawValue: 1)
    public static let ah = ProtocolID(rawValue: 2)
    public static let esp = ProtocolID(rawValue: 3)
}
