import Device
import RADIUS

/// The FlexVPN configuration as IOS XE shows it: running-config blocks, `show crypto ikev2
/// profile` and `show ip local pool`, rendered from the model.
public enum FlexVPNRenderer {
    /// `crypto ikev2 name-mangler`, `authorization policy`, `proposal`, `policy`, `keyring` and
    /// `profile` blocks, in that order (each block before the ones that name it).
    public static func cryptoLines(_ c: FlexVPNConfig, emit: (String) -> Void) {
        for m in c.nameManglers {
            emit("crypto ikev2 name-mangler \(m.name)")
            if let f = m.fqdn { emit(" fqdn \(f.rawValue)") }
            if let e = m.email { emit(" email \(e.rawValue)") }
            if let eap = m.eap { emit(" eap \(eap.configText)") }
            emit("!")
        }
        for p in c.authorizationPolicies {
            emit("crypto ikev2 authorization policy \(p.name)")
            if let pool = p.pool { emit(" pool \(pool)") }
            if !p.dns.isEmpty { emit(" dns " + p.dns.map(\.description).joined(separator: " ")) }
            if let mask = p.netmask { emit(" netmask \(mask)") }
            if let domain = p.defaultDomain { emit(" def-domain \(domain)") }
            for r in p.routeSets { emit(" " + r.configText) }
            if let life = p.sessionLifetime { emit(" session-lifetime \(life)") }
            emit("!")
        }
        for p in c.proposals {
            emit("crypto ikev2 proposal \(p.name) ")
            p.configLines.forEach(emit)
            emit("!")
        }
        for p in c.policies {
            emit("crypto ikev2 policy \(p.name) ")
            p.configLines.forEach(emit)
            emit("!")
        }
        for k in c.keyrings {
            emit("crypto ikev2 keyring \(k.name)")
            for peer in k.peers {
                emit(" peer \(peer.name)")
                if let d = peer.description { emit("  description \(d)") }
                if let h = peer.hostname { emit("  hostname \(h)") }
                if let a = peer.address { emit("  address \(a)" + (peer.mask.map { " \($0)" } ?? "")) }
                if let id = peer.identity { emit("  identity \(id.configText)") }
                if let l = peer.localKey, let r = peer.remoteKey, l == r {
                    emit("  pre-shared-key " + RunningConfigRenderer.secretText(l))
                } else {
                    if let l = peer.localKey { emit("  pre-shared-key local " + RunningConfigRenderer.secretText(l)) }
                    if let r = peer.remoteKey { emit("  pre-shared-key remote " + RunningConfigRenderer.secretText(r)) }
                }
                emit(" !")
            }
            emit("!")
        }
        for p in c.profiles {
            emit("crypto ikev2 profile \(p.name)")
            for m in p.matchIdentities { emit(" match identity remote " + m.text) }
            if let id = p.localIdentity { emit(" identity local " + id.configText) }
            for m in p.remoteAuthentication { emit(" authentication remote " + m.configText) }
            if let m = p.localAuthentication { emit(" authentication local " + m.configText) }
            if let k = p.keyring { emit(" keyring " + k.configText) }
            for t in p.trustpoints { emit(" " + t.configText) }
            if let d = p.dpd { emit(" dpd \(d.interval) \(d.retry) " + (d.periodic ? "periodic" : "on-demand")) }
            if p.lifetime != IKEv2Profile.defaultLifetime { emit(" lifetime \(p.lifetime)") }
            if let list = p.eapAuthenticationList { emit(" aaa authentication eap \(list)") }
            for g in p.groupAuthorization { emit(" aaa authorization group " + groupText(g)) }
            for u in p.userAuthorization { emit(" aaa authorization user " + userText(u)) }
            for kind in IKEv2AAAKind.allCases {
                if let list = p.accounting[kind] { emit(" aaa accounting \(kind.rawValue) \(list)") }
            }
            if let vt = p.virtualTemplate { emit(" virtual-template \(vt)") }
            emit("!")
        }
        for t in c.transformSets {
            t.configLines.forEach(emit)
            emit("!")
        }
        for p in c.ipsecProfiles {
            p.configLines.forEach(emit)
            emit("!")
        }
    }

    static func groupText(_ g: IKEv2GroupAuthorization) -> String {
        var s = "\(g.kind.rawValue) list \(g.list)"
        if let m = g.nameMangler { s += " name-mangler \(m)" } else if let n = g.name { s += " \(n)" }
        return s
    }

    static func userText(_ u: IKEv2UserAuthorization) -> String {
        guard let list = u.list else { return "\(u.kind.rawValue) cached" }
        return "\(u.kind.rawValue) list \(list)" + (u.name.map { " \($0)" } ?? "")
    }

    /// `interface Virtual-Template N type tunnel` blocks.
    public static func virtualTemplateLines(_ c: FlexVPNConfig, emit: (String) -> Void) {
        virtualTemplateLines(c.virtualTemplates, emit: emit)
    }

    public static func virtualTemplateLines(_ templates: [VirtualTemplate], emit: (String) -> Void) {
        for vt in templates {
            emit("interface Virtual-Template\(vt.number) type tunnel")
            if let d = vt.description { emit(" description \(d)") }
            if let u = vt.unnumbered { emit(" ip unnumbered \(u)") } else { emit(" no ip address") }
            if let source = vt.tunnelSource { emit(" tunnel source " + source.text) }
            if vt.tunnelModeIPsecIPv4 { emit(" tunnel mode ipsec ipv4") }
            if let p = vt.tunnelProtectionProfile { emit(" tunnel protection ipsec profile \(p)") }
            emit("!")
        }
    }

    /// `ip local pool NAME FIRST LAST`, a line per range.
    public static func poolLines(_ c: FlexVPNConfig, emit: (String) -> Void) {
        for pool in c.pools {
            for r in pool.ranges {
                emit("ip local pool \(pool.name) \(r.first)" + (r.last == r.first ? "" : " \(r.last)"))
            }
        }
    }

    /// `show ip local pool [NAME]`: IOS's columns; a named pool adds its addresses in use.
    public static func showPools(_ device: Device, name: String?, emit: (String) -> Void) {
        let pools = device.config.flexVPN.pools.filter { name == nil || $0.name == name }
        emit(" Pool                     Begin           End             Free  In use   Blocked")
        for pool in pools {
            let used = device.addressPools.inUse[pool.name] ?? [:]
            for (i, r) in pool.ranges.enumerated() {
                let inRange = used.keys.filter { $0 >= r.first && $0 <= r.last }.count
                let label = i == 0 ? pool.name : ""
                emit(" " + padRight(label, 25) + padRight(r.first.description, 16) + padRight(r.last.description, 15)
                     + padLeft(String(r.size - inRange), 5) + padLeft(String(inRange), 8) + padLeft("0", 10))
            }
            if name != nil {
                emit("Inuse addresses:")
                for (address, uid) in used.sorted(by: { $0.key < $1.key }) {
                    let user = device.sessions[uniqueId: uid]?.userName ?? ""
                    emit("    " + padRight(address.description, 17) + padRight("Vi\(uid)", 16) + user)
                }
            }
        }
    }

    /// `show crypto ikev2 profile [NAME]`.
    public static func showProfiles(_ device: Device, name: String?, emit: (String) -> Void) {
        for p in device.config.flexVPN.profiles where name == nil || p.name == name {
            emit("")
            emit("IKEv2 profile: \(p.name)")
            emit(" Shutdown: No")
            emit(" Ref Count: \(1 + device.flexVPNSessionCount(profile: p.name))")
            emit(" Match criteria: ")
            emit("  Fvrf: global")
            emit("  Local address/interface: none")
            if p.matchIdentities.isEmpty {
                emit("  Identities: none")
            } else {
                emit("  Identities: ")
                for m in p.matchIdentities { emit("   " + m.text.trimmingTrailingSpace) }
            }
            emit("  Certificate maps: none")
            emit(" Local identity: " + (p.localIdentity?.configText ?? "none"))
            emit(" Remote identity: none")
            emit(" Local authentication method: " + (p.localAuthentication?.configText ?? "none"))
            emit(" Remote authentication method(s): "
                 + (p.remoteAuthentication.isEmpty ? "none" : p.remoteAuthentication.map(\.configText).joined(separator: ", ")))
            let eap = p.remoteAuthentication.compactMap { m -> String? in
                guard case let .eap(query, timeout) = m else { return nil }
                return (query ? "query-identity" : "") + (timeout.map { (query ? ", " : "") + "timeout \($0)" } ?? "")
            }.first
            emit(" EAP options: " + ((eap?.isEmpty ?? true) ? "none" : eap!))
            emit(" Keyring: " + (p.keyring.map { k -> String in
                switch k {
                case let .local(n): return n
                case let .aaa(list, mangler): return "aaa \(list)" + (mangler.map { " name-mangler \($0)" } ?? "")
                }
            } ?? "none"))
            emit(" Trustpoint(s): " + (p.trustpoints.isEmpty ? "none" : p.trustpoints.map(\.name).joined(separator: ", ")))
            emit(" Lifetime: \(p.lifetime) seconds")
            emit(" DPD: " + (p.dpd.map { "interval \($0.interval) retry-interval \($0.retry) " + ($0.periodic ? "periodic" : "on-demand") } ?? "disabled"))
            emit(" NAT-keepalive: disabled")
            emit(" Ivrf: none")
            emit(" Virtual-template: " + (p.virtualTemplate.map(String.init) ?? "none"))
            emit(" mode auto: none")
            emit(" AAA AnyConnect EAP authentication mode: none")
            emit(" AAA EAP authen method list: " + (p.eapAuthenticationList ?? "none"))
            let accounting = IKEv2AAAKind.allCases.compactMap { k in p.accounting[k].map { "\(k.rawValue) \($0)" } }
            emit(" AAA Accounting: " + (accounting.isEmpty ? "none" : accounting.joined(separator: ", ")))
            emit(" AAA group authorization: "
                 + (p.groupAuthorization.isEmpty ? "none" : p.groupAuthorization.map(groupText).joined(separator: ", ")))
            emit(" AAA user authorization: "
                 + (p.userAuthorization.isEmpty ? "none" : p.userAuthorization.map(userText).joined(separator: ", ")))
        }
    }

    static func padRight(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }

    static func padLeft(_ s: String, _ width: Int) -> String {
        s.count >= width ? " " + s : String(repeating: " ", count: width - s.count) + s
    }
}

private extension String {
    var trimmingTrailingSpace: String {
        var s = self
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }
}
