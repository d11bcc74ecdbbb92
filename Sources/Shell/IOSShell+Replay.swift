import Device

extension IOSShell {
    /// A fresh device and shell for one transcript: a clock that moves only when told (IOS's
    /// Mar 1 1993 epoch, or `! replay: clock EPOCH-SECONDS`), a seeded random source
    /// (`! replay: seed N`, else the scenario's seed, else 1), an in-memory startup-config
    /// (`write memory` then `reload` works), and optionally `! replay: scenario NAME|PATH` or
    /// `! replay: lab NAME|PATH` (a training lab, graded live).
    public static func replaySession(_ settings: ReplaySettings) -> ReplaySession {
        let lab = settings["lab"].flatMap { try? LabFile.load($0) }
        let scenario = lab?.scenario ?? settings["scenario"].flatMap { try? Scenario.load($0) }
        let start = settings["clock"].flatMap(Double.init) ?? ManualTimeSource.iosEpoch
        let seed = settings["seed"].flatMap(UInt64.init) ?? scenario?.deterministicSeed ?? 1
        let time = ManualTimeSource(start: start)
        let device = Device(time: time, random: SeededRandom(seed: seed), startupStore: MemoryStartupConfigStore())
        // Accounting timers run on the same manual clock (`lab clock advance` fires them); the
        // simulated RADIUS servers answer at once.
        device.accounting.scheduler = ManualScheduler(time: time)
        device.accounting.labPeers.latency = 0
        let shell = IOSShell(device: device)
        if let lab {
            LabSession.start(lab, on: device, student: "replay")
        } else if let name = settings["lab"] {
            device.config.hostname = "lab-\(name)-not-found"
        } else if let scenario {
            _ = shell.apply(scenario)
        } else if let name = settings["scenario"] {
            // A transcript naming a scenario that does not load fails visibly on its first line.
            device.config.hostname = "scenario-\(name)-not-found"
        }
        return ReplaySession(shell: shell, attach: { device.console = $0 })
    }
}
