import Device
import RADIUS

extension IOSCommands {
    static var sessionCommands: [CommandDeclaration] {
        [
            CommandDeclaration([.exec], "show aaa sessions",
                               [HelpText.show, "Show AAA values", "AAA sessions as seen by AAA Server"], pipe: true) { ctx in
                ctx.device.renderAAASessions { ctx.print($0) }
            },
            CommandDeclaration([.exec], "clear crypto session [remote A.B.C.D$remote]",
                               [HelpText.clear, "Encryption module", "Clear crypto session",
                                "Remote peer of the session", "IP address of the remote peer"]) { ctx in
                ctx.device.clearCryptoSessions(remote: ctx.string("remote").flatMap(IPv4Address.init))
            },
            CommandDeclaration([.exec],
                               "lab session connect {WORD$user | no-username} [peer A.B.C.D$peer | audit-session-id WORD$audit | session-id <1-4294967295>$sid | unique-id <1-4294967295>$uid | server-key WORD$key]*",
                               [HelpText.lab, "Emulated remote-access VPN sessions",
                                "Bring up an IKEv2 session as a client connecting would", "User name of the session",
                                "A session whose user name is not known",
                                "Address of the remote peer (default 192.168.202.2)", "IP address of the peer",
                                "Cisco audit-session-id (generated when not given)", "The audit-session-id",
                                "AAA Session Id (moves the counter on; ids only grow)", "Session Id",
                                "AAA Unique Id (moves the counter on; ids only grow)", "Unique Id",
                                "Session server key, attribute 151 (8 hex digits)", "The key"]) { ctx in
                let peer = ctx.string("peer").flatMap(IPv4Address.init) ?? Device.defaultSessionPeer
                var key: UInt32?
                if let text = ctx.string("key") {
                    guard text.count == 8, let value = parseHex32(text) else {
                        ctx.print("% Lab: a server key is 8 hex digits, like 1771D693")
                        return
                    }
                    key = value
                }
                let session = ctx.device.connectLabSession(
                    userName: ctx.string("user"), peer: peer, auditSessionId: ctx.string("audit"),
                    sessionId: ctx.int("sid").map(UInt32.init), uniqueId: ctx.int("uid").map(UInt32.init), serverKey: key)
                ctx.print("% Lab: session up: Unique Id \(session.uniqueId), user \(session.userName ?? "*not available*"), "
                          + "peer \(peer), audit-session-id \(session.auditSessionId)")
            },
        ]
    }
}
