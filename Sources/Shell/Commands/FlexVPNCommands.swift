import Device
import RADIUS
import Renderers

// The FlexVPN server's configuration commands (IOS XE syntax): `crypto ikev2 profile`, `keyring`,
// `name-mangler`, `authorization policy`, `ip local pool`, `interface Virtual-Template N type
// tunnel`, `aaa accounting update`, and their `show` commands.

extension IOSCommands {
    private static func editFlexVPN(_ ctx: CommandContext, _ change: (inout FlexVPNConfig) -> Void) {
        change(&ctx.device.config.flexVPN)
    }

    /// Adds or removes a named block, keeping creation order; returns whether it exists afterwards.
    private static func upsert<T>(_ list: inout [T], name: String, key: KeyPath<T, String>, make: () -> T,
                                  remove: Bool) {
        if remove {
            list.removeAll { $0[keyPath: key] == name }
        } else if !list.contains(where: { $0[keyPath: key] == name }) {
            list.append(make())
        }
    }

    static var flexVPNGlobalCommands: [CommandDeclaration] {
        let crypto = ["Encryption module", "Configure IKEv2"]
        return [
            CommandDeclaration([.config], "crypto ikev2 profile WORD$profile",
                               crypto + ["Define IKEv2 Profiles", "Profile name"], no: 4) { ctx in
                guard let name = ctx.string("profile") else { return }
                editFlexVPN(ctx) { upsert(&$0.profiles, name: name, key: \.name, make: { IKEv2Profile(name: name) },
                                          remove: ctx.form != .set) }
                if ctx.form == .set { ctx.shell.enter(.ikev2Profile(name: name)) }
            },
            CommandDeclaration([.config], "crypto ikev2 keyring WORD$keyring",
                               crypto + ["Define IKEv2 Keyrings", "Keyring name"], no: 4) { ctx in
                guard let name = ctx.string("keyring") else { return }
                editFlexVPN(ctx) { upsert(&$0.keyrings, name: name, key: \.name, make: { IKEv2Keyring(name: name) },
                                          remove: ctx.form != .set) }
                if ctx.form == .set { ctx.shell.enter(.ikev2Keyring(name: name)) }
            },
            CommandDeclaration([.config], "crypto ikev2 name-mangler WORD$mangler",
                               crypto + ["Define name mangler", "Name mangler name"], no: 4) { ctx in
                guard let name = ctx.string("mangler") else { return }
                editFlexVPN(ctx) { upsert(&$0.nameManglers, name: name, key: \.name,
                                          make: { IKEv2NameMangler(name: name) }, remove: ctx.form != .set) }
                if ctx.form == .set { ctx.shell.enter(.ikev2NameMangler(name: name)) }
            },
            CommandDeclaration([.config], "crypto ikev2 authorization policy WORD$policy",
                               crypto + ["Configure IKEv2 Authorization", "Define IKEv2 Authorization Policy",
                                         "Authorization policy name"], no: 5) { ctx in
                guard let name = ctx.string("policy") else { return }
                editFlexVPN(ctx) { upsert(&$0.authorizationPolicies, name: name, key: \.name,
                                          make: { IKEv2AuthorizationPolicy(name: name) }, remove: ctx.form != .set) }
                if ctx.form == .set { ctx.shell.enter(.ikev2AuthorizationPolicy(name: name)) }
            },
            CommandDeclaration([.config], "ip local pool WORD$pool A.B.C.D$first [A.B.C.D$last]",
                               ["Global IP configuration subcommands", "Specify local options",
                                "IP Local address pool lists", "Name of this pool",
                                "First IP address of range", "Last IP address of range"], no: 4) { ctx in
                guard let name = ctx.string("pool") else { return }
                if ctx.form != .set {
                    // `no ip local pool NAME` removes the pool; with a range, only that range.
                    guard let first = ctx.ipv4("first") else {
                        editFlexVPN(ctx) { $0.pools.removeAll { $0.name == name } }
                        return
                    }
                    editFlexVPN(ctx) { config in
                        guard let i = config.pools.firstIndex(where: { $0.name == name }) else { return }
                        config.pools[i].ranges.removeAll { $0.first == first }
                        if config.pools[i].ranges.isEmpty { config.pools.remove(at: i) }
                    }
                    return
                }
                guard let first = ctx.ipv4("first") else { return }
                let last = ctx.ipv4("last") ?? first
                guard last >= first else {
                    ctx.reject("%IP pool \(name): last address (\(last)) is less than first address (\(first))")
                    return
                }
                let range = LocalAddressPool.Range(first: first, last: last)
                // IOS refuses a range overlapping one of any pool.
                for pool in ctx.device.config.flexVPN.pools {
                    for r in pool.ranges where r.first <= last && first <= r.last {
                        ctx.reject("%IP pool \(name): overlaps with pool \(pool.name) range \(r.first) to \(r.last)")
                        return
                    }
                }
                editFlexVPN(ctx) { config in
                    if let i = config.pools.firstIndex(where: { $0.name == name }) {
                        config.pools[i].ranges.append(range)
                    } else {
                        var pool = LocalAddressPool(name: name)
                        pool.ranges = [range]
                        config.pools.append(pool)
                    }
                }
            },
            CommandDeclaration([.config], "interface \\Virtual-Template <1-65535>$vt type tunnel",
                               ["Select an interface to configure", "Virtual Template interface",
                                "Virtual-Template interface number", "type of the virtual-template",
                                "Tunnel interface"], no: 3) { ctx in
                guard let number = ctx.int("vt") else { return }
                editFlexVPN(ctx) { config in
                    if ctx.form != .set {
                        config.virtualTemplates.removeAll { $0.number == number }
                    } else if !config.virtualTemplates.contains(where: { $0.number == number }) {
                        config.virtualTemplates.append(VirtualTemplate(number: number))
                        config.virtualTemplates.sort { $0.number < $1.number }
                    }
                }
                if ctx.form == .set { ctx.shell.enter(.virtualTemplate(number: number)) }
            },
            CommandDeclaration([.config],
                               "aaa accounting update {newinfo$newinfo [periodic$np <1-71582>$nminutes] | periodic$pp <1-71582>$pminutes}",
                               [HelpText.aaa, "Accounting configurations parameters.", "Enable accounting update records",
                                "Only send accounting update records when we have new acct info. (For periodic use 'periodic' keyword)",
                                "Periodic intervals to send accounting update records(in minutes)",
                                "Periodic intervals to send accounting update records(in minutes)",
                                "Periodic intervals to send accounting update records(in minutes)",
                                "Periodic intervals to send accounting update records(in minutes)"],
                               no: 3, requiresAAA: true) { ctx in
                guard ctx.form == .set else {
                    ctx.device.config.accountingUpdate = nil
                    return
                }
                ctx.device.config.accountingUpdate = AccountingUpdateConfig(
                    newinfo: ctx.has("newinfo"), periodicMinutes: ctx.int("nminutes") ?? ctx.int("pminutes"))
            },
            CommandDeclaration([.exec], "show crypto ikev2 profile [WORD$name]",
                               [HelpText.show, "Encryption module", "Shows ikev2 information",
                                "Shows ikev2 profiles", "Profile name"], pipe: true) { ctx in
                let name = ctx.string("name")
                if let name, ctx.device.config.flexVPN.profile(named: name) == nil {
                    ctx.print("% IKEv2 profile \(name) does not exist")
                    return
                }
                FlexVPNRenderer.showProfiles(ctx.device, name: name) { ctx.print($0) }
            },
            CommandDeclaration([.exec], "show ip local pool [WORD$name]",
                               [HelpText.show, "IP information", "IP local options", "IP local address pool statistics",
                                "Name of pool"], pipe: true) { ctx in
                let name = ctx.string("name")
                if let name, ctx.device.config.flexVPN.pool(named: name) == nil {
                    ctx.print("%Pool \(name) does not exist")
                    return
                }
                FlexVPNRenderer.showPools(ctx.device, name: name) { ctx.print($0) }
            },
        ]
    }

    static var ikev2ProfileCommands: [CommandDeclaration] {
        func edit(_ ctx: CommandContext, _ change: (inout IKEv2Profile) -> Void) {
            guard case let .ikev2Profile(name) = ctx.shell.mode,
                  let i = ctx.device.config.flexVPN.profiles.firstIndex(where: { $0.name == name }) else { return }
            change(&ctx.device.config.flexVPN.profiles[i])
        }
        let kind = { (ctx: CommandContext, prefix: String) -> IKEv2AAAKind in
            ctx.has(prefix + "eap") ? .eap : ctx.has(prefix + "cert") ? .cert : .psk
        }
        return [
            CommandDeclaration([.ikev2Profile],
                               "match identity remote {any$any | fqdn$fq [domain$fqdomain] WORD$fqdn | email$em [domain$emdomain] WORD$email | address$ad A.B.C.D$addr [A.B.C.D$mask]}",
                               ["Match values of peer", "IKE Identity", "Remote identity", "match any peer identity",
                                "Fully qualified domain name", "Match the domain part of the FQDN", "Specify the FQDN",
                                "E-mail address", "Match the domain part of the e-mail address", "Specify the e-mail address",
                                "IP address", "IPv4 address", "IPv4 mask"], no: 3) { ctx in
                var match: IKEv2IdentityMatch?
                if ctx.has("any") {
                    match = .any
                } else if let name = ctx.string("fqdn") {
                    match = .fqdn(name, domain: ctx.has("fqdomain"))
                } else if let name = ctx.string("email") {
                    match = .email(name, domain: ctx.has("emdomain"))
                } else if let address = ctx.ipv4("addr") {
                    match = .address(address, mask: ctx.ipv4("mask"))
                }
                edit(ctx) { profile in
                    if ctx.form != .set {
                        if let match { profile.matchIdentities.removeAll { $0 == match } } else { profile.matchIdentities = [] }
                    } else if let match, !profile.matchIdentities.contains(match) {
                        profile.matchIdentities.append(match)
                    }
                }
            },
            CommandDeclaration([.ikev2Profile],
                               "identity local {fqdn WORD$fqdn | email WORD$email | address A.B.C.D$addr | key-id WORD$keyid}",
                               ["Specify the identity to use", "Local identity", "Fully qualified domain name",
                                "Specify the FQDN", "E-mail address", "Specify the e-mail address", "IP address",
                                "IPv4 address", "Key id", "Specify the key id"], no: 2) { ctx in
                edit(ctx) { $0.localIdentity = ctx.form == .set ? identityArgument(ctx) : nil }
            },
            CommandDeclaration([.ikev2Profile],
                               "authentication remote {pre-share$psk | rsa-sig$rsa | eap$eap [query-identity$query | timeout$to <45-180>$timeout]*}",
                               ["Set authentication method", "Remote peer authentication method",
                                "Pre-Shared Key", "Rivest-Shamir-Adleman Signature", "Extensible Authentication Protocol",
                                "Query EAP identity", "Set EAP timeout", "EAP timeout in seconds"], no: 2) { ctx in
                let method: IKEv2AuthMethod? = ctx.has("psk") ? .preShare : ctx.has("rsa") ? .rsaSig
                    : ctx.has("eap") ? .eap(queryIdentity: ctx.has("query"), timeout: ctx.int("timeout")) : nil
                edit(ctx) { profile in
                    func sameKind(_ a: IKEv2AuthMethod, _ b: IKEv2AuthMethod) -> Bool { a.showText == b.showText }
                    if ctx.form != .set {
                        if let method { profile.remoteAuthentication.removeAll { sameKind($0, method) } }
                        else { profile.remoteAuthentication = [] }
                    } else if let method {
                        if let i = profile.remoteAuthentication.firstIndex(where: { sameKind($0, method) }) {
                            profile.remoteAuthentication[i] = method
                        } else {
                            profile.remoteAuthentication.append(method)
                        }
                    }
                }
            },
            CommandDeclaration([.ikev2Profile], "authentication local {pre-share$psk | rsa-sig$rsa}",
                               ["Set authentication method", "Local authentication method",
                                "Pre-Shared Key", "Rivest-Shamir-Adleman Signature"], no: 2) { ctx in
                edit(ctx) { $0.localAuthentication = ctx.form != .set ? nil : ctx.has("rsa") ? .rsaSig : .preShare }
            },
            CommandDeclaration([.ikev2Profile], "keyring {local$local WORD$kr | aaa$aaa WORD$list [name-mangler WORD$mangler]}",
                               ["Specify keyring to use", "Use local keyring", "Keyring name",
                                "Use AAA keyring", "AAA list name", "Specify name mangler", "Name mangler name"],
                               no: 1) { ctx in
                edit(ctx) { profile in
                    if ctx.form != .set {
                        profile.keyring = nil
                    } else if let name = ctx.string("kr") {
                        profile.keyring = .local(name)
                    } else if let list = ctx.string("list") {
                        profile.keyring = .aaa(list: list, nameMangler: ctx.string("mangler"))
                    }
                }
            },
            CommandDeclaration([.ikev2Profile], "aaa authentication eap WORD$list",
                               ["AAA configuration", "AAA authentication", "EAP authentication",
                                "AAA authentication list name"], no: 3) { ctx in
                edit(ctx) { $0.eapAuthenticationList = ctx.form == .set ? ctx.string("list") : nil }
            },
            CommandDeclaration([.ikev2Profile],
                               "aaa authorization group {psk$gpsk | eap$geap | cert$gcert} list WORD$list [name-mangler$nm WORD$mangler | WORD$name]",
                               ["AAA configuration", "AAA authorization", "Group authorization",
                                "Pre-shared key authentication", "EAP authentication", "Certificate authentication",
                                "AAA method list", "AAA list name", "Specify name mangler", "Name mangler name",
                                "AAA username"], no: 4) { ctx in
                let k = kind(ctx, "g")
                edit(ctx) { profile in
                    profile.groupAuthorization.removeAll { $0.kind == k }
                    guard ctx.form == .set, let list = ctx.string("list") else { return }
                    profile.groupAuthorization.append(IKEv2GroupAuthorization(
                        kind: k, list: list, name: ctx.string("name"), nameMangler: ctx.string("mangler")))
                    profile.groupAuthorization.sort { $0.kind.order < $1.kind.order }
                }
            },
            CommandDeclaration([.ikev2Profile],
                               "aaa authorization user {psk$upsk | eap$ueap | cert$ucert} {cached$cached | list$l WORD$list [WORD$name]}",
                               ["AAA configuration", "AAA authorization", "User authorization",
                                "Pre-shared key authentication", "EAP authentication", "Certificate authentication",
                                "Use the attributes received during authentication", "AAA method list",
                                "AAA list name", "AAA username"], no: 4) { ctx in
                let k = kind(ctx, "u")
                edit(ctx) { profile in
                    profile.userAuthorization.removeAll { $0.kind == k }
                    guard ctx.form == .set else { return }
                    profile.userAuthorization.append(IKEv2UserAuthorization(
                        kind: k, list: ctx.has("cached") ? nil : ctx.string("list"), name: ctx.string("name")))
                    profile.userAuthorization.sort { $0.kind.order < $1.kind.order }
                }
            },
            CommandDeclaration([.ikev2Profile], "aaa accounting {psk$apsk | eap$aeap | cert$acert} WORD$list",
                               ["AAA configuration", "AAA accounting", "Pre-shared key authentication",
                                "EAP authentication", "Certificate authentication", "AAA list name"], no: 3) { ctx in
                let k = kind(ctx, "a")
                edit(ctx) { $0.accounting[k] = ctx.form == .set ? ctx.string("list") : nil }
            },
            CommandDeclaration([.ikev2Profile], "pki trustpoint WORD$tp [sign$sign | verify$verify]",
                               ["Specify PKI trustpoints", "Specify trustpoints", "trustpoint name",
                                "Use this trustpoint for signing only", "Use this trustpoint for verification only"],
                               no: 2) { ctx in
                guard let name = ctx.string("tp") else { return }
                let usage: IKEv2Trustpoint.Usage? = ctx.has("sign") ? .sign : ctx.has("verify") ? .verify : nil
                edit(ctx) { profile in
                    profile.trustpoints.removeAll { $0.name == name && (ctx.form == .set || usage == nil || $0.usage == usage) }
                    if ctx.form == .set { profile.trustpoints.append(IKEv2Trustpoint(name: name, usage: usage)) }
                }
            },
            CommandDeclaration([.ikev2Profile], "virtual-template <1-65535>$vt",
                               ["Specify the virtual-template for dynamic interface creation",
                                "Virtual-template number"], no: 1) { ctx in
                edit(ctx) { $0.virtualTemplate = ctx.form == .set ? ctx.int("vt") : nil }
            },
            CommandDeclaration([.ikev2Profile], "dpd <10-3600>$interval <2-60>$retry {on-demand$od | periodic$per}",
                               ["Enable IKE liveness check for peers", "DPD interval in seconds",
                                "Retry interval in seconds when there is no reply from peer",
                                "Send DPD only when there is no incoming traffic",
                                "Send DPD periodically at the configured interval"], no: 1) { ctx in
                edit(ctx) { profile in
                    guard ctx.form == .set, let interval = ctx.int("interval"), let retry = ctx.int("retry") else {
                        profile.dpd = nil
                        return
                    }
                    profile.dpd = IKEv2DPD(interval: interval, retry: retry, periodic: ctx.has("per"))
                }
            },
            CommandDeclaration([.ikev2Profile], "lifetime <120-86400>$lifetime",
                               ["Specify lifetime for IKE SAs", "Lifetime in seconds"], no: 1) { ctx in
                edit(ctx) { $0.lifetime = ctx.form == .set ? ctx.int("lifetime") ?? IKEv2Profile.defaultLifetime
                                                          : IKEv2Profile.defaultLifetime }
            },
            CommandDeclaration([.ikev2Profile], "exit", ["Exit from IKEv2 profile configuration mode"]) { ctx in
                ctx.shell.enter(.config)
            },
        ]
    }

    /// `{fqdn WORD$fqdn | email WORD$email | address A.B.C.D$addr | key-id WORD$keyid}`.
    private static func identityArgument(_ ctx: CommandContext) -> IKEv2Identity? {
        if let s = ctx.string("fqdn") { return .fqdn(s) }
        if let s = ctx.string("email") { return .email(s) }
        if let a = ctx.ipv4("addr") { return .address(a) }
        if let s = ctx.string("keyid") { return .keyId(s) }
        return nil
    }

    static var ikev2KeyringCommands: [CommandDeclaration] {
        func edit(_ ctx: CommandContext, _ change: (inout IKEv2KeyringPeer) -> Void) {
            guard case let .ikev2KeyringPeer(keyring, peer) = ctx.shell.mode,
                  let k = ctx.device.config.flexVPN.keyrings.firstIndex(where: { $0.name == keyring }),
                  let p = ctx.device.config.flexVPN.keyrings[k].peers.firstIndex(where: { $0.name == peer }) else { return }
            change(&ctx.device.config.flexVPN.keyrings[k].peers[p])
        }
        return [
            CommandDeclaration([.ikev2Keyring], "peer WORD$peer", ["Configure a Keyring Peer", "Name of the peer block"],
                               no: 1) { ctx in
                guard case let .ikev2Keyring(keyring) = ctx.shell.mode, let name = ctx.string("peer"),
                      let k = ctx.device.config.flexVPN.keyrings.firstIndex(where: { $0.name == keyring }) else { return }
                upsert(&ctx.device.config.flexVPN.keyrings[k].peers, name: name, key: \.name,
                       make: { IKEv2KeyringPeer(name: name) }, remove: ctx.form != .set)
                if ctx.form == .set { ctx.shell.enter(.ikev2KeyringPeer(keyring: keyring, peer: name)) }
            },
            CommandDeclaration([.ikev2Keyring], "exit", ["Exit from crypto ikev2 keyring sub mode"]) { ctx in
                ctx.shell.enter(.config)
            },
            CommandDeclaration([.ikev2KeyringPeer], "address A.B.C.D$addr [A.B.C.D$mask]",
                               ["Specify the peer address", "IPv4 address", "IPv4 mask"], no: 1) { ctx in
                edit(ctx) { peer in
                    peer.address = ctx.form == .set ? ctx.ipv4("addr") : nil
                    peer.mask = ctx.form == .set ? ctx.ipv4("mask") : nil
                }
            },
            CommandDeclaration([.ikev2KeyringPeer],
                               "identity {fqdn WORD$fqdn | email WORD$email | address A.B.C.D$addr | key-id WORD$keyid}",
                               ["Specify the peer identity", "Fully qualified domain name", "Specify the FQDN",
                                "E-mail address", "Specify the e-mail address", "IP address", "IPv4 address",
                                "Key id", "Specify the key id"], no: 1) { ctx in
                edit(ctx) { $0.identity = ctx.form == .set ? identityArgument(ctx) : nil }
            },
            CommandDeclaration([.ikev2KeyringPeer], "pre-shared-key [local$local | remote$remote] [0 | 6 | 7] LINE$key",
                               ["Specify the pre-shared key", "Local pre-shared key", "Remote pre-shared key",
                                HelpText.key0, HelpText.key6, HelpText.key7, "The UNENCRYPTED (cleartext) key"],
                               no: 1) { ctx in
                let local = !ctx.has("remote"), remote = !ctx.has("local")
                guard ctx.form == .set else {
                    edit(ctx) { peer in
                        if local { peer.localKey = nil }
                        if remote { peer.remoteKey = nil }
                    }
                    return
                }
                guard let key = ctx.secret("key") else { return }
                edit(ctx) { peer in
                    if local { peer.localKey = key }
                    if remote { peer.remoteKey = key }
                }
            },
            CommandDeclaration([.ikev2KeyringPeer], "description LINE$text",
                               ["Specify a description of this peer", "Description of this peer"], no: 1) { ctx in
                edit(ctx) { $0.description = ctx.form == .set ? ctx.string("text") : nil }
            },
            CommandDeclaration([.ikev2KeyringPeer], "hostname WORD$host",
                               ["Hostname of peer", "Hostname of peer"], no: 1) { ctx in
                edit(ctx) { $0.hostname = ctx.form == .set ? ctx.string("host") : nil }
            },
            CommandDeclaration([.ikev2KeyringPeer], "exit", ["Exit from crypto ikev2 keyring peer sub mode"]) { ctx in
                guard case let .ikev2KeyringPeer(keyring, _) = ctx.shell.mode else { return }
                ctx.shell.enter(.ikev2Keyring(name: keyring))
            },
        ]
    }

    static var ikev2NameManglerCommands: [CommandDeclaration] {
        func edit(_ ctx: CommandContext, _ change: (inout IKEv2NameMangler) -> Void) {
            guard case let .ikev2NameMangler(name) = ctx.shell.mode,
                  let i = ctx.device.config.flexVPN.nameManglers.firstIndex(where: { $0.name == name }) else { return }
            change(&ctx.device.config.flexVPN.nameManglers[i])
        }
        return [
            CommandDeclaration([.ikev2NameMangler], "fqdn {all$all | domain$domain | hostname$hostname}",
                               ["Derive the name from the remote FQDN identity", "Entire FQDN",
                                "Domain part of the FQDN", "Host name part of the FQDN"], no: 1) { ctx in
                edit(ctx) { m in
                    m.fqdn = ctx.form != .set ? nil : ctx.has("domain") ? .domain : ctx.has("hostname") ? .hostname : .all
                }
            },
            CommandDeclaration([.ikev2NameMangler], "email {all$all | domain$domain | username$username}",
                               ["Derive the name from the remote e-mail identity", "Entire e-mail address",
                                "Domain part of the e-mail address", "User name part of the e-mail address"],
                               no: 1) { ctx in
                edit(ctx) { m in
                    m.email = ctx.form != .set ? nil : ctx.has("domain") ? .domain : ctx.has("username") ? .username : .all
                }
            },
            CommandDeclaration([.ikev2NameMangler],
                               "eap {all$all | prefix$prefix delimiter {.$dot | @$at | \\$backslash} | suffix$suffix delimiter {.$dot | @$at | \\$backslash}}",
                               ["Derive the name from the remote EAP identity", "Entire EAP identity",
                                "Prefix of the EAP identity", "Specify the delimiter", "Dot", "At sign", "Backslash",
                                "Suffix of the EAP identity", "Specify the delimiter", "Dot", "At sign", "Backslash"],
                               no: 1) { ctx in
                let delimiter: Character = ctx.has("dot") ? "." : ctx.has("at") ? "@" : "\\"
                edit(ctx) { m in
                    m.eap = ctx.form != .set ? nil : ctx.has("prefix") ? .prefix(delimiter)
                        : ctx.has("suffix") ? .suffix(delimiter) : .all
                }
            },
            CommandDeclaration([.ikev2NameMangler], "exit", ["Exit from name mangler configuration mode"]) { ctx in
                ctx.shell.enter(.config)
            },
        ]
    }

    static var ikev2AuthorizationPolicyCommands: [CommandDeclaration] {
        func edit(_ ctx: CommandContext, _ change: (inout IKEv2AuthorizationPolicy) -> Void) {
            guard case let .ikev2AuthorizationPolicy(name) = ctx.shell.mode,
                  let i = ctx.device.config.flexVPN.authorizationPolicies.firstIndex(where: { $0.name == name })
            else { return }
            change(&ctx.device.config.flexVPN.authorizationPolicies[i])
        }
        return [
            CommandDeclaration([.ikev2AuthorizationPolicy], "pool WORD$pool",
                               ["Specify the local pool", "Local pool name"], no: 1) { ctx in
                edit(ctx) { $0.pool = ctx.form == .set ? ctx.string("pool") : nil }
            },
            CommandDeclaration([.ikev2AuthorizationPolicy], "dns A.B.C.D$dns1 [A.B.C.D$dns2]",
                               ["Specify DNS servers", "Primary DNS server", "Secondary DNS server"], no: 1) { ctx in
                edit(ctx) { $0.dns = ctx.form == .set ? [ctx.ipv4("dns1"), ctx.ipv4("dns2")].compactMap { $0 } : [] }
            },
            CommandDeclaration([.ikev2AuthorizationPolicy], "netmask A.B.C.D$mask",
                               ["Specify the netmask of the assigned address", "Netmask"], no: 1) { ctx in
                edit(ctx) { $0.netmask = ctx.form == .set ? ctx.ipv4("mask") : nil }
            },
            CommandDeclaration([.ikev2AuthorizationPolicy], "def-domain WORD$domain",
                               ["Specify the default domain", "Default domain name"], no: 1) { ctx in
                edit(ctx) { $0.defaultDomain = ctx.form == .set ? ctx.string("domain") : nil }
            },
            CommandDeclaration([.ikev2AuthorizationPolicy],
                               "route set {interface$intf [WORD$ifname] | access-list$acl WORD$aclname | remote$remote ipv4 A.B.C.D$raddr A.B.C.D$rmask}",
                               ["Routes to push to the peer", "Set the routes", "Advertise the tunnel interface address",
                                "Interface name", "Advertise the routes of an access list", "Access list name",
                                "Advertise a remote prefix", "IPv4 prefix", "Prefix address", "Prefix mask"],
                               no: 2) { ctx in
                var route: IKEv2RouteSet?
                if ctx.has("intf") { route = .interface(ctx.string("ifname")) }
                if let acl = ctx.string("aclname") { route = .accessList(acl) }
                if let a = ctx.ipv4("raddr"), let m = ctx.ipv4("rmask") { route = .remote(a, mask: m) }
                edit(ctx) { policy in
                    if ctx.form != .set {
                        if let route { policy.routeSets.removeAll { $0 == route } } else { policy.routeSets = [] }
                    } else if let route, !policy.routeSets.contains(route) {
                        policy.routeSets.append(route)
                    }
                }
            },
            CommandDeclaration([.ikev2AuthorizationPolicy], "session-lifetime <60-2147483647>$seconds",
                               ["Specify the session lifetime", "Session lifetime in seconds"], no: 1) { ctx in
                edit(ctx) { $0.sessionLifetime = ctx.form == .set ? ctx.int("seconds") : nil }
            },
            CommandDeclaration([.ikev2AuthorizationPolicy], "exit",
                               ["Exit from IKEv2 authorization policy configuration mode"]) { ctx in
                ctx.shell.enter(.config)
            },
        ]
    }

    static var virtualTemplateCommands: [CommandDeclaration] {
        func edit(_ ctx: CommandContext, _ change: (inout VirtualTemplate) -> Void) {
            guard case let .virtualTemplate(number) = ctx.shell.mode,
                  let i = ctx.device.config.flexVPN.virtualTemplates.firstIndex(where: { $0.number == number }) else { return }
            change(&ctx.device.config.flexVPN.virtualTemplates[i])
        }
        return [
            CommandDeclaration([.interface], "ip unnumbered {\\Loopback <0-2147483647>$lo | \\GigabitEthernet <1-1>$gi}",
                               ["Interface Internet Protocol config commands", "Enable IP processing without an explicit address",
                                "Loopback interface", "Loopback interface number",
                                "GigabitEthernet IEEE 802.3z", "GigabitEthernet interface number"], no: 2) { ctx in
                let name = ctx.int("lo").map { "Loopback\($0)" } ?? ctx.int("gi").map { "GigabitEthernet\($0)" }
                edit(ctx) { $0.unnumbered = ctx.form == .set ? name : nil }
            },
            CommandDeclaration([.interface],
                               "tunnel source {\\GigabitEthernet <1-1>$gi | \\Loopback <0-2147483647>$lo | A.B.C.D$addr}",
                               ["protocol-over-protocol tunneling", "source of tunnel packets",
                                "GigabitEthernet IEEE 802.3z", "GigabitEthernet interface number",
                                "Loopback interface", "Loopback interface number", "ip address"], no: 2) { ctx in
                let source: TunnelSource? = ctx.int("gi").map { .interface("GigabitEthernet\($0)") }
                    ?? ctx.int("lo").map { .interface("Loopback\($0)") } ?? ctx.ipv4("addr").map { .address($0) }
                edit(ctx) { $0.tunnelSource = ctx.form == .set ? source : nil }
            },
            CommandDeclaration([.interface], "tunnel mode ipsec ipv4",
                               ["protocol-over-protocol tunneling", "tunnel encapsulation method",
                                "IPSec tunnel encapsulation", "over IPv4"], no: 2) { ctx in
                edit(ctx) { $0.tunnelModeIPsecIPv4 = ctx.form == .set }
            },
            CommandDeclaration([.interface], "tunnel protection ipsec profile WORD$profile",
                               ["protocol-over-protocol tunneling", "Enable tunnel protection",
                                "Use IPSec as the tunnel protection", "Determine the ipsec policy profile to use",
                                "Profile name"], no: 2) { ctx in
                edit(ctx) { $0.tunnelProtectionProfile = ctx.form == .set ? ctx.string("profile") : nil }
            },
            CommandDeclaration([.interface], "description LINE$text",
                               ["Interface specific description", "Up to 240 characters describing this interface"],
                               no: 1) { ctx in
                edit(ctx) { $0.description = ctx.form == .set ? ctx.string("text") : nil }
            },
            CommandDeclaration([.interface], "exit", ["Exit from interface configuration mode"]) { ctx in
                ctx.shell.enter(.config)
            },
        ]
    }

    static var flexVPNCommands: [CommandDeclaration] {
        flexVPNGlobalCommands + ikev2ProfileCommands + ikev2KeyringCommands + ikev2NameManglerCommands
            + ikev2AuthorizationPolicyCommands + virtualTemplateCommands
    }
}

extension IKEv2AAAKind {
    /// The order IOS lists per-kind lines in: psk, eap, cert.
    var order: Int {
        switch self {
        case .psk: return 0
        case .eap: return 1
        case .cert: return 2
        }
    }
}
