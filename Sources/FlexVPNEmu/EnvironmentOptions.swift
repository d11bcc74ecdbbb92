import Foundation

/// The console's options can also come from environment variables, as containers are configured
/// (`FLEXVPN_SSH_PORT=2222`). A variable stands in for its option only when the command line does
/// not give that option: a flag on the command line always wins.
///
/// The variables are turned into the command-line arguments they stand for before parsing, so
/// swift-argument-parser checks their values exactly as it checks typed ones.
enum EnvironmentOptions {
    struct Variable {
        let name: String
        /// The long option it stands for, without the dashes.
        let option: String
        /// A flag takes no value: the variable turns it on (1, true, yes, on) or leaves it off
        /// (0, false, no, off, empty).
        var isFlag = false
    }

    /// One line per console option; a new option gets its variable here (a test checks that every
    /// option of `--help` has one).
    static let variables: [Variable] = [
        Variable(name: "FLEXVPN_STARTUP_CONFIG", option: "startup-config"),
        Variable(name: "FLEXVPN_LISTEN_ADDRESS", option: "listen-address"),
        Variable(name: "FLEXVPN_DAS_ADDRESS", option: "das-address"),
        Variable(name: "FLEXVPN_TELNET_PORT", option: "telnet-port"),
        Variable(name: "FLEXVPN_SSH_PORT", option: "ssh-port"),
        Variable(name: "FLEXVPN_IKE_PORT", option: "ike-port"),
        Variable(name: "FLEXVPN_HEADLESS", option: "headless", isFlag: true),
        Variable(name: "FLEXVPN_DETERMINISTIC", option: "deterministic"),
        Variable(name: "FLEXVPN_SCENARIO", option: "scenario"),
        Variable(name: "FLEXVPN_LAB", option: "lab"),
        Variable(name: "FLEXVPN_LAB_REPORT", option: "lab-report"),
        Variable(name: "FLEXVPN_STUDENT", option: "student"),
    ]

    /// Subcommands that take the console's options (and so their variables).
    static let subcommandsWithConsoleOptions: Set<String> = ["health"]

    struct Resolution {
        var arguments: [String]
        /// What came from the environment, for error messages: `FLEXVPN_SSH_PORT=abc`.
        var used: [String]
    }

    enum Failure: Error, CustomStringConvertible {
        case notABoolean(variable: String, value: String)
        var description: String {
            switch self {
            case .notABoolean(let variable, let value):
                return "\(variable)=\(value): expected 1, true, yes, on, or 0, false, no, off"
            }
        }
    }

    /// `arguments` (without the program's name) with every variable whose option is absent
    /// appended as that option.
    static func resolve(arguments: [String], environment: [String: String]) throws -> Resolution {
        // A subcommand without the console's options (`replay`) takes nothing from the environment.
        if let first = arguments.first, !first.hasPrefix("-"), !subcommandsWithConsoleOptions.contains(first) {
            return Resolution(arguments: arguments, used: [])
        }
        // Arguments after `--` are values, not options.
        let end = arguments.firstIndex(of: "--") ?? arguments.endIndex
        let given = arguments[..<end]
        var added: [String] = []
        var used: [String] = []
        for variable in variables {
            guard let value = environment[variable.name] else { continue }
            let names = ["--\(variable.option)"] + (variable.isFlag ? ["--no-\(variable.option)"] : [])
            let onCommandLine = given.contains { argument in
                names.contains { argument == $0 || argument.hasPrefix($0 + "=") }
            }
            if onCommandLine { continue }
            if variable.isFlag {
                switch value.lowercased() {
                case "1", "true", "yes", "on": added.append("--\(variable.option)")
                case "", "0", "false", "no", "off": break
                default: throw Failure.notABoolean(variable: variable.name, value: value)
                }
            } else {
                added.append("--\(variable.option)=\(value)")
            }
            used.append("\(variable.name)=\(value)")
        }
        var result = arguments
        result.insert(contentsOf: added, at: end)
        return Resolution(arguments: result, used: used)
    }

    /// The `--help` text that lists the variables.
    static var helpText: String {
        let width = variables.map(\.name.count).max() ?? 0
        let lines = variables.map { variable in
            variable.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  --\(variable.option)"
                + (variable.isFlag ? " (1/true/yes/on or 0/false/no/off)" : "")
        }
        return """
            Every option can also be set by an environment variable (a container's configuration); \
            an option given on the command line wins over its variable:
            \(lines.joined(separator: "\n"))
            """
    }
}
