import IKEv2
import RADIUS

// The responder on the FlexVPN configuration model (FlexVPN/): once a `crypto ikev2 profile`
// exists, the client's IDi picks the profile (`match identity remote`), the profile's `keyring
// local` gives the pre-shared keys (`pre-shared-key [local|remote]`), `identity local` our IDr,
// `authentication remote eap` the EAP path, `lifetime` the SA's; authorization
// (`authorizeFlexVPNPeer`: local policies or RADIUS) and `connectFlexVPNSession` give the
// address (Framed-IP-Address or the pool), DNS, the session and its accounting. Without any
// profile the `lab ikev2` settings apply.

extension IKEv2Identity {
    /// The identity of an ID payload (IDi): FQDN, e-mail, IPv4 address, or key id.
    init(_ payload: IdentificationPayload) {
        switch payload.idType {
        case .fqdn: self = .fqdn(payload.displayString)
        case .rfc822Address: self = .email(payload.displayString)
        case .ipv4Address: self = IPv4Address(bytes: payload.data).map { .address($0) } ?? .keyId(payload.displayString)
        default: self = .keyId(payload.displayString)
        }
    }

    /// The ID payload we send for `identity local …`.
    var payload: IdentificationPayload {
        switch self {
        case let .fqdn(name): return .fqdn(name)
        case let .email(address): return .rfc822(address)
        case let .address(address): return .ipv4(address.bytes)
        case let .keyId(id): return .keyID(Array(id.utf8))
        }
    }
}

/// What the configuration model decided for one client.
struct IKEProfileChoice {
    var profile: IKEv2Profile
    var peer: FlexVPNPeer
    /// The key the client's AUTH is checked with, and the one ours is made with.
    var verifyKey: [UInt8]?
    var signKey: [UInt8]?
    var localID: IdentificationPayload
}

extension Device {
    /// True once a `crypto ikev2 profile` is configured: the model decides, not `lab ikev2`.
    var ikeUsesConfigModel: Bool { !config.flexVPN.profiles.isEmpty }

    /// The profile, keys and identity for a client's IDi; nil when no profile matches.
    func ikeProfileChoice(idi: IdentificationPayload, sa: IKESA) -> IKEProfileChoice? {
        let peer = FlexVPNPeer(identity: IKEv2Identity(idi), address: sa.peer.address)
        guard case .success(let profile) = flexVPNProfile(for: peer) else { return nil }
        let localID = profile.localIdentity?.payload ?? .ipv4(sa.local.address.bytes)
        var choice = IKEProfileChoice(profile: profile, peer: peer, localID: localID)
        if case .local(let name)? = profile.keyring,
           let entry = config.flexVPN.keyring(named: name)?.peer(for: peer.identity, address: peer.address) {
            choice.verifyKey = (entry.remoteKey ?? entry.localKey).map { Array($0.plain.utf8) }
            choice.signKey = (entry.localKey ?? entry.remoteKey).map { Array($0.plain.utf8) }
        } else if case .aaa? = profile.keyring, let keys = sa.aaaKeys {
            // The RADIUS server's keys (IKE/IKEAAAKeys.swift fetched them), the same fallback.
            choice.verifyKey = (keys.ikev2PasswordRemote ?? keys.ikev2PasswordLocal).map { Array($0.utf8) }
            choice.signKey = (keys.ikev2PasswordLocal ?? keys.ikev2PasswordRemote).map { Array($0.utf8) }
        }
        return choice
    }

    /// Authorizes the authenticated client and brings its session up; `answer` gets the IKE_AUTH
    /// answer's payloads (and what to do once it is sent), at once or when RADIUS has answered.
    func authorizeIKEClient(_ sa: IKESA, _ message: IKEMessage, choice: IKEProfileChoice, eapIdentity: String?,
                            ourAuth: [Payload], answer: @escaping ([Payload], (() -> Void)?) -> Void) {
        let uniqueId = sa.aaaUniqueId ?? sessions.allocateUniqueId()
        let endpoints = IKESessionEndpoints(local: sa.local, peer: sa.peer, ikev2SessionId: sa.ikev2SessionId, saId: sa.saId)
        let connect: (SessionAuthorization) -> Void = { [unowned self] authorization in
            // The SA may have timed out while RADIUS answered: then no session either.
            guard ike.sas[sa.responderSPI] === sa else { return }
            switch connectFlexVPNSession(choice.peer, authorization: authorization, uniqueId: uniqueId,
                                         userName: eapIdentity, ikeSA: endpoints) {
            case .failure(let reason):
                answer(refuseIKEClient(sa, reason), { [unowned self] in removeIKESA(sa) })
            case .success(let session):
                var payloads = ourAuth
                payloads += configurationReply(message, address: session.framedIP,
                                               dns: authorization.attributes.dnsServers ?? [])
                payloads += negotiateChild(sa, message, assigned: session.framedIP)
                answer(payloads, { [unowned self] in establish(sa, session: session, lifetime: choice.profile.lifetime,
                                                                      dpd: choice.profile.dpd) })
            }
        }
        if eapIdentity != nil {
            // EAP already asked the server; authorization is the local default policy's.
            var authorization = SessionAuthorization(profile: choice.profile.name, kind: .eap)
            if let policy = config.flexVPN.authorizationPolicy(named: "default") {
                authorization.attributes = AuthorizationAttributes(policy: policy)
            }
            connect(authorization)
            return
        }
        authorizeFlexVPNPeer(choice.peer, uniqueId: uniqueId, presharedKeyAccept: sa.aaaKeys) { [unowned self] result in
            switch result {
            case .authorized(let authorization): connect(authorization)
            case .rejected(let reason): answer(refuseIKEClient(sa, reason), { [unowned self] in removeIKESA(sa) })
            }
        }
    }

    private func refuseIKEClient(_ sa: IKESA, _ reason: FlexVPNRejection) -> [Payload] {
        ike.statistics.authenticationFailures += 1
        ike.statistics.rejectedRequests += 1
        if debug.cryptoIkev2 { debugLog("IKEv2:" + sa.debugIds + ":AAA authorization failed: " + reason.description) }
        return [.notify(NotifyPayload(type: .authenticationFailed))]
    }
}
