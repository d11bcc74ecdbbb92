import Device
import Renderers

extension IOSShell {
    /// A vty session starts after login: the user (nil after a line password), the privilege
    /// level it lands at (15: `#`), and the line's `length`/`width`.
    /// `window`: the client's window size (telnet NAWS), which sets `terminal length|width` as on
    /// IOS unless the line configures them.
    public func beginVtySession(user: String?, privilege: Int, config: LineConfig,
                                window: (columns: Int, rows: Int)? = nil) {
        line?.user = user
        lineName = user ?? line?.shortName ?? "vty0"
        setPrivilege(privilege)
        if let window { clientWindowChanged(columns: window.columns, rows: window.rows, config: config) }
        if let length = config.length { terminalLength = length }
        if let width = config.width { terminalWidth = width }
    }

    /// The client reported a new window size (0: unknown, kept as it was).
    public func clientWindowChanged(columns: Int, rows: Int, config: LineConfig) {
        if config.length == nil, rows > 0 { terminalLength = min(rows, 512) }
        if config.width == nil, columns > 0 { terminalWidth = min(columns, 512) }
    }

    /// A session starts on the console line: `line con 0`'s `privilege level`, `length` and
    /// `width` apply (the local console only: a shell without a line keeps IOS's defaults).
    public func beginConsoleSession() {
        guard let line, line.kind == .console else { return }
        let config = device.config.consoleLine
        if let level = config.privilegeLevel { setPrivilege(level) }
        if let length = config.length { terminalLength = length }
        if let width = config.width { terminalWidth = width }
    }

    /// Changes the configuration of every line of the mode's range (`line vty 0 4`).
    func updateLines(_ change: (inout LineConfig) -> Void) {
        guard case let .line(range) = mode else { return }
        if range.console {
            change(&device.config.consoleLine)
            return
        }
        var vtys = device.config.vtyLines
        for number in range.first...range.last where vtys.indices.contains(number) { change(&vtys[number]) }
        device.config.vtyLines = vtys
    }
}

extension IOSCommands {
    static var lineCommands: [CommandDeclaration] {
        [
            // Absolute numbers as IOS XE counts them without an aux line: 0 is the console, 1-16 vty 0-15.
            CommandDeclaration([.config], "line {<0-16>$abs [<1-16>$absLast] | console$con <0-0>$cfirst | vty <0-15>$first [<1-15>$last]}",
                               ["Configure a terminal line", "First Line number", "Last Line number",
                                "Primary terminal line", "First Line number",
                                "Virtual terminal", "First Line number", "Last Line number"], no: 2) { ctx in
                if ctx.form != .set {
                    removeVtyLines(ctx)
                    return
                }
                if let abs = ctx.int("abs"), abs == 0, ctx.int("absLast") ?? 0 == 0 {
                    ctx.shell.enter(.line(LineRange(console: true, first: 0, last: 0)))
                    return
                }
                if ctx.has("con") {
                    ctx.shell.enter(.line(LineRange(console: true, first: 0, last: 0)))
                    return
                }
                if let abs = ctx.int("abs"), abs == 0 {
                    ctx.reject("%Invalid line range")   // the console and vty lines in one range
                    return
                }
                let first = ctx.int("first") ?? ctx.int("abs").map { $0 - 1 } ?? 0
                let last = ctx.int("last") ?? ctx.int("absLast").map { $0 - 1 } ?? first
                guard last >= first else {
                    ctx.reject("%Invalid line range")
                    return
                }
                // IOS XE has vty 0-4; naming a higher one creates vty 5-15 (with `login`).
                if last >= ctx.device.config.vtyLines.count {
                    var vtys = ctx.device.config.vtyLines
                    while vtys.count < 16 { vtys.append(.vtyDefault) }
                    ctx.device.config.vtyLines = vtys
                }
                ctx.shell.enter(.line(LineRange(console: false, first: first, last: last)))
            },
            CommandDeclaration([.line], "login [local$local]",
                               ["Enable password checking", "Local password checking"], no: 1) { ctx in
                // IOS warns, per line, that `login` without a line password locks the line.
                if ctx.form == .set, !ctx.has("local"), !ctx.shell.loadingConfiguration,
                   case let .line(range) = ctx.shell.mode {
                    let c = ctx.device.config
                    if range.console {
                        if c.consoleLine.password == nil { ctx.print("% Login disabled on line 0, until 'password' is set") }
                    } else {
                        for number in range.first...range.last
                        where c.vtyLines.indices.contains(number) && c.vtyLines[number].password == nil {
                            ctx.print("% Login disabled on line \(number + 1), until 'password' is set")
                        }
                    }
                }
                ctx.shell.updateLines { line in
                    switch ctx.form {
                    case .set: line.login = ctx.has("local") ? .local : .password
                    case .no: line.login = .none
                    case .default: line.login = LineConfig.vtyDefault.login
                    }
                }
            },
            CommandDeclaration([.line], "password [0|7] LINE$password",
                               ["Set a password", "Specifies an UNENCRYPTED password will follow",
                                "Specifies a HIDDEN password will follow", "The UNENCRYPTED (cleartext) line password"],
                               no: 1) { ctx in
                if ctx.form != .set {
                    ctx.shell.updateLines { $0.password = nil }
                    return
                }
                guard let secret = ctx.secret("password") else { return }
                ctx.shell.updateLines { $0.password = secret }
            },
            CommandDeclaration([.line], "transport input {all$all | none$none | ssh$ssh | telnet$telnet}",
                               ["Define transport protocols for line",
                                "Define which protocols to use when connecting to the terminal server",
                                "All protocols", "No protocols", "TCP/IP SSH protocol", "TCP/IP Telnet protocol"],
                               no: 2) { ctx in
                let choice: LineConfig.Transport? = ctx.form != .set ? nil
                    : ctx.has("none") ? LineConfig.Transport.none : ctx.has("ssh") ? .ssh : ctx.has("telnet") ? .telnet : .all
                ctx.shell.updateLines { $0.transportInput = choice }
            },
            CommandDeclaration([.line], "exec-timeout <0-35791>$minutes [<0-2147483>$seconds]",
                               ["Set the EXEC timeout", "Timeout in minutes", "Timeout in seconds"], no: 1) { ctx in
                let timeout = ctx.form == .set
                    ? LineConfig.ExecTimeout(minutes: ctx.int("minutes") ?? 10, seconds: ctx.int("seconds") ?? 0)
                    : .standard
                ctx.shell.updateLines { $0.execTimeout = timeout }
            },
            CommandDeclaration([.line], "privilege level <0-15>$level",
                               ["Change privilege level for line", "Assign default privilege level for line",
                                "Default privilege level for line"], no: 2) { ctx in
                let level = ctx.form == .set ? ctx.int("level") : nil
                ctx.shell.updateLines { $0.privilegeLevel = level == 1 ? nil : level }
            },
            CommandDeclaration([.line], "length <0-512>$length",
                               ["Set number of lines on a screen", "Number of lines on screen (0 for no pausing)"],
                               no: 1) { ctx in
                let length = ctx.form == .set ? ctx.int("length") : nil
                ctx.shell.updateLines { $0.length = length == 24 ? nil : length }
            },
            CommandDeclaration([.line], "width <0-512>$width",
                               ["Set width of the display terminal", "Number of characters on a screen line"],
                               no: 1) { ctx in
                let width = ctx.form == .set ? ctx.int("width") : nil
                ctx.shell.updateLines { $0.width = width == 80 ? nil : width }
            },
            CommandDeclaration([.line], "logging synchronous",
                               ["Modify message logging facilities", "Synchronized message output"], no: 1) { ctx in
                ctx.shell.updateLines { $0.loggingSynchronous = ctx.form == .set }
            },
            // IOS XE's own `line con 0` line, carried back in by a startup-config.
            CommandDeclaration([.line], "stopbits <1-2>", ["Set async line stop bits", "Stop bits"], hidden: true) { _ in },

            CommandDeclaration([.exec], "show users", [HelpText.show, "Display information about terminal lines"],
                               privilege: 1, pipe: true) { ctx in
                ctx.output += ShowRenderer.users(ctx.device, current: ctx.shell.line)
            },
            CommandDeclaration([.exec], "who", ["List active sessions"], privilege: 1, pipe: true) { ctx in
                ctx.output += ShowRenderer.users(ctx.device, current: ctx.shell.line)
            },
            CommandDeclaration([.exec], "show line", [HelpText.show, "TTY line information"],
                               privilege: 1, pipe: true) { ctx in
                ctx.output += ShowRenderer.lines(ctx.device, current: ctx.shell.line)
            },
            CommandDeclaration([.exec], "clear line {<0-16>$abs | vty <0-15>$vty | console$con <0-0>}",
                               [HelpText.clear, "Reset a terminal line", "Line number", "Virtual terminal",
                                "Virtual terminal number", "Primary terminal line", "Primary terminal line number"]) { ctx in
                let device = ctx.device
                let target: DeviceLine?
                if let n = ctx.int("vty") {
                    target = device.lines.first { $0.kind == .vty && $0.number == n }
                } else if let n = ctx.int("abs") {
                    target = device.lines.first { $0.absoluteNumber == n }
                } else {
                    target = device.lines.first { $0.kind == .console }
                }
                ctx.shell.ask(.clearLine(target))
            },
        ]
    }

    /// `no line vty N [M]`: vty N and every vty above it go, as on IOS; vty 0-4 always stay.
    private static func removeVtyLines(_ ctx: CommandContext) {
        guard !ctx.has("con"), let first = ctx.int("first") ?? ctx.int("abs").map({ $0 - 1 }), first >= 0 else {
            ctx.reject("%Invalid line range")
            return
        }
        guard first >= 5 else {
            ctx.reject("% Can't delete last 5 VTY lines")
            return
        }
        if first < ctx.device.config.vtyLines.count {
            ctx.device.config.vtyLines.removeSubrange(first...)
        }
    }
}
