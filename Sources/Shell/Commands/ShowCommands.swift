import Device
import Renderers

/// The commands automation and engineers reach for first: `show terminal`, `show interfaces`,
/// `show ip interface brief`, `show aaa method-lists all`, `show radius statistics`,
/// `write erase` / `erase startup-config`.
extension IOSCommands {
    static var showCommands: [CommandDeclaration] {
        [
            CommandDeclaration([.exec], "show terminal", [HelpText.show, "Display terminal configuration parameters"],
                               privilege: 1, pipe: true) { ctx in
                let shell = ctx.shell
                let line = SystemRenderer.TerminalLine(number: shell.line?.absoluteNumber ?? 0, length: shell.terminalLength, width: shell.terminalWidth,
                                                       historySize: shell.historySize,
                                                       activeSeconds: ctx.device.uptimeSeconds)
                SystemRenderer.terminal(line) { ctx.print($0) }
            },
            CommandDeclaration([.exec], "show ip interface brief",
                               [HelpText.show, "IP information", "IP interface status and configuration",
                                "Brief summary of IP status and configuration"], privilege: 1, pipe: true) { ctx in
                InterfaceRenderer.ipInterfaceBrief(ctx.device) { ctx.print($0) }
            },
            CommandDeclaration([.exec],
                               "show interfaces [\\GigabitEthernet <1-1>$gi | \\Loopback <0-2147483647>$lo | \\Virtual-Access <1-4294967295>$va]",
                               [HelpText.show, "Interface status and configuration", "GigabitEthernet IEEE 802.3z",
                                "GigabitEthernet interface number", "Loopback interface", "Loopback interface number",
                                "Virtual Access interface", "Virtual-Access interface number"],
                               privilege: 1, pipe: true) { ctx in
                let given = [("gi", "GigabitEthernet"), ("lo", "Loopback"), ("va", "Virtual-Access")]
                    .first { ctx.string($0.0) != nil }
                let name = given.map { $0.1 + (ctx.string($0.0) ?? "") }
                if !InterfaceRenderer.interfaces(ctx.device, name: name, emit: { ctx.print($0) }), let given {
                    // IOS checks that the interface exists while parsing: the caret goes under its number.
                    ctx.output += ctx.shell.caretError(column: ctx.shell.interfaceNumberColumn(keyword: given.1))
                }
            },
            CommandDeclaration([.exec], "show interfaces description",
                               [HelpText.show, "Interface status and configuration",
                                "Show interface description"], privilege: 1, pipe: true) { ctx in
                InterfaceRenderer.interfacesDescription(ctx.device) { ctx.print($0) }
            },
            CommandDeclaration([.exec], "show aaa method-lists all",
                               [HelpText.show, "Show AAA values", "Show AAA method-lists information",
                                "All method-lists"], pipe: true) { ctx in
                SystemRenderer.methodLists(ctx.device) { ctx.print($0) }
            },
            CommandDeclaration([.exec], "show radius statistics",
                               [HelpText.show, "Shows radius information", "RADIUS statistics"], pipe: true) { ctx in
                SystemRenderer.radiusStatistics(ctx.device) { ctx.print($0) }
            },
            CommandDeclaration([.exec], "write erase",
                               ["Write running configuration to memory, network, or terminal", "Erase NV memory"]) { ctx in
                ctx.shell.ask(.eraseConfirm)
            },
            CommandDeclaration([.exec], "erase {startup-config | nvram:}",
                               ["Erase a filesystem", "Erase contents of configuration memory",
                                "Filesystem to be erased"]) { ctx in
                ctx.shell.ask(.eraseConfirm)
            },
        ]
    }
}

extension IOSShell {
    /// Where the number after an interface type keyword stands on the line being run, counting
    /// the prompt (for the caret of a missing interface).
    func interfaceNumberColumn(keyword: String) -> Int {
        guard let (line, promptWidth) = executing else { return 0 }
        let words = CommandGraph.words(Substring(line))
        let k = keyword.lowercased()
        for (i, word) in words.enumerated().dropFirst() {
            let w = word.text.lowercased()
            if i + 1 < words.count, k.hasPrefix(w) { return promptWidth + words[i + 1].offset }
            // A glued name (`lo1`): the caret goes under the name.
            if let digit = w.firstIndex(where: { $0.isNumber }), digit > w.startIndex, k.hasPrefix(w[..<digit]) {
                return promptWidth + word.offset
            }
        }
        return promptWidth
    }
}
