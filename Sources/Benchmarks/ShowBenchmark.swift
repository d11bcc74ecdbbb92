import Device
import Foundation
import Shell

/// `show aaa sessions` and `show aaa user all` with many sessions, streamed as a console would:
/// time, bytes written, and memory per session; the resident set must not grow by the size of
/// the text, which is never held whole.
enum ShowBenchmark {
    static func run(sessions count: Int = 100_000) {
        let baseline = residentBytes() ?? 0
        let device = Device(time: ManualTimeSource(), random: SeededRandom(seed: 1))
        device.onSessionConnected = nil
        for i in 0..<count { device.connectSession(userName: "user\(i)@lab.example") }
        let loaded = residentBytes() ?? 0
        print("show: \(grouped(count)) sessions, \(fixed(Double(loaded - baseline) / Double(count), 0)) bytes resident per session")

        let shell = IOSShell(device: device)
        _ = shell.submit("enable")
        var written = 0
        shell.outputStream = { written += $0.utf8.count }
        for command in ["show aaa sessions", "show aaa user all"] {
            written = 0
            let start = monotonicNanos()
            written += shell.submit(command).utf8.count
            let seconds = Double(monotonicNanos() - start) / 1e9
            let after = residentBytes() ?? 0
            print("show: \(command): \(fixed(seconds, 3)) s, \(grouped(written)) bytes streamed, "
                  + "resident +\(grouped(max(0, after - loaded) / 1024)) KiB over the loaded table")
        }
    }
}
