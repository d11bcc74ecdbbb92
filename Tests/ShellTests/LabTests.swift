import Device
import RADIUS
@testable import Shell
import XCTest

/// A router running a lab on a manual clock, with a console that collects log lines.
private final class LabHarness {
    let time = ManualTimeSource()
    let store = MemoryStartupConfigStore()
    let device: Device
    let shell: IOSShell
    let console = TestConsole()
    let lab: LabSession
    var reports: [String] = []

    init(_ name: String) throws {
        let definition = try LabFile.load(name)
        device = Device(time: time, random: SeededRandom(seed: definition.scenario.deterministicSeed ?? 1),
                        startupStore: store)
        device.accounting.scheduler = ManualScheduler(time: time)
        device.accounting.labPeers.latency = 0
        device.console = console
        shell = IOSShell(device: device)
        lab = LabSession.start(definition, on: device, student: "alice")
        lab.reportWriter = { [unowned self] in self.reports.append($0) }
        shell.setPrivilege(15)
    }

    @discardableResult
    func type(_ text: String) -> String {
        var out = ""
        for line in text.split(separator: "\n") { out += shell.submit(String(line)) }
        return out
    }

    var states: [String] { lab.report.tasks.map(\.state) }

    /// A Disconnect-Request as radclient would send it from `from` with `secret` to `port`.
    func disconnect(_ attributes: [RADIUSAttribute], from: IPv4Address = IPv4Address(127, 0, 0, 1),
                    secret: String = "cisco", port: UInt16 = 3799) -> RADIUSCode? {
        var packet = RADIUSPacket(code: .disconnectRequest, identifier: 7, attributes: attributes)
        let bytes = RADIUSAuth.signRequest(&packet, secret: secret)
        guard let reply = device.handleDASDatagram(bytes, from: (from, 40000), localPort: port) else { return nil }
        return (try? RADIUSPacket.decode(reply))?.code
    }
}

final class LabFileTests: XCTestCase {
    func testEveryBundledLabLoads() throws {
        XCTAssertEqual(BundledLabs.names.count, 5)
        for name in BundledLabs.names {
            let lab = try LabFile.load(name)
            XCTAssertFalse(lab.tasks.isEmpty, name)
            XCTAssertFalse(lab.solution.isEmpty, name)
            XCTAssertNotNil(lab.scenario.deterministicSeed, "\(name) grades the same on every run")
        }
    }

    private func error(_ text: String) -> String {
        do {
            _ = try LabFile.parse(text, name: "t", file: "t.yaml")
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    private let scenario = """
        scenario: |
          hostname R1
          end

        """

    func testMalformedFilesAreRefusedWithTheirLine() {
        XCTAssertEqual(error("title: [unclosed\n"), "t.yaml:2: not valid YAML: did not find expected ',' or ']'")
        XCTAssertEqual(error("title: T\nstory: S\n" + scenario + "tasks:\n  - title: A\n    checks:\n      - session-vanished: {user: bob}\n"),
                       "t.yaml:9: unknown check 'session-vanished' (the checks are: config-has, config-lacks, config-saved, "
                       + "session-exists, session-gone, das-reply, stop-sent, command-used, show-matches)")
        XCTAssertEqual(error("title: T\nstory: S\ncolour: red\n" + scenario + "tasks: []\n"),
                       "t.yaml:3: the lab: unknown key 'colour' (expected one of: title, summary, story, scenario, events, tasks, solution)")
        XCTAssertEqual(error("title: T\n" + scenario + "tasks: []\n"), "t.yaml:1: the lab: 'story' is missing")
        XCTAssertEqual(error("title: T\nstory: S\n" + scenario + "tasks:\n  - title: A\n    checks:\n      - command-used: {pattern: 'show ('}\n"),
                       "t.yaml:9: pattern: 'show (' is not a valid regular expression")
        XCTAssertEqual(error("title: T\nstory: S\n" + scenario + "tasks:\n  - title: A\n    checks:\n      - show-matches: {command: show lunch, pattern: x}\n"),
                       "t.yaml:9: command: the router does not take the command 'show lunch'")
        XCTAssertEqual(error("title: T\nstory: S\n" + scenario + "tasks:\n  - title: A\n    requires: [b]\n    checks: [config-saved]\n"),
                       "t.yaml:8: task 1: requires 'b', which is not an earlier task's id")
        XCTAssertEqual(error("title: T\nstory: S\n" + scenario + "tasks:\n  - title: A\n    points: lots\n    checks: [config-saved]\n"),
                       "t.yaml:8: points must be a whole number from 0 to 1000")
        XCTAssertEqual(error("title: T\nstory: S\nscenario: |\n  hostname R1\n  no such command\n  end\ntasks:\n  - title: A\n    checks: [config-saved]\n"),
                       "t.yaml:5: the scenario's line 2 does not load:\n% scenario t line 2:\nno such command\n"
                       + "    ^\n% Invalid input detected at '^' marker.")
        XCTAssertEqual(error("title: T\nstory: S\n" + scenario + "events:\n  - at: 5\n    run: lab fly\ntasks:\n  - title: A\n    checks: [config-saved]\n"),
                       "t.yaml:8: run: the router does not take the command 'lab fly'")
        // A session's applied policy is known only while it lives.
        XCTAssertEqual(error("title: T\nstory: S\n" + scenario + "tasks:\n  - title: A\n    checks:\n      - stop-sent: {user: bob, class: gold}\n"),
                       "t.yaml:9: stop-sent: class and address-pool apply to live sessions only")
    }

    func testALabThatDoesNotLoadStartsNothing() {
        let device = Device(time: ManualTimeSource(), random: SeededRandom(seed: 1))
        XCTAssertThrowsError(try LabFile.parse("title: T\n", name: "t", file: "t.yaml"))
        XCTAssertNil(LabSession.current(device))
        XCTAssertNil(device.labEvents.onEvent)
    }
}

final class LabGradingTests: XCTestCase {
    func testAPartialAttemptGradesExactlyTheTasksDone() throws {
        let h = try LabHarness("das-setup")
        XCTAssertEqual(h.states, ["open", "open", "open", "open"])
        h.type("configure terminal\naaa new-model\naaa server radius dynamic-author\nport 1812\nend")
        // AAA and the port, not the client: the lab's DAC got no answer.
        XCTAssertEqual(h.states, ["passed", "open", "passed", "open"])
        XCTAssertEqual(h.lab.points, 30)
        XCTAssertEqual(h.device.sessions.count, 1)
        XCTAssertTrue(h.console.logs.contains { $0.hasSuffix("%LAB-5-TASK_PASSED: Task 1 (Turn AAA on) passed, 10 points (10 of 100)") },
                      "\(h.console.logs)")
        // The wrong key: the DAS drops the DAC's request silently.
        h.type("configure terminal\naaa server radius dynamic-author\nclient 192.168.0.5 server-key cisco1\nend")
        XCTAssertEqual(h.states, ["passed", "passed", "passed", "open"])
        XCTAssertEqual(h.device.das.statistics.badAuthenticator, 1)
        h.type("configure terminal\naaa server radius dynamic-author\nclient 192.168.0.5 server-key cisco\nend")
        XCTAssertEqual(h.states, ["passed", "passed", "passed", "passed"])
        XCTAssertEqual(h.device.sessions.count, 0)
        XCTAssertTrue(h.console.logs.contains { $0.contains("%LAB-5-LAB_COMPLETE: Lab das-setup complete, 100 of 100 points") })
        let report = try LabReport.decode(Data(h.reports.last!.utf8))
        XCTAssertEqual(report.points, 100)
        XCTAssertEqual(report.student, "alice")
    }

    func testCheckCountsAttemptsAndShowsTheFirstHint() throws {
        let h = try LabHarness("das-setup")
        let out = h.type("lab check")
        XCTAssertEqual(out, """
            Lab das-setup: 0 of 4 tasks passed, 0 of 100 points
             1  open    Turn AAA on                                             0/10
                  Hint: In global configuration mode (configure terminal), one command turns AAA on.
             2  open    192.168.0.5 is a DAS client with its key                0/20
                  Hint: aaa server radius dynamic-author enters the DAS's own mode.
             3  open    The DAS listens on UDP port 1812                        0/20
                  Hint: The port is set in the dynamic-author mode too.
             4  open    The RADIUS server's Disconnect-Request is acknowledged  0/50
                  Hint: A request with the wrong key is dropped without an answer; check the key is cisco.

            """)
        XCTAssertEqual(h.lab.report.tasks.map(\.attempts), [1, 1, 1, 1])
        XCTAssertEqual(h.type("lab hint 1"), "Task 1, hint 1 of 2: In global configuration mode (configure terminal), one command turns AAA on.\n")
        XCTAssertEqual(h.type("lab hint 1"), """
            Task 1, hint 1 of 2: In global configuration mode (configure terminal), one command turns AAA on.
            Task 1, hint 2 of 2: aaa new-model

            """)
        XCTAssertEqual(h.type("lab hint 9"), "% Lab: no task 9 (tasks 1-4)\n")
        XCTAssertEqual(h.lab.report.tasks[0].hintsUsed, 2)
    }

    func testShowLabHidesChecksAndSolution() throws {
        let h = try LabHarness("reauthenticate")
        let out = h.type("show lab")
        XCTAssertTrue(out.hasPrefix("Lab reauthenticate: Enforce reauthentication\n\n"))
        XCTAssertTrue(out.contains("Task 3 [waiting] See the NAK for a session that is gone (30 points), after task 2\n"))
        for secret in ["das-reply", "stop-sent", "command-used", "solution", "checks"] {
            XCTAssertFalse(out.contains(secret), secret)
        }
    }

    /// Lab 2's reference solution, with the radclient requests as datagrams on the DAS path.
    func testReauthenticateSolutionGradesFull() throws {
        let h = try LabHarness("reauthenticate")
        let pod: [RADIUSAttribute] = [.ciscoAVPair("audit-session-id=L2L433010101ZO2L4C0A8CA02ZH119404ZP37")]
        // Disconnecting before looking the session up costs the first task for good.
        h.type("show aaa user 41")
        XCTAssertEqual(h.disconnect(pod), .disconnectACK)
        XCTAssertEqual(h.states, ["passed", "passed", "open"])
        XCTAssertEqual(h.disconnect(pod + [.string(RADIUSAttributeType.userName, "x")]), .disconnectNAK)
        XCTAssertEqual(h.states, ["passed", "passed", "passed"])
        XCTAssertEqual(h.lab.points, 100)
    }

    func testTheNAKMustFollowTheDisconnect() throws {
        let h = try LabHarness("reauthenticate")
        let pod: [RADIUSAttribute] = [.ciscoAVPair("audit-session-id=L2L433010101ZO2L4C0A8CA02ZH119404ZP37")]
        XCTAssertEqual(h.disconnect([.string(RADIUSAttributeType.userName, "nobody")]), .disconnectNAK)
        XCTAssertEqual(h.disconnect(pod), .disconnectACK)
        // A NAK before the disconnect does not count, and the session was never looked up.
        XCTAssertEqual(h.states, ["open", "passed", "open"])
        XCTAssertEqual(h.lab.points, 50)
    }

    func testAWrongClientDoesNotPass() throws {
        let h = try LabHarness("reauthenticate")
        h.type("show aaa sessions")
        // `lab pod` from another DAC: the task asks for radclient on 127.0.0.1.
        h.type("configure terminal\naaa server radius dynamic-author\nclient 10.0.0.9 server-key cisco\nend")
        h.type("lab pod user-name pskuser2.g1.engdt.com from 10.0.0.9")
        XCTAssertEqual(h.device.sessions.count, 2)
        XCTAssertEqual(h.states, ["open", "open", "waiting"])
    }

    func testNewPolicyReconnectsWithTheServersNewPolicy() throws {
        let h = try LabHarness("new-policy")
        let old = try XCTUnwrap(h.device.sessions.sessions(userName: "pskuser3.g1.engdt.com").first)
        // Came up through the profile on the server's old policy: the default pool, the old Class.
        XCTAssertEqual(old.framedIP, IPv4Address(10, 99, 0, 2))
        XCTAssertEqual(h.device.flexVPNSessions.authorizations[old.uniqueId]?.attributes.classes, [Array("engdt-2020".utf8)])
        h.type("lab pod user-name pskuser3.g1.engdt.com")
        XCTAssertEqual(h.states, ["passed", "open", "passed"])
        h.type("show aaa sessions")
        XCTAssertEqual(h.states, ["passed", "open", "passed"], "not reconnected yet")
        h.type("lab clock advance 5")
        let new = try XCTUnwrap(h.device.sessions.sessions(userName: "pskuser3.g1.engdt.com").first)
        XCTAssertEqual(new.framedIP, IPv4Address(10, 99, 1, 1))
        let applied = h.device.flexVPNSessions.authorizations[new.uniqueId]
        XCTAssertEqual(applied?.addressPool, "NEW-POOL")
        XCTAssertEqual(applied?.attributes.sessionTimeout, 28800)
        XCTAssertEqual(applied?.attributes.classes, [Array("engdt-2021".utf8)])
        h.type("show crypto session detail")
        XCTAssertEqual(h.states, ["passed", "passed", "passed"])
        // A reset brings back the old policy and the pools' first addresses, and grades again.
        h.type("lab reset")
        XCTAssertEqual(h.states, ["open", "waiting", "open"])
        XCTAssertEqual(h.device.sessions.sessions(userName: "pskuser3.g1.engdt.com").first?.framedIP,
                       IPv4Address(10, 99, 0, 2))
        h.type("lab pod user-name pskuser3.g1.engdt.com\nlab clock advance 5\nshow aaa user 3")
        XCTAssertEqual(h.device.sessions.sessions(userName: "pskuser3.g1.engdt.com").first?.framedIP,
                       IPv4Address(10, 99, 1, 1))
        XCTAssertEqual(h.states, ["passed", "passed", "passed"])
    }

    func testNewPolicyPartialAttemptGradesOnlyWhatWasDone() throws {
        let h = try LabHarness("new-policy")
        // The wrong user: pskuser1 goes, nobody reconnects, pskuser3 keeps the old policy.
        h.type("lab pod user-name pskuser1.g1.engdt.com\nlab clock advance 5\nshow aaa sessions")
        XCTAssertEqual(h.states, ["open", "waiting", "open"])
        XCTAssertEqual(h.device.sessions.count, 1)
        // A policy check on a session that still has the old one does not pass.
        let stale = LabSessionFilter(user: "pskuser3.g1.engdt.com", radiusClass: "engdt-2021")
        XCTAssertEqual(LabChecks.matchingSessions(h.device, stale), 0)
        XCTAssertEqual(LabChecks.matchingSessions(h.device, LabSessionFilter(radiusClass: "engdt-2020")), 1)
    }

    func testRadiusPeerUserPolicy() throws {
        let h = try LabHarness("new-policy")
        let refused = h.type("lab session connect pskuser9.g1.engdt.com profile FLEX")
        XCTAssertTrue(refused.contains("refused"), refused)
        // FlexVPN's PAP password is cisco: a user with another one is rejected.
        h.type("lab radius-peer 9.45.15.144 user pskuser9.g1.engdt.com password other")
        XCTAssertTrue(h.type("lab session connect pskuser9.g1.engdt.com profile FLEX").contains("refused"))
        h.type("lab radius-peer 9.45.15.144 user pskuser9.g1.engdt.com framed-ip 10.99.1.77 session-timeout 60")
        let up = h.type("lab session connect pskuser9.g1.engdt.com profile FLEX")
        XCTAssertTrue(up.contains("address 10.99.1.77"), up)
        let session = try XCTUnwrap(h.device.sessions.sessions(userName: "pskuser9.g1.engdt.com").first)
        XCTAssertEqual(h.device.flexVPNSessions.authorizations[session.uniqueId]?.attributes.sessionTimeout, 60)
        XCTAssertTrue(h.type("lab radius-peer 127.0.0.1 user x").contains("loopback"))
        XCTAssertTrue(h.shell.help(for: "lab radius-peer 9.45.15.144 ").contains("user"))
    }

    func testFreeResourcesNeedsOnePod() throws {
        let h = try LabHarness("free-resources")
        h.type("configure terminal\naaa server radius dynamic-author\nauth-type any\nend")
        h.type("lab pod user-name pskuser4.g2.engdt.com user-name pskuser5.g2.engdt.com user-name pskuser6.g2.engdt.com")
        XCTAssertEqual(h.states, ["passed", "passed", "open", "open"])
        h.type("lab pod user-name pskuser7.g1.engdt.com")
        // Freed, but with two PODs.
        XCTAssertEqual(h.states, ["passed", "passed", "passed", "open"])
        h.type("lab reset")
        XCTAssertEqual(h.states, ["open", "open", "open", "waiting"])
        XCTAssertEqual(h.device.sessions.count, 6)
        XCTAssertEqual(h.device.config.dynamicAuthor?.authType, .all)
        h.type("configure terminal\naaa server radius dynamic-author\nauth-type any\nend")
        h.type("lab pod user-name pskuser4.g2.engdt.com user-name pskuser5.g2.engdt.com user-name pskuser6.g2.engdt.com user-name pskuser7.g1.engdt.com")
        XCTAssertEqual(h.states, ["passed", "passed", "passed", "passed"])
        XCTAssertEqual(h.device.sessions.all.compactMap(\.userName), ["pskuser1.g1.engdt.com", "pskuser2.g1.engdt.com"])
    }

    func testOlderThanFollowsTheClock() throws {
        let h = try LabHarness("free-resources")
        // Nothing is disconnected, but after 8 hours every session is older than the limit.
        h.type("lab clock advance 28800")
        h.type("lab check")
        XCTAssertEqual(h.states, ["open", "open", "open", "waiting"])
        XCTAssertEqual(LabChecks.matchingSessions(h.device, LabSessionFilter(olderThan: 28800)), 6)
    }

    func testTroubleshootSolution() throws {
        let h = try LabHarness("troubleshoot")
        for step in h.lab.definition.solution {
            guard case let .console(text) = step else { return XCTFail("console only") }
            h.type(text.replacingOccurrences(of: "enable\n", with: ""))
        }
        XCTAssertEqual(h.states, ["passed", "passed", "passed"])
        XCTAssertTrue(h.console.logs.contains { $0.contains("POD: Sending ACK from port 1812 to 192.168.0.5/") })
    }

    func testCommandsAreMatchedInFullKeywordForm() throws {
        let h = try LabHarness("reauthenticate")
        h.type("sh aaa us 41 | include audit")
        guard case let .command(text, line)? = h.device.labEvents.entries.last?.event else { return XCTFail() }
        XCTAssertEqual(text, "show aaa user 41")
        XCTAssertEqual(line, "con0")
    }

    /// Past the event log's bound `show lab` says how much was discarded, and grading goes on.
    func testShowLabSaysWhenTheEventLogDiscarded() throws {
        let h = try LabHarness("reauthenticate")
        XCTAssertFalse(h.type("show lab").contains("Event log:"), "nothing said while nothing was discarded")
        h.device.labEvents.capacity = 4
        for _ in 0..<6 { h.type("show clock") }
        let discarded = h.device.labEvents.discarded
        XCTAssertGreaterThanOrEqual(discarded, 3)
        XCTAssertTrue(h.type("show lab").contains("Event log: 4 events kept (at most 4), \(discarded) oldest discarded\n"))
        XCTAssertEqual(h.console.logs.filter { $0.contains("%LAB-4-EVENTS_FULL: Lab event log full (4 events)") }.count, 1)
        XCTAssertTrue(h.type("lab check").hasPrefix("Lab reauthenticate: "))
        h.type("lab reset")
        XCTAssertEqual(h.device.labEvents.discarded, 0)
    }
}

final class LabCheckVocabularyTests: XCTestCase {
    /// A lab of its own: one task per check, so each verdict shows on its own.
    private let text = """
        title: Vocabulary
        story: Each task is one check.
        scenario: |
          ! scenario: deterministic 9
          hostname R1
          aaa new-model
          aaa accounting network acct start-stop group radius
          aaa server radius dynamic-author
           client 9.45.15.144 server-key cisco
          radius server LAB
           address ipv4 9.45.15.144 auth-port 1812 acct-port 1813
           key cisco
          end
          lab session connect bob peer 192.168.202.9
        tasks:
          - title: lacks
            checks: [{config-lacks: {section: aaa server radius dynamic-author, line: auth-type any}}]
          - title: stop with cause none
            checks: [{stop-sent: {user: bob, cause: none}}]
          - title: stop with cause admin-reset
            checks: [{stop-sent: {user: bob, cause: admin-reset}}]
          - title: show absent
            checks: [{show-matches: {command: show aaa sessions, pattern: bob, absent: true}}]
          - title: saved
            checks: [config-saved]
          - title: before a command
            checks: [{command-used: {pattern: '^show clock', before: {command: '^show version'}}}]
        """

    func testEachCheckPassesOnlyWhenItsConditionHolds() throws {
        let device = Device(time: ManualTimeSource(), random: SeededRandom(seed: 9))
        device.accounting.scheduler = ManualScheduler()
        device.accounting.labPeers.latency = 0
        let lab = LabSession.start(try LabFile.parse(text, name: "vocabulary", file: "v.yaml"), on: device, student: "t")
        let shell = IOSShell(device: device)
        shell.setPrivilege(15)
        func states() -> [String] { lab.report.tasks.map(\.state) }
        XCTAssertEqual(states(), ["passed", "open", "open", "open", "open", "open"])
        _ = shell.submit("show version")
        _ = shell.submit("show clock")
        XCTAssertEqual(states()[5], "open", "show clock came after show version")
        _ = shell.submit("lab pod user-name bob")
        // The emulator's Stop says `none` (the seeds' cause): admin-reset does not pass.
        XCTAssertEqual(states(), ["passed", "passed", "open", "passed", "open", "open"])
        _ = shell.submit("write memory")
        XCTAssertEqual(states()[4], "passed")
        _ = shell.submit("configure terminal")
        _ = shell.submit("aaa server radius dynamic-author")
        _ = shell.submit("auth-type any")
        _ = shell.submit("end")
        // Passed tasks stay passed; config-lacks had passed at the start.
        XCTAssertEqual(states(), ["passed", "passed", "open", "passed", "passed", "open"])
        XCTAssertFalse(LabChecks.configSaved(device), "the running-config changed since the save")
        XCTAssertFalse(LabChecks.configHolds(device, line: "auth-type all", pattern: nil,
                                             section: "aaa server radius dynamic-author"))
        XCTAssertTrue(LabChecks.configHolds(device, line: "auth-type any", pattern: nil,
                                            section: "aaa server radius dynamic-author"))
        XCTAssertFalse(LabChecks.configHolds(device, line: "auth-type any", pattern: nil, section: "radius server LAB"))
    }
}

final class LabReportTests: XCTestCase {
    private func report(_ student: String, _ passed: [Bool]) -> LabReport {
        LabReport(lab: "reauthenticate", title: "Enforce reauthentication", student: student,
                  started: "2014-11-04T00:20:23Z", updated: "2014-11-04T00:30:00Z", final: true,
                  points: passed.enumerated().reduce(0) { $0 + ($1.element ? [20, 50, 30][$1.offset] : 0) },
                  maxPoints: 100,
                  tasks: passed.enumerated().map { i, ok in
                      LabReport.Task(number: i + 1, id: ["find", "disconnect", "nak"][i], title: ["Find", "Disconnect, \"now\"", "NAK"][i],
                                     state: ok ? "passed" : "open", points: ok ? [20, 50, 30][i] : 0,
                                     maxPoints: [20, 50, 30][i], attempts: ok ? 0 : 2, hintsUsed: 1,
                                     passedAfterSeconds: ok ? Double(60 * (i + 1)) : nil,
                                     passedAt: ok ? "2014-11-04T00:2\(i + 1):23Z" : nil)
                  })
    }

    func testClassTableTextCSVAndJUnit() throws {
        let reports = [report("alice", [true, true, true]), report("bob <b>", [true, false, false])]
        XCTAssertEqual(LabClassTable.text(reports), """
            Student  Lab             Points   Percent  T1    T2    T3
            alice    reauthenticate  100/100  100%     pass  pass  pass
            bob <b>  reauthenticate  20/100   20%      pass  -     -
            2 reports, 1 complete

            """)
        XCTAssertEqual(LabClassTable.csv(reports), """
            student,lab,points,max_points,percent,task1,task2,task3
            alice,reauthenticate,100,100,100,20,50,30
            bob <b>,reauthenticate,20,100,20,20,0,0

            """)
        let junit = LabClassTable.junit(reports)
        XCTAssertTrue(junit.contains("<testsuites name=\"flexvpn-emu labs\" tests=\"6\" failures=\"2\">"))
        XCTAssertTrue(junit.contains("<testsuite name=\"bob &lt;b&gt;/reauthenticate\" tests=\"3\" failures=\"2\">"))
        XCTAssertTrue(junit.contains("<testcase classname=\"reauthenticate.alice\" name=\"2. Disconnect, &quot;now&quot;\" time=\"120\"/>"))
        XCTAssertTrue(junit.contains("<failure message=\"open\">0 of 30 points; attempts 2, hints 1</failure>"))
    }

    func testReportRoundTripsThroughJSON() throws {
        let original = report("alice", [true, false, true])
        XCTAssertEqual(try LabReport.decode(Data(original.json.utf8)), original)
        XCTAssertTrue(original.json.contains("\"schema\" : \"flexvpn-emu/lab-report/1\""))
        XCTAssertTrue(LabReport.jsonSchema.contains("\"const\": \"flexvpn-emu/lab-report/1\""))
    }
}
