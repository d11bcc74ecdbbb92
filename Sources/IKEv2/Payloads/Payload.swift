/// One payload of a message's chain, decoded by type. Payload types this module does not
/// interpret are kept as `.unknown` with their body and critical bit, so a responder can ignore
/// them or answer UNSUPPORTED_CRITICAL_PAYLOAD (RFC 7296 §2.5).
public enum Payload: Hashable, Sendable {
    case securityAssociation(SecurityAssociationPayload)
    case keyExchange(KeyExchangePayload)
    case identificationInitiator(IdentificationPayload)
    case identificationResponder(IdentificationPayload)
    case authentication(AuthenticationPayload)
    case nonce([UInt8])
    case notify(NotifyPayload)
    case delete(DeletePayload)
    case vendorID([UInt8])
    case trafficSelectorInitiator(TrafficSelectorPayload)
    case trafficSelectorResponder(TrafficSelectorPayload)
    case configuration(ConfigurationPayload)
    /// EAP message, carried opaque (RFC 7296 §3.16).
    case eap([UInt8])
    /// The SK payload: still encrypted; `SKProtection` opens it.
    case encrypted(EncryptedPayload)
    case unknown(UnknownPayload)

    public var type: PayloadType {
        switch self {
        case .securityAssociation: return .securityAssociation
        case .keyExchange: return .keyExchange
        case .identificationInitiator: return .identificationInitiator
        case .identificationResponder: return .identificationResponder
        case .authentication: return .authentication
        case .nonce: return .nonce
        case .notify: return .notify
        case .delete: return .delete
        case .vendorID: return .vendorID
        case .trafficSelectorInitiator: return .trafficSelectorInitiator
        case .trafficSelectorResponder: return .trafficSelectorResponder
        case .configuration: return .configuration
        case .eap: return .eap
        case .encrypted: return .encrypted
        case .unknown(let u): return u.type
        }
    }

    var isCritical: Bool {
        if case .unknown(let u) = self { return u.critical }
        return false
    }

    func encodeBody() -> [UInt8] {
        switch self {
        case .securityAssociation(let sa): return sa.encodeBody()
        case .keyExchange(let ke): return ke.encodeBody()
        case .identificationInitiator(let id), .identificationResponder(let id): return id.body
        case .authentication(let auth): return auth.encodeBody()
        case .nonce(let data), .vendorID(let data), .eap(let data): return data
        case .notify(let n): return n.encodeBody()
        case .delete(let d): return d.encodeBody()
        case .trafficSelectorInitiator(let ts), .trafficSelectorResponder(let ts): return ts.encodeBody()
        case .configuration(let cp): return cp.encodeBody()
        case .encrypted(let sk): return sk.data
        case .unknown(let u): return u.body
        }
    }

    static func decode(type: PayloadType, critical: Bool, body: ArraySlice<UInt8>) throws(IKEv2DecodeError) -> Payload {
        switch type {
        case .securityAssociation: return .securityAssociation(try SecurityAssociationPayload(body: body))
        case .keyExchange: return .keyExchange(try KeyExchangePayload(body: body))
        case .identificationInitiator: return .identificationInitiator(try IdentificationPayload(body: body, type: type))
        case .identificationResponder: return .identificationResponder(try IdentificationPayload(body: body, type: type))
        case .authentication: return .authentication(try AuthenticationPayload(body: body))
        case .nonce:
            // RFC 7296 §2.10: at least 16 and at most 256 octets.
            guard (16...256).contains(body.count) else { throw .malformedPayload(type, "nonce of \(body.count) octets") }
            return .nonce(Array(body))
        case .notify: return .notify(try NotifyPayload(body: body))
        case .delete: return .delete(try DeletePayload(body: body))
        case .vendorID: return .vendorID(Array(body))
        case .trafficSelectorInitiator: return .trafficSelectorInitiator(try TrafficSelectorPayload(body: body, type: type))
        case .trafficSelectorResponder: return .trafficSelectorResponder(try TrafficSelectorPayload(body: body, type: type))
        case .configuration: return .configuration(try ConfigurationPayload(body: body))
        case .eap: return .eap(Array(body))
        default: return .unknown(UnknownPayload(type: type, critical: critical, body: Array(body)))
        }
    }
}

/// A payload of a type this module does not interpret.
public struct UnknownPayload: Hashable, Sendable {
    public var type: PayloadType
    /// The generic header's Critical bit: set, the recipient must reject the message if it does
    /// not understand the type.
    public var critical: Bool
    public var body: [UInt8]

    public init(type: PayloadType, critical: Bool, body: [UInt8]) {
        self.type = type
        self.critical = critical
        self.body = body
    }
}

/// Encoding and decoding of a chain of payloads linked by their Next Payload fields
/// (RFC 7296 §3.2): the whole message body, or the plaintext inside an SK payload.
public enum PayloadChain {
    static let genericHeaderSize = 4

    /// The bytes of the chain and the type of its first payload (for the IKE header or the SK
    /// payload's Next Payload field).
    public static func encode(_ payloads: [Payload]) -> (first: PayloadType, bytes: [UInt8]) {
        var w = ByteWriter()
        for (index, payload) in payloads.enumerated() {
            let next: PayloadType
            if case .encrypted(let sk) = payload {
                next = sk.firstInnerPayload
            } else {
                next = index + 1 < payloads.count ? payloads[index + 1].type : .none
            }
            let body = payload.encodeBody()
            w.uint8(next.rawValue)
            w.uint8(payload.isCritical ? 0x80 : 0)
            w.uint16(UInt16(truncatingIfNeeded: body.count + genericHeaderSize))
            w.append(body)
        }
        return (payloads.first?.type ?? .none, w.bytes)
    }

    /// Decodes a chain that starts with a payload of type `first` and fills `bytes` exactly.
    public static func decode(first: PayloadType, bytes: ArraySlice<UInt8>) throws(IKEv2DecodeError) -> [Payload] {
        var r = ByteReader(bytes, context: "payload header")
        var payloads: [Payload] = []
        var type = first
        while type != .none {
            let next = PayloadType(rawValue: try r.uint8())
            let critical = try r.uint8() & 0x80 != 0
            let length = try r.uint16()
            guard Int(length) >= genericHeaderSize, Int(length) - genericHeaderSize <= r.remaining else {
                throw .badPayloadLength(type, length)
            }
            let body = try r.slice(Int(length) - genericHeaderSize)
            if type == .encrypted {
                payloads.append(.encrypted(EncryptedPayload(firstInnerPayload: next, data: Array(body))))
                guard r.isAtEnd else { throw .encryptedPayloadNotLast }
                return payloads
            }
            payloads.append(try Payload.decode(type: type, critical: critical, body: body))
            type = next
        }
        guard r.isAtEnd else { throw .trailingBytes(r.remaining) }
        return payloads
    }
}
