import Device
import Shell
import XCTest

/// Ctrl-C (0x03) as the line discipline and the shell take it: an IOS editing key, never the end.
final class InterruptTests: XCTestCase {
    private func console(_ h: Harness) -> LineDiscipline {
        let console = LineDiscipline(shell: h.shell)
        h.device.console = console
        console.start()
        _ = console.takeOutput()
        return console
    }

    func testControlCAbandonsTheLineAndLeavesConfigurationWithoutALogWhenNothingChanged() {
        let h = Harness()
        let c = console(h)
        c.feed("enable\nshow clo\u{03}")
        XCTAssertEqual(c.takeOutput(), "enable\nDevice#show clo^C\nDevice#")
        c.feed("configure terminal\n\u{03}")
        XCTAssertEqual(c.takeOutput(), """
            configure terminal
            Enter configuration commands, one per line.  End with CNTL/Z.
            Device(config)#^C
            Device#
            """)
        XCTAssertEqual(h.shell.mode, .privilegedExec)
        c.feed("configure terminal\nhostname R1\n\u{03}")
        XCTAssertEqual(c.takeOutput(), """
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

    func testControlCAbandonsAQuestion() {
        let h = Harness()
        let c = console(h)
        c.feed("enable\nconfigure terminal\nhostname R1\nend\nreload\n")
        XCTAssertTrue(c.takeOutput().hasSuffix("R1#reload\nSystem configuration has been modified. Save? [yes/no]: "))
        c.feed("\u{03}")
        XCTAssertEqual(c.takeOutput(), "^C\nR1#")
        c.feed("copy running-config startup-config\n\u{03}")
        XCTAssertEqual(c.takeOutput(), "copy running-config startup-config\nDestination filename [startup-config]? ^C\nR1#")
        XCTAssertNil(try h.store.load(), "nothing was saved")
        XCTAssertEqual(h.device.config.hostname, "R1", "nothing was reloaded")
    }
}
