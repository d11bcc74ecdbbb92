import Device
import Foundation
import Shell
import Transport

/// Console figures: time from exec to the first prompt with a 1,000-line startup-config, the
/// rate at which replay runs typed commands, and how loading grows with the number of users.
enum ConsoleBenchmark {
    static func run() {
        replayRate()
        firstPrompt()
        manyUsers()
    }

    /// A startup-config of N `username` lines, applied by the shell as at boot: the time should
    /// grow with N, not with N squared.
    static func manyUsers() {
        for count in [10_000, 100_000] {
            var text = "hostname BENCH\n"
            for i in 0..<count { text += "username user\(i) privilege 15 password 0 pass\(i)\n" }
            let shell = IOSShell(device: Device())
            let start = DispatchTime.now().uptimeNanoseconds
            let report = shell.applyConfiguration(text, source: "startup-config")
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let loaded = shell.device.config.users.count
            print(String(format: "startup-config of %d users: loaded %d in %.3f s (%.1f µs a line)%@", count, loaded,
                         seconds, seconds / Double(count) * 1e6, report.isEmpty ? "" : ", with errors"))
        }
    }

    static func replayRate() {
        // A transcript of typed lines only: replay checks the prompts and reports the mismatches,
        // which here are all the outputs; what is measured is the shell work per command.
        var text = "Device>enable\n"
        let block = ["configure terminal", "hostname R1", "aaa new-model", "aaa server radius dynamic-author",
                     "client 10.0.0.1 server-key cisco", "port 1812", "no port", "exit", "no hostname", "end",
                     "show clock", "terminal length 0", "show running-config | include hostname"]
        var commands = 1
        while commands < 20_000 {
            for line in block { text += "Device#" + line + "\n" }
            commands += block.count
        }
        let replayer = IOSShell.transcriptReplayer
        _ = replayer.run(text: "Device>enable\nDevice#show clock\n")
        let start = DispatchTime.now().uptimeNanoseconds
        let result = replayer.run(text: text)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print(String(format: "replay: %d typed commands in %.3f s = %.0f commands/s", result.commands, seconds,
                     Double(result.commands) / seconds))
    }

    static func firstPrompt() {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("flexvpn-emu").path
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            print("first prompt: \(executable) not built (swift build -c release)")
            return
        }
        let config = NSTemporaryDirectory() + "flexvpn-bench-startup-\(getpid())"
        var lines = ["hostname BENCH", "aaa new-model", "aaa server radius dynamic-author"]
        for i in 0..<400 { lines.append(" client 10.\(i / 250).\(i % 250).1 server-key key\(i)") }
        lines.append(" port 1812")
        for i in 0..<596 { lines.append("username user\(i) privilege 15 password 0 pass\(i)") }
        lines.append("end")
        try? (lines.joined(separator: "\n") + "\n").write(toFile: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: config) }

        var samples: [Double] = []
        for _ in 0..<7 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = ["--startup-config", config]
            let input = Pipe()
            let output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            let start = DispatchTime.now().uptimeNanoseconds
            do { try process.run() } catch { print("first prompt: \(error)"); return }
            var seen = Data()
            while !String(decoding: seen, as: UTF8.self).contains("BENCH>") {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                seen.append(chunk)
            }
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
        }
        samples.sort()
        print(String(format: "first prompt: %d-line startup-config, median %.1f ms, best %.1f ms, worst %.1f ms (%d runs)",
                     lines.count, samples[samples.count / 2], samples[0], samples[samples.count - 1], samples.count))
    }
}
