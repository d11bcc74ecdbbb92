import Device

/// `show running-config` and the startup-config text, rendered from the model in IOS XE's order.
public enum RunningConfigRenderer {
    public static let softwareVersion = "17.3"

    /// The configuration body, from `!` after the header to `end`, one element per line.
    public static func lines(_ device: Device, forStartup: Bool = false) -> [String] {
        let c = device.config
        var out: [String] = ["!"]
        if let change = device.lastConfigChange {
            out.append("! Last configuration change at \(device.changeStamp(change.time)) by \(change.by)")
        }
        if let saved = device.nvramStamp {
            out.append("! NVRAM config last updated at \(saved)")
        }
        if device.lastConfigChange != nil || device.nvramStamp != nil { out.append("!") }
        out.append("version \(softwareVersion)")
        out.append(timestampLine("debug", c.timestampsDebug))
        out.append(timestampLine("log", c.timestampsLog))
        if c.servicePasswordEncryption { out.append("service password-encryption") }
        out += ["!", "hostname \(c.hostname)", "!", "boot-start-marker", "boot-end-marker", "!", "!"]
        if let size = c.loggingBufferedSize { out.append("logging buffered \(size)") }
        if let secret = c.enableSecretStorage { out.append("enable secret \(secret.type) \(secret.hash)") }
        if let password = c.enablePassword { out.append("enable password " + secretText(password)) }
        out.append("!")
        if c.passwordEncryptionAES { out += ["password encryption aes", "!"] }
        if c.aaaNewModel {
            out.append("aaa new-model")
            out.append("!")
            for group in c.radiusGroups {
                out.append("aaa group server radius \(group.name)")
                for name in group.serverNames { out.append(" server name \(name)") }
                out.append("!")
            }
            for list in c.authorizationNetwork {
                out.append("aaa authorization network \(list.name) " + methods(list.methods))
            }
            for list in c.accountingNetwork {
                out.append("aaa accounting network \(list.name) start-stop " + methods(list.methods))
            }
            out.append("!")
            if let das = c.dynamicAuthor {
                out.append("aaa server radius dynamic-author")
                out += dynamicAuthorLines(das)
                out.append("!")
            }
            out.append(c.aaaSessionIdCommon ? "aaa session-id common" : "aaa session-id unique")
        } else {
            out.append("no aaa new-model")
        }
        if let tz = c.clockTimezone { out.append("clock timezone \(tz.name) \(tz.hours) \(tz.minutes)") }
        out.append("!")
        if !c.ipDomainLookup { out += ["no ip domain lookup", "!"] }
        if !c.users.isEmpty {
            for user in c.users { out.append(userLine(user)) }
            out.append("!")
        }
        for server in c.radiusServers {
            out.append("radius server \(server.name)")
            if let address = server.address {
                out.append(" address ipv4 \(address) auth-port \(server.authPort) acct-port \(server.acctPort)")
            }
            if let key = server.key { out.append(" key " + secretText(key)) }
            out.append("!")
        }
        out.append("!")
        out.append("end")
        return out
    }

    /// A key as IOS shows it: type 7 once encrypted, else as typed.
    public static func secretText(_ secret: ConfigSecret) -> String {
        if let six = secret.type6 { return "6 " + six }
        if let seven = secret.type7 { return "7 " + seven }
        return secret.plain
    }

    static func dynamicAuthorLines(_ das: DynamicAuthorConfig) -> [String] {
        var out: [String] = []
        for client in das.clients {
            var line = " client \(client.host)"
            if let vrf = client.vrf { line += " vrf \(vrf)" }
            if let key = client.serverKey { line += " server-key " + secretText(key) }
            out.append(line)
        }
        if let key = das.serverKey { out.append(" server-key " + secretText(key)) }
        if das.port != DynamicAuthorConfig.defaultPort { out.append(" port \(das.port)") }
        if das.authType != .all { out.append(" auth-type \(das.authType.rawValue)") }
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

    /// The complete `show running-config` text: header with the real byte count of what follows.
    public static func showRunningConfig(_ device: Device) -> String {
        let body = lines(device).map { $0 + "\n" }.joined()
        return "Building configuration...\n\nCurrent configuration : \(body.utf8.count) bytes\n" + body
    }
}
