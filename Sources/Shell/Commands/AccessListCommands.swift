import Device
import RADIUS
import Renderers

extension IOSCommands {
    /// The source of a standard entry: `host A.B.C.D`, `any` or `A.B.C.D [WILDCARD]`.
    static let standardSource = "{host$host A.B.C.D$hostaddr | any$any | A.B.C.D$addr [A.B.C.D$wild]}"
    static let standardSourceHelp = ["A single host address", "Host address", "Any source host",
                                     "Address to match", "Wildcard bits"]

    /// The entry a command describes (nil: no source given, as in a bare `no permit`).
    static func standardEntry(_ ctx: CommandContext, sequence: Int) -> StandardACLEntry? {
        let permit = ctx.has("permit")
        if ctx.has("any") {
            return StandardACLEntry(sequence: sequence, permit: permit, address: .any, wildcard: 0xFFFF_FFFF)
        }
        if let host = ctx.ipv4("hostaddr") {
            return StandardACLEntry(sequence: sequence, permit: permit, address: host, wildcard: 0)
        }
        guard let address = ctx.ipv4("addr") else { return nil }
        return StandardACLEntry(sequence: sequence, permit: permit, address: address,
                                wildcard: ctx.ipv4("wild")?.rawValue ?? 0)
    }

    static var accessListCommands: [CommandDeclaration] {
        [
            CommandDeclaration([.config], "ip access-list standard {<1-99>$number | WORD$name}",
                               ["Global IP configuration subcommands", "Named access list",
                                "Named standard IP access list", "Standard IP access-list number",
                                "Access-list name"], no: 3) { ctx in
                guard let name = ctx.string("number") ?? ctx.string("name") else { return }
                if ctx.form == .set {
                    ctx.device.config.updateAccessList(name) { _ in }
                    ctx.shell.enter(.standardACL(name: name))
                } else {
                    ctx.device.config.accessLists.removeAll { $0.name == name }
                    ctx.device.accessListMatches[name] = nil
                }
            },
            CommandDeclaration([.config], "access-list <1-99>$number {deny$deny | permit$permit} " + standardSource,
                               ["Add an access list entry", "IP standard access list",
                                "Specify packets to reject", "Specify packets to forward"] + standardSourceHelp,
                               no: 2) { ctx in
                guard let name = ctx.string("number") else { return }
                guard ctx.form == .set else {
                    // IOS: `no access-list N` removes the whole list, whatever follows.
                    ctx.device.config.accessLists.removeAll { $0.name == name }
                    ctx.device.accessListMatches[name] = nil
                    return
                }
                ctx.device.config.updateAccessList(name) { list in
                    if let entry = standardEntry(ctx, sequence: list.nextSequence) { _ = list.add(entry) }
                }
            },
            CommandDeclaration([.standardACL], "<1-2147483647>$seq {deny$deny | permit$permit} " + standardSource,
                               ["Sequence Number", "Specify packets to reject", "Specify packets to forward"]
                                + standardSourceHelp, no: 1) { ctx in
                guard case let .standardACL(name) = ctx.shell.mode, let sequence = ctx.int("seq") else { return }
                if ctx.form != .set {
                    ctx.device.config.updateAccessList(name) { $0.entries.removeAll { $0.sequence == sequence } }
                    ctx.device.accessListMatches[name]?[sequence] = nil
                    return
                }
                guard let entry = standardEntry(ctx, sequence: sequence) else { return }
                var added = true
                ctx.device.config.updateAccessList(name) { added = $0.add(entry) }
                if !added { ctx.reject("% Duplicate sequence number") }
            },
            CommandDeclaration([.standardACL], "{deny$deny | permit$permit} " + standardSource,
                               ["Specify packets to reject", "Specify packets to forward"] + standardSourceHelp,
                               no: 2) { ctx in
                guard case let .standardACL(name) = ctx.shell.mode,
                      let entry = standardEntry(ctx, sequence: 0) else { return }
                ctx.device.config.updateAccessList(name) { list in
                    if ctx.form == .set {
                        var numbered = entry
                        numbered.sequence = list.nextSequence
                        _ = list.add(numbered)
                    } else {
                        list.entries.removeAll { $0.sameRule(as: entry) }
                    }
                }
            },
            CommandDeclaration([.line], "access-class {<1-199>$number | WORD$name} in",
                               ["Filter connections based on an IP access list", "IP access list",
                                "Access-list name", "Filter incoming connections"], no: 1) { ctx in
                let name = ctx.form == .set ? ctx.string("number") ?? ctx.string("name") : nil
                ctx.shell.updateLines { $0.accessClass = name }
            },
            CommandDeclaration([.exec], "show access-lists [<1-199>$number | WORD$name]",
                               [HelpText.show, "List access lists", "ACL number", "ACL name"],
                               privilege: 1, pipe: true) { ctx in
                ctx.output += ShowRenderer.accessLists(ctx.device, name: ctx.string("number") ?? ctx.string("name"))
            },
            CommandDeclaration([.exec], "show ip access-lists [<1-199>$number | WORD$name]",
                               [HelpText.show, "IP information", "List IP access lists", "Access list number",
                                "Access list name"], privilege: 1, pipe: true) { ctx in
                ctx.output += ShowRenderer.accessLists(ctx.device, name: ctx.string("number") ?? ctx.string("name"))
            },
        ]
    }
}

