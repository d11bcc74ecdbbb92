import Device
import IKEv2
import RADIUS
import Renderers

extension IOSCommands {
    /// The IKEv2 responder's show and clear commands, and `lab ikev2`: the key, identity, pool and
    /// EAP it uses while no `crypto ikev2 profile` exists (its proposals and cookie threshold are
    /// IOS configuration: IKEConfigCommands.swift).
    static var ikeCommands: [CommandDeclaration] {
        [
            CommandDeclaration([.exec], "show crypto ikev2 sa [detailed]",
                               [HelpText.show, "Encryption module", "Shows ikev2 information",
                                "Shows ikev2 SAs", "Show detailed SA information"], pipe: true) { ctx in
                IKEv2SARenderer.render(device: ctx.device, detailed: ctx.has("detailed")) { ctx.print($0) }
            },
            CommandDeclaration([.exec], "show crypto ikev2 session [detailed]",
                               [HelpText.show, "Encryption module", "Shows ikev2 information",
                                "Shows ikev2 active session", "Show detailed session information"], pipe: true) { ctx in
                IKEv2SessionRenderer.render(device: ctx.device, detailed: ctx.has("detailed")) { ctx.print($0) }
            },
            CommandDeclaration([.exec], "show crypto ikev2 stats",
                               [HelpText.show, "Encryption module", "Shows ikev2 information",
                                "Shows ikev2 sa statistics"], pipe: true) { ctx in
                IKEv2StatsRenderer.render(device: ctx.device) { ctx.print($0) }
            },
            CommandDeclaration([.exec], "clear crypto ikev2 sa",
                               [HelpText.clear, "Encryption module", "Clear ikev2 information", "Clear ikev2 SAs"]) { ctx in
                ctx.device.clearIKEv2SAs()
            },
            CommandDeclaration([.exec], "lab ikev2 pre-shared-key WORD$key",
                               [HelpText.lab, "The IKEv2 responder's settings when no crypto ikev2 profile exists",
                                "The pre-shared key every peer authenticates with", "The key"]) { ctx in
                ctx.device.ike.settings.preSharedKey = ctx.string("key")
            },
            CommandDeclaration([.exec], "lab ikev2 identity {fqdn WORD$fqdn | address}",
                               [HelpText.lab, "The IKEv2 responder's settings when no crypto ikev2 profile exists",
                                "The local IKE identity", "A fully qualified domain name", "The name",
                                "The local IKE address (the default)"]) { ctx in
                ctx.device.ike.settings.localFQDN = ctx.string("fqdn")
            },
            CommandDeclaration([.exec], "lab ikev2 pool A.B.C.D$first A.B.C.D$last",
                               [HelpText.lab, "The IKEv2 responder's settings when no crypto ikev2 profile exists",
                                "Addresses handed to clients in the configuration payload", "First address",
                                "Last address"]) { ctx in
                guard let first = ctx.ipv4("first"), let last = ctx.ipv4("last") else { return }
                guard first <= last else {
                    ctx.print("% Lab: the first address must not be above the last")
                    return
                }
                ctx.device.ike.settings.pool = (first, last)
            },
            CommandDeclaration([.exec], "lab ikev2 dns A.B.C.D$dns",
                               [HelpText.lab, "The IKEv2 responder's settings when no crypto ikev2 profile exists",
                                "A DNS server handed to clients", "The server's address"]) { ctx in
                guard let dns = ctx.ipv4("dns") else { return }
                ctx.device.ike.settings.dns.append(dns)
            },
            CommandDeclaration([.exec], "lab ikev2 authentication remote {pre-share | eap}",
                               [HelpText.lab, "The IKEv2 responder's settings when no crypto ikev2 profile exists",
                                "How peers authenticate", "How the remote peer authenticates",
                                "Pre-shared key only (the default)",
                                "EAP through the RADIUS servers when the peer sends no AUTH (query-identity)"]) { ctx in
                ctx.device.ike.settings.remoteEAP = ctx.has("eap")
            },
            CommandDeclaration([.exec], "lab ikev2 dpd <10-3600>$interval <2-60>$retry {on-demand | periodic$per}",
                               [HelpText.lab, "The IKEv2 responder's settings when no crypto ikev2 profile exists",
                                "Liveness checks of new SAs (IOS's profile dpd)", "Seconds of silence before a check",
                                "Seconds between retransmissions", "Only when traffic goes unanswered (none here: no data plane)",
                                "Whenever the peer is silent for the interval"]) { ctx in
                guard let interval = ctx.int("interval"), let retry = ctx.int("retry") else { return }
                ctx.device.ike.settings.dpd = IKEv2DPD(interval: interval, retry: retry, periodic: ctx.has("per"))
            },
            CommandDeclaration([.exec], "lab ikev2 no-dpd",
                               [HelpText.lab, "The IKEv2 responder's settings when no crypto ikev2 profile exists",
                                "No liveness checks of ours (the default)"]) { ctx in
                ctx.device.ike.settings.dpd = nil
            },
        ]
    }
}
