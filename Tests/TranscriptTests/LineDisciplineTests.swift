import Device
import Foundation
import Shell
import XCTest

final class LineDisciplineTests: XCTestCase {
    private let configured = "*Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console by console"

    /// A console on a fake shell already in privileged EXEC, its first output taken.
    private func privileged() -> (FakeShell, LineDiscipline) {
        let shell = FakeShell()
        shell.mode = .exec
        let console = LineDiscipline(shell: shell)
        shell.device.console = console
        console.start()
        XCTAssertEqual(console.takeOutput(), "Device#")
        return (shell, console)
    }

    func testPromptEchoAndEndOfInput() {
        let shell = FakeShell()
        let console = LineDiscipline(shell: shell)
        console.feed("enable\n")
        XCTAssertFalse(console.isFinished)
        console.endOfInput()
        XCTAssertEqual(console.takeOutput(), "Device>enable\nDevice#\n")
        XCTAssertTrue(console.isFinished)
        XCTAssertEqual(shell.received, ["enable"])
    }

    func testEndOfInputDropsAPartLine() {
        let (shell, console) = privileged()
        console.feed("show cl")
        console.endOfInput()
        XCTAssertEqual(console.takeOutput(), "show cl\n")
        XCTAssertEqual(shell.received, [])
        console.feed("show clock\n")
        XCTAssertEqual(console.takeOutput(), "", "input after the end is ignored")
    }

    func testHelpMidLineRedrawsAndContinuesTheLine() {
        let (shell, console) = privileged()
        console.feed("show ?running-config\n")
        XCTAssertEqual(console.takeOutput(), """
            show ?
              clock           Keyword
              running-config  Keyword

            Device#show running-config
            Building configuration...

            hostname Device
            end

            Device#
            """)
        XCTAssertEqual(shell.received, ["show running-config"])
    }

    func testHelpAfterPartialWordAndOnEmptyLine() {
        let (_, console) = privileged()
        console.feed("sh?")
        XCTAssertEqual(console.takeOutput(), "sh?\nshow\n\nDevice#sh")
        XCTAssertEqual(console.buffer, "sh")
        console.feed("\u{15}")  // an unused control key: ignored
        XCTAssertEqual(console.takeOutput(), "")
    }

    func testTabEchoesOnlyTheCompletedCharacters() {
        let (shell, console) = privileged()
        console.feed("conf\tte\t\n")
        XCTAssertEqual(console.takeOutput(),
                       "configure terminal \nEnter configuration commands, one per line.  End with CNTL/Z.\nDevice(config)#")
        XCTAssertEqual(shell.received, ["configure terminal "])
        // No unique completion: nothing printed, no bell in the output.
        console.feed("e")
        console.feed("\t")
        console.feed("q\t")
        XCTAssertEqual(console.takeOutput(), "eq")
        XCTAssertEqual(console.buffer, "eq")
    }

    func testControlZLeavesConfigurationAndTheLogRedrawsThePrompt() {
        let (shell, console) = privileged()
        console.feed("conf t\n")
        _ = console.takeOutput()
        console.feed("host\u{1A}")
        XCTAssertEqual(console.takeOutput(), "host^Z\n% Invalid input detected at '^' marker.\n\nDevice#\n\(configured)\nDevice#")
        XCTAssertEqual(shell.mode, .exec)
        XCTAssertEqual(console.buffer, "")
    }

    func testEndInConfigurationPrintsTheLogAfterThePrompt() {
        let (_, console) = privileged()
        console.feed("configure terminal\nend\nshow clock\n")
        XCTAssertEqual(console.takeOutput(), """
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

    func testSeveralLogsDuringOneCommandComeTogether() {
        let (_, console) = privileged()
        console.feed("log twice\n")
        XCTAssertEqual(console.takeOutput(), """
            log twice
            Device#
            *Mar  1 00:00:00.000: %SYS-6-TEST: first
            *Mar  1 00:00:00.000: %SYS-6-TEST: second
            Device#
            """)
    }

    func testIdleLogRedrawsThePartLineAndSignals() {
        let (shell, console) = privileged()
        var signals = 0
        console.onIdleOutput = { signals += 1 }
        console.feed("show cl")
        XCTAssertEqual(signals, 0)
        shell.device.syslog(facility: "LINK", severity: 3, mnemonic: "UPDOWN", "Interface up")
        XCTAssertEqual(signals, 1)
        XCTAssertEqual(console.takeOutput(), "show cl\n*Mar  1 00:00:00.000: %LINK-3-UPDOWN: Interface up\nDevice#show cl")
        console.feed("ock\n")
        XCTAssertEqual(shell.received, ["show clock"])
    }

    func testPasswordIsNotEchoedAndLogsDoNotRevealIt() {
        let shell = FakeShell(secret: "cis?co")
        let console = LineDiscipline(shell: shell)
        shell.device.console = console
        console.feed("enable\nci")
        shell.device.syslog(facility: "X", severity: 1, mnemonic: "Y", "z")
        console.feed("s?co\n")
        XCTAssertEqual(console.takeOutput(), "Device>enable\nPassword: \n*Mar  1 00:00:00.000: %X-1-Y: z\nPassword: \nDevice#")
        XCTAssertEqual(shell.received, ["enable", "cis?co"])

        console.feed("disable\nenable\nwrong\n")
        XCTAssertEqual(console.takeOutput(), "disable\nDevice>enable\nPassword: \n% Bad secrets\n\nDevice>")
    }

    func testExitFinishesWithoutAPrompt() {
        let (shell, console) = privileged()
        console.feed("exit\nshow clock\n")
        XCTAssertTrue(console.isFinished)
        console.endOfInput()
        XCTAssertEqual(console.takeOutput(), "exit\n")
        XCTAssertEqual(shell.received, ["exit"])
    }

    func testLineEndsBackspaceAndLiteralNext() {
        let (shell, console) = privileged()
        console.feed("show clocx\u{7F}k\r\n\r\u{16}?a\u{8}\n")
        XCTAssertEqual(shell.received, ["show clock", "", "?"])
        XCTAssertEqual(console.takeOutput(), "show clocx\u{8} \u{8}k\n*00:00:00.000 UTC Mon Mar 1 1993\nDevice#\nDevice#?a\u{8} \u{8}\n% Invalid input detected at '^' marker.\n\nDevice#")
    }

    func testBytesSplitInsideACharacter() {
        let (shell, console) = privileged()
        console.feed([0x68, 0xC3])
        XCTAssertEqual(console.takeOutput(), "h")
        console.feed([0xA9, 0x0A])
        XCTAssertEqual(shell.received, ["hé"])
        console.feed([0xFF, 0x0A])
        XCTAssertEqual(shell.received, ["hé", "\u{FFFD}"])
        console.feed([0xE2, 0x82])
        console.endOfInput()
        XCTAssertEqual(console.takeOutput(), "é\n% Invalid input detected at '^' marker.\n\nDevice#\u{FFFD}\n% Invalid input detected at '^' marker.\n\nDevice#\u{FFFD}\n")
    }

    func testPipedConsoleFeedsChunksThroughTheExecutor() {
        let shell = FakeShell()
        let console = LineDiscipline(shell: shell)
        shell.device.console = console
        let chunks = Locked(["en", "able\nshow cl", "ock\n"].map { Array($0.utf8) })
        let written = Locked<[String]>([])
        let finished = Locked(0)
        let jobs = Locked(0)
        let piped = PipedConsole(discipline: console, readChunk: { chunks.update { $0.isEmpty ? nil : $0.removeFirst() } },
                                 write: { text in written.update { $0.append(text) } })
        piped.run(perform: { job in
            jobs.update { $0 += 1 }
            job()
        }, onFinished: { finished.update { $0 += 1 } })
        XCTAssertEqual(written.value.joined(), "Device>enable\nDevice#show clock\n*00:00:00.000 UTC Mon Mar 1 1993\nDevice#\n")
        XCTAssertEqual(jobs.value, 5, "start, three chunks, end of input")
        XCTAssertEqual(finished.value, 1)
    }

    func testPipedConsoleStopsReadingAfterExit() {
        let shell = FakeShell()
        let console = LineDiscipline(shell: shell)
        let chunks = Locked(["exit\n", "enable\n", "show clock\n"].map { Array($0.utf8) })
        let written = Locked<[String]>([])
        let finished = Locked(0)
        let piped = PipedConsole(discipline: console, readChunk: { chunks.update { $0.isEmpty ? nil : $0.removeFirst() } },
                                 write: { text in written.update { $0.append(text) } })
        piped.run(perform: { $0() }, onFinished: { finished.update { $0 += 1 } })
        XCTAssertEqual(written.value.joined(), "Device>exit\n")
        XCTAssertEqual(finished.value, 1)
        XCTAssertEqual(chunks.value.count, 2, "nothing read after the console closed")
    }
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
