import Device

/// IOS XE 16.9+'s warning after a key or password given in clear text (type 0) is stored.
let type0Warning = "WARNING: Command has been added to the configuration using a type 0 password. "
    + "However, type 0 passwords will soon be deprecated. Migrate to a supported password type"

extension CommandContext {
    /// A key given as `[0|6|7] LINE$name`: as typed, decoded from type 7 or type 6, and
    /// encrypted at once as type 6 under `password encryption aes` with a master key, else as
    /// type 7 under `service password-encryption`. nil (with IOS's message printed) when a type 7
    /// or type 6 string does not decode. `warnType0`: the commands after which IOS XE warns that
    /// type 0 is deprecated (not while a startup-config loads, nor when the key is kept as type 6).
    func secret(_ name: String, warnType0: Bool = false) -> ConfigSecret? {
        guard let text = string(name) else { return nil }
        if has("7") {
            guard let plain = CiscoType7.decode(text) else {
                reject("Invalid encrypted password: \(text)")
                return nil
            }
            return ConfigSecret(plain: plain, type7: text)
        }
        if has("6") {
            guard let master = device.configKey, let plain = CiscoType6.decode(text, masterKey: master) else {
                reject("Invalid encrypted password: \(text)")
                return nil
            }
            return ConfigSecret(plain: plain, type6: text)
        }
        var secret = ConfigSecret(plain: text)
        if let six = shell.type6(text) {
            secret.type6 = six
        } else if device.config.servicePasswordEncryption {
            secret.type7 = CiscoType7.encode(text, salt: device.random.int(in: 0...15))
        }
        if warnType0, secret.type6 == nil, !shell.loadingConfiguration {
            print(" " + type0Warning)
            print(device.syslogLine(facility: "AAAA", severity: 4, mnemonic: "CLI_DEPRECATED", type0Warning))
        }
        return secret
    }
}

/// IOS's refusal of a `secret 5|9 STRING` that is not a hash of that type.
private func printInvalidSecret(_ ctx: CommandContext, type: Int) {
    ctx.reject("ERROR: The secret you entered is not a valid encrypted secret.")
    ctx.print("To enter an UNENCRYPTED secret, do not specify type \(type) encryption.")
    ctx.print("When you properly enter an UNENCRYPTED secret, it will be encrypted.")
    ctx.print("")
}

extension IOSCommands {
    static var globalConfigCommands: [CommandDeclaration] {
        [
            CommandDeclaration([.config], "hostname WORD", ["Set system's network name", "This system's network name"],
                               no: 1) { ctx in
                guard ctx.form == .set, let name = ctx.string("hostname") else {
                    ctx.device.config.hostname = RunningConfig.defaultHostname
                    return
                }
                // IOS warns about a name that breaks RFC 1035's rule and takes it all the same. One
                // that a prompt could not show (characters automation's prompt patterns refuse,
                // more than 63 characters) is warned about and not taken.
                if !IOSCommands.isValidHostname(name) {
                    ctx.print("% Hostname contains one or more illegal characters.")
                }
                if IOSCommands.isPromptSafeHostname(name) {
                    ctx.device.config.hostname = name
                } else {
                    ctx.markRejected()
                }
            },
            CommandDeclaration([.config], "enable secret [0] LINE$plain",
                               ["Modify enable password parameters", "Assign the privileged level secret (MAX of 25 characters)",
                                "Specifies an UNENCRYPTED password will follow",
                                "The UNENCRYPTED (cleartext) 'enable' secret"], no: 2) { ctx in
                guard ctx.form == .set, let plain = ctx.string("plain") else {
                    ctx.device.config.enableSecretStorage = nil
                    return
                }
                // IOS XE stores a typed secret as type 9 (scrypt).
                guard let hash = CiscoScrypt.hash(plain, salt: CiscoScrypt.salt(from: ctx.device.random)) else { return }
                ctx.device.config.enableSecretStorage = .init(type: 9, hash: hash)
            },
            CommandDeclaration([.config], "enable secret 5 WORD$hash",
                               ["Modify enable password parameters", "Assign the privileged level secret (MAX of 25 characters)",
                                "Specifies a MD5 HASHED secret will follow", "The MD5 HASHED 'enable' secret string"]) { ctx in
                guard let hash = ctx.string("hash") else { return }
                if MD5Crypt.isWellFormed(hash) {
                    ctx.device.config.enableSecretStorage = .init(type: 5, hash: hash)
                } else {
                    printInvalidSecret(ctx, type: 5)
                }
            },
            CommandDeclaration([.config], "enable secret 9 WORD$hash",
                               ["Modify enable password parameters", "Assign the privileged level secret (MAX of 25 characters)",
                                "Specifies a SCRYPT HASHED secret will follow", "The SCRYPT HASHED 'enable' secret string"]) { ctx in
                guard let hash = ctx.string("hash") else { return }
                if CiscoScrypt.isWellFormed(hash) {
                    ctx.device.config.enableSecretStorage = .init(type: 9, hash: hash)
                } else {
                    printInvalidSecret(ctx, type: 9)
                }
            },
            CommandDeclaration([.config], "enable password [0|7] LINE$password",
                               ["Modify enable password parameters", "Assign the privileged level password (MAX of 25 characters)",
                                "Specifies an UNENCRYPTED password will follow", "Specifies a HIDDEN password will follow",
                                "The UNENCRYPTED (cleartext) 'enable' password"], no: 2) { ctx in
                if ctx.form != .set { ctx.device.config.enablePassword = nil; return }
                if let secret = ctx.secret("password") { ctx.device.config.enablePassword = secret }
            },
            CommandDeclaration([.config], "service password-encryption",
                               ["Modify use of network based services", "Encrypt system passwords"], no: 2) { ctx in
                ctx.shell.setPasswordEncryption(ctx.form == .set)
            },
            CommandDeclaration([.config], "password encryption aes",
                               ["Configure password encryption", "Set password encryption type",
                                "Encrypt keys with AES (type 6) under the master key"], no: 3) { ctx in
                ctx.device.config.passwordEncryptionAES = ctx.form == .set
                guard ctx.form == .set else { return }
                if ctx.device.configKey == nil {
                    ctx.print("Can not encrypt password. Please configure a configuration-key with 'key config-key'")
                } else {
                    ctx.shell.encryptKeysAsType6()
                }
            },
            CommandDeclaration([.config], "key config-key password-encrypt LINE$masterkey",
                               ["Key management", "Set a private configuration key",
                                "Set a private configuration key for password encryption",
                                "The config-key (kept outside the configuration)"], no: 3) { ctx in
                guard ctx.form == .set, let master = ctx.string("masterkey") else {
                    ctx.device.configKey = nil
                    return
                }
                ctx.device.configKey = master
                // Under `password encryption aes` every key is (re-)encrypted with the new master key.
                if ctx.device.config.passwordEncryptionAES { ctx.shell.encryptKeysAsType6() }
            },
            CommandDeclaration([.config],
                               "service timestamps [debug | log] [datetime [msec | localtime | show-timezone | year]* | uptime]",
                               ["Modify use of network based services", "Timestamp debug/log messages",
                                "Timestamp debug messages", "Timestamp log messages", "Timestamp with date and time",
                                "Include milliseconds in timestamp", "Use local time zone for timestamps",
                                "Add time zone information to timestamp", "Include year in timestamp",
                                "Timestamp with system uptime"], no: 3) { ctx in
                var service: TimestampService? = .uptime
                if ctx.has("datetime") {
                    service = .datetime(msec: ctx.has("msec"), localtime: ctx.has("localtime"),
                                        showTimezone: ctx.has("show-timezone"), year: ctx.has("year"))
                }
                switch ctx.form {
                case .no: service = nil
                case .default: service = .datetime(msec: true, localtime: false, showTimezone: false, year: false)
                case .set: break
                }
                if !ctx.has("log") { ctx.device.config.timestampsDebug = service }
                if !ctx.has("debug") { ctx.device.config.timestampsLog = service }
            },
            CommandDeclaration([.config], "clock timezone WORD$zone <-23-23>$hours [<0-59>$minutes]",
                               ["Configure time-of-day clock", "Configure time zone", "name of time zone",
                                "Hours offset from UTC", "Minutes offset from UTC"], no: 2) { ctx in
                guard ctx.form == .set, let name = ctx.string("zone"), let hours = ctx.int("hours") else {
                    ctx.device.config.clockTimezone = nil
                    return
                }
                ctx.device.config.clockTimezone = ClockTimezone(name: name, hours: hours, minutes: ctx.int("minutes") ?? 0)
            },
            CommandDeclaration([.config], "ip domain lookup",
                               ["Global IP configuration subcommands", "IP DNS Resolver",
                                "Enable IP Domain Name System hostname translation"], no: 3) { ctx in
                ctx.device.config.ipDomainLookup = ctx.form != .no
            },
            CommandDeclaration([.config], "logging buffered [<4096-2147483647>$size]",
                               ["Modify message logging facilities", "Set buffered logging parameters",
                                "Logging buffer size"], no: 2) { ctx in
                if ctx.form == .no {
                    ctx.device.config.loggingBufferedSize = nil
                    ctx.device.clearLogBuffer()
                } else {
                    ctx.device.config.loggingBufferedSize = ctx.form == .set ? (ctx.int("size") ?? 8192) : 8192
                }
            },
            CommandDeclaration([.config],
                               "username WORD$user [privilege <0-15>$privilege] {secret [0] LINE$plain | secret 5 WORD$hash | secret 9 WORD$hash9 | password [0|7] LINE$password}",
                               ["Establish User Name Authentication", "User name", "Set user privilege level",
                                "User privilege level", "Specify the secret for the user",
                                "Specifies an UNENCRYPTED secret will follow", "The UNENCRYPTED (cleartext) user secret",
                                "Specify the secret for the user", "Specifies a MD5 HASHED secret will follow",
                                "The HASHED user secret", "Specify the secret for the user",
                                "Specifies a SCRYPT HASHED secret will follow", "The HASHED user secret",
                                "Specify the password for the user",
                                "Specifies an UNENCRYPTED password will follow", "Specifies a HIDDEN password will follow",
                                "The UNENCRYPTED (cleartext) user password"], no: 2) { ctx in
                guard let name = ctx.string("user") else { return }
                if ctx.form != .set {
                    ctx.device.config.users.remove(named: name)
                } else {
                    var user = LocalUser(name: name, privilege: ctx.int("privilege"))
                    if let plain = ctx.string("plain") {
                        guard let hash = CiscoScrypt.hash(plain, salt: CiscoScrypt.salt(from: ctx.device.random))
                        else { return }
                        user.credential = .secret(type: 9, hash: hash)
                    } else if let hash = ctx.string("hash") {
                        guard MD5Crypt.isWellFormed(hash) else {
                            printInvalidSecret(ctx, type: 5)
                            return
                        }
                        user.credential = .secret(type: 5, hash: hash)
                    } else if let hash = ctx.string("hash9") {
                        guard CiscoScrypt.isWellFormed(hash) else {
                            printInvalidSecret(ctx, type: 9)
                            return
                        }
                        user.credential = .secret(type: 9, hash: hash)
                    } else if let password = ctx.secret("password", warnType0: true) {
                        user.credential = .password(password)
                    } else {
                        return
                    }
                    ctx.device.config.users.set(user)
                }
            },
            // Lines of IOS's own running-config that a startup-config carries back in.
            CommandDeclaration([.config], "version WORD", ["Version", "Version number"], hidden: true) { _ in },
            CommandDeclaration([.config], "boot-start-marker", ["Boot start marker"], hidden: true) { _ in },
            CommandDeclaration([.config], "boot-end-marker", ["Boot end marker"], hidden: true) { _ in },
        ]
    }

    /// The rule of Cisco's command reference (RFC 1035's ARPANET host names): a letter first, a
    /// letter or digit last, only letters, digits and hyphens between, at most 63 characters.
    static func isValidHostname(_ name: String) -> Bool {
        guard let first = name.first, let last = name.last, first.isASCII, first.isLetter, name.count <= 63,
              last.isASCII, last.isLetter || last.isNumber else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
    }

    /// A name a prompt can show: at most 63 of the characters automation's prompt patterns
    /// accept (`[\w.\-@/:]`).
    static func isPromptSafeHostname(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 63
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.-@/:".contains($0)) }
    }
}
