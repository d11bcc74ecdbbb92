import Device

extension ShowRenderer {
    /// `show users` / `who`: the lines in use, `*` on the one asking (layout of a real capture).
    /// `current` nil: the local console (a shell with no line of its own).
    public static func users(_ device: Device, current: DeviceLine?) -> String {
        var rows = device.lines
        if current == nil, !rows.contains(where: { $0.kind == .console }) {
            rows.insert(DeviceLine(kind: .console, number: 0, now: device.now), at: 0)
        }
        var out = "    Line       User       Host(s)              Idle       Location\n"
        for line in rows {
            let isCurrent = current.map { $0 === line } ?? (line.kind == .console)
            let idle = line === current ? 0 : device.now - line.lastActive
            var row = (isCurrent ? "*" : " ") + pad(line.absoluteNumber, 3, " ") + " "
            row += padRight(line.name, 10) + padRight(line.user ?? "", 11) + padRight("idle", 21)
            row += Device.formatUptime(idle)
            if let peer = line.peer { row += " " + peer }
            out += row + "\n"
        }
        out += "\n  Interface    User               Mode         Idle     Peer Address\n\n"
        return out
    }

    /// `show line` (summary): every configured line, `*` on those in use.
    public static func lines(_ device: Device, current: DeviceLine?) -> String {
        var out = "   Tty Typ     Tx/Rx    A Modem  Roty AccO AccI   Uses   Noise  Overruns   Int\n"
        let consoleInUse = current == nil || device.lines.contains { $0.kind == .console }
        // AccI: the line's `access-class … in`, right-aligned under its heading.
        func row(_ inUse: Bool, _ number: Int, _ type: String, _ uses: Int, _ accessIn: String? = nil) -> String {
            let accI = accessIn.map { $0.count >= 4 ? " " + $0 : String(repeating: " ", count: 5 - $0.count) + $0 } ?? "    -"
            return (inUse ? "*" : " ") + pad(number, 6, " ") + " " + type + "              -    -      -    -" + accI
                + pad(uses, 7, " ") + "       0     0/0       -\n"
        }
        out += row(consoleInUse, 0, "CTY", 0)
        for number in 0..<device.vtyCount {
            let inUse = device.lines.contains { $0.kind == .vty && $0.number == number }
            out += row(inUse, number + 1, "VTY", device.vtyUses[number] ?? 0, device.vtyConfig(number).accessClass)
        }
        out += "\nLine(s) not in async mode -or- with no hardware support: \n1-\(device.vtyCount)\n\n"
        return out
    }

    static func padRight(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }
}

extension RunningConfigRenderer {
    /// `line con 0` and the vty lines, grouped as IOS shows them: consecutive lines with the
    /// same settings share a block, and vty 0-4 and 5-15 are always blocks of their own.
    static func lineBlocks(_ c: RunningConfig, all: Bool) -> [String] {
        var out = ["line con 0"]
        out += lineSettings(c.consoleLine, console: true, all: all)
        out.append(" stopbits 1")
        var start = 0
        let vtys = c.vtyLines
        while start < vtys.count {
            var end = start
            while end + 1 < vtys.count, vtys[end + 1] == vtys[start], end + 1 != 5 { end += 1 }
            out.append(end == start ? "line vty \(start)" : "line vty \(start) \(end)")
            out += lineSettings(vtys[start], console: false, all: all)
            start = end + 1
        }
        return out
    }

    static func lineSettings(_ line: LineConfig, console: Bool, all: Bool) -> [String] {
        var out: [String] = []
        if let acl = line.accessClass { out.append(" access-class \(acl) in") }
        if line.execTimeout != .standard || all {
            out.append(" exec-timeout \(line.execTimeout.minutes) \(line.execTimeout.seconds)")
        }
        if let level = line.privilegeLevel { out.append(" privilege level \(level)") }
        if let password = line.password { out.append(" password " + secretText(password)) }
        if line.loggingSynchronous { out.append(" logging synchronous") }
        switch line.login {
        case _ where line.loginAuthentication != nil: out.append(" login authentication \(line.loginAuthentication ?? "")")
        case .password: out.append(" login")
        case .local: out.append(" login local")
        // A vty logs in by default: IOS shows the `no` form; on the console no login is the default.
        case .none: if !console { out.append(" no login") }
        }
        if let length = line.length { out.append(" length \(length)") }
        if let width = line.width { out.append(" width \(width)") }
        if !console, let transport = line.transportInput { out.append(" transport input \(transport.rawValue)") }
        return out
    }
}
