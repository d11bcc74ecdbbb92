import IKEv2

/// `debug crypto ikev2` lines of the packets of a real IKE SA, in IOS XE's shape:
/// ```
/// IKEv2:(SESSION ID = 31,SA ID = 1):Received Packet [From 10.0.0.2:500/To 10.0.0.1:500/VRF i0:f0]
/// Initiator SPI : 1D418169B24BF95A - Responder SPI : 0000000000000000 Message id: 0
/// IKEv2 IKE_SA_INIT Exchange REQUEST
/// Payload contents:
///  SA KE N VID VID NOTIFY(NAT_DETECTION_SOURCE_IP) NOTIFY(NAT_DETECTION_DESTINATION_IP)
/// ```
/// An SK payload's contents are listed as decrypted.
enum IKEDebugLines {
    static func packet(ids: String, received: Bool, peer: IKEEndpoint, local: IKEEndpoint, header: IKEHeader,
                       payloads: [Payload]) -> [String] {
        let direction = received
            ? "Received Packet [From " + peer.description + "/To " + local.description + "/VRF i0:f0]"
            : "Sending Packet [To " + peer.description + "/From " + local.description + "/VRF i0:f0]"
        return ["IKEv2:" + ids + ":" + direction,
                "Initiator SPI : " + upperHex(header.initiatorSPI, digits: 16) + " - Responder SPI : "
                    + upperHex(header.responderSPI, digits: 16) + " Message id: " + String(header.messageID),
                "IKEv2 " + header.exchangeType.description + " Exchange " + (header.isResponse ? "RESPONSE" : "REQUEST"),
                "Payload contents:",
                " " + contents(payloads)]
    }

    /// `SA KE N NOTIFY(COOKIE)`: each payload's short name, notifies with their type.
    static func contents(_ payloads: [Payload]) -> String {
        payloads.map { payload -> String in
            if case .notify(let n) = payload { return "NOTIFY(" + n.type.description + ")" }
            return payload.type.description
        }.joined(separator: " ")
    }
}
