import Device
import IKEv2

/// `show crypto ikev2 sa [detailed]` in IOS XE's layout: the IPv4 table with one header per SA,
/// then the (empty) IPv6 table. Column widths as a real capture: Tunnel-id 10, Local and Remote
/// 22, fvrf/ivrf 21. A real client's SA shows its negotiated algorithms, SPIs, identities and
/// message ids; a simulated session (`lab session connect`) the seeds' values.
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

    /// The `Encr: …` line of a negotiated suite: `Encr: AES-GCM, keysize: 256, PRF: SHA256, Hash: None, DH Grp:19, …`.
    static func algorithms(_ suite: IKECipherSuite) -> String {
        "      Encr: " + suite.encryption.description + ", PRF: " + suite.prf.iosName + ", Hash: "
            + (suite.integrity?.iosName ?? "None") + ", DH Grp:" + String(suite.group.rawValue)
            + ", Auth sign: PSK, Auth verify: PSK"
    }

    static func header(_ emit: (String) -> Void) {
        emit("Tunnel-id Local                 Remote                fvrf/ivrf            Status")
    }

    static func tableLine(session: Session) -> String {
        SessionFormat.padRight(String(session.saId), 10)
            + SessionFormat.padRight(session.local.description + "/" + String(session.localPort), 22)
            + SessionFormat.padRight(session.peer.description + "/" + String(session.peerPort), 22)
            + SessionFormat.padRight("none/none", 21) + "READY"
    }

    static func block(device: Device, session: Session, detailed: Bool, emit: (String) -> Void) {
        let sa = device.ike.sa(saId: session.saId)
        header(emit)
        emit(tableLine(session: session))
        if let sa {
            emit(algorithms(sa.suite))
        } else {
            emit("      Encr: AES-CBC, keysize: 256, PRF: SHA512, Hash: SHA512, DH Grp:19, Auth sign: PSK, Auth verify: PSK")
        }
        emit("      Life/Active Time: " + String(sa?.lifetime ?? device.ike.settings.lifetime) + "/"
             + String(SessionFormat.age(session, device: device)) + " sec")
        guard detailed else { return }
        let spis = sa.map { ($0.responderSPI, $0.initiatorSPI) } ?? device.ikev2SPIs(saId: session.saId)
        emit("      CE id: 0, Session-id: " + String(session.ikev2SessionId))
        emit("      Status Description: Negotiation done")
        emit("      Local spi: " + SessionFormat.hex16(spis.0) + "       Remote spi: " + SessionFormat.hex16(spis.1))
        emit("      Local id: " + (sa?.localID?.displayString ?? session.local.description))
        emit("      Remote id: " + (sa?.remoteID?.displayString ?? session.userName ?? session.peer.description))
        // Message ids, ours and the peer's: the seeds show the next id in all three lines.
        let localNext = String(sa.map { $0.nextOwnMessageID } ?? 0)
        let remoteNext = String(sa.map { $0.nextPeerMessageID } ?? 2)
        emit("      Local req msg id:  " + SessionFormat.padRight(localNext, 15) + "Remote req msg id:  " + remoteNext)
        emit("      Local next msg id: " + SessionFormat.padRight(localNext, 15) + "Remote next msg id: " + remoteNext)
        emit("      Local req queued:  " + SessionFormat.padRight(localNext, 15) + "Remote req queued:  " + remoteNext)
        emit("      Local window:      5              Remote window:      5")
        emit("      DPD configured for " + String(sa?.dpd?.interval ?? 0) + " seconds, retry " + String(sa?.dpd?.retry ?? 0))
        emit("      Fragmentation not  configured.")
        emit("      Dynamic Route Update: disabled")
        emit("      Extended Authentication not configured.")
        emit("      NAT-T is " + (sa?.natDetected == true ? "detected  outside" : "not detected"))
        emit("      Cisco Trust Security SGT is disabled")
        if let framed = session.framedIP { emit("      Assigned host addr: " + framed.description) }
        emit("      Initiator of SA : No")
    }
}

/// `show crypto ikev2 session [detailed]`: per session its counts, then its SA as
/// `show crypto ikev2 sa` shows it, and its CHILD_SA's selectors and ESP SPIs.
public enum IKEv2SessionRenderer {
    public static func render(device: Device, detailed: Bool, emit: (String) -> Void) {
        emit(" IPv4 Crypto IKEv2 Session")
        emit("")
        device.sessions.forEach { session in
            let sa = device.ike.sa(saId: session.saId)
            // A simulated session has the seeds' one IPsec flow.
            let children = sa.map { $0.activeChildren.count } ?? 1
            emit("Session-id:" + String(session.ikev2SessionId) + ", Status:UP-ACTIVE, IKE count:1, CHILD count:"
                 + String(children))
            emit("")
            IKEv2SARenderer.block(device: device, session: session, detailed: detailed, emit: emit)
            for child in sa?.activeChildren ?? [] {
                emit("Child sa: local selector  " + selector(child.localSelector))
                emit("          remote selector " + selector(child.remoteSelector))
                emit("          ESP spi in/out: 0x" + upperHex(UInt64(child.inboundSPI), digits: 8) + "/0x"
                     + upperHex(UInt64(child.outboundSPI), digits: 8))
            }
            emit("")
        }
        emit(" IPv6 Crypto IKEv2 Session")
        emit("")
    }

    /// `0.0.0.0/0 - 255.255.255.255/65535`: addresses with the start and end ports.
    static func selector(_ ts: TrafficSelector) -> String {
        func address(_ bytes: [UInt8]) -> String { bytes.map(String.init).joined(separator: ".") }
        return address(ts.startAddress) + "/" + String(ts.startPort) + " - " + address(ts.endAddress) + "/"
            + String(ts.endPort)
    }
}

/// `show crypto ikev2 stats` in IOS XE's layout; bad input of every kind is counted in
/// `IKEv2 packets dropped at dispatch` or `Rejected IKEv2 Requests`.
public enum IKEv2StatsRenderer {
    public static func render(device: Device, emit: (String) -> Void) {
        let s = device.ike.statistics
        let rule = String(repeating: "-", count: 80)
        func col(_ value: Int, _ width: Int = 9) -> String { SessionFormat.padRight(String(value), width) }
        emit(rule)
        emit("                      Crypto IKEv2 SA Statistics")
        emit(rule)
        let limits = device.config.flexVPN.global
        emit("System Resource Limit:   0        Max IKEv2 SAs: " + col(device.config.ikev2MaxSA ?? 0)
             + "Max in nego(in/out): " + String(limits.incomingHalfOpenLimit) + "/" + String(limits.outgoingHalfOpenLimit))
        let active = device.ike.establishedCount
        let negotiating = device.ike.halfOpenCount
        emit("Total incoming IKEv2 SA Count:    " + col(active + negotiating) + "active:        " + col(active)
             + "negotiating: " + String(negotiating))
        emit("Total outgoing IKEv2 SA Count:    0        active:        0        negotiating: 0")
        emit("Incoming IKEv2 Requests: " + col(s.incomingRequests) + "accepted:      " + col(s.acceptedRequests)
             + "rejected:    " + String(s.rejectedRequests))
        emit("Outgoing IKEv2 Requests: 0        accepted:      0        rejected:    0")
        emit("Rejected IKEv2 Requests: " + col(s.rejectedRequests) + "rsrc low:      0        SA limit:    "
             + String(s.halfOpenLimit))
        emit("IKEv2 packets dropped at dispatch: " + String(s.droppedAtDispatch))
        emit("Incoming IKEV2 Cookie Challenged Requests: " + String(s.cookieChallenged))
        emit("             accepted: " + col(s.cookieAccepted) + "rejected: " + col(s.cookieRejected)
             + "rejected no cookie: " + String(s.cookieRejectedNoCookie))
        emit("Total Deleted sessions of Cert Revoked Peers: 0")
        emit("")
    }
}
