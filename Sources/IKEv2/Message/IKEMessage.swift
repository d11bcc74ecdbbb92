/// An IKEv2 message: the header and its chain of payloads (RFC 7296 §3).
///
/// Encoding fills in the header's Next Payload and Length. AUTH must be computed over the exact
/// bytes sent and received, so keep the datagram a message was decoded from; an SK payload stays
/// sealed here (see `SKProtection`).
public struct IKEMessage: Hashable, Sendable {
    public var header: IKEHeader
    public var payloads: [Payload]

    public init(header: IKEHeader, payloads: [Payload]) {
        self.header = header
        self.payloads = payloads
    }

    /// Decodes a whole datagram (without any non-ESP marker). Throws, never traps.
    public static func decode(_ datagram: [UInt8]) throws(IKEv2DecodeError) -> IKEMessage {
        let header = try IKEHeader.decode(datagram)
        guard header.majorVersion == 2 else { throw .unsupportedMajorVersion(header.majorVersion) }
        guard header.length >= UInt32(IKEHeader.size), Int(header.length) == datagram.count else {
            throw .badMessageLength(declared: header.length, received: datagram.count)
        }
        let payloads = try PayloadChain.decode(first: header.nextPayload, bytes: datagram[IKEHeader.size...])
        return IKEMessage(header: header, payloads: payloads)
    }

    /// The datagram, with Next Payload and Length set from the payloads.
    public func encode() -> [UInt8] {
        let chain = PayloadChain.encode(payloads)
        var header = self.header
        header.nextPayload = chain.first
        header.length = UInt32(IKEHeader.size + chain.bytes.count)
        return header.encoded + chain.bytes
    }

    /// Payload types with the Critical bit set that this module does not understand: a request
    /// holding any is answered with UNSUPPORTED_CRITICAL_PAYLOAD naming the first (RFC 7296 §2.5).
    public var unsupportedCriticalPayloads: [PayloadType] {
        payloads.compactMap { if case .unknown(let u) = $0, u.critical { return u.type } else { return nil } }
    }

    public var notifies: [NotifyPayload] {
        payloads.compactMap { if case .notify(let n) = $0 { return n } else { return nil } }
    }

    public func notify(_ type: NotifyType) -> NotifyPayload? { notifies.first { $0.type == type } }

    public var securityAssociation: SecurityAssociationPayload? {
        payloads.lazy.compactMap { if case .securityAssociation(let sa) = $0 { return sa } else { return nil } }.first
    }

    public var keyExchange: KeyExchangePayload? {
        payloads.lazy.compactMap { if case .keyExchange(let ke) = $0 { return ke } else { return nil } }.first
    }

    public var nonce: [UInt8]? {
        payloads.lazy.compactMap { if case .nonce(let n) = $0 { return n } else { return nil } }.first
    }

    public var identificationInitiator: IdentificationPayload? {
        payloads.lazy.compactMap { if case .identificationInitiator(let id) = $0 { return id } else { return nil } }.first
    }

    public var identificationResponder: IdentificationPayload? {
        payloads.lazy.compactMap { if case .identificationResponder(let id) = $0 { return id } else { return nil } }.first
    }

    public var authentication: AuthenticationPayload? {
        payloads.lazy.compactMap { if case .authentication(let auth) = $0 { return auth } else { return nil } }.first
    }

    public var configuration: ConfigurationPayload? {
        payloads.lazy.compactMap { if case .configuration(let cp) = $0 { return cp } else { return nil } }.first
    }

    public var trafficSelectorsInitiator: TrafficSelectorPayload? {
        payloads.lazy.compactMap { if case .trafficSelectorInitiator(let ts) = $0 { return ts } else { return nil } }.first
    }

    public var trafficSelectorsResponder: TrafficSelectorPayload? {
        payloads.lazy.compactMap { if case .trafficSelectorResponder(let ts) = $0 { return ts } else { return nil } }.first
    }

    public var encrypted: EncryptedPayload? {
        payloads.lazy.compactMap { if case .encrypted(let sk) = $0 { return sk } else { return nil } }.first
    }
}
