import Device
import RADIUS

// `lab session connect` through a FlexVPN profile, `lab sessions connect COUNT` (the emulator as a
// load generator for RADIUS servers) and `lab coa` (a CoA-Request from the simulated DAC).

extension IOSCommands {
    static var labLifecycleCommands: [CommandDeclaration] {
        let identification = LabPod.identificationSyntax
        let identificationHelp = LabPod.identificationHelp
        let changes = "session-timeout <0-4294967295>$st | idle-timeout <0-4294967295>$it | inacl WORD$inacl"
            + " | service-policy WORD$qos | class WORD$class | reauthenticate$reauth | session-query$query"
            + " | filter-id WORD$filter | interim-interval <0-4294967295>$interim"
        let changesHelp = ["Session-Timeout (27) to apply", "Seconds", "Idle-Timeout (28) to apply", "Seconds",
                           "Cisco AV pair ipsec:inacl (the session's inbound ACL)", "Access list name",
                           "Cisco AV pair ip:interface-config=service-policy output NAME (QoS)", "Policy map name",
                           "Class (25) to echo in accounting from now on", "The class",
                           "subscriber:command=reauthenticate (authorization runs again)",
                           "subscriber:command=session-query (the ACK carries the session's attributes)",
                           "Filter-Id (11): not a FlexVPN CoA attribute (NAK 401)", "The filter",
                           "Acct-Interim-Interval (85): not changed by CoA (NAK 401)", "Seconds"]
        return [
            CommandDeclaration([.exec], "lab coa {\(identification)} [\(identification) | \(changes)]* [from A.B.C.D$from]",
                               [HelpText.lab, "Send a simulated RADIUS CoA-Request to the DAS"]
                                   + identificationHelp + identificationHelp + changesHelp
                                   + ["Address of the simulated DAC (default: the lab RADIUS peer)",
                                      "IP address of the DAC"]) { ctx in
                var extra: [RADIUSAttribute] = []
                for capture in ctx.captures {
                    switch capture.name {
                    case "st": extra.append(.integer(RADIUSAttributeType.sessionTimeout, UInt32(capture.text) ?? 0))
                    case "it": extra.append(.integer(RADIUSAttributeType.idleTimeout, UInt32(capture.text) ?? 0))
                    case "interim": extra.append(.integer(RADIUSAttributeType.acctInterimInterval, UInt32(capture.text) ?? 0))
                    case "inacl": extra.append(.ciscoAVPair("ipsec:inacl=" + capture.text))
                    case "qos": extra.append(.ciscoAVPair("ip:interface-config=service-policy output " + capture.text))
                    case "class": extra.append(.string(RADIUSAttributeType.class, capture.text))
                    case "reauth": extra.append(.ciscoAVPair("subscriber:command=reauthenticate"))
                    case "query": extra.append(.ciscoAVPair("subscriber:command=session-query"))
                    case "filter": extra.append(.string(RADIUSAttributeType.filterId, capture.text))
                    default: break
                    }
                }
                ctx.output += LabPod.send(ctx, code: .coaRequest, extra: extra)
            },
            CommandDeclaration([.exec],
                               "lab sessions connect <1-100000>$count [rate <1-1000000>$rate | profile WORD$profile | prefix WORD$prefix | hold <0-86400>$hold]*",
                               [HelpText.lab, "Many emulated remote-access sessions at once",
                                "Bring up sessions as clients connecting would (a RADIUS load generator)",
                                "How many sessions", "Start this many a second (default: all at once)",
                                "Sessions a second", "Connect through this crypto ikev2 profile", "Profile name",
                                "User names are PREFIX1, PREFIX2, ... (default lab)", "The prefix",
                                "End each session (User-Request) this many seconds after it came up", "Seconds"]) { ctx in
                LabConnect.bulk(ctx)
            },
        ]
    }
}

/// Where a lab command's result goes: the command's own output while it runs, later a console
/// notice (a RADIUS server answered after the prompt came back).
final class LabCommandReport {
    private weak var ctx: CommandContext?
    private let device: Device
    var inline = true
    init(_ ctx: CommandContext) {
        self.ctx = ctx
        device = ctx.device
    }
    func say(_ text: String) {
        if inline, let ctx { ctx.print(text) } else { device.labNotice(text) }
    }
}

enum LabConnect {
    /// `lab session connect USER …`: through the FlexVPN profile when one is named or the
    /// configuration has profiles, else the plain lab session of the seeds.
    static func run(_ ctx: CommandContext) {
        let device = ctx.device
        let peerAddress = ctx.ipv4("peer") ?? Device.defaultSessionPeer
        var key: UInt32?
        if let text = ctx.string("key") {
            guard text.count == 8, let value = parseHex32(text) else {
                ctx.print("% Lab: a server key is 8 hex digits, like 1771D693")
                return
            }
            key = value
        }
        let traffic = ctx.int("rate").flatMap { $0 > 0 ? SimulatedTraffic(packetsPerSecond: UInt64($0)) : nil }
        let viaProfile = ctx.string("profile") != nil || (!device.config.flexVPN.profiles.isEmpty && ctx.string("user") != nil)
        guard viaProfile else {
            connectPlain(ctx, peer: peerAddress, key: key, traffic: traffic)
            return
        }
        guard let user = ctx.string("user") else {
            ctx.print("% Lab: a FlexVPN client needs an identity")
            return
        }
        let uniqueId: UInt32
        if let given = ctx.int("uid").flatMap(UInt32.init(exactly:)) {
            guard !device.sessions.containsUniqueId(given) else {
                ctx.print("% Lab: Unique Id \(given) is in use by a live session")
                return
            }
            uniqueId = given
        } else {
            uniqueId = device.sessions.allocateUniqueId()
        }
        let peer = FlexVPNPeer(identity: IKEv2Identity(text: user), address: peerAddress,
                               eapIdentity: ctx.string("eapid"), eapPassword: ctx.string("eappw"),
                               profileName: ctx.string("profile"))
        let report = LabCommandReport(ctx)
        let framed = ctx.ipv4("framed")
        let audit = ctx.string("audit")
        let sid = ctx.int("sid").flatMap(UInt32.init(exactly:))
        device.connectFlexVPN(peer, uniqueId: uniqueId, framedIP: framed, auditSessionId: audit, sessionId: sid,
                              serverKey: key, traffic: traffic) { result in
            switch result {
            case let .success(session):
                let address = session.framedIP.map { ", address \($0)" } ?? ""
                report.say("% Lab: session up: Unique Id \(session.uniqueId), user \(user), peer \(peerAddress), "
                           + "profile \(device.authorization(uniqueId: session.uniqueId)?.profile ?? "")\(address)")
            case let .failure(reason):
                report.say("% Lab: session for \(user) refused: \(reason)")
            }
        }
        report.inline = false
    }

    /// The seeds' lab session: no profile, no authorization.
    private static func connectPlain(_ ctx: CommandContext, peer: IPv4Address, key: UInt32?, traffic: SimulatedTraffic?) {
        let session: Session
        guard ctx.device.admitsNewSession() else {
            ctx.print("% Lab: session refused: crypto ikev2 limit max-sa \(ctx.device.config.ikev2MaxSA ?? 0) reached")
            return
        }
        do {
            session = try ctx.device.connectLabSession(
                userName: ctx.string("user"), peer: peer, auditSessionId: ctx.string("audit"),
                framedIP: ctx.ipv4("framed"), sessionId: ctx.int("sid").flatMap(UInt32.init(exactly:)),
                uniqueId: ctx.int("uid").flatMap(UInt32.init(exactly:)), serverKey: key)
        } catch {
            switch error {
            case let .sessionIdInUse(id): ctx.print("% Lab: Session Id \(id) is in use by a live session")
            case let .uniqueIdInUse(id): ctx.print("% Lab: Unique Id \(id) is in use by a live session")
            case .zero: ctx.print("% Lab: 0 is not an id")
            }
            return
        }
        if let traffic { ctx.device.setTrafficRate(uniqueId: session.uniqueId, traffic) }
        ctx.print("% Lab: session up: Unique Id \(session.uniqueId), user \(session.userName ?? "*not available*"), "
                  + "peer \(peer), audit-session-id \(session.auditSessionId)")
    }

    /// `lab sessions connect COUNT [rate N] [profile NAME] [prefix WORD] [hold SECONDS]`.
    static func bulk(_ ctx: CommandContext) {
        let device = ctx.device
        guard let count = ctx.int("count") else { return }
        let prefix = ctx.string("prefix") ?? "lab"
        let profile = ctx.string("profile")
        let hold = ctx.int("hold").map(Double.init)
        let run = BulkRun(total: count, started: device.now)
        let report = LabCommandReport(ctx)
        func one(_ i: Int) {
            // Peers from 10.64.0.0/10 onwards: a distinct Calling-Station-Id per client.
            let address = IPv4Address(rawValue: 0x0A40_0000 &+ UInt32(i))
            let peer = FlexVPNPeer(identity: IKEv2Identity(text: "\(prefix)\(i)"), address: address, profileName: profile)
            let uid = device.sessions.allocateUniqueId()
            device.connectFlexVPN(peer, uniqueId: uid) { result in
                switch result {
                case let .success(session):
                    run.up += 1
                    if let hold {
                        if hold == 0 {
                            device.endSession(uniqueId: session.uniqueId, cause: .userRequest)
                        } else if let scheduler = device.accounting.scheduler {
                            scheduler.schedule(after: hold) { device.endSession(uniqueId: session.uniqueId, cause: .userRequest) }
                        }
                    }
                case .failure:
                    run.refused += 1
                }
                if run.up + run.refused == run.total {
                    let seconds = device.now - run.started
                    report.say("% Lab: \(run.total) sessions: \(run.up) up, \(run.refused) refused, in "
                               + String(format3(seconds)) + " s")
                }
            }
        }
        if let rate = ctx.int("rate"), let scheduler = device.accounting.scheduler {
            for i in 1...count {
                scheduler.schedule(after: Double(i - 1) / Double(rate)) { one(i) }
            }
        } else {
            for i in 1...count { one(i) }
        }
        report.inline = false
    }

    private static func format3(_ value: Double) -> String {
        let millis = Int((value * 1000).rounded())
        return "\(millis / 1000)." + String(repeating: "0", count: 3 - String(millis % 1000).count) + String(millis % 1000)
    }
}

private final class BulkRun {
    let total: Int
    let started: Double
    var up = 0
    var refused = 0
    init(total: Int, started: Double) {
        self.total = total
        self.started = started
    }
}
