import Device
import Renderers

/// A banner typed over several lines: its kind (`motd`…), delimiter and the text so far.
struct BannerEntry {
    var kind: String
    var delimiter: Character
    var text: String
}

/// Ctrl-C, the delimiter IOS's running-config shows as `^C` (typed as those two characters too).
private let controlC: Character = "\u{03}"

extension IOSShell {
    /// Where the banner's closing delimiter is in `text` (`^C` counts for Ctrl-C).
    private func delimiterRange(in text: Substring, _ delimiter: Character) -> Range<Substring.Index>? {
        if delimiter == controlC, let range = text.range(of: "^C") {
            if let ctrl = text.firstIndex(of: controlC), ctrl < range.lowerBound { return ctrl..<text.index(after: ctrl) }
            return range
        }
        guard let index = text.firstIndex(of: delimiter) else { return nil }
        return index..<text.index(after: index)
    }

    func setBanner(_ kind: String, _ banner: Banner?) {
        switch kind {
        case "login": device.config.banners.login = banner
        case "exec": device.config.banners.exec = banner
        default: device.config.banners.motd = banner
        }
    }

    /// `banner motd LINE`: the first character (or `^C`) delimits the text; the text ends at the
    /// next one, on this line or a later one.
    func beginBanner(_ kind: String, _ typed: String) -> String {
        var rest = Substring(typed)
        let delimiter: Character
        if rest.hasPrefix("^C") {
            delimiter = controlC
            rest = rest.dropFirst(2)
        } else {
            delimiter = rest.first ?? controlC
            rest = rest.dropFirst()
        }
        if let end = delimiterRange(in: rest, delimiter) {
            setBanner(kind, Banner(delimiter: delimiter, text: String(rest[..<end.lowerBound])))
            return ""
        }
        bannerEntry = BannerEntry(kind: kind, delimiter: delimiter, text: String(rest) + "\n")
        let shown = delimiter == controlC ? "^C" : String(delimiter)
        return loadingConfiguration ? "" : "Enter TEXT message.  End with the character '\(shown)'.\n"
    }

    func continueBanner(_ line: String) -> String {
        guard var entry = bannerEntry else { return "" }
        let text = Substring(line)
        if let end = delimiterRange(in: text, entry.delimiter) {
            entry.text += text[..<end.lowerBound]
            bannerEntry = nil
            setBanner(entry.kind, Banner(delimiter: entry.delimiter, text: entry.text))
            return ""
        }
        entry.text += line + "\n"
        // A runaway banner (no closing delimiter) stops growing.
        if entry.text.utf8.count > 64 * 1024 {
            bannerEntry = nil
            return "% Banner too long\n"
        }
        bannerEntry = entry
        return ""
    }

    /// A line of `key-string` data: `exit` or `quit` ends the key, anything else is more of it.
    func keyStringLine(_ line: String, user: String, text: String) -> String {
        let word = line.trimmingSpaces.lowercased()
        if word == "exit" || word == "quit" || word == "end" {
            mode = .sshPubkeyUser(user)
            let joined = text.trimmingSpaces
            var out = ""
            if !joined.isEmpty {
                if let key = SSHPublicKeyEntry(keyString: joined) {
                    device.config.ssh.addKey(key, to: user)
                } else {
                    lastCommandRejected = true
                    out = "%SSH: Failed to decode the key value\n"
                }
            }
            // `end` (and Ctrl-Z) leave configuration with the key taken.
            if word == "end" { leaveConfiguration() }
            return out
        }
        // OpenSSH lines are pasted whole (`ssh-ed25519 AAAA… comment`) or the base64 in pieces.
        let piece = line.trimmingSpaces
        guard text.utf8.count + piece.utf8.count < 16 * 1024 else { return "" }
        let joined = text.isEmpty ? piece : (piece.contains(" ") || text.contains(" ") ? text + " " + piece : text + piece)
        mode = .sshPubkeyData(user: user, text: joined)
        return ""
    }

    /// `crypto key generate rsa`: IOS's texts; the key recorded for `show ip ssh` (the server's
    /// own host key stays the emulator's Ed25519 key, see the README).
    func generateRSAKey(modulus: Int?) -> String {
        guard let domain = device.config.domainName else { return "% Please define a domain-name first.\n" }
        let name = "\(device.config.hostname).\(domain)"
        var out = ""
        if let existing = device.config.ssh.rsaKeyName {
            out += "% You already have RSA keys defined named \(existing).\n"
            // Without `modulus` IOS asks before replacing them; with it, it goes ahead.
            guard modulus != nil else {
                ask(.rsaReplace(name: name))
                return out
            }
            out += "% They will be replaced.\n\n"
        } else {
            out += "The name for the keys will be: \(name)\n"
        }
        guard let modulus else { return out + askModulus(name: name) }
        out += "% The key modulus size is \(modulus) bits\n"
        return out + finishRSAKey(name: name, modulus: modulus)
    }

    private func askModulus(name: String) -> String {
        ask(.rsaModulus(name: name))
        return "Choose the size of the key modulus in the range of 512 to 4096 for your\n"
            + "  General Purpose Keys. Choosing a key modulus greater than 512 may take\n"
            + "  a few minutes.\n\n"
    }

    func answerRSAReplace(_ line: String, name: String) -> String {
        let answer = line.trimmingSpaces.lowercased()
        guard !answer.isEmpty, "yes".hasPrefix(answer) else { return "" }
        return askModulus(name: name)
    }

    func answerRSAModulus(_ line: String, name: String) -> String {
        let typed = line.trimmingSpaces
        let modulus = typed.isEmpty ? 1024 : Int(typed)
        guard let modulus, (512...4096).contains(modulus) else {
            // Asked again, as IOS does at its numeric questions.
            ask(.rsaModulus(name: name))
            return "% A decimal number between 512 and 4096.\n"
        }
        return finishRSAKey(name: name, modulus: modulus)
    }

    private func finishRSAKey(name: String, modulus: Int) -> String {
        let first = device.config.ssh.rsaModulus == nil
        device.config.ssh.rsaModulus = modulus
        device.config.ssh.rsaKeyName = name
        let out = "% Generating \(modulus) bit RSA keys, keys will be non-exportable...\n[OK] (elapsed time was 0 seconds)\n"
        if first {
            device.syslog(facility: "SSH", severity: 5, mnemonic: "ENABLED",
                          "SSH \(device.config.ssh.versionText) has been enabled")
        }
        return out
    }
}

extension IOSCommands {
    static var sshCommands: [CommandDeclaration] {
        [
            CommandDeclaration([.config], "ip domain name WORD$name",
                               ["Global IP configuration subcommands", "IP DNS Resolver",
                                "Define the default domain name", "Default domain name"], no: 3) { ctx in
                ctx.device.config.domainName = ctx.form == .set ? ctx.string("name") : nil
            },
            // The older spelling, still accepted by IOS XE.
            CommandDeclaration([.config], "ip domain-name WORD$name",
                               ["Global IP configuration subcommands", "Define the default domain name", "Default domain name"],
                               no: 2, hidden: true) { ctx in
                ctx.device.config.domainName = ctx.form == .set ? ctx.string("name") : nil
            },
            CommandDeclaration([.config], "crypto key generate rsa [general-keys] [modulus <512-4096>$modulus]",
                               ["Encryption module", "Long term key operations", "Generate new keys", "Generate RSA keys",
                                "Generate a general purpose RSA key pair for signing and encryption",
                                "Provide number of modulus bits on the command line", "size of the key modulus"]) { ctx in
                let out = ctx.shell.generateRSAKey(modulus: ctx.int("modulus"))
                if out.hasPrefix("% Please") { ctx.markRejected() }
                ctx.output += out
            },
            CommandDeclaration([.config], "ip ssh version <1-2>$version",
                               ["Global IP configuration subcommands", "Configure ssh options",
                                "Specify protocol version to be supported", "Protocol version"], no: 3) { ctx in
                ctx.device.config.ssh.version = ctx.form == .set ? ctx.int("version") : nil
            },
            CommandDeclaration([.config], "ip ssh time-out <1-120>$seconds",
                               ["Global IP configuration subcommands", "Configure ssh options",
                                "Specify SSH time-out interval", "SSH time-out interval (secs)"], no: 3) { ctx in
                ctx.device.config.ssh.timeout = ctx.form == .set ? ctx.int("seconds") ?? SSHConfig.defaultTimeout : SSHConfig.defaultTimeout
            },
            CommandDeclaration([.config], "ip ssh authentication-retries <0-5>$retries",
                               ["Global IP configuration subcommands", "Configure ssh options",
                                "Specify number of authentication retries", "Number of authentication retries"], no: 3) { ctx in
                ctx.device.config.ssh.authenticationRetries = ctx.form == .set
                    ? ctx.int("retries") ?? SSHConfig.defaultRetries : SSHConfig.defaultRetries
            },
            CommandDeclaration([.config], "ip ssh pubkey-chain",
                               ["Global IP configuration subcommands", "Configure ssh options",
                                "pubkey-chain"], no: 3) { ctx in
                if ctx.form == .set {
                    ctx.shell.enter(.sshPubkey)
                } else {
                    ctx.device.config.ssh.pubkeyChain = []
                }
            },
            CommandDeclaration([.sshPubkey, .sshPubkeyUser], "username WORD$user",
                               ["Configure a user public key", "User name"], no: 1) { ctx in
                guard let user = ctx.string("user") else { return }
                if ctx.form == .set {
                    ctx.device.config.ssh.addUser(user)
                    ctx.shell.enter(.sshPubkeyUser(user))
                } else {
                    ctx.device.config.ssh.removeUser(user)
                    ctx.shell.enter(.sshPubkey)
                }
            },
            CommandDeclaration([.sshPubkeyUser], "key-string",
                               ["Enter public key"]) { ctx in
                guard case let .sshPubkeyUser(user) = ctx.shell.mode else { return }
                ctx.shell.enter(.sshPubkeyData(user: user, text: ""))
            },
            CommandDeclaration([.sshPubkeyUser], "key-hash WORD$type WORD$hash [LINE$comment]",
                               ["Enter public key hash", "Key type: ssh-rsa, ssh-ed25519, ecdsa-sha2-nistp256...",
                                "Key hash: MD5 of the key, 32 hexadecimal digits", "Key comment"], no: 1) { ctx in
                guard case let .sshPubkeyUser(user) = ctx.shell.mode, let type = ctx.string("type"),
                      let hash = ctx.string("hash") else { return }
                guard hash.count == 32, hash.allSatisfy(\.isHexDigit) else {
                    ctx.reject("%SSH: Invalid key hash")
                    return
                }
                if ctx.form == .set {
                    let comment = ctx.string("comment")?.trimmingSpaces
                    ctx.device.config.ssh.addKey(SSHPublicKeyEntry(type: type, hash: hash,
                                                                   comment: comment?.isEmpty == false ? comment : nil), to: user)
                } else {
                    ctx.device.config.ssh.removeKey(hash: hash, from: user)
                }
            },
            CommandDeclaration([.sshPubkey], "exit", ["Exit from SSH pubkey-chain configuration mode"]) { ctx in
                ctx.shell.enter(.config)
            },
            CommandDeclaration([.sshPubkey], "quit", ["Exit from SSH pubkey-chain configuration mode"], hidden: true) { ctx in
                ctx.shell.enter(.config)
            },
            CommandDeclaration([.sshPubkeyUser], "exit", ["Exit from SSH pubkey-chain user configuration mode"]) { ctx in
                ctx.shell.enter(.sshPubkey)
            },
            CommandDeclaration([.sshPubkeyUser], "quit", ["Exit from SSH pubkey-chain user configuration mode"], hidden: true) { ctx in
                ctx.shell.enter(.sshPubkey)
            },
            CommandDeclaration([.config], "banner {exec$exec | login$login | motd$motd} LINE$text",
                               ["Define a login banner", "Set EXEC process creation banner", "Set login banner",
                                "Set Message of the Day banner", "c banner-text c, where 'c' is a delimiting character"],
                               no: 2) { ctx in
                let kind = ctx.has("exec") ? "exec" : ctx.has("login") ? "login" : "motd"
                if ctx.form != .set {
                    ctx.shell.setBanner(kind, nil)
                    return
                }
                ctx.output += ctx.shell.beginBanner(kind, ctx.string("text") ?? "")
            },
            CommandDeclaration([.exec], "show ip ssh", [HelpText.show, "IP information", "Information on SSH"],
                               privilege: 1) { ctx in
                ctx.output += ShowRenderer.ipSSH(ctx.device)
            },
            CommandDeclaration([.exec], "show ssh", [HelpText.show, "Status of SSH server connections"],
                               privilege: 1, pipe: true) { ctx in
                ctx.output += ShowRenderer.ssh(ctx.device)
            },
        ]
    }
}
