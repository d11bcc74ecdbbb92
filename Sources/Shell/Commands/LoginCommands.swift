import Device
import RADIUS

extension IOSCommands {
    /// One login method of `aaa authentication login` (named so the captures keep their order).
    private static let loginMethod = "enable$m-enable | group$m-group WORD$m-gname | line$m-line | local$m-local | none$m-none"
    private static let loginMethodHelp = ["Use enable password for authentication.", "Use Server-group",
                                          "Server-group name", "Use line password for authentication.",
                                          "Use local username authentication.", "NO authentication."]
    private static let execMethod = "group$m-group WORD$m-gname | local$m-local"
    private static let execMethodHelp = ["Use server-group.", "Server-group name", "Use local database."]

    /// The methods typed, in order.
    static func loginMethods(_ ctx: CommandContext) -> [LoginMethodList.Method] {
        ctx.captures.compactMap { capture -> LoginMethodList.Method? in
            switch capture.name {
            case "m-enable": return .enable
            case "m-line": return .line
            case "m-local": return .local
            case "m-none": return LoginMethodList.Method.none
            case "m-gname": return .group(capture.text)
            default: return nil
            }
        }
    }

    static var loginCommands: [CommandDeclaration] {
        [
            CommandDeclaration([.config], "aaa authentication login {default | WORD$list} {\(loginMethod)} [\(loginMethod)]*",
                               [HelpText.aaa, "Authentication configurations parameters.",
                                "Set authentication lists for logins.", "The default authentication list.",
                                "Named authentication list (max 31 characters, longer will be rejected)."]
                                + loginMethodHelp + loginMethodHelp,
                               no: 4, requiresAAA: true) { ctx in
                let name = ctx.string("list") ?? "default"
                var lists = ctx.device.config.authenticationLogin
                let index = lists.firstIndex { $0.name == name }
                if ctx.form == .set {
                    if name.count > 31 {
                        ctx.reject("AAA: Warning: authentication list name is too long; it is rejected")
                        return
                    }
                    let list = LoginMethodList(name: name, methods: loginMethods(ctx))
                    if let index { lists[index] = list } else { lists.append(list) }
                } else if let index {
                    lists.remove(at: index)
                }
                ctx.device.config.authenticationLogin = lists
            },
            CommandDeclaration([.config], "aaa authorization exec {default | WORD$list} {\(execMethod)} [\(execMethod)]*",
                               [HelpText.aaa, "Authorization configurations parameters.",
                                "For starting an exec (shell).", "The default authorization list.",
                                "Named authorization list."] + execMethodHelp + execMethodHelp,
                               no: 4, requiresAAA: true) { ctx in
                let name = ctx.string("list") ?? "default"
                var lists = ctx.device.config.authorizationExec
                let index = lists.firstIndex { $0.name == name }
                if ctx.form == .set {
                    let methods = loginMethods(ctx).compactMap { method -> AAAMethodList.Method? in
                        switch method {
                        case .local: return .local
                        case let .group(group): return .group(group)
                        default: return nil
                        }
                    }
                    let list = AAAMethodList(name: name, methods: methods)
                    if let index { lists[index] = list } else { lists.append(list) }
                } else if let index {
                    lists.remove(at: index)
                }
                ctx.device.config.authorizationExec = lists
            },
            CommandDeclaration([.line], "login authentication {default$dflt | WORD$list}",
                               ["Enable password checking", "Authentication parameters.",
                                "Use the default authentication list.", "Use an authentication list with this name."],
                               no: 2, requiresAAA: true) { ctx in
                let name = ctx.form == .set ? ctx.string("list") ?? "default" : nil
                ctx.shell.updateLines { $0.loginAuthentication = name }
            },
            CommandDeclaration([.exec], "lab login WORD$user WORD$password [vty <0-15>$vty] [from A.B.C.D$from]",
                               [HelpText.lab, "Try a vty login as a telnet or SSH client would (the line decides)",
                                "User name", "Password", "The vty line (default 0)", "Vty line number",
                                "The client's address", "Client address (default 127.0.0.1)"]) { ctx in
                let device = ctx.device
                let vty = ctx.int("vty") ?? 0
                let peer = ctx.ipv4("from") ?? IPv4Address(127, 0, 0, 1)
                guard vty < device.vtyCount else {
                    ctx.print("% Lab: there is no vty \(vty)")
                    return
                }
                if let acl = device.vtyConfig(vty).accessClass, !device.accessListPermits(acl, address: peer) {
                    ctx.print("% Lab: vty \(vty) closes the connection from \(peer) (access-class \(acl) in)")
                    return
                }
                switch device.loginDialog(vty: vty) {
                case .open:
                    ctx.print("% Lab: vty \(vty) asks for no login")
                    return
                case .passwordNotSet:
                    ctx.print("Password required, but none set")
                    return
                case .password, .usernamePassword:
                    break
                }
                let user = device.loginDialog(vty: vty) == .password ? nil : ctx.string("user")
                let attempt = LoginAttempt(user: user, password: ctx.string("password") ?? "", vty: vty,
                                           peer: peer.description, localPort: 23)
                var verdict: LoginVerdict?
                device.authenticateLogin(attempt) { verdict = $0 }
                switch verdict {
                case let .granted(grant)?:
                    ctx.print("% Lab: login accepted on vty \(vty): user \(grant.user ?? "(none)"), privilege level \(grant.privilege)")
                case let .denied(message)?:
                    ctx.print(message.isEmpty ? "% Lab: login refused on vty \(vty)" : message)
                case nil:
                    ctx.print("% Lab: vty \(vty) waits for the RADIUS servers")
                }
            },
            CommandDeclaration([.config], "login on-failure log",
                               ["Enable secure login checking", "Set options for failed login attempt",
                                "Generate syslogs on failure logins"], no: 2) { ctx in
                ctx.device.config.loginOnFailureLog = ctx.form == .set
            },
            CommandDeclaration([.config], "login on-success log",
                               ["Enable secure login checking", "Set options for successful login attempt",
                                "Generate syslogs on successful logins"], no: 2) { ctx in
                ctx.device.config.loginOnSuccessLog = ctx.form == .set
            },
        ]
    }
}
