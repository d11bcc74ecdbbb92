// terminal-demo: a tiny IOS-like shell on the real TerminalConsole, to exercise the line editor
// in Tests/terminal/test_terminal.py before the product shell is wired. Not part of flexvpn-emu.
// SIGUSR1 makes the device log a line, so a test can produce asynchronous output at will.
import Device
import Dispatch
import Shell
import Transport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A handful of IOS commands with abbreviation, `?` help and Tab completion.
final class DemoShell: ConsoleShell {
    var outputStream: ((String) -> Void)?
    enum Mode { case user, privileged, config }

    struct Word {
        let name: String   // a keyword, or a placeholder such as WORD
        let help: String
        var isArgument: Bool { name == name.uppercased() }
    }

    struct Command {
        let modes: [Mode]
        let words: [Word]
        let run: (DemoShell, [String]) -> String
    }

    let device: Device
    var mode = Mode.user
    var enableSecret: String?
    var passwordTries: Int?
    private(set) var isFinished = false

    init(device: Device) { self.device = device }

    lazy var commands: [Command] = [
        Command(modes: [.user], words: [Word(name: "enable", help: "Turn on privileged commands")]) { shell, _ in
            guard shell.enableSecret != nil else { shell.mode = .privileged; return "" }
            shell.passwordTries = 0
            return ""
        },
        Command(modes: [.privileged], words: [Word(name: "disable", help: "Turn off privileged commands")]) { shell, _ in
            shell.mode = .user; return ""
        },
        Command(modes: [.user, .privileged], words: [Word(name: "exit", help: "Exit from the EXEC")]) { shell, _ in
            shell.isFinished = true; return ""
        },
        Command(modes: [.user, .privileged], words: [Word(name: "logout", help: "Exit from the EXEC")]) { shell, _ in
            shell.isFinished = true; return ""
        },
        Command(modes: [.user, .privileged], words: [Word(name: "show", help: "Show running system information"),
                                                     Word(name: "clock", help: "Display the system clock")]) { shell, _ in
            shell.device.showClock() + "\n"
        },
        Command(modes: [.privileged], words: [Word(name: "configure", help: "Enter configuration mode"),
                                              Word(name: "terminal", help: "Configure from the terminal")]) { shell, _ in
            shell.mode = .config
            return "Enter configuration commands, one per line.  End with CNTL/Z.\n"
        },
        Command(modes: [.config], words: [Word(name: "hostname", help: "Set system's network name"),
                                          Word(name: "WORD", help: "This system's network name")]) { shell, args in
            shell.device.config.hostname = args[1]; return ""
        },
        Command(modes: [.config], words: [Word(name: "enable", help: "Modify enable password parameters"),
                                          Word(name: "secret", help: "Assign the privileged level secret"),
                                          Word(name: "LINE", help: "The UNENCRYPTED (cleartext) 'enable' secret")]) { shell, args in
            shell.enableSecret = args[2]; return ""
        },
        Command(modes: [.config], words: [Word(name: "end", help: "Exit from configure mode")]) { shell, _ in
            shell.leaveConfig(); return ""
        },
        Command(modes: [.config], words: [Word(name: "exit", help: "Exit from configure mode")]) { shell, _ in
            shell.leaveConfig(); return ""
        },
    ]

    func leaveConfig() {
        mode = .privileged
        device.syslog(facility: "SYS", severity: 5, mnemonic: "CONFIG_I", "Configured from console by console")
    }

    var prompt: String {
        if passwordTries != nil { return "Password: " }
        switch mode {
        case .user: return device.config.hostname + ">"
        case .privileged: return device.config.hostname + "#"
        case .config: return device.config.hostname + "(config)#"
        }
    }

    var echoesInput: Bool { passwordTries == nil }

    private var available: [Command] { commands.filter { $0.modes.contains(mode) } }

    private func matches(_ word: Word, _ typed: String) -> Bool {
        word.isArgument || word.name.hasPrefix(typed.lowercased())
    }

    /// Commands whose first `typed.count` words accept the typed words.
    private func candidates(_ typed: [String]) -> [Command] {
        available.filter { command in
            typed.count <= command.words.count
                && zip(command.words, typed).allSatisfy { matches($0, $1) }
        }
    }

    private func split(_ buffer: String) -> (done: [String], partial: String?) {
        let words = buffer.split(separator: " ").map(String.init)
        if buffer.isEmpty || buffer.hasSuffix(" ") { return (words, nil) }
        return (Array(words.dropLast()), words.last)
    }

    func help(for buffer: String) -> String {
        let (done, partial) = split(buffer)
        let commands = candidates(done)
        if let partial {
            let names = Set(commands.compactMap { command -> String? in
                let word = command.words[done.count]
                return !word.isArgument && word.name.hasPrefix(partial.lowercased()) ? word.name : nil
            }).sorted()
            return names.isEmpty ? "% Unrecognized command\n" : names.joined(separator: "  ") + "\n\n"
        }
        var choices: [String: String] = [:]
        var complete = false
        for command in commands {
            if command.words.count == done.count { complete = true } else {
                let word = command.words[done.count]
                choices[word.name] = word.help
            }
        }
        if choices.isEmpty && !complete { return "% Unrecognized command\n" }
        let width = choices.keys.map(\.count).max() ?? 0
        var text = ""
        if done.isEmpty { text += mode == .config ? "Configure commands:\n" : "Exec commands:\n" }
        for name in choices.keys.sorted() {
            text += "  " + name + String(repeating: " ", count: width - name.count) + "  " + (choices[name] ?? "") + "\n"
        }
        if complete { text += "  <cr>\n" }
        return text + "\n"
    }

    func complete(_ buffer: String) -> String? {
        let (done, partial) = split(buffer)
        guard let partial else { return nil }
        let names = Set(candidates(done).compactMap { command -> String? in
            let word = command.words[done.count]
            return !word.isArgument && word.name.hasPrefix(partial.lowercased()) ? word.name : nil
        })
        guard names.count == 1, let name = names.first else { return nil }
        return (done + [name]).joined(separator: " ") + " "
    }

    func submit(_ line: String) -> String {
        if let tries = passwordTries {
            if line == enableSecret { passwordTries = nil; mode = .privileged; return "" }
            if tries + 1 >= 3 { passwordTries = nil; return "% Bad secrets\n\n" }
            passwordTries = tries + 1
            return ""
        }
        let words = line.split(separator: " ").map(String.init)
        guard !words.isEmpty else { return "" }
        let exact = candidates(words).filter { $0.words.count == words.count }
        guard let command = exact.first else {
            return "% Invalid input detected at '^' marker.\n\n"
        }
        guard exact.count == 1 else { return "% Ambiguous command:  \"\(line)\"\n" }
        return command.run(self, words)
    }

    func controlZ(_ buffer: String) -> String {
        guard mode == .config else { return "" }
        let output = buffer.isEmpty ? "" : submit(buffer)
        if mode == .config { leaveConfig() }
        return output
    }
}

/// The device and shell, created on and only used on `queue`. `@unchecked Sendable`: other
/// threads only pass this box to closures that run on `queue`.
final class Owner: @unchecked Sendable {
    let device = Device()
    lazy var shell = DemoShell(device: device)
}

func main() {
    let queue = DispatchQueue(label: "terminal-demo.device")
    let owner = Owner()
    let console = queue.sync {
        TerminalConsole(shell: owner.shell, executor: DispatchQueueShellExecutor(queue: queue))
    }
    queue.sync { owner.device.console = console }
    signal(SIGUSR1, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: SIGUSR1, queue: queue)
    source.setEventHandler {
        owner.device.syslog(facility: "LINK", severity: 3, mnemonic: "UPDOWN",
                            "Interface Tunnel0, changed state to up")
    }
    source.resume()
    console.run()
    source.cancel()
}

main()
