import Device
import Shell

/// A tiny two-mode IOS shell (plus global configuration and a password prompt) for testing the
/// console and replay without the real grammar. Keywords may be abbreviated to any prefix.
final class FakeShell: ConsoleShell {
    enum Mode { case user, exec, config, password, confirm, destination }

    let device: Device
    var mode = Mode.user
    var secret: String?
    private(set) var isFinished = false
    var outputStream: ((String) -> Void)?
    /// Every line `submit` and `controlZ` received, in order.
    private(set) var received: [String] = []

    init(secret: String? = nil, time: ManualTimeSource = ManualTimeSource()) {
        self.secret = secret
        device = Device(time: time)
    }

    var prompt: String {
        switch mode {
        case .user: "Device>"
        case .exec: "Device#"
        case .config: "Device(config)#"
        case .password: "Password: "
        case .confirm: "[confirm]"
        case .destination: "Destination filename [startup-config]? "
        }
    }

    var echoesInput: Bool { mode != .password }

    private var commands: [String] {
        switch mode {
        case .user: ["enable", "exit", "show clock"]
        case .exec: ["configure terminal", "disable", "exit", "show clock", "show running-config", "log twice",
                     "reload", "copy running-config startup-config"]
        case .config: ["end", "exit", "hostname"]
        case .password, .confirm, .destination: []
        }
    }

    func help(for buffer: String) -> String {
        if buffer.isEmpty {
            let header = mode == .config ? "Configure commands:\n" : "Exec commands:\n"
            let first = Set(commands.map { String($0.split(separator: " ")[0]) }).sorted()
            return header + first.map { "  \($0)" }.joined(separator: "\n") + "\n\n"
        }
        if buffer.hasSuffix(" ") {
            let words = buffer.split(separator: " ").map(String.init)
            let next = commands.compactMap { command -> String? in
                let keys = command.split(separator: " ").map(String.init)
                guard keys.count > words.count, Self.prefixes(words, of: Array(keys[0..<words.count])) else { return nil }
                return keys[words.count]
            }
            guard !next.isEmpty else { return "% Unrecognized command\n" }
            let width = next.map(\.count).max() ?? 0
            return next.map { "  " + $0 + String(repeating: " ", count: width - $0.count + 2) + "Keyword" }
                .joined(separator: "\n") + "\n\n"
        }
        let partial = String(buffer.split(separator: " ").last ?? "")
        let hits = keywords.filter { $0.hasPrefix(partial) }
        return hits.isEmpty ? "% Unrecognized command\n" : hits.joined(separator: "  ") + "\n\n"
    }

    private var keywords: [String] {
        Set(commands.flatMap { $0.split(separator: " ").map(String.init) }).sorted()
    }

    func complete(_ buffer: String) -> String? {
        guard !buffer.isEmpty, !buffer.hasSuffix(" ") else { return nil }
        let partial = String(buffer.split(separator: " ").last ?? "")
        let hits = keywords.filter { $0.hasPrefix(partial) }
        guard hits.count == 1 else { return nil }
        return String(buffer.dropLast(partial.count)) + hits[0] + " "
    }

    func submit(_ line: String) -> String {
        received.append(line)
        let words = line.split(separator: " ").map(String.init)
        if mode == .password {
            if line == secret {
                mode = .exec
                return ""
            }
            mode = .user
            return "% Bad secrets\n\n"
        }
        switch mode {
        case .confirm:
            mode = .exec
            return line.isEmpty ? "Reloading...\n" : "% Reload cancelled\n"
        case .destination:
            mode = .exec
            return "Building configuration...\n[OK]\n"
        default:
            break
        }
        guard !words.isEmpty else { return "" }
        let command = commands.first { command in
            let keys = command.split(separator: " ").map(String.init)
            if keys == ["hostname"] { return words.count == 2 && "hostname".hasPrefix(words[0]) }
            return keys.count == words.count && Self.prefixes(words, of: keys)
        }
        switch command {
        case nil:
            return "% Invalid input detected at '^' marker.\n\n"
        case "enable":
            mode = secret == nil ? .exec : .password
        case "disable":
            mode = .user
        case "exit":
            if mode == .config { leaveConfig() } else { isFinished = true }
        case "configure terminal":
            mode = .config
            return "Enter configuration commands, one per line.  End with CNTL/Z.\n"
        case "end":
            leaveConfig()
        case "show clock":
            return device.showClock() + "\n"
        case "reload":
            // IOS asks on the same line as its question.
            mode = .confirm
            return "Proceed with reload? "
        case "copy running-config startup-config":
            mode = .destination
        case "show running-config":
            return "Building configuration...\n\nhostname Device\nend\n\n"
        case "log twice":
            device.syslog(facility: "SYS", severity: 6, mnemonic: "TEST", "first")
            device.syslog(facility: "SYS", severity: 6, mnemonic: "TEST", "second")
        default:
            break
        }
        return ""
    }

    func controlZ(_ buffer: String) -> String {
        received.append(buffer + "^Z")
        var out = ""
        if !buffer.isEmpty {
            out = submit(buffer)
            received.removeLast()
        }
        if mode == .config { leaveConfig() }
        return out
    }

    private func leaveConfig() {
        mode = .exec
        device.syslog(facility: "SYS", severity: 5, mnemonic: "CONFIG_I", "Configured from console by console")
    }

    private static func prefixes(_ words: [String], of keys: [String]) -> Bool {
        zip(words, keys).allSatisfy { !$0.0.isEmpty && $0.1.hasPrefix($0.0) }
    }

    /// A replay session around a new fake shell; its device prints logs to the replay console.
    static func session(secret: String? = nil) -> ReplaySession {
        let shell = FakeShell(secret: secret)
        return ReplaySession(shell: shell, attach: { shell.device.console = $0 })
    }
}
