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
                               "lab session connect WORD$user [peer A.B.C.D$peer] [audit-session-id WORD$audit]",
                               [HelpText.lab, "Emulated remote-access VPN sessions",
                                "Bring up an IKEv2 session as a client connecting would", "User name of the session",
                                "Address of the remote peer (default 192.168.202.2)", "IP address of the peer",
                                "Cisco audit-session-id (generated when not given)", "The audit-session-id"]) { ctx in
                guard let user = ctx.string("user") else { return }
                let peer = ctx.string("peer").flatMap(IPv4Address.init) ?? Device.defaultSessionPeer
                let session = ctx.device.connectSession(userName: user, peer: peer, auditSessionId: ctx.string("audit"))
                ctx.print("% Lab: session up: Unique Id \(session.uniqueId), user \(user), peer \(peer), audit-session-id \(session.auditSessionId)")
            },
        ]
    }
}
