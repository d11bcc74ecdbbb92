import Device
import Renderers

extension IOSCommands {
    static var execCommands: [CommandDeclaration] {
        [
            CommandDeclaration([.exec], "enable [<0-15>$level]", ["Turn on privileged commands", "Enable level"],
                               privilege: 1) { ctx in
                let target = ctx.int("level") ?? 15
                let shell = ctx.shell
                // Going down needs no password; going up to 15 asks for the enable secret or password.
                guard target > shell.privilegeLevel else {
                    if target < shell.privilegeLevel { shell.setPrivilege(target) }
                    return
                }
                let c = ctx.device.config
                // A vty reaches privileged EXEC only through an enable secret or password.
                if !shell.isConsoleLine, c.enableSecretStorage == nil, c.enablePassword == nil {
                    ctx.print("% No password set")
                    return
                }
                if target == 15, c.enableSecretStorage != nil || c.enablePassword != nil {
                    ctx.shell.ask(.password(attempt: 1))
                } else {
                    shell.setPrivilege(target)
                }
            },
            CommandDeclaration([.exec], "disable [<0-15>$level]",
                               ["Turn off privileged commands", "Privilege level to go to"], privilege: 1) { ctx in
                let target = ctx.int("level") ?? 1
                guard target <= ctx.shell.privilegeLevel else {
                    ctx.print("% New privilege level must be less than current privilege level")
                    return
                }
                ctx.shell.setPrivilege(target)
            },
            CommandDeclaration([.exec], "show privilege", [HelpText.show, "Show current privilege level"],
                               privilege: 1, pipe: true) { ctx in
                ctx.print("Current privilege level is " + String(ctx.shell.privilegeLevel))
            },
            CommandDeclaration([.exec], "exit", ["Exit from the EXEC"], privilege: 1) { ctx in ctx.shell.finish() },
            CommandDeclaration([.exec], "logout", ["Exit from the EXEC"], privilege: 1) { ctx in ctx.shell.finish() },
            // On the local terminal `exit` waits for RETURN, as a console line does: this is how
            // a user leaves the emulator (end of input, or the terminal closing, does it too).
            CommandDeclaration([.exec], "lab quit", [HelpText.lab, "Stop the emulator and leave the program"],
                               privilege: 1) { ctx in
                ctx.shell.quitsEmulator = true
                ctx.shell.finish()
            },
            CommandDeclaration([.exec], "configure terminal",
                               ["Enter configuration mode", "Configure from the terminal"]) { ctx in
                ctx.output += ctx.shell.configure(from: .terminal)
            },
            CommandDeclaration([.exec], "configure memory",
                               ["Enter configuration mode", "Configure from NV memory"]) { ctx in
                ctx.output += ctx.shell.configure(from: .memory)
            },
            CommandDeclaration([.exec], "configure", ["Enter configuration mode"]) { ctx in
                ctx.shell.ask(.configureSource)
            },
            CommandDeclaration([.exec], "terminal length <0-512>",
                               ["Set terminal line parameters", "Set number of lines on a screen",
                                "Number of lines on screen (0 for no pausing)"], privilege: 1) { ctx in
                ctx.shell.terminalLength = ctx.int("length") ?? 24
            },
            CommandDeclaration([.exec], "terminal width <0-512>",
                               ["Set terminal line parameters", "Set width of the display terminal",
                                "Number of characters on a screen line"], privilege: 1) { ctx in
                ctx.shell.terminalWidth = ctx.int("width") ?? 80
            },
            CommandDeclaration([.exec], "terminal monitor",
                               ["Set terminal line parameters", "Copy debug output to the current terminal line"],
                               privilege: 1) { ctx in
                if ctx.shell.isConsoleLine {
                    ctx.print("% Console already monitors")
                } else {
                    ctx.shell.terminalMonitor = true
                }
            },
            CommandDeclaration([.exec], "terminal no monitor",
                               ["Set terminal line parameters", HelpText.no,
                                "Copy debug output to the current terminal line"], privilege: 1) { ctx in
                ctx.shell.terminalMonitor = false
            },
            CommandDeclaration([.exec], "show version",
                               [HelpText.show, "System hardware and software status"], privilege: 1, pipe: true) { ctx in
                ctx.output += ShowRenderer.version(ctx.device)
            },
            CommandDeclaration([.exec], "show hosts",
                               [HelpText.show, "IP domain-name, lookup style, nameservers, and host table"],
                               privilege: 1, pipe: true) { ctx in
                SystemRenderer.hosts(ctx.device) { ctx.print($0) }
            },
            CommandDeclaration([.exec], "show inventory", [HelpText.show, "Show the physical inventory"],
                               privilege: 1, pipe: true) { ctx in
                SystemRenderer.inventory { ctx.print($0) }
            },
            CommandDeclaration([.exec], "show clock [detail]",
                               [HelpText.show, "Display the system clock", "Display detailed information"], privilege: 1,
                               pipe: true) { ctx in
                ctx.print(ctx.device.showClock())
                if ctx.has("detail") {
                    // `clock set` is the only time source the emulator has (no NTP, no calendar).
                    ctx.print(ctx.device.clockAuthoritative ? "Time source is user configuration" : "No time source")
                }
            },
            CommandDeclaration([.exec], "show history",
                               [HelpText.show, "Display the session command history"], privilege: 1, pipe: true) { ctx in
                for line in ctx.shell.history { ctx.print("  " + line) }
            },
            CommandDeclaration([.exec], "show running-config [all]",
                               [HelpText.show, "Current operating configuration", "Configuration with defaults"],
                               pipe: true) { ctx in
                RunningConfigRenderer.showRunningConfig(ctx.device, all: ctx.has("all")) { ctx.print($0) }
            },
            CommandDeclaration([.exec],
                               "show running-config interface {\\GigabitEthernet <1-1>$gi | \\Loopback <0-2147483647>$lo | \\Virtual-Template <1-65535>$vt}",
                               [HelpText.show, "Current operating configuration", "Show interface configuration",
                                "GigabitEthernet IEEE 802.3z", "GigabitEthernet interface number", "Loopback interface",
                                "Loopback interface number", "Virtual Template interface", "Virtual-Template interface number"],
                               pipe: true) { ctx in
                let given = [("gi", "GigabitEthernet"), ("lo", "Loopback"), ("vt", "Virtual-Template")]
                    .first { ctx.string($0.0) != nil }
                guard let given, let number = ctx.string(given.0) else { return }
                if !RunningConfigRenderer.showRunningInterface(ctx.device, name: given.1 + number, emit: { ctx.print($0) }) {
                    // IOS checks that the interface exists while parsing: the caret goes under its number.
                    ctx.output += ctx.shell.caretError(column: ctx.shell.interfaceNumberColumn(keyword: given.1))
                }
            },
            CommandDeclaration([.exec], "show startup-config",
                               [HelpText.show, "Contents of startup configuration"], pipe: true) { ctx in
                ctx.shell.showStartupConfig { ctx.print($0) }
            },
            CommandDeclaration([.exec], "show logging",
                               [HelpText.show, "Show the contents of logging buffers"], pipe: true) { ctx in
                ShowRenderer.logging(ctx.device) { ctx.print($0) }
            },
            CommandDeclaration([.exec], "show debugging",
                               [HelpText.show, "State of each debugging option"], pipe: true) { ctx in
                ctx.output += ShowRenderer.debugging(ctx.device)
            },
            CommandDeclaration([.exec], "clock set hh:mm:ss$time {<1-31>$day MONTH$month | MONTH$month <1-31>$day} <1993-2035>$year",
                               ["Manage the system clock", "Set the time and date", "Current Time", "Day of the month",
                                "Month of the year", "Month of the year", "Day of the month", "Year"]) { ctx in
                ctx.output += ctx.shell.setClock(ctx)
            },
            // `write` alone is `write memory`, as on IOS.
            CommandDeclaration([.exec], "write",
                               ["Write running configuration to memory, network, or terminal"]) { ctx in
                ctx.output += ctx.shell.saveConfiguration()
            },
            CommandDeclaration([.exec], "write memory",
                               ["Write running configuration to memory, network, or terminal",
                                "Write to NV memory"]) { ctx in
                ctx.output += ctx.shell.saveConfiguration()
            },
            CommandDeclaration([.exec], "write terminal",
                               ["Write running configuration to memory, network, or terminal",
                                "Write to terminal"], pipe: true) { ctx in
                RunningConfigRenderer.showRunningConfig(ctx.device) { ctx.print($0) }
            },
            CommandDeclaration([.exec], "copy running-config startup-config",
                               ["Copy from one file to another, default is running-config",
                                "Copy from current system configuration", "Copy to startup configuration"]) { ctx in
                ctx.shell.ask(.copyDestination(toStartup: true))
            },
            CommandDeclaration([.exec], "copy startup-config running-config",
                               ["Copy from one file to another, default is running-config",
                                "Copy from startup configuration", "Update (merge with) current system configuration"]) { ctx in
                ctx.shell.ask(.copyDestination(toStartup: false))
            },
            CommandDeclaration([.exec], "reload", ["Halt and perform a cold restart"]) { ctx in
                ctx.shell.ask(ctx.device.unsavedConfigChanges ? .reloadSave : .reloadConfirm)
            },
        ] + debugCommands
    }

    static var debugCommands: [CommandDeclaration] {
        let radius = ["RADIUS protocol"]
        let flags: [(syntax: String, help: [String], flag: WritableKeyPath<DebugFlags, Bool>)] = [
            ("radius", radius, \.radius),
            ("radius accounting", radius + ["RADIUS accounting packets only"], \.radiusAccounting),
            ("radius authentication", radius + ["RADIUS authentication packets only"], \.radiusAuthentication),
            ("radius dynamic-authorization", radius + ["RADIUS Dynamic Authorization"],
             \.radiusDynamicAuthorization),
            ("aaa pod", ["AAA Authorization, Authentication and Accounting", "AAA POD processing"], \.aaaPod),
            ("aaa coa", ["AAA Authorization, Authentication and Accounting", "AAA CoA processing"], \.aaaCoa),
            ("crypto ikev2", ["Cryptographic subsystem", "Crypto IKEv2 debug messages"], \.cryptoIkev2),
        ]
        var out: [CommandDeclaration] = []
        for (syntax, help, flag) in flags {
            out.append(CommandDeclaration([.exec], "debug " + syntax, [HelpText.debug] + help) { ctx in
                ctx.device.debug[keyPath: flag] = true
                ctx.output += ShowRenderer.debugAcknowledgement(syntax, flags: ctx.device.debug)
            })
            for prefix in ["undebug", "no debug"] {
                let prefixHelp = prefix == "undebug" ? [HelpText.undebug] : [HelpText.no, HelpText.debug]
                out.append(CommandDeclaration([.exec], prefix + " " + syntax, prefixHelp + help) { ctx in
                    ctx.device.debug[keyPath: flag] = false
                    ctx.output += ShowRenderer.debugAcknowledgement(syntax, flags: ctx.device.debug)
                })
            }
        }
        for prefix in ["undebug", "no debug"] {
            let prefixHelp = prefix == "undebug" ? [HelpText.undebug] : [HelpText.no, HelpText.debug]
            out.append(CommandDeclaration([.exec], prefix + " all", prefixHelp + ["Disable all debugging"]) { ctx in
                ctx.device.debug = DebugFlags()
                ctx.print("All possible debugging has been turned off")
            })
        }
        return out
    }
}
