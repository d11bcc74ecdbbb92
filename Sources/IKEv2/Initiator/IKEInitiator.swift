/// A minimal IKEv2 initiator with a pre-shared key: IKE_SA_INIT, IKE_AUTH (optionally asking for
/// an address and one ESP child), INFORMATIONAL requests and answers. Pure values, no I/O: the
/// responder's tests drive it against the device, and `flexvpn-bench ike` uses it as its load
/// generator. Not a client for real use (no retransmission of its own); CREATE_CHILD_SA requests
/// (an IKE SA rekey, a child) are built here so that the responder's rekeying can be driven.
public struct IKEInitiator: Sendable {
    public enum InitOutcome: Equatable, Sendable {
        case accepted
        /// INVALID_KE_PAYLOAD: retry with this group (`restart(group:)`).
        case invalidKE(DHGroupID)
        /// COOKIE: send IKE_SA_INIT again with it (`initRequest(cookie:)`).
        case cookie([UInt8])
        /// Another notify (NO_PROPOSAL_CHOSEN…), or an answer that does not parse.
        case refused(NotifyType?)
    }

    public enum InitiatorError: Error, Equatable, Sendable {
        case notReady
        case protection(SKProtectionError)
        case keyExchange(KeyExchangeError)
    }

    public let initiatorSPI: UInt64
    public private(set) var responderSPI: UInt64 = 0
    public var offer: SecurityAssociationPayload
    public private(set) var group: DHGroupID
    public var identity: IdentificationPayload
    public var preSharedKey: [UInt8]
    private var dh: DiffieHellman
    public let nonce: [UInt8]
    private var firstMessage: [UInt8] = []
    private var responderNonce: [UInt8] = []
    public private(set) var keys: IKESAKeys?
    /// Our next request's message id.
    public private(set) var nextMessageID: UInt32 = 0

    public init(offer: SecurityAssociationPayload, group: DHGroupID, identity: IdentificationPayload, preSharedKey: [UInt8],
                initiatorSPI: UInt64? = nil) throws(KeyExchangeError) {
        var rng = SystemRandomNumberGenerator()
        self.initiatorSPI = initiatorSPI ?? UInt64.random(in: 1...UInt64.max, using: &rng)
        self.offer = offer
        self.group = group
        self.identity = identity
        self.preSharedKey = preSharedKey
        dh = try DiffieHellman(group: group)
        nonce = SKProtection.randomBytes(32)
    }

    /// The SA that an IKE SA rekey made: its keys, message ids from 0 (RFC 7296 §2.18).
    private init(rekeyedFrom old: IKEInitiator, pending: PendingIKERekey, responderSPI: UInt64, keys: IKESAKeys) {
        initiatorSPI = pending.initiatorSPI
        self.responderSPI = responderSPI
        offer = old.offer
        group = pending.group
        identity = old.identity
        preSharedKey = old.preSharedKey
        dh = pending.dh
        nonce = pending.nonce
        self.keys = keys
    }

    /// After INVALID_KE_PAYLOAD: a new key in the group the responder asked for.
    public mutating func restart(group: DHGroupID) throws(KeyExchangeError) {
        self.group = group
        dh = try DiffieHellman(group: group)
    }

    /// The IKE_SA_INIT request (with a COOKIE notify first when given, RFC 7296 §2.6).
    public mutating func initRequest(cookie: [UInt8]? = nil, extraPayloads: [Payload] = []) -> [UInt8] {
        var payloads: [Payload] = []
        if let cookie { payloads.append(.notify(NotifyPayload(type: .cookie, data: cookie))) }
        payloads += [.securityAssociation(offer), .keyExchange(KeyExchangePayload(group: group, data: dh.publicValue)),
                     .nonce(nonce)] + extraPayloads
        let message = IKEMessage(header: IKEHeader(initiatorSPI: initiatorSPI, responderSPI: 0, exchangeType: .ikeSAInit,
                                                   flags: [.initiator], messageID: 0),
                                 payloads: payloads)
        firstMessage = message.encode()
        return firstMessage
    }

    /// Reads the IKE_SA_INIT response; on acceptance derives the IKE SA's keys.
    public mutating func handleInitResponse(_ bytes: [UInt8]) -> InitOutcome {
        guard let message = try? IKEMessage.decode(bytes), message.header.isResponse else { return .refused(nil) }
        if let ke = message.notify(.invalidKEPayload), let group = ke.acceptedGroup { return .invalidKE(group) }
        if let cookie = message.notify(.cookie) { return .cookie(cookie.data) }
        if let error = message.notifies.first(where: { $0.type.isError }) { return .refused(error.type) }
        guard let chosen = message.securityAssociation?.proposals.first, let ke = message.keyExchange,
              let nonceR = message.nonce,
              let encryptionTransform = chosen.transforms(of: .encryption).first,
              let encryption = EncryptionAlgorithm(transform: encryptionTransform),
              let prf = chosen.transforms(of: .prf).first.flatMap(PRFAlgorithm.init(transform:)),
              let secret = try? dh.sharedSecret(peerPublicValue: ke.data) else { return .refused(nil) }
        let integrity = chosen.transforms(of: .integrity).first.flatMap(IntegrityAlgorithm.init(transform:))
        let suite = IKECipherSuite(encryption: encryption, integrity: integrity, prf: prf, group: ke.group)
        responderSPI = message.header.responderSPI
        responderNonce = nonceR
        keys = IKESAKeys(suite: suite, sharedSecret: secret, nonceI: nonce, nonceR: nonceR,
                         initiatorSPI: initiatorSPI, responderSPI: responderSPI)
        nextMessageID = 1
        return .accepted
    }

    /// IKE_AUTH: IDi and AUTH, a CFG_REQUEST for an address when `requestAddress`, and an ESP
    /// proposal (AES-CBC-256 + HMAC-SHA2-256) with any-to-any selectors when `child`.
    public mutating func authRequest(requestAddress: Bool = true, child: Bool = false,
                                     extraPayloads: [Payload] = []) throws(InitiatorError) -> [UInt8] {
        guard let keys else { throw .notReady }
        let auth = PSKAuthentication.authData(prf: keys.suite.prf, sharedSecret: preSharedKey, realMessage: firstMessage,
                                              peerNonce: responderNonce, skP: keys.skPi, idPayload: identity)
        var payloads: [Payload] = [.identificationInitiator(identity),
                                   .authentication(AuthenticationPayload(method: .sharedKeyMIC, data: auth))]
        if requestAddress {
            payloads.append(.configuration(ConfigurationPayload(configType: .request, attributes: [
                ConfigAttribute(type: .internalIP4Address), ConfigAttribute(type: .internalIP4DNS)])))
        }
        if child {
            let spi = SKProtection.randomBytes(4)
            payloads.append(.securityAssociation(SecurityAssociationPayload(proposals: [
                Proposal(number: 1, protocolID: .esp, spi: spi,
                         transforms: [.encryption(.aesCBC, keyLength: 256), .integrity(.hmacSHA2_256_128), .esn(.noESN)])])))
            payloads.append(.trafficSelectorInitiator(TrafficSelectorPayload(selectors: [.anyIPv4])))
            payloads.append(.trafficSelectorResponder(TrafficSelectorPayload(selectors: [.anyIPv4])))
        }
        return try request(.ikeAuth, payloads + extraPayloads)
    }

    /// A protected request of our SA (INFORMATIONAL: empty for liveness, or a Delete).
    public mutating func request(_ exchange: ExchangeType, _ payloads: [Payload]) throws(InitiatorError) -> [UInt8] {
        guard let keys else { throw .notReady }
        let header = IKEHeader(initiatorSPI: initiatorSPI, responderSPI: responderSPI, exchangeType: exchange,
                               flags: [.initiator], messageID: nextMessageID)
        nextMessageID &+= 1
        do { return try keys.protection(sentBy: .initiator).seal(header: header, payloads: payloads) } catch {
            throw .protection(error)
        }
    }

    /// What an IKE SA rekey request offered: kept until the answer comes.
    public struct PendingIKERekey: Sendable {
        public let initiatorSPI: UInt64
        public let group: DHGroupID
        fileprivate let dh: DiffieHellman
        public let nonce: [UInt8]
    }

    /// CREATE_CHILD_SA rekeying the IKE SA (RFC 7296 §1.3.2): SA (IKE proposals with our new
    /// 8-octet SPI), Ni, KE.
    public mutating func ikeRekeyRequest(offer: SecurityAssociationPayload? = nil, group: DHGroupID? = nil,
                                         newSPI: UInt64? = nil) throws(InitiatorError) -> ([UInt8], PendingIKERekey) {
        var rng = SystemRandomNumberGenerator()
        let spi = newSPI ?? UInt64.random(in: 1...UInt64.max, using: &rng)
        let group = group ?? self.group
        let dh: DiffieHellman
        do { dh = try DiffieHellman(group: group) } catch { throw .keyExchange(error) }
        let pending = PendingIKERekey(initiatorSPI: spi, group: group, dh: dh, nonce: SKProtection.randomBytes(32))
        var sa = offer ?? self.offer
        sa.proposals = sa.proposals.map { var p = $0; p.spi = spi.bigEndianBytes; return p }
        let bytes = try request(.createChildSA, [.securityAssociation(sa), .nonce(pending.nonce),
                                                 .keyExchange(KeyExchangePayload(group: group, data: dh.publicValue))])
        return (bytes, pending)
    }

    /// The new IKE SA from the responder's answer to `ikeRekeyRequest` (nil: refused or unreadable).
    public func completeIKERekey(_ pending: PendingIKERekey, answer: IKEMessage) -> IKEInitiator? {
        guard let keys, let chosen = answer.securityAssociation?.proposals.first, chosen.protocolID == .ike,
              chosen.spi.count == 8, let ke = answer.keyExchange, let nonceR = answer.nonce,
              let encryption = chosen.transforms(of: .encryption).first.flatMap(EncryptionAlgorithm.init(transform:)),
              let prf = chosen.transforms(of: .prf).first.flatMap(PRFAlgorithm.init(transform:)),
              let secret = try? pending.dh.sharedSecret(peerPublicValue: ke.data) else { return nil }
        let integrity = chosen.transforms(of: .integrity).first.flatMap(IntegrityAlgorithm.init(transform:))
        let suite = IKECipherSuite(encryption: encryption, integrity: integrity, prf: prf, group: ke.group)
        let responderSPI = chosen.spi.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let newKeys = IKESAKeys(rekeying: keys, suite: suite, sharedSecret: secret, nonceI: pending.nonce, nonceR: nonceR,
                                initiatorSPI: pending.initiatorSPI, responderSPI: responderSPI)
        return IKEInitiator(rekeyedFrom: self, pending: pending, responderSPI: responderSPI, keys: newKeys)
    }

    /// CREATE_CHILD_SA for an ESP child (AES-CBC-256 + HMAC-SHA2-256, any-to-any): a new one, or
    /// the rekey of the child whose SPI (ours, the responder's outbound) is `rekeying` (REKEY_SA),
    /// with a KE payload for PFS in `pfs`.
    public mutating func childRequest(spi: UInt32, rekeying: UInt32? = nil, pfs: DHGroupID? = nil,
                                      nonce: [UInt8]? = nil) throws(InitiatorError) -> [UInt8] {
        var transforms: [Transform] = [.encryption(.aesCBC, keyLength: 256), .integrity(.hmacSHA2_256_128)]
        if let pfs { transforms.append(.keyExchange(pfs)) }
        transforms.append(.esn(.noESN))
        let spiBytes = (0..<4).map { UInt8(truncatingIfNeeded: spi >> (24 - 8 * UInt32($0))) }
        var payloads: [Payload] = []
        if let rekeying {
            let old = (0..<4).map { UInt8(truncatingIfNeeded: rekeying >> (24 - 8 * UInt32($0))) }
            payloads.append(.notify(NotifyPayload(type: .rekeySA, protocolID: .esp, spi: old)))
        }
        payloads += [.securityAssociation(SecurityAssociationPayload(proposals: [
            Proposal(number: 1, protocolID: .esp, spi: spiBytes, transforms: transforms)])), .nonce(nonce ?? SKProtection.randomBytes(32))]
        if let pfs {
            do { payloads.append(.keyExchange(KeyExchangePayload(group: pfs, data: try DiffieHellman(group: pfs).publicValue))) } catch {
                throw .keyExchange(error)
            }
        }
        payloads += [.trafficSelectorInitiator(TrafficSelectorPayload(selectors: [.anyIPv4])),
                     .trafficSelectorResponder(TrafficSelectorPayload(selectors: [.anyIPv4]))]
        return try request(.createChildSA, payloads)
    }

    /// Opens a protected message from the responder (its answer, or its own request).
    public func open(_ bytes: [UInt8]) throws(InitiatorError) -> IKEMessage {
        guard let keys else { throw .notReady }
        do { return try keys.protection(sentBy: .responder).open(bytes) } catch { throw .protection(error) }
    }

    /// Whether the IKE_AUTH response's AUTH is the responder's, signed over its IKE_SA_INIT answer.
    public func verifyResponderAuth(_ response: IKEMessage, initResponse: [UInt8]) -> Bool {
        guard let keys, let auth = response.authentication, let idr = response.identificationResponder else { return false }
        return PSKAuthentication.verify(auth, prf: keys.suite.prf, sharedSecret: preSharedKey, realMessage: initResponse,
                                        peerNonce: nonce, skP: keys.skPr, idPayload: idr)
    }

    /// The answer to a request of the responder (its Delete): an empty INFORMATIONAL response.
    public func answer(_ request: IKEMessage, payloads: [Payload] = []) throws(InitiatorError) -> [UInt8] {
        guard let keys else { throw .notReady }
        let header = IKEHeader(initiatorSPI: initiatorSPI, responderSPI: responderSPI, exchangeType: request.header.exchangeType,
                               flags: [.initiator, .response], messageID: request.header.messageID)
        do { return try keys.protection(sentBy: .initiator).seal(header: header, payloads: payloads) } catch {
            throw .protection(error)
        }
    }
}
