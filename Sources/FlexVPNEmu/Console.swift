import ArgumentParser
import Device
import Foundation
import Shell
import Transport

/// The console's options and start-up.
struct Console: ParsableArguments {
    @Option(help: "The startup-config file that `write memory` saves and the emulator loads at start (default: $XDG_CONFIG_HOME or ~/.config, then flexvpn-emu/startup-config).")
    var startupConfig: String?

    @Option(help: "The address every listener binds (the SSH and telnet servers, the DAS; 0.0.0.0 for every interface).")
    var listenAddress = "127.0.0.1"

    @Option(help: "The address the DAS alone listens on, instead of --listen-address.")
    var dasAddress: String?

    @Option(help: "The telnet port of the vty lines (0 or absent: no telnet).")
    var telnetPort: Int = 0

    @Option(help: "The SSH port of the vty lines (0 or absent: no SSH). The host key is kept beside the startup-config.")
    var sshPort: Int = 0

    @Option(help: "The UDP port of the IKEv2 responder (0 or absent: off; 500 also listens on 4500).")
    var ikePort: Int = 0

    @Flag(inversion: .prefixedNo, help: "No console line: only the vty lines and the servers, until SIGTERM; log lines go to standard output.")
    var headless = false

    @Option(help: "Run on a clock that moves only when told, with this random seed.")
    var deterministic: UInt64?

    @Option(help: "Start from a scenario: a shipped name (seed-example) or a scenario file.")
    var scenario: String?

    @Option(help: "Start a training lab: a bundled name (`flexvpn-emu labs` lists them) or a lab file.")
    var lab: String?

    @Option(help: "With --lab: write the student's result here (JSON) after every change and at exit, atomically.")
    var labReport: String?

    @Option(help: "With --lab: the student's name in the report (default: the login name).")
    var student: String?

    func run() throws {
        raiseOpenFileLimit()
        let termination = ProcessSignals.install(headless: headless)
        let store = FileStartupConfigStore(path: startupConfig ?? FileStartupConfigStore.defaultPath)
        // A lab file with an error stops here, before anything starts.
        let labDefinition: LabDefinition?
        do {
            labDefinition = try lab.map(LabFile.load)
        } catch {
            throw ValidationError("\(error)")
        }
        guard labDefinition == nil || scenario == nil else { throw ValidationError("give --lab or --scenario, not both") }
        let loaded: Scenario?
        do {
            loaded = try labDefinition?.scenario ?? scenario.map(Scenario.load)
        } catch {
            throw ValidationError("\(error)")
        }
        // A lab loads a given --startup-config first (a class's users and vty lines).
        let labBase = labDefinition != nil && startupConfig != nil ? (try? store.load()) ?? nil : nil
        let device: Device
        if let seed = deterministic ?? loaded?.deterministicSeed {
            device = Device(time: ManualTimeSource(), random: SeededRandom(seed: seed), startupStore: store)
        } else {
            device = Device(startupStore: store)
        }
        guard (0...65535).contains(telnetPort) else { throw ValidationError("--telnet-port must be 0-65535") }
        guard (0...65535).contains(sshPort) else { throw ValidationError("--ssh-port must be 0-65535") }
        guard (0...65535).contains(ikePort) else { throw ValidationError("--ike-port must be 0-65535") }
        // The SSH host key lives beside the startup-config.
        let hostKeyPath = SSHHostKey.path(besideStartupConfig: store.path)
        let engine = Engine(device: device, options: .init(dasBindHost: dasAddress ?? listenAddress))
        let host = ConsoleHost(engine: engine)
        // The transports and timers exist before the configuration loads, so a scenario's or a
        // startup-config's sessions send their Starts (to a loopback server: real UDP) and the
        // DAS binds the configured port as it appears.
        // Accounting to RADIUS servers at loopback addresses goes over real UDP; others are lab
        // peers answered inside the emulator.
        let accounting = AccountingUDPClient(engine: engine)
        _ = try? accounting.start().wait()
        if deterministic != nil || loaded?.deterministicSeed != nil {
            // The clock moves only when told, and so do accounting timers; simulated servers
            // answer at once, so every run prints the same bytes.
            engine.sync { device in
                guard let time = device.time as? ManualTimeSource else { return }
                device.accounting.scheduler = ManualScheduler(time: time)
                device.accounting.labPeers.latency = 0
            }
        }
        let das = DASServer(engine: engine)
        das.start()
        let report: String
        if let labDefinition {
            report = startLab(labDefinition, engine: engine, base: labBase)
        } else {
            report = loaded.map(host.apply) ?? host.loadStartupConfig()
        }
        if !report.isEmpty { try? FileHandle.standardOutput.write(contentsOf: Data(report.utf8)) }
        // A port already in use is logged before the first prompt (held until the console attaches).
        _ = try? das.settled().wait()
        let telnet = try listen("Telnet", port: telnetPort, make: { TelnetServer(engine: engine) },
                                start: { _ = try $0.start(host: listenAddress, port: telnetPort) }, stop: { $0.stop() })
        let ssh = try listen("SSH", port: sshPort,
                             make: { SSHServer(engine: engine, hostKey: try SSHHostKey.loadOrCreate(path: hostKeyPath)) },
                             start: { _ = try $0.start(host: listenAddress, port: sshPort) }, stop: { $0.stop() })
        let ike = try listen("IKEv2", port: ikePort, make: { IKEServer(engine: engine) },
                             start: { _ = try $0.start(host: listenAddress, port: ikePort) },
                             stop: { _ = try? $0.stop().wait() })
        if headless {
            host.runHeadless(until: termination ?? TerminationSignals())
        } else {
            host.runConsole()
        }
        engine.sync { device in _ = LabSession.current(device)?.finish() }
        telnet?.stop()
        ssh?.stop()
        _ = try? ike?.stop().wait()
        try? das.stop().wait()
        _ = try? accounting.stop().wait()
        try? engine.shutdown()
    }
}

extension Console {
    /// Starts the lab on the device; returns what the console shows before its first prompt (the
    /// lab's story and tasks). A given `--startup-config` (a class's users and vty lines) loads
    /// first, under the lab's state.
    private func startLab(_ definition: LabDefinition, engine: Engine, base: String?) -> String {
        let name = student ?? ProcessInfo.processInfo.environment["USER"] ?? NSUserName()
        let reportPath = labReport
        let headless = self.headless
        return engine.sync { device in
            // The report is written as the startup-config is: a temporary file, fsync, rename.
            let writer = reportPath.map { path in
                let file = FileStartupConfigStore(path: path)
                return { (json: String) in
                    do {
                        try file.save(json)
                    } catch {
                        FileHandle.standardError.write(Data("% Lab: cannot write the report \(path): \(error)\n".utf8))
                    }
                }
            }
            let session = LabSession.start(definition, on: device, student: name, baseConfiguration: base,
                                           reportWriter: writer)
            return headless ? "" : session.show() + "\nType `show lab` to read this again, `lab check` to grade, `lab hint` for help.\n\n"
        }
    }
}

extension Console {
    /// Starts one of the vty and IKE listeners (port 0: none). One that cannot listen is reported
    /// (`% SSH: cannot listen on …`) and the router goes on without it, unless it is headless,
    /// where that listener is the router's only way in: then it exits 1.
    func listen<Server>(_ name: String, port: Int, make: () throws -> Server,
                        start: (Server) throws -> Void, stop: (Server) -> Void) throws -> Server? {
        guard port != 0 else { return nil }
        var made: Server?
        do {
            let server = try make()
            made = server
            try start(server)
            return server
        } catch {
            if let made { stop(made) }
            FileHandle.standardError.write(Data("% \(name): cannot listen on \(listenAddress) port \(port): \(error)\n".utf8))
            if headless { throw ExitCode(1) }
            return nil
        }
    }
}

/// Every vty connection, SSH or telnet, holds a socket (and a logged-in one a pty pair); the
/// usual soft limit of 1,024 descriptors would refuse connections long before the router should.
/// The soft limit goes up to the hard one (at most 65,536).
private func raiseOpenFileLimit() {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
    let wanted = min(limit.rlim_max, 65_536)
    guard limit.rlim_cur < wanted else { return }
    limit.rlim_cur = wanted
    _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
}
