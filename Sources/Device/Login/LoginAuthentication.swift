import RADIUS

// The login decision of a vty line, for every transport (telnet today, SSH too): what the line
// asks (`loginDialog`) and whether a user and password get in, at which privilege
// (`authenticateLogin`). Without `aaa new-model` the line's `login` decides (`login local`: the
// `username`s, `login`: the line's password). With it, the line's `login authentication LIST`
// or the `default` list (none configured: `local`, as IOS does) is tried method by method:
// `local`, `line`, `enable`, `none`, `group radius` / `group GROUP` (a RADIUS Access-Request,
// PAP). A method that cannot answer (no usernames, no line password, no enable secret, no server
// or no server answering) hands over to the next; a refusal ends the login (IOS's rule).
// `login on-success log` / `login on-failure log` log the outcome.

/// What a line asks before its session starts.
public enum LoginDialog: Equatable, Sendable {
    /// `no login` (or a method list starting with `none`): no question.
    case open
    /// `Password:` alone (the line's password).
    case password
    /// `Username:` then `Password:`.
    case usernamePassword
    /// `login` with no line password: nobody gets in (`Password required, but none set`).
    case passwordNotSet
}

/// A user let in: the name (nil after a line password) and the privilege level to start at.
public struct LoginGrant: Equatable, Sendable {
    public var user: String?
    public var privilege: Int
    public init(user: String?, privilege: Int) {
        self.user = user
        self.privilege = privilege
    }
}

public enum LoginVerdict: Equatable, Sendable {
    case granted(LoginGrant)
    /// Refused; `message` is what the line prints (`% Login invalid`, `% Authentication
    /// failed`), empty for a wrong line password (IOS says `% Bad passwords` after the last try).
    case denied(message: String)
}

/// One login attempt: who, from where, on which vty line and local port.
public struct LoginAttempt: Sendable {
    public var user: String?
    public var password: String
    public var vty: Int
    public var peer: String
    public var localPort: Int
    public init(user: String?, password: String, vty: Int, peer: String, localPort: Int) {
        self.user = user
        self.password = password
        self.vty = vty
        self.peer = peer
        self.localPort = localPort
    }
}

/// Access-Requests of logins in flight (`group` methods). Shares the accounting client's
/// transport, scheduler, timeout, retransmits and lab peers.
public final class LoginAuthState {
    /// The source port Access-Requests name in `debug radius` (`id 1645/7`).
    public var sourcePort: UInt16 = 1645
    var inFlight: [UInt8: PendingAccessRequest] = [:]
    var nextIdentifier: UInt8?
    /// The AAA unique id of the next login (`RADIUS(00000001)` in debug lines).
    var nextUniqueId: UInt32 = 1
    /// Access-Requests that timed out, and their retransmissions (to the same server).
    public internal(set) var timeouts = 0
    public internal(set) var retransmissions = 0
    /// Access-Requests sent and Accepts/Rejects received, for tests and statistics.
    public private(set) var requestsSent = 0
    public private(set) var accepts = 0
    public private(set) var rejects = 0
    public init() {}

    func noteSent() { requestsSent += 1 }
    func noteAnswer(accept: Bool) { if accept { accepts += 1 } else { rejects += 1 } }
}

/// One Access-Request from first send to answer or give-up: a vty login's, or a FlexVPN
/// session's authorization (FlexVPN/). The attributes are built per send, since the
/// User-Password is hidden under each server's secret and a fresh authenticator.
final class PendingAccessRequest: TimedRADIUSRequest {
    let servers: [AccountingServer]
    let uniqueId: UInt32
    /// `Orig. component type = Exec` (logins) or `VPN IPSEC` (sessions).
    let component: String
    let attributes: AccessRequestAttributes
    let completion: (RADIUSAccessResult) -> Void
    var serverIndex = 0
    var attempts = 0
    var identifier: UInt8 = 0
    /// The packet as last signed (bytes 4..<20: its Request Authenticator).
    var bytes: [UInt8] = []
    /// Transmissions so far (any server); moved on when answered, so a pending timeout is stale.
    var transmissions: UInt32 = 0
    /// When the current transmission left (device time), for the round-trip time.
    var sentAt: Double = 0

    init(servers: [AccountingServer], uniqueId: UInt32, component: String,
         attributes: @escaping AccessRequestAttributes,
         completion: @escaping (RADIUSAccessResult) -> Void) {
        self.servers = servers
        self.uniqueId = uniqueId
        self.component = component
        self.attributes = attributes
        self.completion = completion
    }

    var server: AccountingServer { servers[min(serverIndex, servers.count - 1)] }
    var tag: String { "RADIUS(" + hex8(uniqueId) + ")" }
}

/// Writes an Access-Request's attributes for one send: its Request Authenticator and the
/// server's secret (the User-Password is hidden under both). A Message-Authenticator written
/// (any value) is filled in when the packet is signed.
typealias AccessRequestAttributes = (_ packet: inout RADIUSPacketWriter, _ authenticator: [UInt8], _ secret: [UInt8]) -> Void

/// What an Access-Request learned.
public enum RADIUSAccessResult: Sendable {
    /// Access-Accept, with the packet's attributes.
    case accept(RADIUSPacket)
    case reject(RADIUSPacket)
    /// Access-Challenge (EAP): the next round's State and EAP-Message.
    case challenge(RADIUSPacket)
    /// No server answered (or none could be asked).
    case noResponse
}

extension Device {
    /// The method list a vty line logs in with under `aaa new-model`: its `login authentication
    /// LIST`, else `default`, else IOS's implicit `local`. nil: the line names a list that does
    /// not exist (every login fails).
    public func loginMethodList(vty number: Int) -> LoginMethodList? {
        let name = vtyConfig(number).loginAuthentication ?? "default"
        if let list = config.authenticationLogin.first(where: { $0.name == name }) { return list }
        return name == "default" ? LoginMethodList(name: "default", methods: [.local]) : nil
    }

    /// What vty `number` asks before its session starts.
    public func loginDialog(vty number: Int) -> LoginDialog {
        let line = vtyConfig(number)
        if config.aaaNewModel {
            guard let list = loginMethodList(vty: number) else { return .usernamePassword }
            if list.methods.first == LoginMethodList.Method.none { return .open }
            let passwordOnly = list.methods.allSatisfy { $0 == .line || $0 == .enable || $0 == .none }
            return passwordOnly ? .password : .usernamePassword
        }
        switch line.login {
        case .none: return .open
        case .password: return line.password == nil ? .passwordNotSet : .password
        case .local: return .usernamePassword
        }
    }

    /// Decides a login on vty `attempt.vty`; `completion` runs on the device's owner, at once or
    /// when a RADIUS server answered (or none did). Logs `%SEC_LOGIN` lines as configured.
    public func authenticateLogin(_ attempt: LoginAttempt, completion: @escaping (LoginVerdict) -> Void) {
        let finish: (LoginVerdict) -> Void = { [weak self] verdict in
            self?.logLoginOutcome(attempt, verdict)
            completion(verdict)
        }
        let line = vtyConfig(attempt.vty)
        let linePrivilege = line.privilegeLevel ?? 1
        guard config.aaaNewModel else {
            switch line.login {
            case .none:
                finish(.granted(LoginGrant(user: nil, privilege: linePrivilege)))
            case .password:
                if let password = line.password, password.plain == attempt.password {
                    finish(.granted(LoginGrant(user: nil, privilege: linePrivilege)))
                } else {
                    finish(.denied(message: ""))
                }
            case .local:
                if let name = attempt.user, let user = authenticateLocalUser(name, password: attempt.password) {
                    finish(.granted(LoginGrant(user: name, privilege: user.privilege ?? linePrivilege)))
                } else {
                    finish(.denied(message: "% Login invalid"))
                }
            }
            return
        }
        guard let list = loginMethodList(vty: attempt.vty) else {
            finish(.denied(message: "% Authentication failed"))
            return
        }
        runLoginMethods(list.methods[...], attempt, finish)
    }

    private func runLoginMethods(_ methods: ArraySlice<LoginMethodList.Method>, _ attempt: LoginAttempt,
                                 _ finish: @escaping (LoginVerdict) -> Void) {
        let failed = LoginVerdict.denied(message: "% Authentication failed")
        guard let method = methods.first else {
            finish(failed)
            return
        }
        let rest = methods.dropFirst()
        let line = vtyConfig(attempt.vty)
        switch method {
        case .none:
            finish(.granted(LoginGrant(user: attempt.user, privilege: execPrivilege(attempt.user, radius: nil, line: line))))
        case .local:
            // An empty local database cannot answer: the next method.
            guard !config.users.isEmpty else { return runLoginMethods(rest, attempt, finish) }
            if let name = attempt.user, authenticateLocalUser(name, password: attempt.password) != nil {
                finish(.granted(LoginGrant(user: name, privilege: execPrivilege(name, radius: nil, line: line))))
            } else {
                finish(failed)
            }
        case .line:
            guard let password = line.password else { return runLoginMethods(rest, attempt, finish) }
            finish(password.plain == attempt.password
                   ? .granted(LoginGrant(user: attempt.user, privilege: execPrivilege(attempt.user, radius: nil, line: line)))
                   : failed)
        case .enable:
            guard config.enableSecretStorage != nil || config.enablePassword != nil else {
                return runLoginMethods(rest, attempt, finish)
            }
            finish(enableSecretMatches(attempt.password)
                   ? .granted(LoginGrant(user: attempt.user, privilege: execPrivilege(attempt.user, radius: nil, line: line)))
                   : failed)
        case let .group(group):
            let servers = accountingServers(for: AAAMethodList(name: "login", methods: [.group(group)]))
            guard !servers.isEmpty, attempt.user != nil else { return runLoginMethods(rest, attempt, finish) }
            let uniqueId = loginAuth.nextUniqueId
            loginAuth.nextUniqueId &+= 1
            sendAccessRequest(servers: servers, uniqueId: uniqueId, component: "Exec",
                              attributes: { [unowned self] packet, authenticator, secret in
                                  for attribute in self.loginAccessAttributes(attempt, authenticator: authenticator,
                                                                              secret: secret) {
                                      packet.attribute(attribute)
                                  }
                              }) { [weak self] result in
                guard let self else { return }
                switch result {
                case let .accept(packet):
                    let privilege = packet.ciscoAVPair("shell:priv-lvl").flatMap { Int($0) }
                        .flatMap { (0...15).contains($0) ? $0 : nil }
                    let level = self.execPrivilege(attempt.user, radius: privilege, line: self.vtyConfig(attempt.vty))
                    finish(.granted(LoginGrant(user: attempt.user, privilege: level)))
                case .reject, .challenge:
                    finish(failed)
                case .noResponse:
                    self.runLoginMethods(rest, attempt, finish)
                }
            }
        }
    }

    /// The level a session starts at under `aaa new-model`: with `aaa authorization exec default
    /// local` the user's `privilege`, with `… group …` the server's `shell:priv-lvl`; else (or
    /// when they give none) the line's `privilege level`.
    func execPrivilege(_ user: String?, radius: Int?, line: LineConfig) -> Int {
        let linePrivilege = line.privilegeLevel ?? 1
        guard let list = config.authorizationExec.first(where: { $0.name == "default" }) else { return linePrivilege }
        for method in list.methods {
            switch method {
            case .local:
                if let user, let found = config.users[named: user] {
                    return found.privilege ?? linePrivilege
                }
            case .group:
                if let radius { return radius }
            }
        }
        return linePrivilege
    }

    func enableSecretMatches(_ typed: String) -> Bool {
        if let secret = config.enableSecretStorage {
            switch secret.type {
            case 5: return MD5Crypt.verify(typed, against: secret.hash)
            case 9: return CiscoScrypt.verify(typed, against: secret.hash)
            default: return false
            }
        }
        if let password = config.enablePassword { return password.plain == typed }
        return false
    }

    /// `%SEC_LOGIN-5-LOGIN_SUCCESS` / `%SEC_LOGIN-4-LOGIN_FAILED`, when configured.
    private func logLoginOutcome(_ attempt: LoginAttempt, _ verdict: LoginVerdict) {
        let who = "[user: \(attempt.user ?? "")] [Source: \(attempt.peer)] [localport: \(attempt.localPort)]"
        switch verdict {
        case .granted:
            guard config.loginOnSuccessLog else { return }
            syslog(facility: "SEC_LOGIN", severity: 5, mnemonic: "LOGIN_SUCCESS",
                   "Login Success \(who) at \(changeStamp(now))")
        case .denied:
            guard config.loginOnFailureLog else { return }
            syslog(facility: "SEC_LOGIN", severity: 4, mnemonic: "LOGIN_FAILED",
                   "Login failed \(who) [Reason: Login Authentication Failed] at \(changeStamp(now))")
        }
    }
}

// MARK: RADIUS Access-Request

extension Device {
    /// The attributes of a vty login's Access-Request (PAP).
    private func loginAccessAttributes(_ attempt: LoginAttempt, authenticator: [UInt8],
                                       secret: [UInt8]) -> [RADIUSAttribute] {
        var attributes: [RADIUSAttribute] = [
            .string(RADIUSAttributeType.userName, attempt.user ?? ""),
            .octets(RADIUSAttributeType.userPassword,
                    UserPassword.encrypt(Array(attempt.password.utf8), secret: secret, authenticator: authenticator)),
            .integer(RADIUSAttributeType.serviceType, 1),   // Login
            .integer(RADIUSAttributeType.nasPort, UInt32(attempt.vty + 1)),
            .string(87, "tty\(attempt.vty + 1)"),            // NAS-Port-Id
            .integer(RADIUSAttributeType.nasPortType, 5),    // Virtual
        ]
        if !attempt.peer.isEmpty { attributes.append(.string(RADIUSAttributeType.callingStationId, attempt.peer)) }
        attributes.append(.ipv4(RADIUSAttributeType.nasIPAddress, nasIPAddress))
        return attributes
    }

    /// Sends an Access-Request to the servers in fail-over order with accounting's timing
    /// (timeout, retransmits, fail-over, dead/alive) and `debug radius authentication` lines;
    /// `completion` runs on the device's owner with the answer, or `.noResponse`.
    func sendAccessRequest(servers: [AccountingServer], uniqueId: UInt32, component: String,
                           attributes: @escaping AccessRequestAttributes,
                           completion: @escaping (RADIUSAccessResult) -> Void) {
        let state = loginAuth
        // 256 requests waiting on servers at once: the next one is not asked (no response).
        guard !servers.isEmpty,
              let id = freeAccessIdentifier(from: state.nextIdentifier ?? UInt8(truncatingIfNeeded: random.next()))
        else {
            completion(.noResponse)
            return
        }
        state.nextIdentifier = id &+ 1
        let request = PendingAccessRequest(servers: servers, uniqueId: uniqueId, component: component,
                                           attributes: attributes, completion: completion)
        request.identifier = id
        state.inFlight[id] = request
        signAccessRequest(request)
        request.attempts = 1
        if debug.radiusAuthentication {
            let tag = request.tag
            var lines = [
                "RADIUS/ENCODE(" + hex8(request.uniqueId) + "):Orig. component type = " + component,
                tag + ": Config NAS IP: 0.0.0.0",
                tag + ": Config NAS IPv6: ::",
                tag + ": sending",
                "RADIUS/ENCODE: Best Local IP-Address " + nasIPAddress.description + " for Radius-Server "
                    + request.server.address.description,
                tag + ": Send Access-Request to " + request.server.address.description + ":"
                    + String(request.server.authPort) + " id " + String(state.sourcePort) + "/" + String(id)
                    + ", len " + String(request.bytes.count),
                RADIUSDebugLines.authenticator(request.bytes[4..<20]),
            ]
            lines.append(contentsOf: RADIUSDebugLines.attributes(request.bytes))
            lines.append(tag + ": Sending a IPv4 Radius Packet")
            lines.append(tag + ": Started " + String(Int(accounting.timeout.rounded())) + " sec timeout")
            debugLog(lines: lines)
        }
        transmitAccessRequest(request)
    }

    /// An identifier no Access-Request in flight holds, from `start` on. Logins, FlexVPN
    /// authorization and EAP share one socket, so one identifier space: nil when all 256 are
    /// taken (the request is not sent; searching on would never end).
    func freeAccessIdentifier(from start: UInt8) -> UInt8? {
        var id = start
        for _ in 0..<256 {
            if loginAuth.inFlight[id] == nil && ike.eapInFlight[id] == nil { return id }
            id &+= 1
        }
        return nil
    }

    /// A fresh Request Authenticator and the attributes under the current server's secret; a
    /// Message-Authenticator is filled in when the attributes carry one.
    private func signAccessRequest(_ request: PendingAccessRequest) {
        // Four random words, low byte first (one array, not one per word).
        var authenticator = [UInt8](repeating: 0, count: 16)
        for word in 0..<4 {
            let r = random.next()
            for i in 0..<4 { authenticator[word * 4 + i] = UInt8(truncatingIfNeeded: r >> (i * 8)) }
        }
        let secret = request.server.secret
        var writer = RADIUSPacketWriter(capacity: 256)
        request.attributes(&writer, authenticator, secret)
        var bytes = writer.finished(code: .accessRequest, identifier: request.identifier)
        bytes.withUnsafeMutableBytes { raw in
            for i in 0..<16 { raw[4 + i] = authenticator[i] }
            RADIUSAuth.fillMessageAuthenticator(inPlace: raw, key: request.server.messageAuthenticatorKey)
        }
        request.bytes = bytes
        loginAuth.noteSent()
    }

    private func transmitAccessRequest(_ request: PendingAccessRequest) {
        let server = request.server
        let state = loginAuth
        request.sentAt = now
        if server.address.isLoopback {
            accounting.transport?.send(request.bytes, to: server.address, port: server.authPort,
                                       sourcePort: state.sourcePort)
        } else if let reply = labPeerAccessAnswer(request.bytes, peer: server.address, secret: server.secret) {
            let latency = accounting.labPeers.latency
            if let scheduler = accounting.scheduler, latency > 0 {
                _ = scheduler.schedule(after: latency) { [weak self] in
                    self?.handleLoginResponse(reply, from: server.address, port: server.authPort)
                }
            } else {
                // No latency (a replay's clock): the answer at once, as accounting's lab peers.
                handleLoginResponse(reply, from: server.address, port: server.authPort)
                if state.inFlight[request.identifier] !== request { return }
            }
        }
        request.transmissions &+= 1
        guard let scheduler = accounting.scheduler else {
            // No timers (a bare device): nothing will answer later.
            if state.inFlight[request.identifier] === request {
                state.inFlight[request.identifier] = nil
                request.completion(.noResponse)
            }
            return
        }
        accessTimeouts.add(request, after: accounting.timeout, on: scheduler)
    }

    /// A simulated server (any non-loopback address): a user it was given with `lab radius-peer
    /// A.B.C.D user NAME …` is accepted with that password and its reply attributes (the server's
    /// policy); otherwise it accepts a user whose local `username` has that password (with
    /// `shell:priv-lvl` from its `privilege`) and rejects anyone else;
    /// `lab radius-peer A.B.C.D silent` keeps it quiet.
    private func labPeerAccessAnswer(_ bytes: [UInt8], peer: IPv4Address, secret: [UInt8]) -> [UInt8]? {
        let peers = accounting.labPeers
        guard let packet = try? RADIUSPacket.decode(bytes), packet.code == .accessRequest else { return nil }
        let behaviour = peers.behaviour(of: peer)
        if behaviour == .silent { return nil }
        let name = packet.first(RADIUSAttributeType.userName).map { String(decoding: $0.value, as: UTF8.self) } ?? ""
        let password = packet.first(RADIUSAttributeType.userPassword).flatMap {
            UserPassword.decrypt($0.value, secret: secret, authenticator: packet.authenticator)
        }.map { String(decoding: $0, as: UTF8.self) }
        var reply: RADIUSPacket
        if let peerUser = peers.users[peer]?[name] {
            let accepted = password == peerUser.password
            reply = RADIUSPacket(code: accepted ? .accessAccept : .accessReject, identifier: packet.identifier)
            if accepted { reply.attributes = peerUser.reply }
        } else {
            let user = password.flatMap { authenticateLocalUser(name, password: $0) }
            reply = RADIUSPacket(code: user == nil ? .accessReject : .accessAccept, identifier: packet.identifier)
            if let level = user?.privilege { reply.attributes.append(.ciscoAVPair("shell:priv-lvl=\(level)")) }
        }
        let key = behaviour == .badAuthenticator ? secret + Array("-wrong".utf8) : secret
        return RADIUSAuth.signReply(&reply, requestAuthenticator: packet.authenticator, secret: key)
    }

    func accessRequestTimedOut(_ request: PendingAccessRequest) {
        let state = loginAuth
        guard state.inFlight[request.identifier] === request else { return }
        state.timeouts += 1
        let old = request.server
        let idText = String(state.sourcePort) + "/" + String(request.identifier)
        var lines = [request.tag + ": Request timed out!"]
        let started = request.tag + ": Started " + String(Int(accounting.timeout.rounded())) + " sec timeout"
        if request.attempts <= accounting.retransmits {
            request.attempts += 1
            state.retransmissions += 1
            lines.append("RADIUS: Retransmit to " + old.debugName + " for id " + idText)
            lines.append(started)
            if debug.radiusAuthentication { debugLog(lines: lines) }
            transmitAccessRequest(request)
        } else if request.serverIndex + 1 < request.servers.count {
            request.serverIndex += 1
            request.attempts = 1
            signAccessRequest(request)
            lines.append("RADIUS: Fail-over to " + request.server.debugName + " for id " + idText)
            lines.append(started)
            if debug.radiusAuthentication { debugLog(lines: lines) }
            markDeadAndAlive(old)
            transmitAccessRequest(request)
        } else {
            lines.append("RADIUS: No response from " + old.debugName + " for id " + idText)
            lines.append("RADIUS/DECODE: parse response no app start; FAIL")
            lines.append("RADIUS/DECODE: parse response; FAIL")
            if debug.radiusAuthentication { debugLog(lines: lines) }
            markDeadAndAlive(old)
            state.inFlight[request.identifier] = nil
            request.completion(.noResponse)
        }
    }

    /// An Access-Accept or Access-Reject from `ip:port` (the accounting socket hands them here).
    public func handleLoginResponse(_ bytes: [UInt8], from ip: IPv4Address, port: UInt16) {
        let state = loginAuth
        guard bytes.count >= 20, let request = state.inFlight[bytes[1]], request.server.address == ip,
              request.server.authPort == port,
              let packet = try? RADIUSPacket.decode(bytes),
              packet.code == .accessAccept || packet.code == .accessReject || packet.code == .accessChallenge
        else { return }
        let length = Int(bytes[2]) << 8 | Int(bytes[3])
        let debugging = debug.radiusAuthentication
        var lines: [String] = []
        if debugging {
            lines = ["RADIUS: Received from id " + String(state.sourcePort) + "/" + String(packet.identifier) + " "
                     + ip.description + ":" + String(port) + ", " + packet.code.name + ", len " + String(length),
                     RADIUSDebugLines.authenticator(bytes[4..<20])]
        }
        let verified = bytes.withUnsafeBytes { raw in
            request.bytes.withUnsafeBytes { RADIUSAuth.verifyResponseAuthenticator(raw, request: $0, secret: request.server.secret) }
        }
        guard verified else {
            lines.append("RADIUS: response-authenticator decrypt fail, pak len " + String(length))
            lines.append("RADIUS: Response (" + String(packet.identifier) + ") failed decrypt")
            if debugging { debugLog(lines: lines) }
            return
        }
        if debugging {
            lines.append(contentsOf: RADIUSDebugLines.attributes(Array(bytes.prefix(length))))
            lines.append(request.tag + ": Received from id " + String(state.sourcePort) + "/" + String(packet.identifier))
            debugLog(lines: lines)
        }
        request.transmissions &+= 1   // its timeout is stale
        state.inFlight[request.identifier] = nil
        onRADIUSResponse?(.access, now - request.sentAt)
        switch packet.code {
        case .accessAccept:
            state.noteAnswer(accept: true)
            request.completion(.accept(packet))
        case .accessChallenge:
            request.completion(.challenge(packet))
        default:
            state.noteAnswer(accept: false)
            request.completion(.reject(packet))
        }
    }
}
