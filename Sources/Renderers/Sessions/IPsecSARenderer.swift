import Device
import IKEv2
import RADIUS

/// `show crypto ipsec sa [peer A.B.C.D] [detail]` in IOS XE 17.3's layout: per session its Virtual-Access
/// interface and, per CHILD_SA, the flow, the packet counters and the inbound and outbound ESP SAs.
/// A session of the real IKEv2 responder shows its negotiated CHILD_SAs (SPIs, transform,
/// selectors); a simulated one, which negotiated nothing, its Virtual-Template's IPsec profile
/// (transform set, PFS, lifetime; IOS's defaults: `esp-aes esp-sha-hmac`) with SPIs
/// derived from the session, so they stay the same between two `show`s.
public enum IPsecSARenderer {
    /// IOS's default IPsec SA lifetime: 4,608,000 kilobytes or 3,600 seconds.
    static let lifetimeKilobytes: UInt64 = 4_608_000
    static let lifetimeSeconds = 3600

    /// What one CHILD_SA shows, in the transform set's terms.
    struct Flow {
        var inboundSPI: UInt32
        var outboundSPI: UInt32
        var cipher: IPsecTransformSet.Cipher
        var hmac: IPsecTransformSet.HMAC?
        var local: String
        var remote: String
    }

    /// A negotiated CHILD_SA's algorithms as a transform set names them.
    static func transforms(_ encryption: EncryptionAlgorithm, _ integrity: IntegrityAlgorithm?)
        -> (IPsecTransformSet.Cipher, IPsecTransformSet.HMAC?) {
        let cipher: IPsecTransformSet.Cipher
        switch encryption {
        case let .aesGCM16(bits): cipher = .gcm(keyBits: bits)
        case let .aesCBC(bits): cipher = .aes(keyBits: bits)
        }
        switch integrity {
        case .hmacSHA2_256_128?: return (cipher, .sha256)
        case .hmacSHA2_384_192?: return (cipher, .sha384)
        case .hmacSHA2_512_256?: return (cipher, .sha512)
        case nil: return (cipher, nil)
        }
    }

    /// `detail`: the drop counters in place of the error line, and the replay window's size.
    public static func render(device: Device, peer: IPv4Address?, detail: Bool = false, emit: (String) -> Void) {
        var any = false
        device.sessions.forEach { session in
            if let peer, session.peer != peer { return }
            any = true
            let sa = device.ike.sa(saId: session.saId)
            let policy = device.config.flexVPN.sessionIPsecPolicy()
            let flows: [Flow]
            if let sa {
                flows = sa.activeChildren.map { child in
                    let (cipher, hmac) = transforms(child.encryption, child.integrity)
                    return Flow(inboundSPI: child.inboundSPI, outboundSPI: child.outboundSPI, cipher: cipher, hmac: hmac,
                                local: ident(child.localSelector), remote: ident(child.remoteSelector))
                }
            } else {
                // A simulated session took its Virtual-Template's IPsec profile as it is.
                let remote = session.framedIP.map { "(" + $0.description + "/255.255.255.255/0/0)" } ?? "(0.0.0.0/0.0.0.0/0/0)"
                flows = [Flow(inboundSPI: simulatedSPI(session, 1), outboundSPI: simulatedSPI(session, 2),
                              cipher: policy.transformSet.cipher, hmac: policy.transformSet.hmac,
                              local: "(0.0.0.0/0.0.0.0/0/0)", remote: remote)]
            }
            let pfs = sa == nil ? policy.profile.pfsGroup : nil
            let lifetimeSeconds = policy.profile.lifetimeSeconds ?? Self.lifetimeSeconds
            let lifetimeKilobytes = policy.profile.lifetimeKilobytes.map(UInt64.init) ?? Self.lifetimeKilobytes
            let interface = "Virtual-Access" + String(session.saId)
            let tag = interface + "-head-0"
            let natT = sa?.natDetected == true
            let age = SessionFormat.age(session, device: device)
            emit("")
            emit("interface: " + interface)
            emit("    Crypto map tag: " + tag + ", local addr " + session.local.description)
            for (n, flow) in flows.enumerated() {
                emit("")
                emit("   protected vrf: (none)")
                emit("   local  ident (addr/mask/prot/port): " + flow.local)
                emit("   remote ident (addr/mask/prot/port): " + flow.remote)
                emit("   current_peer " + session.peer.description + " port " + String(session.peerPort))
                emit("     PERMIT, flags={origin_is_acl,}")
                // The session's traffic counts on its first flow.
                let out = n == 0 ? session.packetsOut : 0
                let inn = n == 0 ? session.packetsIn : 0
                emit("    #pkts encaps: \(out), #pkts encrypt: \(out), #pkts digest: \(out)")
                emit("    #pkts decaps: \(inn), #pkts decrypt: \(inn), #pkts verify: \(inn)")
                emit("    #pkts compressed: 0, #pkts decompressed: 0")
                emit("    #pkts not compressed: 0, #pkts compr. failed: 0")
                emit("    #pkts not decompressed: 0, #pkts decompress failed: 0")
                if detail {
                    emit("    #pkts no sa (send) 0, #pkts invalid sa (rcv) 0")
                    emit("    #pkts encaps failed (send) 0, #pkts decaps failed (rcv) 0")
                    emit("    #pkts invalid prot (recv) 0, #pkts verify failed: 0")
                    emit("    #pkts invalid identity (recv) 0, #pkts invalid len (rcv) 0")
                    emit("    #pkts replay rollover (send): 0, #pkts replay rollover (rcv) 0")
                    emit("    ##pkts replay failed (rcv): 0")
                    emit("    #pkts tagged (send): 0, #pkts untagged (rcv): 0")
                    emit("    #pkts not tagged (send): 0, #pkts not untagged (rcv): 0")
                    emit("    #pkts internal err (send): 0, #pkts internal err (recv) 0")
                } else {
                    emit("    #send errors 0, #recv errors 0")
                }
                emit("")
                emit("     local crypto endpt.: " + session.local.description + ", remote crypto endpt.: "
                     + session.peer.description)
                emit("     plaintext mtu " + String(plaintextMTU(flow, natT: natT))
                     + ", path mtu 1500, ip mtu 1500, ip mtu idb GigabitEthernet1")
                emit("     current outbound spi: " + spiText(flow.outboundSPI))
                emit("     PFS (Y/N): " + (pfs.map { "Y, DH group: group\($0)" } ?? "N, DH group: none"))
                let connBase = 2000 + 2 * (Int(session.saId) - 1) + 2 * n
                let remaining = lifetimeSeconds - age % lifetimeSeconds
                // A Virtual-Access is a tunnel interface (VTI): its SAs are in tunnel mode whatever
                // mode a transform set offers.
                let settings = natT ? "Tunnel UDP-Encaps" : "Tunnel"
                func espSA(_ spi: UInt32, conn: Int, bytes: UInt64) {
                    emit("      spi: " + spiText(spi))
                    emit("        transform: " + transform(flow) + " ,")
                    emit("        in use settings ={" + settings + ", }")
                    emit("        conn id: \(conn), flow_id: CSR:\(conn - 2000), sibling_flags FFFFFFFF80000048, crypto map: " + tag)
                    emit("        sa timing: remaining key lifetime (k/sec): ("
                         + String(lifetimeKilobytes - min(lifetimeKilobytes, bytes / 1024)) + "/" + String(remaining) + ")")
                    emit("        IV size: " + (isGCM(flow) ? "8" : "16") + " bytes")
                    // IOS's default anti-replay window: 64 packets.
                    emit("        replay detection support: Y" + (detail ? "  replay window size: 64" : ""))
                    emit("        Status: ACTIVE(ACTIVE)")
                    emit("")
                }
                emit("")
                emit("     inbound esp sas:")
                espSA(flow.inboundSPI, conn: connBase + 1, bytes: n == 0 ? session.bytesIn : 0)
                emit("     inbound ah sas:")
                emit("")
                emit("     inbound pcp sas:")
                emit("")
                emit("     outbound esp sas:")
                espSA(flow.outboundSPI, conn: connBase + 2, bytes: n == 0 ? session.bytesOut : 0)
                emit("     outbound ah sas:")
                emit("")
                emit("     outbound pcp sas:")
            }
        }
        if any { emit("") }
    }

    /// `0xC1B99FD9(3250167769)`.
    static func spiText(_ spi: UInt32) -> String {
        "0x" + String(spi, radix: 16, uppercase: true) + "(" + String(spi) + ")"
    }

    static func isGCM(_ flow: Flow) -> Bool {
        if case .gcm = flow.cipher { return true }
        return false
    }

    /// IOS's transform names: `esp-aes`, `esp-192-aes`, `esp-256-aes`, `esp-gcm 256`, then the HMAC.
    static func transform(_ flow: Flow) -> String {
        IPsecTransformSet(name: "", cipher: flow.cipher, hmac: flow.hmac).shownText
    }

    /// The largest plaintext that fits a 1500-octet path in one tunnel-mode ESP packet: the outer
    /// IPv4 header, UDP with NAT-T, SPI and sequence number, IV, the padded payload with its pad
    /// length and next header, and the ICV.
    static func plaintextMTU(_ flow: Flow, natT: Bool) -> Int {
        let gcm = isGCM(flow)
        let block = gcm ? 4 : 16
        let iv = gcm ? 8 : 16
        let icv: Int
        switch flow.hmac {
        case .sha?: icv = 12
        case .sha256?: icv = 16
        case .sha384?: icv = 24
        case .sha512?: icv = 32
        case nil: icv = gcm ? 16 : 0
        }
        let room = 1500 - 20 - (natT ? 8 : 0) - 8 - iv - icv
        return room / block * block - 2
    }

    /// A selector as IOS shows the flow: `(10.99.0.1/255.255.255.255/0/0)`; a range that is not
    /// one prefix shows its start with the mask of the longest prefix that covers it.
    static func ident(_ ts: TrafficSelector) -> String {
        func value(_ bytes: [UInt8]) -> UInt32 { bytes.prefix(4).reduce(0) { $0 << 8 | UInt32($1) } }
        let start = value(ts.startAddress)
        let end = value(ts.endAddress)
        let differing = start ^ end
        let length = differing == 0 ? 32 : differing.leadingZeroBitCount
        let mask = InterfaceAddress.maskBits(prefix: length)
        let port = ts.startPort == 0 && ts.endPort == 65535 ? 0 : Int(ts.startPort)
        return "(" + IPv4Address(rawValue: start & mask).description + "/" + IPv4Address(rawValue: mask).description
            + "/" + String(ts.ipProtocol) + "/" + String(port) + ")"
    }

    /// A simulated session's SPI: mixed from its ids (never below 256, which IANA reserves).
    static func simulatedSPI(_ session: Session, _ which: UInt64) -> UInt32 {
        var z = UInt64(session.uniqueId) &* 0x9E37_79B9_7F4A_7C15 &+ which &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return UInt32(truncatingIfNeeded: z) | 0x1000
    }
}
