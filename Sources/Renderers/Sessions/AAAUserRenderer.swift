import Device

/// `show aaa user {UNIQUE-ID|all}` in the seed's layout, filled from the session, its accounting
/// record and its counters. Lines go to `emit` one at a time, so `all` over 100,000 sessions
/// never holds the whole text.
///
/// The attribute addresses (`7FBD9783CCF0`) come from the device's address generator
/// (`Device.aaaAttributeAddresses`): the form of the seed's, stable per session, never typed in.
public enum AAAUserRenderer {
    /// `show aaa user UNIQUE-ID`. Returns false, after printing `Unique id N is not in use.`, when
    /// no session has that unique id.
    @discardableResult
    public static func render(device: Device, uniqueId: UInt32, emit: (String) -> Void) -> Bool {
        guard let session = device.sessions[uniqueId: uniqueId] else {
            emit("Unique id " + String(uniqueId) + " is not in use.")
            return false
        }
        renderBlock(device: device, session: session, typesIndent: "", emit: emit)
        return true
    }

    /// `show aaa user all`: each session in Session Id order after a dashed line, laid out as a
    /// real capture of the `all` form (genieparser's `ShowAAAUserAll`): the per-type dump indented
    /// two more columns, `Debg:`, `Radi:`, `Authen:` and `Kerb:` at column 0, and the counters in
    /// IOS's wider columns (`Start Paks  In = 0             Start Paks  Out = 0         `).
    public static func renderAll(device: Device, emit: (String) -> Void) {
        device.sessions.forEach { session in
            emit("--------------------------------------------------")
            renderBlock(device: device, session: session, typesIndent: "  ", emit: emit)
        }
    }

    private static let typesBeforeIPsec = ["CMD", "SYSTEM", "VRRS", "RM CALL", "RM VPDN", "AUTH PROXY", "DOT1X",
                                           "CALL", "VPDN-TUNNEL", "VPDN-TUNNEL-LINK"]
    private static let typesAfterIPsec = ["MCAST", "RESOURCE", "SSG", "IDENTITY", "ConnectedApps"]

    static func renderBlock(device: Device, session: Session, typesIndent i: String, emit: (String) -> Void) {
        // The `all` form (its per-type dump indented) and the single-user form (the seeds' layout)
        // place the component lines and the counters differently.
        let allForm = !i.isEmpty
        let component = allForm ? "" : "  "
        let addresses = device.aaaAttributeAddresses(uniqueId: session.uniqueId)
        let record = device.accounting.record(uniqueId: session.uniqueId)
        let ids = "Session Id=" + hex8(session.sessionId) + " Unique Id=" + hex8(session.uniqueId)
        let start = device.localTime(session.startTime)
        let sessionIdValue = SessionFormat.decimalHex(session.sessionId)
        let startTimeValue = SessionFormat.attributeTime(start)
        func attribute(_ index: Int, _ flags: String, _ name: String, _ length: Int, _ value: String) -> String {
            i + "    " + SessionFormat.hex12(addresses.attribute(index)) + " 0 " + flags + " " + name + " "
                + String(length) + " " + value
        }

        emit("Unique id " + String(session.uniqueId) + " is currently in use.")
        for type in ["0", "EXEC", "CONN"] { emit(i + "No data for type " + type) }
        emit(i + "NET: Username=(n/a)")
        emit(i + "  " + ids)
        emit(i + "  Start Sent=0 Stop Only=N")
        emit(i + "  stop_has_been_sent=N")
        emit(i + "  Method List=0")
        emit(i + "  Attribute list:")
        emit(attribute(0, "00000001", "session-id(408)", 4, sessionIdValue))
        emit(attribute(1, "00000001", "start_time(418)", 4, startTimeValue))
        emit("--------")
        for type in typesBeforeIPsec { emit(i + "No data for type " + type) }

        emit(i + "IPSEC-TUNNEL: Username=" + (session.userName ?? "(n/a)"))
        emit(i + "  " + ids)
        emit(i + "  Start Sent=" + (record?.startSent == true ? "1" : "0") + " Stop Only=N")
        emit(i + "  stop_has_been_sent=" + (record?.stopSent == true ? "Y" : "N"))
        if let record {
            emit(i + "  Method List=" + SessionFormat.hex12(device.aaaMethodListAddress(name: record.methodList))
                 + " : Name = " + record.methodList)
        } else {
            emit(i + "  Method List=0")
        }
        emit(i + "  Attribute list:")
        emit(attribute(0, "00000001", "session-id(408)", 4, sessionIdValue))
        emit(attribute(1, "00000001", "start_time(418)", 4, startTimeValue))
        let clid = session.callingStationId
        emit(attribute(2, "00000082", "formatted-clid(37)", clid.utf8.count, clid))
        emit(attribute(3, "0000008A", "audit-session-id(819)", session.auditSessionId.utf8.count,
                       session.auditSessionId))
        var next = 4
        if let name = session.userName {
            emit(attribute(next, "00000081", "isakmp-phase1-id(737)", name.utf8.count, name))
            next += 1
        }
        emit(attribute(max(next, 5), "00000002", "isakmp-initator-ip(738)", 4, session.peer.description))
        // What authorization applied (an authorized FlexVPN session), after the identification.
        if let applied = device.authorization(uniqueId: session.uniqueId)?.attributes {
            var index = max(next, 5) + 1
            func add(_ flags: String, _ name: String, _ length: Int, _ value: String) {
                emit(attribute(index, flags, name, length, value))
                index += 1
            }
            if let framed = session.framedIP { add("00000001", "addr(8)", 4, framed.description) }
            if let v = applied.sessionTimeout { add("00000001", "timeout(27)", 4, String(v)) }
            if let v = applied.idleTimeout { add("00000001", "idletime(28)", 4, String(v)) }
            for value in applied.classes ?? [] {
                add("00000081", "class(25)", value.count, String(decoding: value, as: UTF8.self))
            }
            for pair in applied.avPairs {
                add("00000081", "cisco-avpair(1)", pair.utf8.count, pair)
            }
        }
        emit("--------")
        for type in typesAfterIPsec { emit(i + "No data for type " + type) }

        emit("Accounting:")
        emit("  log=0x400018041")
        emit("  Events recorded :")
        for event in ["CALL START", "ATTR REPLACE", "INTERIM START", "INTERIM STOP", "IPSEC TNL UP"] {
            emit("    " + event)
        }
        let interval = device.authorization(uniqueId: session.uniqueId).flatMap { device.interimInterval($0.attributes) }
            ?? device.config.accountingUpdate?.periodicMinutes.map { Double($0 * 60) }
        emit("  update method(s) :")
        emit(interval == nil ? "    NONE" : "    PERIODIC")
        emit("  update interval = " + String(Int((interval ?? 0) / 60)))
        emit("  Outstanding Stop Records : 0")
        emit("  Dynamic attribute list:")
        let elapsed = SessionFormat.age(session, device: device)
        let dynamic: [(String, String)] = [
            ("connect-progress(75)", "No Progress"),
            ("pre-session-time(334)", "0(0)"),
            ("elapsed_time(414)", SessionFormat.decimalHex(elapsed)),
            ("bytes_in(146)", SessionFormat.decimalHex(session.bytesIn)),
            ("bytes_out(311)", SessionFormat.decimalHex(session.bytesOut)),
            ("pre-bytes-in(330)", "0(0)"),
            ("pre-bytes-out(331)", "0(0)"),
            ("paks_in(147)", SessionFormat.decimalHex(session.packetsIn)),
            ("paks_out(312)", SessionFormat.decimalHex(session.packetsOut)),
            ("pre-paks-in(332)", "0(0)"),
            ("pre-paks-out(333)", "0(0)"),
        ]
        for (index, (name, value)) in dynamic.enumerated() {
            emit("    " + SessionFormat.hex12(addresses.dynamic(index)) + " 0 00000001 " + name + " 4 " + value)
        }
        emit(component + "Debg: No data available")
        emit(component + "Radi: No data available")

        emit("Interface:")
        emit("  TTY Num = -1")
        emit("  Stop Received = 0")
        emit("  Byte/Packet Counts till Call Start:")
        emit(counters("Start Bytes", 0, 0, wide: allForm))
        emit(counters("Start Paks", 0, 0, wide: allForm))
        emit("  Byte/Packet Counts till Service Up:")
        emit(counters("Pre Bytes", 0, 0, wide: allForm))
        emit(counters("Pre Paks", 0, 0, wide: allForm))
        emit("  Cumulative Byte/Packet Counts :")
        emit(counters("Bytes", session.bytesIn, session.bytesOut, wide: allForm))
        emit(counters("Paks", session.packetsIn, session.packetsOut, wide: allForm))
        let stamp = SessionFormat.stampTime(start, zone: device.timezone.name)
        emit("  StartTime = " + stamp)
        emit("  AuthenTime = " + stamp)
        emit("  Component = VPN IPSEC")
        emit(component + "Authen: service=NONE type=NONE method=NONE")
        emit(component + "Kerb: No data available")
        emit("Meth: No data available")
        emit("Preauth: No Preauth data.")
        emit("General:")
        emit("  Unique Id = " + hex8(session.uniqueId))
        emit("  Session Id = " + hex8(session.sessionId))
        emit("  Session Server Key = " + session.serverKeyText)
        emit("  Attribute List:")
        emit("PerU: No data available")
        emit("Service Profile: No Service Profile data.")
        emit("Unkn: No data available")
        emit("Unkn: No data available")
    }

    /// The seeds' `    Start Bytes In = 0          Start Bytes Out = 0` (the In value in an
    /// 11-column field), or, `wide`, the real `all` capture's
    /// `    Start Paks  In = 0             Start Paks  Out = 0         ` (`Paks` padded to the width
    /// of `Bytes`, the In value in a 14-column field, the Out value in a 10-column one).
    private static func counters(_ label: String, _ inValue: UInt64, _ outValue: UInt64, wide: Bool) -> String {
        guard wide else {
            return "    " + label + " In = " + SessionFormat.padRight(String(inValue), 10) + " " + label + " Out = "
                + String(outValue)
        }
        let name = label.hasSuffix("Paks") ? label + " " : label
        return "    " + name + " In = " + SessionFormat.padRight(String(inValue), 14) + name + " Out = "
            + SessionFormat.padRight(String(outValue), 10)
    }
}
