import RADIUS

// What a FlexVPN server does with AAA when a client connects, as the IKEv2 responder (or
// `lab session connect`) calls it:
//
//   1. `flexVPNProfile(for:)`: the first `crypto ikev2 profile` whose `match identity remote`
//      takes the peer.
//   2. `authorizeFlexVPNPeer(_:uniqueId:completion:)`: AAA pre-shared keys (`keyring aaa`) or EAP
//      (`aaa authentication eap`), then group authorization (`aaa authorization group psk|eap`),
//      then user authorization (`aaa authorization user psk|eap cached|list`). Each RADIUS step is
//      an Access-Request as FlexVPN sends it: User-Name (the name mangler's output, the name in
//      the profile, or the identity), User-Password `cisco` (PAP), Calling-Station-Id the peer,
//      Service-Type, NAS-IP-Address, Message-Authenticator — with accounting's timeouts,
//      retransmits and fail-over. A local method list (`aaa authorization network LIST local`)
//      reads `crypto ikev2 authorization policy NAME` instead.
//   3. `connectFlexVPNSession(_:authorization:uniqueId:)`: the address (Framed-IP-Address, else a
//      pool's next free address), the session, its accounting Start (with the Class) and timers.
//
// Precedence, as Cisco documents it for FlexVPN: user authorization attributes override group
// attributes, which override the local `default` authorization policy; Framed-IP-Address wins
// over a pool. `cached` user attributes are those of the authentication's Access-Accept (EAP or
// AAA pre-shared keys).

/// A client connecting: its IKEv2 identity (IDi), address, EAP identity when it authenticates
/// with EAP, and the profile when the caller already chose one.
public struct FlexVPNPeer: Sendable {
    public var identity: IKEv2Identity
    public var address: IPv4Address
    public var eapIdentity: String?
    /// The lab client's EAP password (EAP-MD5 answers to the server's challenge).
    public var eapPassword: String?
    public var profileName: String?
    public init(identity: IKEv2Identity, address: IPv4Address, eapIdentity: String? = nil, eapPassword: String? = nil,
                profileName: String? = nil) {
        self.identity = identity
        self.address = address
        self.eapIdentity = eapIdentity
        self.eapPassword = eapPassword
        self.profileName = profileName
    }
}

/// Why a client did not get a session.
public enum FlexVPNRejection: Error, Equatable, Sendable, CustomStringConvertible {
    case noProfile
    case unknownProfile(String)
    /// The method list a profile names is not configured (`aaa authorization network`).
    case noMethodList(String)
    /// The name mangler gave no name for this identity.
    case noName
    case accessReject(step: String)
    case noResponse(step: String)
    case eapUnsupported
    case noPool(String)
    case poolExhausted(String)
    case idInUse(String)
    /// `crypto ikev2 limit max-sa` was reached.
    case saLimit(Int)

    public var description: String {
        switch self {
        case .noProfile: return "no crypto ikev2 profile matches the peer's identity"
        case let .unknownProfile(name): return "crypto ikev2 profile \(name) does not exist"
        case let .noMethodList(list): return "method list \(list) is not configured"
        case .noName: return "the name mangler gives no name for the identity"
        case let .accessReject(step): return "Access-Reject (\(step))"
        case let .noResponse(step): return "no RADIUS server answered (\(step))"
        case .eapUnsupported: return "the server asked for an EAP method the lab client does not have"
        case let .noPool(name): return "ip local pool \(name) does not exist"
        case let .poolExhausted(name): return "ip local pool \(name) has no free address"
        case let .idInUse(text): return text
        case let .saLimit(limit): return "crypto ikev2 limit max-sa \(limit) reached"
        }
    }
}

public enum FlexVPNAuthorizationResult: Sendable {
    case authorized(SessionAuthorization)
    case rejected(FlexVPNRejection)
}

extension Device {
    /// The profile a peer lands on: the one it names, else the first whose match takes it.
    public func flexVPNProfile(for peer: FlexVPNPeer) -> Result<IKEv2Profile, FlexVPNRejection> {
        if let name = peer.profileName {
            guard let profile = config.flexVPN.profile(named: name) else { return .failure(.unknownProfile(name)) }
            return .success(profile)
        }
        guard let profile = config.flexVPN.profile(for: peer.identity, peer: peer.address) else {
            return .failure(.noProfile)
        }
        return .success(profile)
    }

    /// Runs the profile's AAA steps for a peer; `completion` runs on the device's owner, at once
    /// (local steps, lab peers) or when the RADIUS servers answered. `uniqueId` is the AAA unique
    /// id the session will have (`RADIUS(0000000B)` in the debug lines).
    /// `presharedKeyAccept`: the Access-Accept the responder already had for `keyring aaa` (its
    /// keys checked the peer's AUTH), so it is not asked again.
    public func authorizeFlexVPNPeer(_ peer: FlexVPNPeer, uniqueId: UInt32, presharedKeyAccept: AuthorizationAttributes? = nil,
                                     completion: @escaping (FlexVPNAuthorizationResult) -> Void) {
        let profile: IKEv2Profile
        switch flexVPNProfile(for: peer) {
        case let .success(p): profile = p
        case let .failure(reason):
            completion(.rejected(reason))
            return
        }
        let kind: IKEv2AAAKind = peer.eapIdentity != nil && profile.usesEAP ? .eap : .psk
        var authorization = SessionAuthorization(profile: profile.name, kind: kind)
        let base = defaultPolicyAttributes()
        let flow = AuthorizationFlow(peer: peer, uniqueId: uniqueId)
        // The steps below outlive this call (they run when a server answers): they keep only
        // what they use of the profile, not a copy of all of it.
        let userAuthorization = profile.userAuthorization.first(where: { $0.kind == kind })
        let groupAuthorization = profile.groupAuthorization.first(where: { $0.kind == kind })

        func fail(_ reason: FlexVPNRejection) { completion(.rejected(reason)) }

        // 3. user authorization, then done.
        func userStep(group: AuthorizationAttributes, cached: AuthorizationAttributes) {
            guard let user = userAuthorization else {
                authorization.attributes = base.overlaid(with: group)
                return completion(.authorized(authorization))
            }
            guard let list = user.list else {
                authorization.attributes = base.overlaid(with: group).overlaid(with: cached)
                return completion(.authorized(authorization))
            }
            let name = user.name ?? peer.eapIdentity ?? peer.identity.description
            radiusAuthorize(flow, list: list, name: name, step: "user authorization") { result in
                switch result {
                case let .failure(reason): fail(reason)
                case let .success(attributes):
                    authorization.aaaUserName = authorization.aaaUserName ?? name
                    authorization.attributes = base.overlaid(with: group).overlaid(with: attributes)
                    completion(.authorized(authorization))
                }
            }
        }

        // 2. group authorization.
        func groupStep(cached: AuthorizationAttributes) {
            guard let group = groupAuthorization else {
                return userStep(group: AuthorizationAttributes(), cached: cached)
            }
            let name: String
            if let manglerName = group.nameMangler {
                guard let mangled = config.flexVPN.nameMangler(named: manglerName)?
                    .mangle(peer.identity, eapIdentity: kind == .eap ? peer.eapIdentity : nil) else {
                    return fail(.noName)
                }
                name = mangled
            } else {
                name = group.name ?? (kind == .eap ? peer.eapIdentity ?? peer.identity.description : peer.identity.description)
            }
            guard let list = config.authorizationNetwork.first(where: { $0.name == group.list }) else {
                return fail(.noMethodList(group.list))
            }
            if list.methods.first == .local {
                // A local list reads the authorization policy of that name (none: no attributes).
                let local = config.flexVPN.authorizationPolicy(named: name).map(AuthorizationAttributes.init(policy:))
                    ?? AuthorizationAttributes()
                return userStep(group: local, cached: cached)
            }
            radiusAuthorize(flow, list: group.list, name: name, step: "group authorization") { result in
                switch result {
                case let .failure(reason): fail(reason)
                case let .success(attributes):
                    authorization.aaaUserName = name
                    userStep(group: attributes, cached: cached)
                }
            }
        }

        // 1. authentication through AAA: EAP, or AAA pre-shared keys.
        if kind == .eap, let list = profile.eapAuthenticationList, let eapIdentity = peer.eapIdentity {
            eapAuthenticate(flow, list: list, identity: eapIdentity) { result in
                switch result {
                case let .failure(reason): fail(reason)
                case let .success(attributes):
                    authorization.aaaUserName = eapIdentity
                    groupStep(cached: attributes)
                }
            }
        } else if kind == .psk, case let .aaa(list, manglerName)? = profile.keyring {
            if let presharedKeyAccept { return groupStep(cached: presharedKeyAccept) }
            guard let name = aaaKeyringName(peer.identity, nameMangler: manglerName) else { return fail(.noName) }
            radiusAuthorize(flow, list: list, name: name, step: "AAA pre-shared key") { result in
                switch result {
                case let .failure(reason): fail(reason)
                case let .success(attributes): groupStep(cached: attributes)
                }
            }
        } else {
            groupStep(cached: AuthorizationAttributes())
        }
    }

    /// What the AAA steps of one connect share.
    struct AuthorizationFlow {
        var peer: FlexVPNPeer
        var uniqueId: UInt32
    }

    /// The local `default` authorization policy's attributes (none: empty), which every
    /// authorization starts from; kept until the configuration changes.
    func defaultPolicyAttributes() -> AuthorizationAttributes {
        if let known = flexVPNSessions.defaultPolicy, known.configWrites == configWrites { return known.attributes }
        let attributes = storedConfig.flexVPN.authorizationPolicy(named: "default").map(AuthorizationAttributes.init(policy:))
            ?? AuthorizationAttributes()
        flexVPNSessions.defaultPolicy = (configWrites, attributes)
        return attributes
    }

    /// The servers of an `aaa authorization network LIST` (or `aaa authentication login LIST`).
    func authorizationServers(list name: String, login: Bool = false) -> [AccountingServer]? {
        let methods: [AAAMethodList.Method]
        if login {
            guard let list = config.authenticationLogin.first(where: { $0.name == name }) else { return nil }
            methods = list.methods.compactMap { if case let .group(g) = $0 { return .group(g) } else { return nil } }
        } else {
            guard let list = config.authorizationNetwork.first(where: { $0.name == name }) else { return nil }
            methods = list.methods
        }
        return accountingServers(for: AAAMethodList(name: name, methods: methods))
    }

    /// The name `keyring aaa LIST [name-mangler NAME]` asks RADIUS for: the mangler's output, or
    /// the identity itself; nil when the mangler gives none.
    func aaaKeyringName(_ identity: IKEv2Identity, nameMangler: String?) -> String? {
        guard let nameMangler else { return identity.description }
        return config.flexVPN.nameMangler(named: nameMangler)?.mangle(identity)
    }

    /// The password FlexVPN's AAA authorization requests carry.
    private static let flexVPNPassword = Array("cisco".utf8)

    /// One PAP Access-Request (`cisco`) for `name`; the Accept's attributes, or why not.
    func radiusAuthorize(_ flow: AuthorizationFlow, list: String, name: String, step: String,
                         completion: @escaping (Result<AuthorizationAttributes, FlexVPNRejection>) -> Void) {
        guard let servers = authorizationServers(list: list) else { return completion(.failure(.noMethodList(list))) }
        let peer = flow.peer
        sendAccessRequest(servers: servers, uniqueId: flow.uniqueId, component: "VPN IPSEC",
                          attributes: { [unowned self] packet, authenticator, secret in
                              packet.string(RADIUSAttributeType.userName, name)
                              packet.octets(RADIUSAttributeType.userPassword,
                                            UserPassword.encrypt(Self.flexVPNPassword, secret: secret,
                                                                 authenticator: authenticator))
                              packet.string(RADIUSAttributeType.callingStationId, peer.address.description)
                              packet.integer(RADIUSAttributeType.serviceType, 5)   // Outbound
                              packet.ipv4(RADIUSAttributeType.nasIPAddress, self.nasIPAddress)
                              packet.octets(RADIUSAttributeType.messageAuthenticator, RADIUSPacket.zeroAuthenticator)
                          }) { result in
            switch result {
            case let .accept(packet):
                switch AuthorizationAttributes.read(packet.attributes, strict: false) {
                case let .success(attributes): completion(.success(attributes))
                case .failure: completion(.failure(.accessReject(step: step + ": malformed Access-Accept")))
                }
            case .reject, .challenge: completion(.failure(.accessReject(step: step)))
            case .noResponse: completion(.failure(.noResponse(step: step)))
            }
        }
    }

    /// EAP through RADIUS for the lab client: EAP-Response/Identity, then EAP-MD5 answers to the
    /// server's challenges (with the peer's password), until Access-Accept or Access-Reject.
    private func eapAuthenticate(_ flow: AuthorizationFlow, list: String, identity: String,
                                 completion: @escaping (Result<AuthorizationAttributes, FlexVPNRejection>) -> Void) {
        guard let servers = authorizationServers(list: list, login: true) else {
            return completion(.failure(.noMethodList(list)))
        }
        let peer = flow.peer
        func round(eap: [UInt8], state: [UInt8]?, left: Int) {
            sendAccessRequest(servers: servers, uniqueId: flow.uniqueId, component: "VPN IPSEC",
                              attributes: { [unowned self] packet, _, _ in
                                  packet.string(RADIUSAttributeType.userName, identity)
                                  packet.integer(RADIUSAttributeType.serviceType, 1)   // Login
                                  packet.string(RADIUSAttributeType.callingStationId, peer.address.description)
                                  packet.ipv4(RADIUSAttributeType.nasIPAddress, self.nasIPAddress)
                                  packet.octets(RADIUSAttributeType.eapMessage, eap)
                                  if let state { packet.octets(RADIUSAttributeType.state, state) }
                                  packet.octets(RADIUSAttributeType.messageAuthenticator, RADIUSPacket.zeroAuthenticator)
                              }) { result in
                switch result {
                case let .accept(packet):
                    switch AuthorizationAttributes.read(packet.attributes, strict: false) {
                    case let .success(attributes): completion(.success(attributes))
                    case .failure: completion(.failure(.accessReject(step: "EAP")))
                    }
                case .reject: completion(.failure(.accessReject(step: "EAP")))
                case .noResponse: completion(.failure(.noResponse(step: "EAP")))
                case let .challenge(packet):
                    let request = packet.all(RADIUSAttributeType.eapMessage).flatMap(\.value)
                    // EAP-Request (1), id, length, type 4 (MD5-Challenge), value-size, value.
                    guard left > 0, request.count >= 6, request[0] == 1, let password = peer.eapPassword else {
                        return completion(.failure(.eapUnsupported))
                    }
                    let id = request[1]
                    let reply: [UInt8]
                    if request[4] == 4, request.count >= 6 + Int(request[5]) {
                        let challenge = Array(request[6..<(6 + Int(request[5]))])
                        let digest = EAPMD5.response(identifier: id, password: Array(password.utf8), challenge: challenge)
                        reply = [2, id, 0, UInt8(6 + digest.count), 4, UInt8(digest.count)] + digest
                    } else {
                        // Legacy-Nak (3) asking for MD5-Challenge (4).
                        reply = [2, id, 0, 6, 3, 4]
                    }
                    round(eap: reply, state: packet.first(RADIUSAttributeType.state)?.value, left: left - 1)
                }
            }
        }
        let identityBytes = Array(identity.utf8)
        let response: [UInt8] = [2, 0, UInt8((5 + identityBytes.count) >> 8), UInt8((5 + identityBytes.count) & 0xFF), 1]
            + identityBytes
        round(eap: response, state: nil, left: 4)
    }
}
