import Device
import Foundation
import Shell
import Transport
import XCTest

/// The console's editing keys on the one line editor every line runs — libedit's
/// `TerminalConsole` on a pseudo-terminal, as piped input and transcript replay drive it — read
/// back as the screen shows them.
final class ConsoleEditorTests: XCTestCase {
    private let configured = "*Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console by console"

    /// The lines the double received, read on its owner (the console's queue).
    private func received(_ shell: FakeShell, _ console: DrivenReplayLine) -> [String]? {
        let box = SendableBox(shell)
        return console.onOwner { box.value.received }
    }

    private func line(_ shell: FakeShell) throws -> DrivenReplayLine {
        try XCTUnwrap(DrivenReplayLine(session: ReplaySession(shell: shell, attach: { shell.device.console = $0 })))
    }

    /// A console on a fake shell already in privileged EXEC, its first prompt taken.
    private func privileged() throws -> (FakeShell, DrivenReplayLine) {
        let shell = FakeShell()
        shell.mode = .exec
        let console = try line(shell)
        XCTAssertEqual(console.start(), "Device#")
        return (shell, console)
    }

    func testPromptEchoAndEndOfInput() throws {
        let shell = FakeShell()
        let console = try line(shell)
        XCTAssertEqual(console.feed("enable\n"), "Device>enable\nDevice#")
        XCTAssertFalse(console.isFinished)
        XCTAssertEqual(console.endOfInput(), "\n")
        XCTAssertTrue(console.isFinished)
        XCTAssertEqual(received(shell, console), ["enable"])
    }

    func testEndOfInputDropsAPartLine() throws {
        let (shell, console) = try privileged()
        XCTAssertEqual(console.feed("show cl"), "show cl")
        XCTAssertEqual(console.endOfInput(), "\n")
        XCTAssertEqual(received(shell, console), [])
    }

    func testHelpMidLineRedrawsAndContinuesTheLine() throws {
        let (shell, console) = try privileged()
        XCTAssertEqual(console.feed("show ?running-config\n"), """
            show ?
              clock           Keyword
              running-config  Keyword

            Device#show running-config
            Building configuration...

            hostname Device
            end

            Device#
            """)
        XCTAssertEqual(received(shell, console), ["show running-config"])
    }

    func testHelpAfterPartialWordKeepsTheWord() throws {
        let (_, console) = try privileged()
        XCTAssertEqual(console.feed("sh?"), "sh?\nshow\n\nDevice#sh")
        XCTAssertEqual(console.typed, "sh")
    }

    func testTabShowsTheCompletedWordsAndRingsWhenItCannot() throws {
        let (shell, console) = try privileged()
        XCTAssertEqual(console.feed("conf\tte\t\n"),
                       "configure terminal \nEnter configuration commands, one per line.  End with CNTL/Z.\nDevice(config)#")
        XCTAssertEqual(received(shell, console), ["configure terminal "])
        // No unique completion: the bell, which the screen does not show.
        XCTAssertEqual(console.feed("e"), "e")
        XCTAssertEqual(console.feed("\t"), "")
        XCTAssertEqual(console.feed("q\t"), "q")
        XCTAssertEqual(console.typed, "eq")
    }

    func testControlZLeavesConfigurationAndTheLogRedrawsThePrompt() throws {
        let (shell, console) = try privileged()
        _ = console.feed("conf t\n")
        XCTAssertEqual(console.feed("host\u{1A}"),
                       "host^Z\n% Invalid input detected at '^' marker.\n\nDevice#\n\(configured)\nDevice#")
        XCTAssertEqual(shell.mode, .exec)
        XCTAssertEqual(console.typed, "")
    }

    func testEndInConfigurationPrintsTheLogAfterThePrompt() throws {
        let (_, console) = try privileged()
        XCTAssertEqual(console.feed("configure terminal\nend\nshow clock\n"), """
            configure terminal
            Enter configuration commands, one per line.  End with CNTL/Z.
            Device(config)#end
            Device#
            \(configured)
            Device#show clock
            *00:00:00.000 UTC Mon Mar 1 1993
            Device#
            """)
    }

    func testSeveralLogsDuringOneCommandComeTogether() throws {
        let (_, console) = try privileged()
        XCTAssertEqual(console.feed("log twice\n"), """
            log twice
            Device#
            *Mar  1 00:00:00.000: %SYS-6-TEST: first
            *Mar  1 00:00:00.000: %SYS-6-TEST: second
            Device#
            """)
    }

    func testIdleLogRedrawsThePartLine() throws {
        let (shell, console) = try privileged()
        XCTAssertEqual(console.feed("show cl"), "show cl")
        let device = SendableBox(shell.device)
        XCTAssertEqual(console.perform { device.value.syslog(facility: "LINK", severity: 3, mnemonic: "UPDOWN", "Interface up") },
                       "\n*Mar  1 00:00:00.000: %LINK-3-UPDOWN: Interface up\nDevice#show cl")
        _ = console.feed("ock\n")
        XCTAssertEqual(received(shell, console), ["show clock"])
    }

    func testPasswordIsNotEchoedAndLogsDoNotRevealIt() throws {
        let shell = FakeShell(secret: "cis?co")
        let console = try line(shell)
        XCTAssertEqual(console.feed("enable\nci"), "Device>enable\nPassword: ")
        let device = SendableBox(shell.device)
        XCTAssertEqual(console.perform { device.value.syslog(facility: "X", severity: 1, mnemonic: "Y", "z") },
                       "\n*Mar  1 00:00:00.000: %X-1-Y: z\nPassword: ")
        XCTAssertEqual(console.feed("s?co\n"), "\nDevice#")
        XCTAssertEqual(received(shell, console), ["enable", "cis?co"])
        XCTAssertEqual(console.feed("disable\nenable\nwrong\n"), "disable\nDevice>enable\nPassword: \n% Bad secrets\n\nDevice>")
    }

    func testExitEndsTheLineAndLaterKeysAreNotRead() throws {
        let (shell, console) = try privileged()
        XCTAssertEqual(console.feed("exit\nshow clock\n"), "exit\n")
        XCTAssertTrue(console.isFinished)
        XCTAssertEqual(console.endOfInput(), "")
        XCTAssertEqual(received(shell, console), ["exit"])
    }

    func testBackspaceAndQuotedInsert() throws {
        let (shell, console) = try privileged()
        XCTAssertEqual(console.feed("show clocx\u{7F}k\n\u{16}?a\u{8}\n"),
                       "show clock\n*00:00:00.000 UTC Mon Mar 1 1993\nDevice#?\n% Invalid input detected at '^' marker.\n\nDevice#")
        XCTAssertEqual(received(shell, console), ["show clock", "?"])
    }

    func testBytesSplitInsideACharacter() throws {
        let (shell, console) = try privileged()
        XCTAssertEqual(console.feed(bytes: [0x68, 0xC3]), "h")
        XCTAssertEqual(console.feed(bytes: [0xA9, 0x0A]), "é\n% Invalid input detected at '^' marker.\n\nDevice#")
        XCTAssertEqual(received(shell, console), ["hé"])
        _ = console.feed(bytes: [0xFF, 0x0A])
        XCTAssertEqual(received(shell, console), ["hé", "\u{FFFD}"])
        // A character cut off by the end of input goes with the rest of the unfinished line.
        _ = console.feed(bytes: [0xE2, 0x82])
        XCTAssertEqual(console.endOfInput(), "\n")
        XCTAssertEqual(received(shell, console), ["hé", "\u{FFFD}"])
    }

    // MARK: resources

    private func count(_ folder: String) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: folder).count) ?? -1
    }

    /// Each replay opens a pty, a wake pipe and two threads; all of them go when it ends.
    func testTwoHundredReplaysLeaveNoDescriptorOrThread() throws {
        let replayer = TranscriptReplayer(makeSession: { FakeShell.session() }, makeLine: DrivenReplayLine.make)
        let text = "Device>enable\nDevice#show clock\n*00:00:00.000 UTC Mon Mar 1 1993\nDevice#\n"
        XCTAssertTrue(replayer.run(text: text).matches)
        let fds = count("/proc/self/fd")
        let threads = count("/proc/self/task")
        for _ in 0..<200 { XCTAssertTrue(replayer.run(text: text).matches) }
        // The line's threads close the last descriptors just after the replay returns.
        let deadline = Date().addingTimeInterval(10)
        // Dispatch's worker pool may keep a few more threads; two per replay would be 400.
        while Date() < deadline, count("/proc/self/fd") > fds || count("/proc/self/task") > threads + 16 {
            usleep(10_000)
        }
        XCTAssertLessThanOrEqual(count("/proc/self/fd"), fds)
        XCTAssertLessThanOrEqual(count("/proc/self/task"), threads + 16)
    }

    // MARK: piped standard input

    private func piped(_ chunks: [String], closeInput: Bool = true) -> (FakeShell, String) {
        let shell = FakeShell()
        let box = SendableBox(shell)
        let pipe = Pipe()
        for chunk in chunks { pipe.fileHandleForWriting.write(Data(chunk.utf8)) }
        if closeInput { try? pipe.fileHandleForWriting.close() }
        let written = Locked<[String]>([])
        let executor = DispatchQueueShellExecutor(queue: DispatchQueue(label: "piped-test"))
        PipedLine.run(executor: executor, input: pipe.fileHandleForReading,
                      write: { text in written.update { $0.append(text) } },
                      makeLine: { onOutput in
                          let shell = box.value
                          guard let line = DrivenLine(shell: shell, executor: executor, onOutput: onOutput) else { return nil }
                          shell.device.console = line.console
                          shell.outputStream = { [weak console = line.console] text in console?.writeCommandOutput(text) }
                          return line
                      },
                      detach: { box.value.device.console = nil })
        withExtendedLifetime(pipe) {}
        return (shell, written.value.joined())
    }

    func testPipedInputIsAConsoleTranscript() {
        let (shell, output) = piped(["en", "able\nshow cl", "ock\n"])
        XCTAssertEqual(output, "Device>enable\nDevice#show clock\n*00:00:00.000 UTC Mon Mar 1 1993\nDevice#\n")
        XCTAssertEqual(shell.received, ["enable", "show clock"])
    }

    func testPipedCRLFLineEndsAreOneEnterEach() {
        let (shell, output) = piped(["enable\r", "\nshow clock\r\n"])
        XCTAssertEqual(output, "Device>enable\nDevice#show clock\n*00:00:00.000 UTC Mon Mar 1 1993\nDevice#\n")
        XCTAssertEqual(shell.received, ["enable", "show clock"])
    }

    func testPipedConsoleEndsAtExitWhileItsInputStaysOpen() {
        let (shell, output) = piped(["exit\n"], closeInput: false)
        XCTAssertEqual(output, "Device>exit\n")
        XCTAssertEqual(shell.received, ["exit"])
    }
}

/// A value carried into `@Sendable` closures that run on the line's owner, one at a time.
final class SendableBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// A value shared with `@Sendable` closures in tests.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value { update { $0 } }
    @discardableResult
    func update<T>(_ body: (inout Value) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&stored)
    }
}
