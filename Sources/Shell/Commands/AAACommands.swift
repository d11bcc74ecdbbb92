import Device
import RADIUS

extension IOSCommands {
    static var aaaCommands: [CommandDeclaration] {
        [
            CommandDeclaration([.config], "aaa new-model",
                               [HelpText.aaa, "Enable NEW access control commands and functions.(Disables OLD commands.)"],
                               no: 2) { ctx in
                ctx.device.config.aaaNewModel = ctx.form == .set
            },
            CommandDeclaration([.config], "aaa session-id {common | unique}",
                               [HelpText.aaa, "AAA Session ID", "Common session ID for all types of accounting",
                                "Unique session ID for each type of accounting"], no: 2, requiresAAA: true) { ctx in
                ctx.device.config.aaaSessionIdCommon = ctx.form != .set || ctx.has("common")
            },
            CommandDeclaration([.config], "aaa server radius dynamic-author",
                               [HelpText.aaa, "Local AAA server", "Local RADIUS AAA server",
                                "Local server profile for RFC 3576 support"], no: 4, requiresAAA: true) { ctx in
                if ctx.form == .set {
                    if ctx.device.config.dynamicAuthor == nil { ctx.device.config.dynamicAuthor = DynamicAuthorConfig() }
                    ctx.shell.enter(.dynamicAuthor)
                } else {
                    ctx.device.config.dynamicAuthor = nil
                }
            },
            CommandDeclaration([.config], "aaa group server radius WORD$group",
                               [HelpText.aaa, "AAA group definitions", "AAA Server group definitions",
                                "Radius server group definition", "Server group name"], no: 5, requiresAAA: true) { ctx in
                guard let name = ctx.string("group") else { return }
                if ctx.form == .set {
                    if ctx.device.config.radiusGroup(named: name) == nil {
                        ctx.device.config.radiusGroups.append(RadiusServerGroup(name: name))
                    }
                    ctx.shell.enter(.serverGroupRadius(name: name))
                } else {
                    ctx.device.config.radiusGroups.removeAll { $0.name == name }
                }
            },
            CommandDeclaration([.config], "aaa accounting network {default | WORD$list} start-stop group WORD$group",
                               [HelpText.aaa, "Accounting configurations parameters.",
                                "For network services.", "The default accounting list.", "Named Accounting list.",
                                "Record start and stop without waiting", "Use Server-group", "Server-group name"],
                               no: 3, requiresAAA: true) { ctx in
                let name = ctx.string("list") ?? "default"
                var lists = ctx.device.config.accountingNetwork
                let index = lists.firstIndex { $0.name == name }
                if ctx.form == .set, let group = ctx.string("group") {
                    let list = AAAMethodList(name: name, methods: [.group(group)])
                    if let index { lists[index] = list } else { lists.append(list) }
                } else if let index {
                    lists.remove(at: index)
                }
                ctx.device.config.accountingNetwork = lists
            },
            CommandDeclaration([.config], "aaa authorization network {default | WORD$list} {local | group WORD$group}",
                               [HelpText.aaa, "Authorization configurations parameters.",
                                "For network services.", "The default authorization list.", "Named authorization list.",
                                "Use local database.", "Use server-group.", "Server-group name"],
                               no: 3, requiresAAA: true) { ctx in
                let name = ctx.string("list") ?? "default"
                var lists = ctx.device.config.authorizationNetwork
                let index = lists.firstIndex { $0.name == name }
                if ctx.form == .set {
                    let method: AAAMethodList.Method = ctx.string("group").map { .group($0) } ?? .local
                    let list = AAAMethodList(name: name, methods: [method])
                    if let index { lists[index] = list } else { lists.append(list) }
                } else if let index {
                    lists.remove(at: index)
                }
                ctx.device.config.authorizationNetwork = lists
            },
            CommandDeclaration([.config], "radius server WORD$server",
                               ["RADIUS server configuration command", "Server configuration",
                                "Name for the radius server configuration"], no: 3) { ctx in
                guard let name = ctx.string("server") else { return }
                if ctx.form == .set {
                    if ctx.device.config.radiusServer(named: name) == nil {
                        ctx.device.config.radiusServers.append(RadiusServerConfig(name: name))
                    }
                    ctx.shell.enter(.radiusServer(name: name))
                } else {
                    ctx.device.config.radiusServers.removeAll { $0.name == name }
                }
            },
        ]
    }

    static var dynamicAuthorCommands: [CommandDeclaration] {
        func edit(_ ctx: CommandContext, _ change: (inout DynamicAuthorConfig) -> Void) {
            var das = ctx.device.config.dynamicAuthor ?? DynamicAuthorConfig()
            change(&das)
            ctx.device.config.dynamicAuthor = das
        }
        return [
            CommandDeclaration([.dynamicAuthor],
                               "client {Hostname$host | A.B.C.D$host} [vrf WORD$vrf] [server-key [0 | 6 | 7] LINE$key]",
                               ["Specify a RADIUS client", "Name of RADIUS client", "IP address of RADIUS client",
                                "Virtual Routing and Forwarding", "VPN Routing/Forwarding instance name",
                                "Specify a RADIUS client server-key", HelpText.key0, HelpText.key6, HelpText.key7,
                                "The UNENCRYPTED (cleartext) shared key"], no: 2) { ctx in
                guard let host = ctx.string("host") else { return }
                // One entry per address and VRF: the same address in two VRFs and in the global
                // table is three clients, and `no client A.B.C.D [vrf NAME]` removes the one named.
                let vrf = ctx.string("vrf")
                if ctx.form != .set {
                    edit(ctx) { $0.clients.removeAll { $0.host == host && $0.vrf == vrf } }
                    return
                }
                var key: ConfigSecret?
                if ctx.string("key") != nil {
                    guard let secret = ctx.secret("key") else { return }
                    key = secret
                }
                let client = DynamicAuthorClient(host: host, vrf: vrf, serverKey: key)
                edit(ctx) { das in
                    if let index = das.clients.firstIndex(where: { $0.host == host && $0.vrf == vrf }) {
                        das.clients[index] = client
                    } else {
                        das.clients.append(client)
                    }
                }
            },
            CommandDeclaration([.dynamicAuthor], "server-key [0 | 6 | 7] LINE$key",
                               ["Specify a RADIUS client server-key", HelpText.key0, HelpText.key6, HelpText.key7,
                                "The UNENCRYPTED (cleartext) shared key"], no: 1) { ctx in
                if ctx.form != .set { edit(ctx) { $0.serverKey = nil }; return }
                guard let secret = ctx.secret("key") else { return }
                edit(ctx) { $0.serverKey = secret }
            },
            CommandDeclaration([.dynamicAuthor], "port <0-65535>$port",
                               ["Radius server port (default is 1700)", "Port number"], no: 1) { ctx in
                let port = ctx.form == .set ? UInt16(ctx.int("port") ?? 1700) : DynamicAuthorConfig.defaultPort
                edit(ctx) { $0.port = port }
            },
            CommandDeclaration([.dynamicAuthor], "auth-type {all | any | session-key}",
                               ["Specify the server authorization type", "Matching all attributes",
                                "Matching any attribute", "Matching session-key attribute"], no: 1) { ctx in
                var type = DASAuthType.all
                if ctx.form == .set {
                    type = ctx.has("any") ? .any : ctx.has("session-key") ? .sessionKey : .all
                }
                edit(ctx) { $0.authType = type }
            },
            CommandDeclaration([.dynamicAuthor], "ignore {server-key | session-key | retransmission}",
                               ["Override behavior to ignore certain parameters", "Ignore server-key",
                                "Ignore session-key", "Ignore retransmission"], no: 2) { ctx in
                let on = ctx.form == .set
                edit(ctx) { das in
                    if ctx.has("server-key") { das.ignoreServerKey = on }
                    if ctx.has("session-key") { das.ignoreSessionKey = on }
                    if ctx.has("retransmission") { das.ignoreRetransmission = on }
                }
            },
            CommandDeclaration([.dynamicAuthor], "domain {delimiter DELIMITER$delimiter | stripping [right-to-left]}",
                               ["Username domain options", "Domain delimiter",
                                "Character used to delimit the domain: one of @ / $ % \\ # -",
                                "Domain stripping", "Terminate domain matching from right to left"], no: 2) { ctx in
                let on = ctx.form == .set
                edit(ctx) { das in
                    if ctx.has("delimiter") { das.domainDelimiter = on ? ctx.string("delimiter")?.first : nil }
                    if ctx.has("stripping") { das.domainStrippingRightToLeft = on ? ctx.has("right-to-left") : nil }
                }
            },
        ]
    }

    static var radiusServerCommands: [CommandDeclaration] {
        func edit(_ ctx: CommandContext, _ change: (inout RadiusServerConfig) -> Void) {
            guard case let .radiusServer(name) = ctx.shell.mode,
                  let index = ctx.device.config.radiusServers.firstIndex(where: { $0.name == name }) else { return }
            change(&ctx.device.config.radiusServers[index])
        }
        return [
            CommandDeclaration([.radiusServer],
                               "address ipv4 {Hostname$address | A.B.C.D$address} [auth-port <0-65534>$auth] [acct-port <0-65534>$acct]",
                               ["Specify the radius server address", "IPv4 address or Hostname for radius server",
                                "Name of radius server", "IPv4 address of radius server",
                                "UDP port for RADIUS authentication server (default is 1645)", "Port number",
                                "UDP port for RADIUS accounting server (default is 1646)", "Port number"], no: 2) { ctx in
                edit(ctx) { server in
                    if ctx.form != .set {
                        server.address = nil
                        server.authPort = RadiusServerConfig.defaultAuthPort
                        server.acctPort = RadiusServerConfig.defaultAcctPort
                        return
                    }
                    server.address = ctx.string("address")
                    server.authPort = ctx.int("auth").flatMap(UInt16.init(exactly:)) ?? RadiusServerConfig.defaultAuthPort
                    server.acctPort = ctx.int("acct").flatMap(UInt16.init(exactly:)) ?? RadiusServerConfig.defaultAcctPort
                }
            },
            CommandDeclaration([.radiusServer], "key [0 | 6 | 7] LINE$key",
                               ["Per-server encryption key", HelpText.key0, HelpText.key6, HelpText.key7,
                                "The UNENCRYPTED (cleartext) server key"], no: 1) { ctx in
                if ctx.form != .set { edit(ctx) { $0.key = nil }; return }
                guard let key = ctx.secret("key", warnType0: true) else { return }
                edit(ctx) { $0.key = key }
            },
            CommandDeclaration([.serverGroupRadius], "server name WORD$name",
                               ["Specify a RADIUS server", "Name of radius server", "Name of radius server"], no: 2) { ctx in
                guard case let .serverGroupRadius(group) = ctx.shell.mode, let name = ctx.string("name"),
                      let index = ctx.device.config.radiusGroups.firstIndex(where: { $0.name == group }) else { return }
                var names = ctx.device.config.radiusGroups[index].serverNames
                names.removeAll { $0 == name }
                if ctx.form == .set { names.append(name) }
                ctx.device.config.radiusGroups[index].serverNames = names
            },
        ]
    }

    static var labCommands: [CommandDeclaration] {
        [
            CommandDeclaration([.exec], "lab clock advance <0-31536000>$seconds [msec <0-999>$msec]",
                               [HelpText.lab, "Control the emulated clock", "Move the clock forward",
                                "Seconds to move forward", "And milliseconds", "Milliseconds to move forward"]) { ctx in
                let seconds = Double(ctx.int("seconds") ?? 0) + Double(ctx.int("msec") ?? 0) / 1000
                // On a manual clock the accounting timers (timeouts, retransmits) fire as it moves.
                if let scheduler = ctx.device.accounting.scheduler as? ManualScheduler {
                    scheduler.advance(by: seconds)
                } else {
                    ctx.device.advanceClock(by: seconds)
                }
            },
            CommandDeclaration([.exec], "lab radius-peer A.B.C.D$peer {respond | silent | bad-authenticator}",
                               [HelpText.lab, "How a simulated RADIUS server (a non-loopback address) answers",
                                "Address of the simulated server", "Answer every request (the default)",
                                "Never answer: shows timeouts, retransmits and fail-over",
                                "Answer with a wrong authenticator"]) { ctx in
                guard let peer = ctx.ipv4("peer") else { return }
                if peer.isLoopback {
                    ctx.print("% Lab: \(peer) is a loopback address: a real server answers there")
                    return
                }
                let behaviour: LabRADIUSPeers.Behaviour =
                    ctx.has("silent") ? .silent : ctx.has("bad-authenticator") ? .badAuthenticator : .respond
                ctx.device.accounting.labPeers.behaviours[peer] = behaviour
            },
            CommandDeclaration([.exec],
                               "lab radius-peer A.B.C.D$peer user WORD$user [password WORD$password | framed-ip A.B.C.D$framed | addr-pool WORD$pool | session-timeout <1-2147483647>$timeout | class WORD$class]*",
                               [HelpText.lab, "How a simulated RADIUS server (a non-loopback address) answers",
                                "Address of the simulated server",
                                "A user the server accepts, and its policy (replaces the user's earlier one)",
                                "User-Name of the Access-Request",
                                "The user's password (default cisco, what FlexVPN sends)", "The password",
                                "Reply with this Framed-IP-Address", "The address",
                                "Reply with ipsec:addr-pool (an ip local pool)", "Pool name",
                                "Reply with this Session-Timeout", "Seconds",
                                "Reply with this Class", "The Class text"]) { ctx in
                guard let peer = ctx.ipv4("peer"), let name = ctx.string("user") else { return }
                if peer.isLoopback {
                    ctx.print("% Lab: \(peer) is a loopback address: a real server answers there")
                    return
                }
                // The Accept's attributes in RFC order, then the Cisco AV-pair.
                var reply: [RADIUSAttribute] = []
                if let framed = ctx.ipv4("framed") { reply.append(.ipv4(RADIUSAttributeType.framedIPAddress, framed)) }
                if let timeout = ctx.int("timeout") {
                    reply.append(.integer(RADIUSAttributeType.sessionTimeout, UInt32(timeout)))
                }
                if let text = ctx.string("class") { reply.append(.string(RADIUSAttributeType.class, text)) }
                if let pool = ctx.string("pool") { reply.append(.ciscoAVPair("ipsec:addr-pool=" + pool)) }
                ctx.device.accounting.labPeers.users[peer, default: [:]][name] =
                    LabRADIUSPeers.User(password: ctx.string("password") ?? "cisco", reply: reply)
            },
        ]
    }
}
