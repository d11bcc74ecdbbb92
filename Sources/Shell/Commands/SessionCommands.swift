import Device
import RADIUS
import Renderers

extension IOSCommands {
    static var sessionCommands: [CommandDeclaration] {
        [
            CommandDeclaration([.exec], "show aaa sessions",
                               [HelpText.show, "Show AAA values", "AAA sessions as seen by AAA Server"], pipe: true) { ctx in
                ctx.device.accrueAllTraffic()
                ctx.device.renderAAASessions { ctx.print($0) }
            },
            CommandDeclaration([.exec], "show aaa user {all | <0-4294967295>$id}",
                               [HelpText.show, "Show AAA values", "Show AAA user related information",
                                "All users", "Unique id"], pipe: true) { ctx in
                ctx.device.accrueAllTraffic()
                if let id = ctx.int("id") {
                    _ = AAAUserRenderer.render(device: ctx.device, uniqueId: UInt32(id)) { ctx.print($0) }
                } else {
                    AAAUserRenderer.renderAll(device: ctx.device) { ctx.print($0) }
                }
            },
            CommandDeclaration([.exec], "show aaa servers",
                               [HelpText.show, "Show AAA values", "All AAA servers as seen by the AAA Server MIB"],
                               pipe: true) { ctx in
                AAAServersRenderer.render(device: ctx.device) { ctx.print($0) }
            },
            CommandDeclaration([.exec], "show aaa server radius dynamic-author",
                               [HelpText.show, "Show AAA values", "Show AAA server information", "RADIUS server",
                                "Dynamic authorization local server"], pipe: true) { ctx in
                DynamicAuthorRenderer.render(device: ctx.device) { ctx.print($0) }
            },
            CommandDeclaration([.exec], "show crypto session [detail]",
                               [HelpText.show, "Encryption module", "Crypto session information",
                                "Detailed crypto session information"], pipe: true) { ctx in
                ctx.device.accrueAllTraffic()
                CryptoSessionRenderer.render(device: ctx.device, detail: ctx.has("detail")) { ctx.print($0) }
            },
            CommandDeclaration([.exec], "show crypto ipsec sa [peer A.B.C.D$peer] [detail$detail]",
                               [HelpText.show, "Encryption module", "Show IPSEC info", "IPSEC SA table",
                                "IPSEC SA for a peer", "IP address of the peer", "detailed error counters"],
                               pipe: true) { ctx in
                ctx.device.accrueAllTraffic()
                IPsecSARenderer.render(device: ctx.device, peer: ctx.ipv4("peer"), detail: ctx.has("detail")) { ctx.print($0) }
            },
            CommandDeclaration([.config], "crypto ikev2 limit max-sa <1-4294967295>$limit",
                               ["Encryption module", "Configure IKEv2 (Internet Key Exchange version 2)",
                                "Configure limits for IKEv2 SAs", "Limit the number of IKEv2 SAs",
                                "Maximum number of IKEv2 SAs"], no: 4) { ctx in
                ctx.device.config.ikev2MaxSA = ctx.form == .set ? ctx.int("limit") : nil
            },
            CommandDeclaration([.exec], "clear crypto session [remote A.B.C.D$remote]",
                               [HelpText.clear, "Encryption module", "Clear crypto session",
                                "Remote peer of the session", "IP address of the remote peer"]) { ctx in
                ctx.device.clearCryptoSessions(remote: ctx.ipv4("remote"))
            },
            CommandDeclaration([.exec],
                               "lab session connect {WORD$user | no-username} [peer A.B.C.D$peer | framed-ip A.B.C.D$framed | audit-session-id WORD$audit | session-id <1-4294967295>$sid | unique-id <1-4294967295>$uid | server-key WORD$key | profile WORD$profile | eap-identity WORD$eapid | eap-password WORD$eappw | rate <0-1000000>$rate]*",
                               [HelpText.lab, "Emulated remote-access VPN sessions",
                                "Bring up an IKEv2 session as a client connecting would", "User name of the session",
                                "A session whose user name is not known",
                                "Address of the remote peer (default 192.168.202.2)", "IP address of the peer",
                                "Address assigned to the client (Framed-IP-Address)", "The assigned address",
                                "Cisco audit-session-id (generated when not given)", "The audit-session-id",
                                "AAA Session Id (refused if a live session has it; a larger one moves the counter on)", "Session Id",
                                "AAA Unique Id (refused if a live session has it; a larger one moves the counter on)", "Unique Id",
                                "Session server key, attribute 151 (8 hex digits)", "The key",
                                "Connect through this crypto ikev2 profile (default: the first whose match takes the user)",
                                "Profile name", "Authenticate with EAP under this identity (EAP-MD5)", "The EAP identity",
                                "The EAP password", "The password",
                                "Simulated traffic: packets a second each way (100 bytes each)", "Packets per second"]) { ctx in
                LabConnect.run(ctx)
            },
            CommandDeclaration([.exec],
                               "lab session traffic {all | <1-4294967295>$uid} [bytes-in <0-4294967295>$bin | bytes-out <0-4294967295>$bout | packets-in <0-4294967295>$pin | packets-out <0-4294967295>$pout | rate <0-1000000>$rate]*",
                               [HelpText.lab, "Emulated remote-access VPN sessions",
                                "Count traffic through sessions (byte and packet counters)",
                                "Every session", "AAA Unique Id of the session",
                                "Bytes received from the client", "Bytes",
                                "Bytes sent to the client", "Bytes",
                                "Packets received from the client", "Packets",
                                "Packets sent to the client", "Packets",
                                "Packets a second each way from now on (100 bytes each; 0 stops)", "Packets per second"]) { ctx in
                func count(_ name: String) -> UInt64 { UInt64(ctx.int(name) ?? 0) }
                let ids: [UInt32]
                if let uid = ctx.int("uid") {
                    ids = [UInt32(uid)]
                } else {
                    var all: [UInt32] = []
                    ctx.device.sessions.forEach { all.append($0.uniqueId) }
                    ids = all
                }
                if let rate = ctx.int("rate") {
                    for id in ids where ctx.device.sessions[uniqueId: id] != nil {
                        ctx.device.setTrafficRate(uniqueId: id, SimulatedTraffic(packetsPerSecond: UInt64(rate)))
                    }
                }
                for id in ids where !ctx.device.sessions.addTraffic(uniqueId: id, bytesIn: count("bin"),
                                                                    bytesOut: count("bout"), packetsIn: count("pin"),
                                                                    packetsOut: count("pout")) {
                    ctx.print("% Lab: no session with Unique Id \(id)")
                }
            },
        ]
    }
}
