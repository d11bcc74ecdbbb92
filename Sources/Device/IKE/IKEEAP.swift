import Crypto
import IKEv2
import RADIUS

// EAP in IKE_AUTH (RFC 7296 §2.16) passed through to a RADIUS server (RFC 3579), as IOS's
// `authentication remote eap query-identity` does: the first IKE_AUTH without AUTH gets IDr, our
// PSK AUTH and EAP Request/Identity; each EAP response of the client goes to the server in an
// Access-Request (EAP-Message, Message-Authenticator, State), each Access-Challenge's EAP-Message
// back to the client, until Access-Accept (EAP-Success and the MS-MPPE keys: the MSK) or
// Access-Reject. The client's last IKE_AUTH carries AUTH keyed with the MSK; ours answers it.
// The IKE answer to an EAP message waits for the server: it is sent when the server answers,
// and the client's retransmissions meanwhile are dropped.

/// One EAP conversation of a half-open SA.
final class EAPExchange {
    /// The first IKE_AUTH request's payloads (IDi, CP, SA, TSi, TSr): answered after EAP.
    let firstRequest: IKEMessage
    var identity: String?
    /// RADIUS State of the last Access-Challenge, echoed in the next Access-Request.
    var state: [UInt8]?
    var pending: PendingEAPRequest?
    var msk: [UInt8]?
    /// The profile's `aaa authentication eap LIST` servers; nil: every configured `radius server`.
    let servers: [AccountingServer]?

    init(firstRequest: IKEMessage, servers: [AccountingServer]?) {
        self.firstRequest = firstRequest
        self.servers = servers
    }
}

/// An Access-Request in flight for an SA's EAP conversation.
final class PendingEAPRequest {
    weak var sa: IKESA?
    let server: AccountingServer
    let identifier: UInt8
    let authenticator: [UInt8]
    let bytes: [UInt8]
    var attempts = 1
    var timer: ScheduledTimer?

    init(sa: IKESA?, server: AccountingServer, identifier: UInt8, authenticator: [UInt8], bytes: [UInt8]) {
        self.sa = sa
        self.server = server
        self.identifier = identifier
        self.authenticator = authenticator
        self.bytes = bytes
    }
}

extension Device {
    /// The RADIUS servers EAP goes to without a profile's `aaa authentication eap LIST`: every
    /// configured `radius server` with an address and a key.
    var eapServers: [AccountingServer] {
        config.radiusServers.compactMap { server in
            guard let text = server.address, let address = IPv4Address(text), let key = server.key else { return nil }
            return AccountingServer(name: server.name, address: address, authPort: server.authPort,
                                    acctPort: server.acctPort, secret: Array(key.plain.utf8))
        }
    }

    /// The first IKE_AUTH without AUTH: IDr, our AUTH, EAP Request/Identity.
    func startEAP(_ sa: IKESA, _ message: IKEMessage, localID: IdentificationPayload, signKey: [UInt8],
                  servers: [AccountingServer]?) -> [Payload] {
        sa.eap = EAPExchange(firstRequest: message, servers: servers)
        let auth = PSKAuthentication.authData(prf: sa.suite.prf, sharedSecret: signKey, realMessage: sa.initResponse,
                                              peerNonce: sa.nonceI, skP: sa.keys.skPr, idPayload: localID)
        if debug.cryptoIkev2 { debugLog("IKEv2:" + sa.debugIds + ":Sending EAP Request/Identity") }
        // EAP Request (1), identifier 1, length 5, type Identity (1).
        return [.identificationResponder(localID), .authentication(AuthenticationPayload(method: .sharedKeyMIC, data: auth)),
                .eap([1, 1, 0, 5, 1])]
    }

    /// A client EAP message: to the RADIUS server. Returns false when no server can be asked.
    func forwardEAP(_ sa: IKESA, _ eapMessage: [UInt8], messageID: UInt32) -> Bool {
        guard let eap = sa.eap, let server = (eap.servers ?? eapServers).first(where: { $0.address.isLoopback }) else {
            return false
        }
        // EAP Response/Identity: the user the server authenticates (and the session's user name).
        if eapMessage.count > 5, eapMessage[0] == 2, eapMessage[4] == 1 {
            eap.identity = String(decoding: eapMessage[5...], as: UTF8.self)
        }
        guard let identifier = freeAccessIdentifier(from: UInt8(truncatingIfNeeded: random.next())) else { return false }
        let authenticator = secureRandomBytes(16)
        var attributes: [RADIUSAttribute] = [.string(RADIUSAttributeType.userName, eap.identity ?? ""),
                                             .integer(RADIUSAttributeType.serviceType, 2),   // Framed
                                             .integer(12, 1400)]                               // Framed-MTU
        var rest = eapMessage[...]
        while !rest.isEmpty {
            attributes.append(.octets(79, Array(rest.prefix(RADIUSAttribute.maxValueLength))))   // EAP-Message
            rest = rest.dropFirst(RADIUSAttribute.maxValueLength)
        }
        if let state = eap.state { attributes.append(.octets(RADIUSAttributeType.state, state)) }
        attributes += [.string(RADIUSAttributeType.callingStationId, sa.peer.address.description),
                       .integer(RADIUSAttributeType.nasPortType, 5),                          // Virtual
                       .ipv4(RADIUSAttributeType.nasIPAddress, nasIPAddress)]
        var packet = RADIUSPacket(code: .accessRequest, identifier: identifier, authenticator: authenticator,
                                  attributes: attributes)
        let bytes = RADIUSAuth.signRequest(&packet, secret: server.secret, addMessageAuthenticator: true)
        let request = PendingEAPRequest(sa: sa, server: server, identifier: identifier, authenticator: authenticator,
                                        bytes: bytes)
        eap.pending = request
        sa.deferredMessageID = messageID
        ike.eapInFlight[identifier] = request
        if debug.cryptoIkev2 { debugLog("IKEv2:" + sa.debugIds + ":[IKEv2 -> AAA] Authentication request sent") }
        transmitEAPRequest(request)
        return true
    }

    private func transmitEAPRequest(_ request: PendingEAPRequest) {
        accounting.transport?.send(request.bytes, to: request.server.address, port: request.server.authPort,
                                   sourcePort: loginAuth.sourcePort)
        guard let scheduler = accounting.scheduler else { return }
        request.timer = scheduler.schedule(after: accounting.timeout) { [weak self, weak request] in
            guard let self, let request, self.ike.eapInFlight[request.identifier] === request else { return }
            if request.attempts <= self.accounting.retransmits {
                request.attempts += 1
                self.transmitEAPRequest(request)
            } else {
                // No server answered: the client is refused, as on an Access-Reject.
                self.ike.eapInFlight[request.identifier] = nil
                if let sa = request.sa { self.finishEAPRound(sa, payloads: [.notify(NotifyPayload(type: .authenticationFailed))], failed: true) }
            }
        }
    }

    /// An Access-Challenge, -Accept or -Reject on the accounting socket; false if it is not EAP's.
    func handleEAPRADIUSResponse(_ bytes: [UInt8], from ip: IPv4Address, port: UInt16) -> Bool {
        guard bytes.count >= 20, let request = ike.eapInFlight[bytes[1]], request.server.address == ip,
              request.server.authPort == port else { return false }
        let length = Int(bytes[2]) << 8 | Int(bytes[3])
        guard length >= 20, length <= bytes.count, [2, 3, 11].contains(bytes[0]),
              RADIUSAuth.verifyResponseAuthenticator(Array(bytes.prefix(length)), requestAuthenticator: request.authenticator,
                                                     secret: request.server.secret) else { return true }
        request.timer?.cancel()
        ike.eapInFlight[request.identifier] = nil
        guard let sa = request.sa, let eap = sa.eap, ike.sas[sa.responderSPI] === sa else { return true }
        var eapMessage: [UInt8] = []
        var state: [UInt8]?
        var recvKey: [UInt8]?
        var sendKey: [UInt8]?
        var offset = 20
        while offset + 2 <= length {
            let type = bytes[offset], attributeLength = Int(bytes[offset + 1])
            guard attributeLength >= 2, offset + attributeLength <= length else { break }
            let value = Array(bytes[(offset + 2)..<(offset + attributeLength)])
            switch type {
            case 79: eapMessage += value
            case RADIUSAttributeType.state: state = value
            case RADIUSAttributeType.vendorSpecific where value.count > 6 && value[0...3] == [0, 0, 1, 55]:
                // Microsoft (311): MS-MPPE-Send-Key (16), MS-MPPE-Recv-Key (17), RFC 2548 §2.4.
                let key = MPPEKey.decrypt(Array(value[6...]), secret: request.server.secret,
                                          requestAuthenticator: request.authenticator)
                if value[4] == 16 { sendKey = key } else if value[4] == 17 { recvKey = key }
            default: break
            }
            offset += attributeLength
        }
        eap.state = state
        switch bytes[0] {
        case 11:
            finishEAPRound(sa, payloads: [.eap(eapMessage)], failed: false)
        case 2:
            guard let recvKey, let sendKey else {
                finishEAPRound(sa, payloads: [.eap(eapMessage)], failed: true)
                return true
            }
            // RFC 3748 / RFC 2548: the MSK is MS-MPPE-Recv-Key | MS-MPPE-Send-Key.
            eap.msk = recvKey + sendKey
            if debug.cryptoIkev2 { debugLog("IKEv2:" + sa.debugIds + ":Received valid EAP-Success and MSK") }
            finishEAPRound(sa, payloads: [.eap(eapMessage.isEmpty ? [3, 0, 0, 4] : eapMessage)], failed: false)
        default:
            ike.statistics.authenticationFailures += 1
            ike.statistics.rejectedRequests += 1
            if debug.cryptoIkev2 { debugLog("IKEv2:" + sa.debugIds + ":Received EAP-Failure from AAA") }
            finishEAPRound(sa, payloads: [.eap(eapMessage.isEmpty ? [4, 0, 0, 4] : eapMessage)], failed: true)
        }
        return true
    }

    /// Sends the IKE answer the client's EAP message waited for; a failure ends the SA.
    private func finishEAPRound(_ sa: IKESA, payloads: [Payload], failed: Bool) {
        sa.eap?.pending = nil
        answerDeferred(sa, payloads: payloads, after: failed ? { [unowned self] in self.removeIKESA(sa) } : nil)
    }
}

/// MS-MPPE-Send-Key / -Recv-Key values (RFC 2548 §2.4.2): a 2-octet salt, then the key length,
/// key and padding encrypted in 16-octet blocks: b(1) = MD5(secret | Request Authenticator | salt),
/// b(i) = MD5(secret | c(i-1)), p(i) = c(i) xor b(i).
enum MPPEKey {
    static func decrypt(_ value: [UInt8], secret: [UInt8], requestAuthenticator: [UInt8]) -> [UInt8]? {
        guard value.count >= 18, (value.count - 2) % 16 == 0 else { return nil }
        let salt = Array(value[0..<2])
        var previous = requestAuthenticator + salt
        var plain: [UInt8] = []
        var offset = 2
        while offset < value.count {
            let block = Array(value[offset..<(offset + 16)])
            let b = Array(Insecure.MD5.hash(data: secret + previous))
            plain += zip(block, b).map { $0 ^ $1 }
            previous = block
            offset += 16
        }
        let keyLength = Int(plain[0])
        guard keyLength > 0, keyLength < plain.count else { return nil }
        return Array(plain[1...keyLength])
    }
}
