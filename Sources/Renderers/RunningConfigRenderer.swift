import Device

/// `show running-config` and the startup-config text, rendered from the model in IOS XE's order.
public enum RunningConfigRenderer {
    public static let softwareVersion = "17.3"

    /// The configuration body, from `!` after the header to `end`, one element per line.
    /// `all` (`show running-config all`) adds the commands left at their defaults.
    public static func lines(_ device: Device, forStartup: Bool = false, all: Bool = false) -> [String] {
        var out: [String] = []
        body(device, forStartup: forStartup, all: all) { out.append($0) }
        return out
    }

    /// The configuration body, a line at a time (no line break).
    public static func body(_ device: Device, forStartup: Bool = false, all: Bool = false, emit: (String) -> Void) {
        let c = device.config
        emit("!")
        if let change = device.lastConfigChange {
            emit("! Last configuration change at \(device.changeStamp(change.time)) by \(change.by)")
        }
        if let saved = device.nvramStamp {
            emit("! NVRAM config last updated at \(saved)")
        }
        if device.lastConfigChange != nil || device.nvramStamp != nil { emit("!") }
        emit("version \(softwareVersion)")
        emit(timestampLine("debug", c.timestampsDebug))
        emit(timestampLine("log", c.timestampsLog))
        if c.servicePasswordEncryption {
            emit("service password-encryption")
        } else if all {
            emit("no service password-encryption")
        }
        ["!", "hostname \(c.hostname)", "!", "boot-start-marker", "boot-end-marker", "!", "!"].forEach(emit)
        if let size = c.loggingBufferedSize { emit("logging buffered \(size)") }
        if let secret = c.enableSecretStorage { emit("enable secret \(secret.type) \(secret.hash)") }
        if let password = c.enablePassword { emit("enable password " + secretText(password)) }
        emit("!")
        if c.passwordEncryptionAES { ["password encryption aes", "!"].forEach(emit) }
        if c.aaaNewModel {
            emit("aaa new-model")
            emit("!")
            for group in c.radiusGroups {
                emit("aaa group server radius \(group.name)")
                for name in group.serverNames { emit(" server name \(name)") }
                emit("!")
            }
            for list in c.authenticationLogin {
                emit("aaa authentication login \(list.name) " + list.methods.map(\.text).joined(separator: " "))
            }
            for list in c.authorizationExec {
                emit("aaa authorization exec \(list.name) " + methods(list.methods))
            }
            for list in c.authorizationNetwork {
                emit("aaa authorization network \(list.name) " + methods(list.methods))
            }
            if let update = c.accountingUpdate { emit(update.configText) }
            for list in c.accountingNetwork {
                emit("aaa accounting network \(list.name) start-stop " + methods(list.methods))
            }
            emit("!")
            if let das = c.dynamicAuthor {
                emit("aaa server radius dynamic-author")
                dynamicAuthorLines(das, all: all).forEach(emit)
                emit("!")
            }
            emit(c.aaaSessionIdCommon ? "aaa session-id common" : "aaa session-id unique")
        } else {
            emit("no aaa new-model")
        }
        if let tz = c.clockTimezone { emit("clock timezone \(tz.name) \(tz.hours) \(tz.minutes)") }
        emit("!")
        if !c.ipDomainLookup {
            emit("no ip domain lookup")
        } else if all {
            emit("ip domain lookup")
        }
        if let domain = c.domainName { emit("ip domain name \(domain)") }
        if !c.ipDomainLookup || all || c.domainName != nil { emit("!") }
        if c.loginOnFailureLog || c.loginOnSuccessLog {
            if c.loginOnFailureLog { emit("login on-failure log") }
            if c.loginOnSuccessLog { emit("login on-success log") }
            emit("!")
        }
        if !c.users.isEmpty {
            for user in c.users { emit(userLine(user)) }
            emit("!")
        }
        let flex = c.flexVPN
        if !flex.nameManglers.isEmpty || !flex.authorizationPolicies.isEmpty || !flex.keyrings.isEmpty
            || !flex.profiles.isEmpty || !flex.proposals.isEmpty || !flex.policies.isEmpty
            || !flex.transformSets.isEmpty || !flex.ipsecProfiles.isEmpty {
            FlexVPNRenderer.cryptoLines(flex, emit: emit)
            emit("!")
        }
        InterfaceRenderer.configLines(c.interfaces, emit: emit)
        FlexVPNRenderer.virtualTemplateLines(flex, emit: emit)
        if !flex.pools.isEmpty {
            FlexVPNRenderer.poolLines(flex, emit: emit)
            emit("!")
        }
        if !c.staticRoutes.isEmpty {
            c.staticRoutes.forEach { emit($0.configLine) }
            emit("!")
        }
        accessListLines(c).forEach(emit)
        if let source = c.radiusSourceInterface {
            emit("ip radius source-interface " + source)
            emit("!")
        }
        let ikeGlobals = FlexVPNRenderer.globalLines(c)
        if !ikeGlobals.isEmpty {
            ikeGlobals.forEach(emit)
            emit("!")
        }
        let ssh = sshLines(c.ssh, all: all)
        if !ssh.isEmpty {
            ssh.forEach(emit)
            emit("!")
        }
        for server in c.radiusServers {
            emit("radius server \(server.name)")
            if let address = server.address {
                emit(" address ipv4 \(address) auth-port \(server.authPort) acct-port \(server.acctPort)")
            }
            if let key = server.key { emit(" key " + secretText(key)) }
            emit("!")
        }
        emit("!")
        bannerLines(c.banners).forEach(emit)
        lineBlocks(c, all: all).forEach(emit)
        emit("!")
        emit("end")
    }

    /// A key as IOS shows it: type 7 once encrypted, else as typed.
    public static func secretText(_ secret: ConfigSecret) -> String {
        if let six = secret.type6 { return "6 " + six }
        if let seven = secret.type7 { return "7 " + seven }
        return secret.plain
    }

    static func dynamicAuthorLines(_ das: DynamicAuthorConfig, all: Bool = false) -> [String] {
        var out: [String] = []
        for client in das.clients {
            var line = " client \(client.host)"
            if let vrf = client.vrf { line += " vrf \(vrf)" }
            if let key = client.serverKey { line += " server-key " + secretText(key) }
            out.append(line)
        }
        if let key = das.serverKey { out.append(" server-key " + secretText(key)) }
        if das.port != DynamicAuthorConfig.defaultPort || all { out.append(" port \(das.port)") }
        if das.authType != .all || all { out.append(" auth-type \(das.authType.rawValue)") }
        if let delimiter = das.domainDelimiter { out.append(" domain delimiter \(delimiter)") }
        if let rtl = das.domainStrippingRightToLeft { out.append(rtl ? " domain stripping right-to-left" : " domain stripping") }
        if das.ignoreSessionKey { out.append(" ignore session-key") }
        if das.ignoreServerKey { out.append(" ignore server-key") }
        if das.ignoreRetransmission { out.append(" ignore retransmission") }
        return out
    }

    static func methods(_ methods: [AAAMethodList.Method]) -> String {
        methods.map {
            switch $0 {
            case .local: return "local"
            case let .group(name): return "group \(name)"
            }
        }.joined(separator: " ")
    }

    static func userLine(_ user: LocalUser) -> String {
        var line = "username \(user.name)"
        if let p = user.privilege { line += " privilege \(p)" }
        switch user.credential {
        case let .password(secret)?: line += " password " + (secret.type7.map { "7 " + $0 } ?? "0 " + secret.plain)
        case let .secret(type, hash)?: line += " secret \(type) \(hash)"
        case nil: break
        }
        return line
    }

    static func timestampLine(_ kind: String, _ service: TimestampService?) -> String {
        guard let service else { return "no service timestamps \(kind)" }
        switch service {
        case .uptime: return "service timestamps \(kind) uptime"
        case let .datetime(msec, localtime, showTimezone, year):
            var s = "service timestamps \(kind) datetime"
            if msec { s += " msec" }
            if localtime { s += " localtime" }
            if showTimezone { s += " show-timezone" }
            if year { s += " year" }
            return s
        }
    }

    /// `show running-config`, a line at a time: the header with the real byte count of what
    /// follows (a first pass counts, a second emits, so the text is never held whole).
    public static func showRunningConfig(_ device: Device, all: Bool = false, emit: (String) -> Void) {
        var bytes = 0
        body(device, all: all) { bytes += $0.utf8.count + 1 }
        emit("Building configuration...")
        emit("")
        emit("Current configuration : \(bytes) bytes")
        body(device, all: all, emit: emit)
    }

    /// `show running-config interface NAME`: that interface's block between `!` and `end`, with
    /// its byte count; false when the device has no such configured interface.
    public static func showRunningInterface(_ device: Device, name: String, emit: (String) -> Void) -> Bool {
        var block: [String] = []
        let c = device.config
        if let i = c.interfaces.first(where: { $0.name.lowercased() == name.lowercased() }) {
            InterfaceRenderer.configLines([i]) { block.append($0) }
        } else {
            let templates = c.flexVPN.virtualTemplates.filter { "virtual-template\($0.number)" == name.lowercased() }
            FlexVPNRenderer.virtualTemplateLines(templates) { block.append($0) }
        }
        guard !block.isEmpty else { return false }
        if block.last == "!" { block.removeLast() }
        let body = ["!"] + block + ["end"]
        emit("Building configuration...")
        emit("")
        emit("Current configuration : \(body.reduce(0) { $0 + $1.utf8.count + 1 }) bytes")
        body.forEach(emit)
        emit("")
        return true
    }
}
