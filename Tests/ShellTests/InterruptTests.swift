import Device
import Shell
import Transport
import XCTest

/// Ctrl-C (0x03) as the console's editor (libedit, the one every line runs) and the shell take
/// it: an IOS editing key, never the end.
final class InterruptTests: XCTestCase {
    private func console(_ h: Harness) throws -> DrivenReplayLine {
        let device = h.device
        let console = try XCTUnwrap(DrivenReplayLine(session: ReplaySession(shell: h.shell, attach: { device.console = $0 })))
        _ = console.start()
        return console
    }

    func testControlCAbandonsTheLineAndLeavesConfigurationWithoutALogWhenNothingChanged() throws {
        let h = Harness()
        let c = try console(h)
        XCTAssertEqual(c.feed("enable\nshow clo\u{03}"), "enable\nDevice#show clo^C\nDevice#")
        XCTAssertEqual(c.feed("configure terminal\n\u{03}"), """
            configure terminal
            Enter configuration commands, one per line.  End with CNTL/Z.
            Device(config)#^C
            Device#
            """)
        XCTAssertEqual(h.shell.mode, .privilegedExec)
        XCTAssertEqual(c.feed("configure terminal\nhostname R1\n\u{03}"), """
            configure terminal
            Enter configuration commands, one per line.  End with CNTL/Z.
            Device(config)#hostname R1
            R1(config)#^C
            R1#
            *Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
            R1#
            """)
        XCTAssertFalse(c.isFinished)
    }

    func testControlCAbandonsAQuestion() throws {
        let h = Harness()
        let c = try console(h)
        XCTAssertTrue(c.feed("enable\nconfigure terminal\nhostname R1\nend\nreload\n").hasSuffix("R1#reload\nSystem configuration has been modified. Save? [yes/no]: "))
        XCTAssertEqual(c.feed("\u{03}"), "^C\nR1#")
        XCTAssertEqual(c.feed("copy running-config startup-config\n\u{03}"), "copy running-config startup-config\nDestination filename [startup-config]? ^C\nR1#")
        XCTAssertNil(try h.store.load(), "nothing was saved")
        XCTAssertEqual(h.device.config.hostname, "R1", "nothing was reloaded")
    }
}
