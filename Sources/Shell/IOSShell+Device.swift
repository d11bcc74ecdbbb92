import Device
import Renderers

/// What the shell does to the device beyond single settings: passwords, saving, loading,
/// reloading and the clock.
extension IOSShell {
    func answer(_ question: Pending, _ line: String) -> String {
        switch question {
        case let .password(attempt):
            if passwordMatches(line) {
                enter(.privilegedExec)
                return ""
            }
            if attempt < 3 {
                ask(.password(attempt: attempt + 1))
                return ""
            }
            return "% Bad secrets\n\n"
        case let .copyDestination(toStartup):
            let name = line.trimmingSpaces
            let expected = toStartup ? "startup-config" : "running-config"
            guard name.isEmpty || name == expected else {
                return "%Error opening bootflash:\(name) (Permission denied)\n"
            }
            if toStartup { return saveConfiguration() }
            let text = (try? device.startupStore.load()) ?? nil
            guard let text else { return "%Error opening nvram:startup-config (No such file or directory)\n" }
            let errors = applyConfiguration(text, source: "startup-config")
            let bytes = text.utf8.count
            return errors + "\n\(bytes) bytes copied in 0.010 secs (\(bytes * 100) bytes/sec)\n"
        case .reloadConfirm:
            let a = line.trimmingSpaces.lowercased()
            guard a.isEmpty || "yes".hasPrefix(a) || a == "confirm" else { return "" }
            // Printed inline: the console that would show it asynchronously is about to restart.
            let message = device.timestamp(for: device.config.timestampsLog)
                + "%SYS-5-RELOAD: Reload requested by \(lineName). Reload Reason: Reload Command."
            return "\n" + message + "\n" + reload()
        }
    }

    private func passwordMatches(_ typed: String) -> Bool {
        let c = device.config
        if let secret = c.enableSecretStorage {
            switch secret.type {
            case 5: return MD5Crypt.verify(typed, against: secret.hash)
            case 9: return CiscoScrypt.verify(typed, against: secret.hash)
            default: return false
            }
        }
        if let password = c.enablePassword { return password.plain == typed }
        return true
    }

    /// `service password-encryption`: encrypts every key now; `no` leaves them encrypted, as IOS does.
    func setPasswordEncryption(_ on: Bool) {
        device.config.servicePasswordEncryption = on
        guard on else { return }
        func encrypt(_ secret: inout ConfigSecret?) {
            guard var s = secret, s.type7 == nil else { return }
            s.type7 = CiscoType7.encode(s.plain, salt: device.random.int(in: 0...15))
            secret = s
        }
        var c = device.config
        encrypt(&c.enablePassword)
        if var das = c.dynamicAuthor {
            encrypt(&das.serverKey)
            for i in das.clients.indices { encrypt(&das.clients[i].serverKey) }
            c.dynamicAuthor = das
        }
        for i in c.radiusServers.indices { encrypt(&c.radiusServers[i].key) }
        for i in c.users.indices {
            if case let .password(p)? = c.users[i].credential {
                var secret: ConfigSecret? = p
                encrypt(&secret)
                c.users[i].credential = secret.map { .password($0) }
            }
        }
        device.config = c
    }

    /// A key's type 6 form when `password encryption aes` and a master key are configured.
    func type6(_ plain: String) -> String? {
        guard device.config.passwordEncryptionAES, let master = device.configKey else { return nil }
        return CiscoType6.encode(plain, masterKey: master, random: device.random)
    }

    /// `password encryption aes` with a master key (or a new master key under it): every key
    /// the device keeps reversibly is stored as type 6 under the current master key.
    func encryptKeysAsType6() {
        func encrypt(_ secret: inout ConfigSecret?) {
            guard var s = secret, let six = type6(s.plain) else { return }
            s.type6 = six
            secret = s
        }
        var c = device.config
        if var das = c.dynamicAuthor {
            encrypt(&das.serverKey)
            for i in das.clients.indices { encrypt(&das.clients[i].serverKey) }
            c.dynamicAuthor = das
        }
        for i in c.radiusServers.indices { encrypt(&c.radiusServers[i].key) }
        device.config = c
    }

    /// `write memory`: the running-config to the startup store, atomically.
    func saveConfiguration() -> String {
        let previous = device.nvramStamp
        device.nvramStamp = device.changeStamp(device.now) + " by \(lineName)"
        let text = RunningConfigRenderer.lines(device).map { $0 + "\n" }.joined()
        do {
            try device.startupStore.save(text)
        } catch {
            device.nvramStamp = previous
            return "Building configuration...\n%Error writing \(device.startupStore.displayName) (\(error))\n"
        }
        return "Building configuration...\n[OK]\n"
    }

    func showStartupConfig() -> String {
        guard let text = (try? device.startupStore.load()) ?? nil else { return "startup-config is not present\n" }
        return "Using \(text.utf8.count) out of 33554432 bytes\n" + text
    }

    /// Applies configuration text line by line, as IOS does with a startup-config: each line in
    /// the mode the previous ones left; a rejected line is reported with its number and skipped.
    public func applyConfiguration(_ text: String, source: String) -> String {
        let saved = mode
        let savedPending = pending
        let savedLoading = loadingConfiguration
        pending = nil
        mode = .config
        loadingConfiguration = true
        defer { loadingConfiguration = savedLoading }
        var report = ""
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
            let trimmed = line.trimmingSpaces
            if trimmed.hasPrefix("! NVRAM config last updated at ") {
                device.nvramStamp = String(trimmed.dropFirst("! NVRAM config last updated at ".count))
                continue
            }
            if trimmed.isEmpty || trimmed.hasPrefix("!") { continue }
            if trimmed == "end" { break }
            let output = runConfigurationLine(trimmed)
            // A refused line (a parse error, a key that does not decode, a malformed hash) is
            // reported; an accepted line's warnings are not.
            if lastCommandRejected {
                // The line on its own, so the caret below stands under the right character.
                report += "% \(source) line \(index + 1):\n\(trimmed)\n" + output
            }
        }
        mode = saved == .userExec || saved == .privilegedExec ? saved : .config
        pending = savedPending
        return report
    }

    private func runConfigurationLine(_ line: String) -> String {
        let output = execute(line, promptWidth: 0)
        // Entering a submode is how the next lines reach it; leaving config ends the file's effect.
        if !mode.isConfiguration { mode = .config }
        return output
    }

    /// Loads the startup-config at boot; returns the report of rejected lines (empty when clean).
    public func loadStartupConfig() -> String {
        let text: String?
        do {
            text = try device.startupStore.load()
        } catch {
            return "%Error opening \(device.startupStore.displayName) (\(error))\n"
        }
        guard let text else { return "" }
        let report = applyConfiguration(text, source: "startup-config")
        device.lastConfigChange = nil
        return report
    }

    /// `reload`: the running state goes, the startup-config comes back, the console starts over.
    func reload() -> String {
        device.config = RunningConfig()
        device.lastConfigChange = nil
        device.nvramStamp = nil
        device.debug = DebugFlags()
        enter(.userExec)
        let report = loadStartupConfig()
        return "\n" + report + "\nPress RETURN to get started!\n\n"
    }

    /// `clock set hh:mm:ss DAY MONTH YEAR`, in the configured local zone.
    func setClock(_ ctx: CommandContext) -> String {
        guard let time = ctx.string("time").flatMap({ ArgumentValidation.parseTime(Substring($0)) }),
              let day = ctx.int("day"), let year = ctx.int("year"),
              let month = ctx.string("month").flatMap({ ArgumentValidation.parseMonth(Substring($0)) }) else {
            return "% Incomplete command.\n\n"
        }
        guard day <= CivilTime.daysIn(month: month, year: year) else { return "% Invalid date.\n" }
        let local = CivilTime.epochSeconds(year: year, month: month, day: day, hour: time.0, minute: time.1, second: time.2)
        let before = device.changeStamp(device.now)
        device.setClock(to: local - Double(device.timezone.offsetSeconds))
        device.syslog(facility: "SYS", severity: 6, mnemonic: "CLOCKUPDATE",
                      "System clock has been updated from \(before) to \(device.changeStamp(device.now)), "
                          + "configured from \(lineName) by \(lineName).")
        return ""
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
