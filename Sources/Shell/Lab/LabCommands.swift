import Device

extension IOSCommands {
    /// The training lab's console commands (`--lab NAME`): every line has them, like the other
    /// `lab` commands; without a lab they say so.
    static var trainingLabCommands: [CommandDeclaration] {
        let noLab = "% Lab: no lab is running (start the emulator with --lab NAME; `flexvpn-emu labs` lists them)"
        return [
            CommandDeclaration([.exec], "show lab", [HelpText.show, "The training lab: its story and tasks (not in IOS)"],
                               privilege: 1, pipe: true) { ctx in
                guard let lab = LabSession.current(ctx.device) else { return ctx.print(noLab) }
                ctx.output += lab.show()
            },
            CommandDeclaration([.exec], "lab check", [HelpText.lab, "Grade the training lab now"], privilege: 1) { ctx in
                guard let lab = LabSession.current(ctx.device) else { return ctx.print(noLab) }
                ctx.output += lab.check()
            },
            CommandDeclaration([.exec], "lab hint [<1-99>$task]",
                               [HelpText.lab, "The next hint of a task of the training lab",
                                "Task number (default: the first open task)"], privilege: 1) { ctx in
                guard let lab = LabSession.current(ctx.device) else { return ctx.print(noLab) }
                ctx.output += lab.hint(ctx.int("task"))
            },
            CommandDeclaration([.exec], "lab reset",
                               [HelpText.lab, "Restart the training lab from its starting state"], privilege: 1) { ctx in
                guard let lab = LabSession.current(ctx.device) else { return ctx.print(noLab) }
                lab.reset()
                ctx.print("% Lab: \(lab.definition.name) restarted; every task is open again")
            },
        ]
    }
}

/// The form of a command that lab checks match: every keyword in full (`sh aaa us 41` is
/// `show aaa user 41`), without output modifiers.
enum LabCommandText {
    static func canonical(_ captures: [Capture]) -> String {
        var words: [String] = []
        for capture in captures {
            if capture.name == "|" { break }
            words.append(capture.text)
        }
        return words.joined(separator: " ")
    }
}
