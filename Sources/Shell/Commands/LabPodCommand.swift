import Device
import RADIUS

extension IOSCommands {
    /// `lab pod …`: a Disconnect-Request from a simulated DAC, decided by the same code path as a
    /// datagram on the DAS socket, so the seeds' flow can be shown with no external tool.
    static var labPodCommands: [CommandDeclaration] {
        let identification = "audit-session-id WORD$audit | user-name WORD$user | acct-session-id WORD$acct"
            + " | framed-ip A.B.C.D$framed | calling-station-id WORD$calling | session-key WORD$skey"
            + " | nas-ip-address A.B.C.D$nas"
        let identificationHelp = ["Cisco audit-session-id of the session", "The audit-session-id",
                                  "User-Name of the session", "The user name",
                                  "Acct-Session-Id of the session", "The Acct-Session-Id (8 hex digits)",
                                  "Framed-IP-Address of the session", "The address",
                                  "Calling-Station-Id of the session (its peer address)", "The calling station",
                                  "Session server key, attribute 151", "The key (8 hex digits)",
                                  "NAS-IP-Address the request names", "The NAS address"]
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
        var attributes: [RADIUSAttribute] = []
        for capture in ctx.captures {
            switch capture.name {
            case "audit": attributes.append(.ciscoAVPair("audit-session-id=" + capture.text))
            case "user": attributes.append(.string(RADIUSAttributeType.userName, capture.text))
            case "acct": attributes.append(.string(RADIUSAttributeType.acctSessionId, capture.text))
            case "framed":
                if let address = IPv4Address(capture.text) { attributes.append(.ipv4(RADIUSAttributeType.framedIPAddress, address)) }
            case "calling": attributes.append(.string(RADIUSAttributeType.callingStationId, capture.text))
            case "skey": attributes.append(.string(RADIUSAttributeType.ciscoSessionKey, capture.text))
            case "nas":
                if let address = IPv4Address(capture.text) { attributes.append(.ipv4(RADIUSAttributeType.nasIPAddress, address)) }
            default: break
            }
        }
        let secret = das.client(host: from.description)?.serverKey?.plain ?? das.serverKey?.plain ?? ""
        var packet = RADIUSPacket(code: code, identifier: UInt8(truncatingIfNeeded: device.random.next()),
                                  attributes: attributes + extra)
        let bytes = RADIUSAuth.signRequest(&packet, secret: secret)
        let sourcePort = UInt16(device.random.int(in: 49152...65535))
        guard let reply = device.handleDASDatagram(bytes, from: (from, sourcePort), localPort: port),
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
