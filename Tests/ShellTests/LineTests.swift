import Device
import Shell
import XCTest

/// Lines on one device: vty shells beside the console, log routing, line configuration.
final class LineTests: XCTestCase {
    /// A vty session on the harness's device, logged in as `user` at `privilege`.
    private func vty(_ h: Harness, user: String? = "admin", privilege: Int = 15,
                     peer: String = "127.0.0.1") throws -> (IOSShell, DeviceLine, TestConsole) {
        let line = try XCTUnwrap(h.device.allocateVty(peer: peer))
        let shell = IOSShell(device: h.device)
        shell.line = line
        let sink = TestConsole()
        line.sink = sink
        shell.beginVtySession(user: user, privilege: privilege, config: h.device.vtyConfig(line.number))
        return (shell, line, sink)
    }

    func testConfigChangeFromAVtyNamesTheUserLineAndPeer() throws {
        let h = Harness()
        let (shell, _, _) = try vty(h)
        _ = shell.submit("configure terminal")
        _ = shell.submit("hostname R1")
        _ = shell.submit("end")
        XCTAssertEqual(h.console.logs.count, 1)
        XCTAssertTrue(h.console.logs[0].hasSuffix("%SYS-5-CONFIG_I: Configured from console by admin on vty0 (127.0.0.1)"),
                      h.console.logs[0])
        // Without a user (a line password): the line and peer alone.
        let (anonymous, _, _) = try vty(h, user: nil, privilege: 15, peer: "10.1.1.1")
        _ = anonymous.submit("configure terminal")
        _ = anonymous.submit("end")
        XCTAssertTrue(h.console.logs[1].hasSuffix("Configured from console by vty1 (10.1.1.1)"), h.console.logs[1])
    }

    func testClockAndReloadMessagesNameTheVty() throws {
        let h = Harness()
        let (shell, line, _) = try vty(h)
        _ = shell.submit("clock set 10:00:00 1 Mar 2021")
        XCTAssertTrue(h.console.logs.last?.hasSuffix("configured from console by admin on vty0 (127.0.0.1).") ?? false,
                      h.console.logs.joined(separator: "\n"))
        _ = shell.submit("reload")
        let out = shell.submit("")
        XCTAssertTrue(out.contains("%SYS-5-RELOAD: Reload requested by admin on vty0 (127.0.0.1). Reload Reason: Reload Command."),
                      out)
        // A command makes the line active now (`show users`' Idle).
        h.time.advance(by: 90)
        _ = shell.submit("show privilege")
        XCTAssertEqual(line.lastActive, h.device.now)
    }

    func testLogLinesReachTheConsoleAndOnlyTheMonitoringVtys() throws {
        let h = Harness()
        let (watcher, _, watcherSink) = try vty(h)
        let (_, _, quietSink) = try vty(h)
        XCTAssertEqual(watcher.submit("terminal monitor"), "")
        h.type("enable", "configure terminal", "end")
        XCTAssertEqual(h.console.logs.count, 0)   // Harness.type collected it
        XCTAssertEqual(watcherSink.logs.count, 1)
        XCTAssertTrue(watcherSink.logs[0].contains("Configured from console by console"))
        XCTAssertTrue(quietSink.logs.isEmpty)
        _ = watcher.submit("terminal no monitor")
        h.type("configure terminal", "end")
        XCTAssertEqual(watcherSink.logs.count, 1)
        // The console itself always monitors.
        XCTAssertEqual(h.shell.submit("terminal monitor"), "% Console already monitors\n")
    }

    func testVtyLinesRunOutAndFreeLinesAreReused() throws {
        let h = Harness()
        var lines: [DeviceLine] = []
        for _ in 0..<5 { lines.append(try XCTUnwrap(h.device.allocateVty(peer: nil))) }
        XCTAssertEqual(lines.map(\.number), [0, 1, 2, 3, 4])
        XCTAssertNil(h.device.allocateVty(peer: nil))
        h.device.removeLine(lines[2])
        XCTAssertEqual(h.device.allocateVty(peer: nil)?.number, 2)
        h.type("enable", "configure terminal", "line vty 5 15", "end")
        XCTAssertEqual(h.device.vtyCount, 16)
        XCTAssertEqual(h.device.allocateVty(peer: nil)?.number, 5)
    }

    func testEnableOnAVtyWithoutAnEnableSecret() throws {
        let h = Harness()
        let (shell, _, _) = try vty(h, user: "oper", privilege: 1)
        XCTAssertEqual(shell.prompt, "Device>")
        XCTAssertEqual(shell.submit("enable"), "% No password set\n")
        XCTAssertEqual(shell.prompt, "Device>")
        h.type("enable", "configure terminal", "enable secret s3cret", "end")
        _ = shell.submit("enable")
        XCTAssertEqual(shell.prompt, "Password: ")
        _ = shell.submit("s3cret")
        XCTAssertEqual(shell.prompt, "Device#")
    }

    func testLineConfigurationInTheRunningConfig() {
        let h = Harness()
        let out = h.type("enable", "configure terminal", "line vty 0 4", "login local", "transport input telnet",
                         "exec-timeout 5", "password 0 cisco", "logging synchronous", "length 0",
                         "privilege level 15", "line vty 2", "no login", "line vty 5 15", "line con 0",
                         "exec-timeout 0 0", "end", "show running-config | begin line con")
        XCTAssertTrue(out.contains("Device(config-line)#"), out)
        let expected = """
            line con 0
             exec-timeout 0 0
             stopbits 1
            line vty 0 1
             exec-timeout 5 0
             privilege level 15
             password cisco
             logging synchronous
             login local
             length 0
             transport input telnet
            line vty 2
             exec-timeout 5 0
             privilege level 15
             password cisco
             logging synchronous
             no login
             length 0
             transport input telnet
            line vty 3 4
             exec-timeout 5 0
             privilege level 15
             password cisco
             logging synchronous
             login local
             length 0
             transport input telnet
            line vty 5 15
             login
            !
            end

            """
        XCTAssertTrue(out.hasSuffix(expected + "Device#\n") || out.hasSuffix(expected), out)
        // The running-config reads back as it was.
        let text = h.device.config
        let reloaded = Harness(startup: RunningConfigText.of(h))
        XCTAssertEqual(reloaded.device.config.vtyLines, text.vtyLines)
        XCTAssertEqual(reloaded.device.config.consoleLine, text.consoleLine)
    }

    func testConsoleLineSettingsStartTheConsolesSessions() {
        let h = Harness(startup: "line con 0\n privilege level 15\n length 0\n width 132\n")
        XCTAssertEqual(h.shell.prompt, "Device>")      // a shell without a line: IOS's defaults
        let console = DeviceLine(kind: .console, number: 0, now: h.device.now)
        h.device.addLine(console)
        h.shell.line = console
        h.shell.beginConsoleSession()
        XCTAssertEqual(h.shell.prompt, "Device#")
        XCTAssertEqual(h.shell.terminalLength, 0)
        XCTAssertEqual(h.shell.terminalWidth, 132)
        // `exit`, RETURN: the new session starts the same way.
        _ = h.shell.submit("exit")
        h.shell.startSession()
        XCTAssertEqual(h.shell.prompt, "Device#")
    }

    func testLocalUsersAuthenticate() {
        let h = Harness()
        h.type("enable", "configure terminal", "username admin privilege 15 secret cisco",
               "username oper password 0 operpass", "end")
        XCTAssertEqual(h.device.authenticateLocalUser("admin", password: "cisco")?.privilege, 15)
        XCTAssertEqual(h.device.authenticateLocalUser("oper", password: "operpass")?.name, "oper")
        XCTAssertNil(h.device.authenticateLocalUser("oper", password: "operpass")?.privilege)
        XCTAssertNil(h.device.authenticateLocalUser("admin", password: "wrong"))
        XCTAssertNil(h.device.authenticateLocalUser("nobody", password: "cisco"))
    }

    func testShowUsersMarksTheAskingLine() throws {
        let h = Harness()
        let console = DeviceLine(kind: .console, number: 0, now: h.device.now)
        h.device.addLine(console)
        h.shell.line = console
        let (shell, _, _) = try vty(h)
        let table = { (first: String, second: String) in
            "    Line       User       Host(s)              Idle       Location\n"
                + first + "  0 con 0                idle                 00:00:00\n"
                + second + "  1 vty 0     admin      idle                 00:00:00 127.0.0.1\n"
                + "\n  Interface    User               Mode         Idle     Peer Address\n\n"
        }
        XCTAssertEqual(shell.submit("show users"), table(" ", "*"))
        XCTAssertEqual(h.shell.submit("show users"), table("*", " "))
        XCTAssertEqual(shell.submit("who"), table(" ", "*"))
    }
}

/// The running-config as a startup-config text.
enum RunningConfigText {
    static func of(_ h: Harness) -> String {
        h.shell.submit("show running-config").split(separator: "\n", omittingEmptySubsequences: false)
            .drop { !$0.hasPrefix("!") }.joined(separator: "\n")
    }
}
