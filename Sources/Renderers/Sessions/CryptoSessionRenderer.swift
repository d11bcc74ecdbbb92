import Device
import IKEv2

/// `show crypto session [detail]` in IOS XE's layout for a FlexVPN server: one block per IKEv2
/// session, on its Virtual-Access interface. The `detail` form parses with ntc-templates'
/// `cisco_ios_show_crypto_session_detail` TextFSM template (every line matches one of its rules).
public enum CryptoSessionRenderer {
    /// IKEv2 SA lifetime (`crypto ikev2 profile` default 86400 s) and IPsec SA lifetime
    /// (3600 s / 4608000 KB), the IOS defaults.
    static let ikeLifetime = 86_400
    static let ipsecLifetimeSeconds = 3_600
    static let ipsecLifetimeKilobytes: UInt64 = 4_608_000

    public static func render(device: Device, detail: Bool, emit: (String) -> Void) {
        emit("Crypto session current status")
        emit("")
        if detail {
            emit("Code: C - IKE Configuration mode, D - Dead Peer Detection")
            emit("K - Keepalives, N - NAT-traversal, T - cTCP encapsulation")
            emit("X - IKE Extended Authentication, F - IKE Fragmentation")
            emit("R - IKE Auto Reconnect, U - IKE Dynamic Route Update")
            emit("S - SIP VPN")
            emit("")
        }
        device.sessions.forEach { session in
            block(device: device, session: session, detail: detail, emit: emit)
            emit("")
        }
    }

    private static func block(device: Device, session: Session, detail: Bool, emit: (String) -> Void) {
        let age = SessionFormat.age(session, device: device)
        emit("Interface: Virtual-Access" + String(session.saId))
        let authorization = device.authorization(uniqueId: session.uniqueId)
        emit("Profile: " + (authorization?.profile ?? device.ikev2ProfileName))
        if detail { emit("Uptime: " + SessionFormat.duration(age)) }
        emit("Session status: UP-ACTIVE")
        let peer = "Peer: " + session.peer.description + " port " + String(session.peerPort)
        if detail {
            emit(peer + " fvrf: (none) ivrf: (none)")
            emit("      Phase1_id: " + (session.userName ?? session.peer.description))
            emit("      Desc: (none)")
            if authorization != nil, let framed = session.framedIP { emit("      Assigned address: " + framed.description) }
        } else {
            emit(peer)
        }
        emit("  Session ID: " + String(session.ikev2SessionId))
        emit("  IKEv2 SA: local " + session.local.description + "/" + String(session.localPort) + " remote "
             + session.peer.description + "/" + String(session.peerPort) + " Active")
        if detail {
            let remaining = ikeLifetime - age % ikeLifetime
            emit("          Capabilities:(none) connid:" + String(session.saId) + " lifetime:"
                 + SessionFormat.hms(remaining))
        }
        let remote = session.framedIP.map { $0.description + "/255.255.255.255" } ?? "0.0.0.0/0.0.0.0"
        emit("  IPSEC FLOW: permit ip 0.0.0.0/0.0.0.0 " + remote)
        emit("        Active SAs: 2, origin: crypto map")
        if detail {
            let seconds = ipsecLifetimeSeconds - age % ipsecLifetimeSeconds
            let inKB = ipsecLifetimeKilobytes - min(ipsecLifetimeKilobytes, session.bytesIn / 1024)
            let outKB = ipsecLifetimeKilobytes - min(ipsecLifetimeKilobytes, session.bytesOut / 1024)
            emit("        Inbound:  #pkts dec'ed " + String(session.packetsIn) + " drop 0 life (KB/Sec) "
                 + String(inKB) + "/" + String(seconds))
            emit("        Outbound: #pkts enc'ed " + String(session.packetsOut) + " drop 0 life (KB/Sec) "
                 + String(outKB) + "/" + String(seconds))
        }
    }
}

