import Device

/// `crypto ipsec transform-set` (`(cfg-crypto-trans)#`: `mode`) and `crypto ipsec profile`
/// (`(ipsec-profile)#`: `set transform-set`, `set ikev2-profile`, `set pfs`,
/// `set security-association lifetime`): the IPsec half of a FlexVPN server's configuration, which
/// the Virtual-Template's `tunnel protection ipsec profile` names.
extension IOSCommands {
    static var ipsecCommands: [CommandDeclaration] {
        let ipsec = ["Encryption module", "Configure IPSEC policy"]
        let bits = ["128 bit keys.", "192 bit keys.", "256 bit keys."]
        let hmacs = ["ESP transform using HMAC-SHA auth", "ESP transform using HMAC-SHA256 auth",
                     "ESP transform using HMAC-SHA384 auth", "ESP transform using HMAC-SHA512 auth"]
        func editProfile(_ ctx: CommandContext, _ change: (inout IPsecProfile) -> Void) {
            guard case let .ipsecProfile(name) = ctx.shell.mode,
                  let i = ctx.device.config.flexVPN.ipsecProfiles.firstIndex(where: { $0.name == name }) else { return }
            change(&ctx.device.config.flexVPN.ipsecProfiles[i])
        }
        let groups = [14, 15, 16, 19, 20, 21, 24]
        return [
            CommandDeclaration([.config],
                               "crypto ipsec transform-set WORD$name {esp-aes$aes [128$a128 | 192$a192 | 256$a256] [esp-sha-hmac$sha | esp-sha256-hmac$sha256 | esp-sha384-hmac$sha384 | esp-sha512-hmac$sha512] | esp-gcm$gcm [128$g128 | 192$g192 | 256$g256]}",
                               ipsec + ["Define transform and settings", "Transform set tag",
                                        "ESP transform using AES cipher"] + bits + hmacs
                                   + ["ESP transform using GCM cipher"] + bits,
                               no: 4) { ctx in
                guard let name = ctx.string("name") else { return }
                if ctx.form != .set {
                    ctx.device.config.flexVPN.transformSets.removeAll { $0.name == name }
                    return
                }
                let keyBits = ctx.has("a192") || ctx.has("g192") ? 192 : ctx.has("a256") || ctx.has("g256") ? 256 : 128
                let hmac: IPsecTransformSet.HMAC? = ctx.has("sha") ? .sha : ctx.has("sha256") ? .sha256
                    : ctx.has("sha384") ? .sha384 : ctx.has("sha512") ? .sha512 : nil
                let set = IPsecTransformSet(name: name, cipher: ctx.has("gcm") ? .gcm(keyBits: keyBits) : .aes(keyBits: keyBits),
                                            hmac: hmac)
                var sets = ctx.device.config.flexVPN.transformSets
                // Given again, the transforms are replaced; the mode stays.
                if let i = sets.firstIndex(where: { $0.name == name }) {
                    let mode = sets[i].transportMode
                    sets[i] = set
                    sets[i].transportMode = mode
                } else {
                    sets.append(set)
                }
                ctx.device.config.flexVPN.transformSets = sets
                ctx.shell.enter(.ipsecTransformSet(name: name))
            },
            CommandDeclaration([.ipsecTransformSet], "mode {tunnel$tunnel | transport$transport}",
                               ["encapsulation mode (transport/tunnel)", "tunnel (datagram encapsulation) mode",
                                "transport (payload encapsulation) mode"], no: 1) { ctx in
                guard case let .ipsecTransformSet(name) = ctx.shell.mode,
                      let i = ctx.device.config.flexVPN.transformSets.firstIndex(where: { $0.name == name }) else { return }
                ctx.device.config.flexVPN.transformSets[i].transportMode = ctx.form == .set && ctx.has("transport")
            },
            CommandDeclaration([.ipsecTransformSet], "exit", ["Exit from crypto transform configuration mode"]) { ctx in
                ctx.shell.enter(.config)
            },
            CommandDeclaration([.config], "crypto ipsec profile WORD$name",
                               ipsec + ["Configure an ipsec policy profile", "ipsec profile name"], no: 4) { ctx in
                guard let name = ctx.string("name") else { return }
                if ctx.form != .set {
                    ctx.device.config.flexVPN.ipsecProfiles.removeAll { $0.name == name }
                    return
                }
                if !ctx.device.config.flexVPN.ipsecProfiles.contains(where: { $0.name == name }) {
                    // IOS's default profile is edited from its defaults.
                    var profile = name == "default" ? IPsecProfile.iosDefault : IPsecProfile(name: name)
                    profile.name = name
                    ctx.device.config.flexVPN.ipsecProfiles.append(profile)
                }
                ctx.shell.enter(.ipsecProfile(name: name))
            },
            CommandDeclaration([.ipsecProfile],
                               "set transform-set WORD$t1 [WORD$t2] [WORD$t3] [WORD$t4] [WORD$t5] [WORD$t6]",
                               ["Set a value", "Specify list of transform sets in priority order"]
                                   + Array(repeating: "Proposal tag", count: 6), no: 2) { ctx in
                guard ctx.form == .set else {
                    editProfile(ctx) { $0.transformSets = [] }
                    return
                }
                let names = (1...6).compactMap { ctx.string("t\($0)") }
                for name in names where ctx.device.config.flexVPN.transformSet(named: name) == nil {
                    ctx.reject("ERROR: transform set with tag \"\(name)\" does not exist.")
                    return
                }
                editProfile(ctx) { $0.transformSets = names }
            },
            CommandDeclaration([.ipsecProfile], "set ikev2-profile WORD$profile",
                               ["Set a value", "Specify ikev2 Profile", "ikev2 Profile Name"], no: 2) { ctx in
                editProfile(ctx) { $0.ikev2Profile = ctx.form == .set ? ctx.string("profile") : nil }
            },
            CommandDeclaration([.ipsecProfile],
                               "set pfs {" + groups.map { "group\($0)$g\($0)" }.joined(separator: " | ") + "}",
                               ["Set a value", "Specify pfs settings"] + groups.map { "D-H Group\($0)" }, no: 2) { ctx in
                let group = groups.first { ctx.has("g\($0)") }
                editProfile(ctx) { $0.pfsGroup = ctx.form == .set ? group : nil }
            },
            CommandDeclaration([.ipsecProfile],
                               "set security-association lifetime {seconds$sec <120-2592000>$seconds | kilobytes$kb <2560-4294967295>$kilobytes}",
                               ["Set a value", "Security association parameters", "security association lifetime",
                                "Time-based key duration in seconds", "Security association duration in seconds",
                                "Volume-based key duration", "Security association duration in kilobytes"], no: 4) { ctx in
                let set = ctx.form == .set
                editProfile(ctx) { profile in
                    if ctx.has("sec") { profile.lifetimeSeconds = set ? ctx.int("seconds") : nil }
                    if ctx.has("kb") { profile.lifetimeKilobytes = set ? ctx.int("kilobytes") : nil }
                }
            },
            CommandDeclaration([.ipsecProfile], "exit", ["Exit from crypto map configuration mode"]) { ctx in
                ctx.shell.enter(.config)
            },
            CommandDeclaration([.exec], "show crypto ipsec transform-set [tag WORD$tag]",
                               [HelpText.show, "Encryption module", "Show IPSEC info", "Crypto transform sets",
                                "Show a transform set with the given tag", "Transform set tag"], pipe: true) { ctx in
                let flex = ctx.device.config.flexVPN
                // IOS's own default first, unless it was redefined.
                var sets = flex.transformSets
                if !sets.contains(where: { $0.name == "default" }) { sets.insert(.iosDefault, at: 0) }
                for set in sets where ctx.string("tag").map({ $0 == set.name }) ?? true {
                    ctx.print("Transform set \(set.name): { \(set.shownText)  } ")
                    ctx.print("   will negotiate = { " + (set.transportMode ? "Transport" : "Tunnel") + ",  }, ")
                    ctx.print("   ")
                }
            },
        ]
    }
}
