import Device

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
        let peer = "Peer: " + session.peer.description + " port 4500"
        if detail {
            emit(peer + " fvrf: (none) ivrf: (none)")
            emit("      Phase1_id: " + (session.userName ?? session.peer.description))
            emit("      Desc: (none)")
            if authorization != nil, let framed = session.framedIP { emit("      Assigned address: " + framed.description) }
        } else {
            emit(peer)
        }
        emit("  Session ID: " + String(session.ikev2SessionId))
        emit("  IKEv2 SA: local " + session.local.description + "/4500 remote " + session.peer.description
             + "/4500 Active")
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

/// `show crypto ikev2 sa [detailed]` in IOS XE's layout: the IPv4 table with one header per SA,
/// then the (empty) IPv6 table. Column widths as a real capture: Tunnel-id 10, Local and Remote
/// 22, fvrf/ivrf 21.
public enum IKEv2SARenderer {
    public static func render(device: Device, detailed: Bool, emit: (String) -> Void) {
        emit(" IPv4 Crypto IKEv2  SA")
        emit("")
        device.sessions.forEach { session in
            block(device: device, session: session, detailed: detailed, emit: emit)
            emit("")
        }
        emit(" IPv6 Crypto IKEv2  SA")
        emit("")
    }

    private static func block(device: Device, session: Session, detailed: Bool, emit: (String) -> Void) {
        emit("Tunnel-id Local                 Remote                fvrf/ivrf            Status")
        emit(SessionFormat.padRight(String(session.saId), 10)
             + SessionFormat.padRight(session.local.description + "/4500", 22)
             + SessionFormat.padRight(session.peer.description + "/4500", 22)
             + SessionFormat.padRight("none/none", 21) + "READY")
        emit("      Encr: AES-CBC, keysize: 256, PRF: SHA512, Hash: SHA512, DH Grp:19, Auth sign: PSK, Auth verify: PSK")
        emit("      Life/Active Time: " + String(CryptoSessionRenderer.ikeLifetime) + "/"
             + String(SessionFormat.age(session, device: device)) + " sec")
        guard detailed else { return }
        let spis = device.ikev2SPIs(saId: session.saId)
        emit("      CE id: 0, Session-id: " + String(session.ikev2SessionId))
        emit("      Status Description: Negotiation done")
        emit("      Local spi: " + SessionFormat.hex16(spis.local) + "       Remote spi: "
             + SessionFormat.hex16(spis.remote))
        emit("      Local id: " + session.local.description)
        emit("      Remote id: " + (session.userName ?? session.peer.description))
        emit("      Local req msg id:  0              Remote req msg id:  2")
        emit("      Local next msg id: 0              Remote next msg id: 2")
        emit("      Local req queued:  0              Remote req queued:  2")
        emit("      Local window:      5              Remote window:      5")
        emit("      DPD configured for 0 seconds, retry 0")
        emit("      Fragmentation not  configured.")
        emit("      Dynamic Route Update: disabled")
        emit("      Extended Authentication not configured.")
        emit("      NAT-T is not detected")
        emit("      Cisco Trust Security SGT is disabled")
        if let framed = session.framedIP { emit("      Assigned host addr: " + framed.description) }
        emit("      Initiator of SA : No")
    }
}
