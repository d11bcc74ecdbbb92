import Device
import Renderers

/// What the shell does to the device beyond single settings: passwords, saving, loading,
/// reloading and the clock.
extension IOSShell {
    func answer(_ question: Pending, _ line: String) -> String {
        switch question {
        case let .rsaModulus(name):
            return answerRSAModulus(line, name: name)
        case let .rsaReplace(name):
            return answerRSAReplace(line, name: name)
        case let .clearLine(target):
            let a = line.trimmingSpaces.lowercased()
            guard a.isEmpty || a == "y" || a == "yes" else { return "" }
            // IOS answers [OK] whether or not someone was on the line.
            if let target {
                if target === self.line {
                    finish()
                } else {
                    target.onClear?()
                }
            }
            return " [OK]\n"
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
            let text: String?
            do {
                text = try device.startupStore.load()
            } catch {
                return startupError(error, .opening) + "\n"
            }
            guard let text else {
                return StartupConfigError(.opening, reason: "No such file or directory")
                    .message(name: device.startupStore.displayName) + "\n"
            }
            // The copy's own duration, on the device's time source (a manual clock: no time passes),
            // in whole milliseconds and at least one, as IOS's millisecond timer reports it.
            let started = device.time.now()
            let errors = applyConfiguration(text, source: "startup-config")
            let bytes = text.utf8.count
            let ms = max(1, Int(((device.time.now() - started) * 1000).rounded(.down)))
            let secs = String(ms / 1000) + "." + pad(ms % 1000, 3)
            return errors + "\n\(bytes) bytes copied in \(secs) secs (\(bytes * 1000 / ms) bytes/sec)\n"
        case .configureSource:
            let a = line.trimmingSpaces.lowercased()
            if a.isEmpty || "terminal".hasPrefix(a) { return configure(from: .terminal) }
            if "memory".hasPrefix(a) { return configure(from: .memory) }
            if "network".hasPrefix(a) {
                // IOS would ask for a TFTP host; the emulator reaches no network.
                return "%Error: configuring from the network is not available on this emulator\n"
            }
            return "?Must be \"terminal\", \"memory\" or \"network\"\n"
        case .reloadSave:
            let a = line.trimmingSpaces.lowercased()
            if !a.isEmpty, "yes".hasPrefix(a) {
                let saved = saveConfiguration()
                // A failed save stops here, as on IOS: nothing is lost by a reload.
                guard !device.unsavedConfigChanges else { return saved }
                ask(.reloadConfirm)
                return saved
            }
            if !a.isEmpty, "no".hasPrefix(a) {
                ask(.reloadConfirm)
                return ""
            }
            ask(.reloadSave)
            return "% Please answer 'yes' or 'no'.\n"
        case .eraseConfirm:
            let a = line.trimmingSpaces.lowercased()
            guard a.isEmpty || "yes".hasPrefix(a) || a == "confirm" else { return "" }
            do {
                try device.startupStore.erase()
            } catch {
                return startupError(error, .erasing) + "\n"
            }
            device.nvramStamp = nil
            device.syslog(facility: "SYS", severity: 7, mnemonic: "NV_BLOCK_INIT", "Initialized the geometry of nvram")
            return "[OK]\nErase of nvram: complete\n"
        case .reloadConfirm:
            let a = line.trimmingSpaces.lowercased()
            guard a.isEmpty || "yes".hasPrefix(a) || a == "confirm" else { return "" }
            // Printed inline: the console that would show it asynchronously is about to restart.
            let message = device.timestamp(for: device.config.timestampsLog)
                + "%SYS-5-RELOAD: Reload requested by \(requestedBy). Reload Reason: Reload Command."
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
        encrypt(&c.consoleLine.password)
        for i in c.vtyLines.indices { encrypt(&c.vtyLines[i].password) }
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
            device.unsavedConfigChanges = false
        } catch {
            device.nvramStamp = previous
            return "Building configuration...\n" + startupError(error, .writing) + "\n"
        }
        return "Building configuration...\n[OK]\n"
    }

    /// IOS's short form of a startup-config failure, never a Foundation description.
    func startupError(_ error: Error, _ operation: StartupConfigError.Operation) -> String {
        StartupConfigError.message(for: error, operation: operation, name: device.startupStore.displayName)
    }

    /// `show startup-config`, a line at a time.
    func showStartupConfig(emit: (String) -> Void) {
        let loaded: String?
        do {
            loaded = try device.startupStore.load()
        } catch {
            return emit(startupError(error, .opening))
        }
        guard let text = loaded else { return emit("startup-config is not present") }
        emit("Using \(text.utf8.count) out of 33554432 bytes")
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if text.hasSuffix("\n") { lines.removeLast() }
        for line in lines { emit(String(line)) }
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
            // A banner's lines are its text, blank or `!` lines included.
            if bannerEntry != nil {
                _ = execute(line, promptWidth: 0)
                continue
            }
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
        // A banner the file left open ends with it.
        bannerEntry = nil
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
            return startupError(error, .opening) + "\n"
        }
        guard let text else { return "" }
        // IOS applies a startup-config to a blank router: the physical interface unaddressed, no
        // loopbacks. A file that names no physical interface was saved before the interfaces were
        // configurable, and keeps the lab's.
        if text.split(separator: "\n").contains(where: { $0.lowercased().hasPrefix("interface gigabitethernet") }) {
            device.config.interfaces = InterfaceConfig.factoryDefaults
        }
        let report = applyConfiguration(text, source: "startup-config")
        device.lastConfigChange = nil
        return report
    }

    enum ConfigurationSource { case terminal, memory }

    /// `configure terminal` (configuration mode) or `configure memory` (the startup-config merged
    /// into the running one, as `copy startup-config running-config`).
    func configure(from source: ConfigurationSource) -> String {
        switch source {
        case .terminal:
            enter(.config)
            return "Enter configuration commands, one per line.  End with CNTL/Z.\n"
        case .memory:
            return answer(.copyDestination(toStartup: false), "")
        }
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
                          + "configured from \(configuredFrom).")
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
