import Device
import RADIUS

extension IOSCommands {
    /// `lab pod …`: a Disconnect-Request from a simulated DAC, decided by the same code path as a
    /// datagram on the DAS socket, so the seeds' flow can be shown with no external tool.
    static var labPodCommands: [CommandDeclaration] {
        let identification = LabPod.identificationSyntax
        let identificationHelp = LabPod.identificationHelp
        return [
            CommandDeclaration([.exec], "lab pod {\(identification)} [\(identification)]* [from A.B.C.D$from]",
                               [HelpText.lab, "Send a simulated RADIUS Packet of Disconnect to the DAS"]
                                   + identificationHelp + identificationHelp
                                   + ["Address of the simulated DAC (default: the lab RADIUS peer)",
                                      "IP address of the DAC"]) { ctx in
                ctx.output += LabPod.send(ctx)
            },
        ]
    }
}

enum LabPod {
    /// How `lab pod` and `lab coa` name the session: RFC 5176's identification attributes.
    static let identificationSyntax = "audit-session-id WORD$audit | user-name WORD$user | acct-session-id WORD$acct"
        + " | framed-ip A.B.C.D$framed | calling-station-id WORD$calling | session-key WORD$skey"
        + " | nas-ip-address A.B.C.D$nas"
    static let identificationHelp = ["Cisco audit-session-id of the session", "The audit-session-id",
                                     "User-Name of the session", "The user name",
                                     "Acct-Session-Id of the session", "The Acct-Session-Id (8 hex digits)",
                                     "Framed-IP-Address of the session", "The address",
                                     "Calling-Station-Id of the session (its peer address)", "The calling station",
                                     "Session server key, attribute 151", "The key (8 hex digits)",
                                     "NAS-IP-Address the request names", "The NAS address"]

    /// Sends a Disconnect-Request (or, for `lab coa`, a CoA-Request with `extra` attributes)
    /// through the DAS's datagram path and describes the answer.
    static func send(_ ctx: CommandContext, code: RADIUSCode = .disconnectRequest,
                     extra: [RADIUSAttribute] = []) -> String {
        let device = ctx.device
        guard let port = device.config.dasPort, let das = device.config.dynamicAuthor else {
            return "% Lab: the DAS is not configured (aaa new-model, aaa server radius dynamic-author)\n"
        }
        guard let from = ctx.ipv4("from") ?? defaultPeer(device) else {
            return "% Lab: no lab RADIUS peer configured; give one with `from A.B.C.D`\n"
        }
        // The values' capture names (the keywords are captured too, under their own names).
        let names = ["audit": "audit-session-id", "user": "user-name", "acct": "acct-session-id", "framed": "framed-ip",
                     "calling": "calling-station-id", "skey": "session-key", "nas": "nas-ip-address"]
        let attributes = ctx.captures.compactMap { capture in
            names[capture.name].flatMap { attribute(LabIdentification(name: $0, value: capture.text)) }
        }
        let secret = das.client(host: from.description)?.serverKey?.plain ?? das.serverKey?.plain ?? ""
        return deliver(device: device, from: from, secret: secret, port: port, code: code, attributes: attributes + extra)
    }

    /// A session-identification attribute, by `lab pod`'s keyword.
    static func attribute(_ item: LabIdentification) -> RADIUSAttribute? {
        switch item.name {
        case "audit-session-id": return .ciscoAVPair("audit-session-id=" + item.value)
        case "user-name": return .string(RADIUSAttributeType.userName, item.value)
        case "acct-session-id": return .string(RADIUSAttributeType.acctSessionId, item.value)
        case "framed-ip":
            return IPv4Address(item.value).map { .ipv4(RADIUSAttributeType.framedIPAddress, $0) }
        case "calling-station-id": return .string(RADIUSAttributeType.callingStationId, item.value)
        case "session-key": return .string(RADIUSAttributeType.ciscoSessionKey, item.value)
        case "nas-ip-address":
            return IPv4Address(item.value).map { .ipv4(RADIUSAttributeType.nasIPAddress, $0) }
        default: return nil
        }
    }

    /// A Disconnect-Request (or CoA-Request) signed with `secret` from a simulated DAC at `from`,
    /// to the DAS's `port`: decided by the same code as a datagram on the socket. Nothing answers
    /// when the DAS listens on another port (or not at all), as with a real packet.
    static func deliver(device: Device, from: IPv4Address, secret: String, port: UInt16,
                        code: RADIUSCode = .disconnectRequest, attributes: [RADIUSAttribute]) -> String {
        var packet = RADIUSPacket(code: code, identifier: UInt8(truncatingIfNeeded: device.random.next()),
                                  attributes: attributes)
        let bytes = RADIUSAuth.signRequest(&packet, secret: secret)
        let sourcePort = UInt16(device.random.int(in: 49152...65535))
        guard device.config.dasPort == port,
              let reply = device.handleDASDatagram(bytes, from: (from, sourcePort), localPort: port),
              let answer = try? RADIUSPacket.decode(reply) else {
            return "% Lab: \(code.name) id \(packet.identifier) from \(from):\(sourcePort) got no reply (discarded)\n"
        }
        var text = "% Lab: \(code.name) id \(packet.identifier) from \(from):\(sourcePort): \(answer.code.name)"
        if let cause = answer.first(RADIUSAttributeType.errorCause)?.integerValue {
            let name = RADIUSDictionary.attribute(RADIUSAttributeType.errorCause)?.valueName(cause) ?? "\(cause)"
            text += ", Error-Cause \(cause) (\(name))"
        }
        text += "\n"
        // A session-query's answer carries the session's attributes: shown as `debug radius` would.
        if answer.code == .coaACK, !answer.attributes.isEmpty {
            for line in RADIUSDebugLines.attributes(reply) { text += "  " + line + "\n" }
        }
        return text
    }

    /// The lab RADIUS peer: the first configured `radius server`'s address, else the first client.
    static func defaultPeer(_ device: Device) -> IPv4Address? {
        for server in device.config.radiusServers {
            if let address = server.address.flatMap(IPv4Address.init) { return address }
        }
        return device.config.dynamicAuthor?.clients.lazy.compactMap { IPv4Address($0.host) }.first
    }
}
