import Device

extension RunningConfigRenderer {
    /// `ip ssh …` and `ip ssh pubkey-chain` as IOS XE shows them (keys as `key-hash`, the MD5 of
    /// the key, with the key's comment after it).
    static func sshLines(_ ssh: SSHConfig, all: Bool) -> [String] {
        var lines: [String] = []
        if ssh.timeout != SSHConfig.defaultTimeout || all { lines.append("ip ssh time-out \(ssh.timeout)") }
        if ssh.authenticationRetries != SSHConfig.defaultRetries || all {
            lines.append("ip ssh authentication-retries \(ssh.authenticationRetries)")
        }
        if !ssh.pubkeyChain.isEmpty {
            lines.append("ip ssh pubkey-chain")
            for entry in ssh.pubkeyChain {
                lines.append("  username \(entry.user)")
                for key in entry.keys {
                    lines.append("   key-hash \(key.type) \(key.hash) \(key.comment ?? "")")
                }
            }
        }
        if let version = ssh.version { lines.append("ip ssh version \(version)") }
        return lines
    }

    /// `banner exec|login|motd`, in IOS's order, each text between its delimiters as typed.
    static func bannerLines(_ banners: Banners) -> [String] {
        var lines: [String] = []
        for (name, banner) in [("exec", banners.exec), ("login", banners.login), ("motd", banners.motd)] {
            guard let banner else { continue }
            let d = banner.delimiterShown
            let text = "banner \(name) \(d)\(banner.text)\(d)"
            lines += text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        if !lines.isEmpty { lines.append("!") }
        return lines
    }
}

extension ShowRenderer {
    /// `show ip ssh`, IOS XE's layout.
    public static func ipSSH(_ device: Device, hostKeyType: String = "ssh-ed25519") -> String {
        let ssh = device.config.ssh
        var out = ""
        // The emulator's SSH server runs whenever `--ssh-port` is given (see the README).
        out += "SSH Enabled - version \(ssh.versionText)\n"
        out += "Authentication methods:publickey,keyboard-interactive,password\n"
        out += "Authentication Publickey Algorithms:ecdsa-sha2-nistp256,ssh-ed25519\n"
        out += "Hostkey Algorithms:\(hostKeyType)\n"
        out += "Encryption Algorithms:aes128-gcm@openssh.com,aes256-gcm@openssh.com\n"
        out += "MAC Algorithms:hmac-sha2-256\n"
        out += "KEX Algorithms:curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521\n"
        out += "Authentication timeout: \(ssh.timeout) secs; Authentication retries: \(ssh.authenticationRetries)\n"
        out += "Minimum expected Diffie Hellman key size : 2048 bits\n"
        if let modulus = ssh.rsaModulus, let name = ssh.rsaKeyName {
            out += "IOS Keys in SECSH format(ssh-rsa, base64 encoded): \(name)\n"
            out += "Modulus Size : \(modulus) bits\n"
        } else {
            out += "IOS Keys in SECSH format(ssh-rsa, base64 encoded): NONE\n"
        }
        return out
    }

    /// `show ssh`: one row per direction of each SSH connection on a vty, then IOS's SSHv1 line.
    public static func ssh(_ device: Device) -> String {
        let rows = device.lines.filter { $0.kind == .vty && $0.transportName == "SSH" }
        guard !rows.isEmpty else { return "%No SSHv2 server connections running.\n%No SSHv1 server connections running.\n" }
        var out = "Connection Version Mode Encryption  Hmac         State                 Username\n"
        for line in rows {
            for mode in ["IN", "OUT"] {
                out += pad("\(line.number)", 11) + pad("2.0", 8) + pad(mode, 5)
                    + "aes128-gcm@openssh.com  hmac-sha2-256 " + pad("Session started", 22) + (line.user ?? "") + "\n"
            }
        }
        out += "%No SSHv1 server connections running.\n"
        return out
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
