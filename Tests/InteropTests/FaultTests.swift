import Foundation
import XCTest

/// State that survives faults (README): the built `flexvpn-emu` killed while it saves, saving to
/// a full or read-only file system, and the signals a router gets.
final class FaultTests: XCTestCase {
    static let binary = ProductBinaryTests.builtBinary

    func folder() throws -> String {
        let path = NSTemporaryDirectory() + "flexvpn-faults-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A process with piped standard input and output.
    final class Running: @unchecked Sendable {
        let process = Process()
        let input = Pipe()
        let output = Pipe()
        var seen = ""

        init(_ arguments: [String]) throws {
            process.executableURL = FaultTests.binary
            process.arguments = arguments
            process.standardInput = input
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
        }

        func send(_ text: String) throws { try input.fileHandleForWriting.write(contentsOf: Data(text.utf8)) }

        /// Reads standard output until it holds `text` (false at end of output).
        @discardableResult
        func wait(for text: String) -> Bool {
            while !seen.contains(text) {
                let data = output.fileHandleForReading.availableData
                if data.isEmpty { return false }
                seen += String(decoding: data, as: UTF8.self)
            }
            return true
        }
    }

    /// SplitMix64: the kill delays come from a fixed seed, so a failing run can be repeated.
    struct SeededDelays {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Spawns the binary with `input` on standard input, reads its output (so it never waits on
    /// a full pipe) until `marker` appears, goes on reading for `delay` microseconds, then kills
    /// it with SIGKILL and reaps it. posix_spawn and waitpid: no run loop in the way.
    static let spawnLock = NSLock()

    static func runKilled(_ arguments: [String], input: String, after marker: String, delay: useconds_t) throws {
        var stdinPipe: [Int32] = [0, 0], stdoutPipe: [Int32] = [0, 0]
        // Pipes are made and the child spawned under one lock, so no other worker's child
        // inherits them before they are close-on-exec.
        spawnLock.lock()
        guard pipe(&stdinPipe) == 0, pipe(&stdoutPipe) == 0 else { spawnLock.unlock(); throw POSIXError(.EMFILE) }
        // Close-on-exec: the other workers' children must not hold these pipes open.
        for fd in stdinPipe + stdoutPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([binary.path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, binary.path, &actions, nil, argv, environ)
        spawnLock.unlock()
        close(stdinPipe[0])
        close(stdoutPipe[1])
        defer { close(stdoutPipe[0]) }
        guard spawned == 0 else { close(stdinPipe[1]); throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO) }
        defer { close(stdinPipe[1]) }
        // `input` is written again and again (each time the pipe has room) until the kill.
        _ = fcntl(stdinPipe[1], F_SETFL, O_NONBLOCK)
        let bytes = Array(input.utf8)
        var written = 0, startedWriting = false
        var seen = ""
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var deadline: UInt64?
        func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
        while deadline.map({ now() < $0 }) ?? true {
            // Until the first save, one copy of `input`; then more, so the saves go on.
            let wantsToWrite = deadline != nil || written != 0 || !startedWriting
            var fds = [pollfd(fd: stdoutPipe[0], events: Int16(POLLIN), revents: 0),
                       pollfd(fd: stdinPipe[1], events: wantsToWrite ? Int16(POLLOUT) : 0, revents: 0)]
            let wait = deadline.map { Int32(max(0, Int64($0) - Int64(now())) / 1_000_000) } ?? 1_000
            guard poll(&fds, 2, wait) > 0 else { continue }
            if wantsToWrite, fds[1].revents & Int16(POLLOUT) != 0 {
                startedWriting = true
                let n = bytes.withUnsafeBytes { write(stdinPipe[1], $0.baseAddress! + written, $0.count - written) }
                if n > 0 { written = (written + n) % bytes.count }
            }
            if fds[0].revents & Int16(POLLIN | POLLHUP) != 0 {
                let n = buffer.withUnsafeMutableBytes { read(stdoutPipe[0], $0.baseAddress!, $0.count) }
                if n <= 0 { break }
                if deadline == nil {
                    seen += String(decoding: buffer[0..<n], as: UTF8.self)
                    if seen.contains(marker) { deadline = now() + UInt64(delay) * 1_000 }
                }
            }
        }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }

    /// The startup-config the emulator saves with `hostname NAME` (deterministic clock: the same
    /// bytes every time).
    func savedText(hostname: String, in directory: String) throws -> String {
        let file = directory + "/reference-\(hostname)"
        let running = try Running(["--deterministic", "1", "--startup-config", file])
        try running.send("enable\nconfigure terminal\nhostname \(hostname)\nend\nwrite memory\n")
        try running.input.fileHandleForWriting.close()
        running.wait(for: "\u{0}")
        running.process.waitUntilExit()
        return try String(contentsOfFile: file, encoding: .utf8)
    }

    /// 1,000 runs of `write memory` in a loop (the hostname alternating between two names), each
    /// killed with SIGKILL a seeded random time after its first save began: the startup-config is
    /// always one of the two texts, whole.
    func testKillDuringSaveLeavesTheOldTextOrTheNewWhole() throws {
        let directory = try folder()
        let old = try savedText(hostname: "OLD", in: directory)
        let new = try savedText(hostname: "NEW", in: directory)
        XCTAssertNotEqual(old, new)
        // Typed again and again until the kill (the first `enable` aside, harmless at `#`).
        let script = "enable\n" + String(repeating: """
            configure terminal
            hostname NEW
            end
            write memory
            configure terminal
            hostname OLD
            end
            write memory

            """, count: 1)
        let runs = 1_000, workers = 4
        final class Tally: @unchecked Sendable {
            let lock = NSLock()
            var failures: [String] = []
            var endedNew = 0, leftTemporary = 0
        }
        let tally = Tally()
        let lock = tally.lock
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let place = directory + "/worker\(worker)"
            let file = place + "/startup-config"
            for run in stride(from: worker, to: runs, by: workers) {
                try? FileManager.default.removeItem(atPath: place)
                try? FileManager.default.createDirectory(atPath: place, withIntermediateDirectories: true)
                _ = FileManager.default.createFile(atPath: file, contents: Data(old.utf8))
                var delays = SeededDelays(state: 0x5EED_0000 + UInt64(run))
                let delay = useconds_t(delays.next() % 5_000)
                do {
                    try Self.runKilled(["--deterministic", "1", "--startup-config", file], input: script,
                                       after: "Building configuration", delay: delay)
                    let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? "<missing>"
                    let entries = (try? FileManager.default.contentsOfDirectory(atPath: place)) ?? []
                    lock.lock()
                    if text != old && text != new { tally.failures.append("run \(run) (delay \(delay) µs): \(text.utf8.count) bytes") }
                    if text == new { tally.endedNew += 1 }
                    if entries.count > 1 { tally.leftTemporary += 1 }
                    lock.unlock()
                } catch {
                    lock.lock(); tally.failures.append("run \(run): \(error)"); lock.unlock()
                }
            }
        }
        XCTAssertEqual(tally.failures, [])
        // The kills landed among the saves: some runs ended on the new text, some mid-write.
        XCTAssertGreaterThan(tally.endedNew, 0)
        XCTAssertGreaterThan(tally.leftTemporary, 0)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs `script` as root in a private mount namespace (`unshare -m`); nil when one cannot be
    /// made here (not root, no util-linux).
    func inPrivateMountNamespace(_ script: String, folder: String) throws -> String? {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        probe.arguments = ["-m", "sh", "-c", "mount -t tmpfs -o size=16k tmpfs \"$0\"", folder]
        probe.standardError = FileHandle.nullDevice
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare"), (try? probe.run()) != nil else { return nil }
        probe.waitUntilExit()
        guard probe.terminationStatus == 0 else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        process.arguments = ["-m", "sh", "-c", script, folder, FaultTests.binary.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    static let changeAndSave = "enable\\nconfigure terminal\\nhostname NEWNAME\\nend\\nwrite memory\\n"

    func testWriteMemoryToAFullDiskSaysSoAndKeepsTheOldFile() throws {
        let directory = try folder()
        // A 16 KiB tmpfs holding the old startup-config, then filled to the last block.
        let script = """
            mount -t tmpfs -o size=16k tmpfs "$0" || exit 9
            printf 'enable\\nwrite memory\\n' | "$1" --deterministic 1 --startup-config "$0/startup-config" >/dev/null
            cp "$0/startup-config" "$0/before"
            head -c 1000000 /dev/zero > "$0/filler" 2>/dev/null
            printf '\(Self.changeAndSave)' | "$1" --deterministic 1 --startup-config "$0/startup-config"
            cmp -s "$0/startup-config" "$0/before" && echo SAME
            ls -a "$0" | tr '\\n' ' '
            """
        guard let output = try inPrivateMountNamespace(script, folder: directory) else {
            // Never skipped: the test command runs as root (CI does), where `unshare -m` works.
            XCTFail("no private mount namespace here: run the tests as root (unshare -m, mount)")
            return
        }
        XCTAssertTrue(output.contains("NEWNAME#write memory\nBuilding configuration...\n%Error writing nvram:startup-config (No space left on device)\nNEWNAME#\n"), output)
        XCTAssertTrue(output.contains("\nSAME\n"), output)
        // The temporary file is gone.
        XCTAssertTrue(output.hasSuffix(". .. before filler startup-config "), output)
    }

    func testWriteMemoryToAReadOnlyFolderSaysSoAndKeepsTheOldFile() throws {
        let directory = try folder()
        let script = """
            mount -t tmpfs -o size=64k tmpfs "$0" || exit 9
            printf 'enable\\nwrite memory\\n' | "$1" --deterministic 1 --startup-config "$0/startup-config" >/dev/null
            cp "$0/startup-config" /tmp/flexvpn-ro-before.$$
            mount -o remount,ro "$0" || exit 9
            printf '\(Self.changeAndSave)' | "$1" --deterministic 1 --startup-config "$0/startup-config"
            cmp -s "$0/startup-config" /tmp/flexvpn-ro-before.$$ && echo SAME
            rm -f /tmp/flexvpn-ro-before.$$
            """
        guard let output = try inPrivateMountNamespace(script, folder: directory) else {
            // Never skipped: the test command runs as root (CI does), where `unshare -m` works.
            XCTFail("no private mount namespace here: run the tests as root (unshare -m, mount)")
            return
        }
        XCTAssertTrue(output.contains("NEWNAME#write memory\nBuilding configuration...\n%Error opening nvram:startup-config (Read-only file system)\nNEWNAME#\n"), output)
        XCTAssertTrue(output.contains("\nSAME\n"), output)
    }

    // MARK: Signals

    func testSIGTERMSavesNothingAndExitsZero() throws {
        let file = try folder() + "/startup-config"
        let running = try Running(["--startup-config", file])
        try running.send("enable\nconfigure terminal\nhostname CHANGED\nend\n")
        XCTAssertTrue(running.wait(for: "CHANGED#"))
        kill(running.process.processIdentifier, SIGTERM)
        running.process.waitUntilExit()
        XCTAssertEqual(running.process.terminationReason, .exit)
        XCTAssertEqual(running.process.terminationStatus, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: file))
    }

    func testHeadlessKeepsServingOnSIGHUPAndEndsCleanlyOnSIGTERM() throws {
        let file = try folder() + "/startup-config"
        let running = try Running(["--headless", "--startup-config", file])
        XCTAssertTrue(waitUntilSIGHUPIsIgnored(running.process.processIdentifier))
        kill(running.process.processIdentifier, SIGHUP)
        usleep(300_000)
        XCTAssertTrue(running.process.isRunning)
        kill(running.process.processIdentifier, SIGTERM)
        running.process.waitUntilExit()
        XCTAssertEqual(running.process.terminationReason, .exit)
        XCTAssertEqual(running.process.terminationStatus, 0)
    }

    /// SIGTERM while a headless router is still loading its startup-config (5,000 lines): it
    /// ends as cleanly as later, status 0, not killed by the signal.
    func testHeadlessSIGTERMWhileStartingEndsCleanly() throws {
        let file = try folder() + "/startup-config"
        var lines = ["hostname BIG"]
        for i in 0..<5_000 { lines.append("username user\(i) privilege 1 password 0 pass\(i)") }
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let running = try Running(["--headless", "--startup-config", file])
        XCTAssertTrue(waitUntilSIGHUPIsIgnored(running.process.processIdentifier))
        kill(running.process.processIdentifier, SIGTERM)
        running.process.waitUntilExit()
        XCTAssertEqual(running.process.terminationReason, .exit)
        XCTAssertEqual(running.process.terminationStatus, 0)
    }

    /// Waits until the process ignores SIGHUP (`SigIgn` in /proc/PID/status): its signal
    /// dispositions are set, however slowly it started (the thread sanitizer's start is slow).
    private func waitUntilSIGHUPIsIgnored(_ pid: Int32, seconds: Double = 60) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
            if let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigIgn:") }),
               let mask = UInt64(line.dropFirst("SigIgn:".count).trimmingCharacters(in: .whitespaces), radix: 16),
               mask & (1 << (UInt64(SIGHUP) - 1)) != 0 {
                return true
            }
            usleep(10_000)
        }
        return false
    }

    func testSIGHUPEndsTheConsoleAsEndOfInputDoes() throws {
        let file = try folder() + "/startup-config"
        let running = try Running(["--startup-config", file])
        try running.send("enable\n")
        XCTAssertTrue(running.wait(for: "Device#"))
        kill(running.process.processIdentifier, SIGHUP)
        running.process.waitUntilExit()
        XCTAssertEqual(running.process.terminationReason, .exit)
        XCTAssertEqual(running.process.terminationStatus, 0)
    }

    /// `flexvpn-emu | head -1`: the reader goes away; the console keeps reading its input (the
    /// output is lost) and exits 0 at its end, never killed by SIGPIPE.
    func testAPipedConsoleWhoseReaderWentAwayIsNotKilledBySIGPIPE() throws {
        let file = try folder() + "/startup-config"
        let running = try Running(["--startup-config", file])
        try running.send("enable\n")
        XCTAssertTrue(running.wait(for: "Device#"))
        try running.output.fileHandleForReading.close()
        try running.send(String(repeating: "show running-config\n", count: 50) + "configure terminal\nhostname AFTER\nend\nwrite memory\n")
        try running.input.fileHandleForWriting.close()
        running.process.waitUntilExit()
        XCTAssertEqual(running.process.terminationReason, .exit)
        XCTAssertEqual(running.process.terminationStatus, 0)
        // It went on running the commands after its reader left.
        XCTAssertTrue(try String(contentsOfFile: file, encoding: .utf8).contains("\nhostname AFTER\n"))
    }
}
