import Device
import Foundation
import Shell
import Transport
import XCTest

final class TranscriptReplayTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "transcripts-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func write(_ name: String, _ text: String) throws -> String {
        let path = folder + "/" + name
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func read(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }

    private let replayer = TranscriptReplayer(makeSession: { FakeShell.session() }, makeLine: DrivenReplayLine.make)

    /// A capture as a real console prints it: help mid-line, Tab, the log after `end`, the end.
    private let session = """
        Device>enable
        Device#show ?
          clock           Keyword
          running-config  Keyword

        Device#show running-config
        Building configuration...

        hostname Device
        end

        Device#conf^Ite^I
        Enter configuration commands, one per line.  End with CNTL/Z.
        Device(config)#end
        Device#
        *Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
        Device#show clock
        *00:00:00.000 UTC Mon Mar 1 1993
        Device#

        """

    func testCapturePasses() throws {
        let path = try write("session.txt", session)
        let result = replayer.replay(path: path)
        XCTAssertTrue(result.passed, result.diff)
        XCTAssertEqual(result.diff, "")
        XCTAssertNil(result.error)
        XCTAssertEqual(result.commands, 6, "enable, show ?, show running-config, conf t, end, show clock")
    }

    func testTypedKeysReachTheShell() {
        let shell = FakeShell()
        let replayer = TranscriptReplayer(makeSession: { ReplaySession(shell: shell, attach: { shell.device.console = $0 }) },
                                          makeLine: DrivenReplayLine.make)
        XCTAssertTrue(replayer.run(text: session).matches)
        XCTAssertEqual(shell.received, ["enable", "show running-config", "configure terminal ", "end", "show clock"])
    }

    func testDocumentationStyleBlankAfterThePrompt() throws {
        let text = """
            Device> enable
            Device# show ?
              clock           Keyword
              running-config  Keyword

            Device# show clock
            *00:00:00.000 UTC Mon Mar 1 1993
            Device# configure terminal
            Enter configuration commands, one per line.  End with CNTL/Z.
            Device(config)# ^Z
            Device#
            *Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
            Device#\u{20}

            """
        let run = replayer.run(text: text)
        XCTAssertTrue(run.matches, run.diff(name: "doc"))
    }

    func testPasswordLineAndExit() {
        let replayer = TranscriptReplayer(makeSession: { settings in FakeShell.session(secret: settings["secret"]) },
                                          makeLine: DrivenReplayLine.make)
        let text = """
            ! replay: secret cisco
            ! any other comment
            Device>enable
            Password: cisco
            Device#disable
            Device>enable
            Password:
            % Bad secrets

            Device>exit

            """
        let run = replayer.run(text: text)
        XCTAssertTrue(run.matches, run.diff(name: "password"))
        XCTAssertEqual(run.commands, 6, "enable, cisco, disable, enable, an empty password, exit")
    }

    func testQuestionsTheShellAsks() {
        let text = """
            Device>enable
            Device#copy running-config startup-config
            Destination filename [startup-config]?
            Building configuration...
            [OK]
            Device#reload
            Proceed with reload? [confirm]
            Reloading...
            Device#reload
            Proceed with reload? [confirm]n
            % Reload cancelled
            Device#

            """
        let run = replayer.run(text: text)
        XCTAssertTrue(run.matches, run.diff(name: "questions"))
        XCTAssertEqual(run.commands, 7)
        // Without the question on the prompt's line the prompt differs, and the diff shows where.
        let wrong = replayer.run(text: "Device>enable\nDevice#reload\n[confirm]\nReloading...\nDevice#\n")
        XCTAssertEqual(wrong.actual, ["Device>enable", "Device#reload", "Proceed with reload? [confirm]", "Reloading...", "Device#"])
    }

    func testHelpOnAPartialWordAndEndingWithTheKeptBuffer() {
        let text = """
            Device>enable
            Device#sh?
            show

            Device#sh

            """
        let run = replayer.run(text: text)
        XCTAssertTrue(run.matches, run.diff(name: "partial"))
        // The editor lost the kept buffer's trailing blank: still the same line.
        let stripped = """
            Device>enable
            Device#show ?
              clock           Keyword
              running-config  Keyword

            Device#show

            """
        let second = replayer.run(text: stripped)
        XCTAssertTrue(second.matches, second.diff(name: "stripped"))
    }

    func testMismatchGivesAUnifiedDiffWithTranscriptLineNumbers() throws {
        let path = try write("wrong.txt", """
            Device>enable
            Device#show running-config
            Building configuration...

            hostname Router
            end

            Device#show clock
            *00:00:00.000 UTC Mon Mar 1 1993
            Device#disable
            Device>show clock
            *00:00:00.000 UTC Mon Mar 1 1993
            Device>show clock
            *00:00:00.000 UTC Mon Mar 1 1993
            Device#show clock
            *00:00:00.000 UTC Mon Mar 1 1993
            Device>

            """)
        let result = replayer.replay(path: path)
        XCTAssertFalse(result.passed)
        XCTAssertFalse(result.updated)
        XCTAssertEqual(result.diff, """
            --- \(path) (transcript)
            +++ \(path) (emulator)
            @@ -2,7 +2,7 @@
             Device#show running-config
             Building configuration...
            \u{20}
            -hostname Router
            +hostname Device
             end
            \u{20}
             Device#show clock
            @@ -12,6 +12,6 @@
             *00:00:00.000 UTC Mon Mar 1 1993
             Device>show clock
             *00:00:00.000 UTC Mon Mar 1 1993
            -Device#show clock
            +Device>show clock
             *00:00:00.000 UTC Mon Mar 1 1993
             Device>

            """)
        XCTAssertTrue(try read(path).contains("hostname Router"), "without --update the file is left alone")
    }

    func testUnexpectedOutputAndMissingPromptBeforeALog() {
        let text = """
            Device>disable
            Device>enable
            Device#configure terminal
            Enter configuration commands, one per line.  End with CNTL/Z.
            Device(config)#end
            *Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
            Device#

            """
        let run = replayer.run(text: text)
        XCTAssertFalse(run.matches)
        XCTAssertEqual(run.diff(name: "t"), """
            --- t (transcript)
            +++ t (emulator)
            @@ -1,7 +1,10 @@
             Device>disable
            +% Invalid input detected at '^' marker.
            +
             Device>enable
             Device#configure terminal
             Enter configuration commands, one per line.  End with CNTL/Z.
             Device(config)#end
            +Device#
             *Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
             Device#

            """)
    }

    func testUpdateRewritesFromTheEmulatorKeepingTypedLines() throws {
        let path = try write("update.txt", """
            ! replay: nothing
            Device> en^I
            Device#show clock
            (clock goes here)
            Device#show cl^I
            Device# configure terminal
            Device(config)#end
            *Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
            Device#

            """)
        let result = replayer.replay(path: path, update: true)
        XCTAssertFalse(result.passed)
        XCTAssertTrue(result.updated)
        XCTAssertNil(result.error)
        XCTAssertEqual(try read(path), """
            ! replay: nothing
            Device> en^I
            Device#show clock
            *00:00:00.000 UTC Mon Mar 1 1993
            Device#show cl^I
            *00:00:00.000 UTC Mon Mar 1 1993
            Device# configure terminal
            Enter configuration commands, one per line.  End with CNTL/Z.
            Device(config)#end
            Device#
            *Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
            Device#

            """)
        let again = replayer.replay(path: path)
        XCTAssertTrue(again.passed, again.diff)
    }

    func testUpdateShowsTheShellsPromptWhereItDiffers() throws {
        let path = try write("prompt.txt", """
            Device#show clock
            *00:00:00.000 UTC Mon Mar 1 1993
            Device# disable
            Device>

            """)
        let result = replayer.replay(path: path, update: true)
        XCTAssertTrue(result.updated)
        XCTAssertEqual(try read(path), """
            Device>show clock
            *00:00:00.000 UTC Mon Mar 1 1993
            Device> disable
            % Invalid input detected at '^' marker.

            Device>

            """)
        XCTAssertTrue(replayer.replay(path: path).passed)
    }

    func testCRLFAndNoFinalNewline() {
        let run = replayer.run(text: "Device>show clock\r\n*00:00:00.000 UTC Mon Mar 1 1993\r\nDevice>")
        XCTAssertTrue(run.matches, run.diff(name: "crlf"))
    }

    func testMissingFinalPromptAndTrailingOutput() {
        let run = replayer.run(text: "Device>show clock\n")
        XCTAssertEqual(run.actual, ["Device>show clock", "*00:00:00.000 UTC Mon Mar 1 1993", "Device>"])
        let extra = replayer.run(text: "Device>\nsomething after the end\n")
        // Not the final line, so an Enter; then the input ends.
        XCTAssertEqual(extra.actual, ["Device>", "Device>"])
        XCTAssertEqual(extra.diff(name: "x"), "--- x (transcript)\n+++ x (emulator)\n@@ -1,2 +1,2 @@\n Device>\n-something after the end\n+Device>\n")
    }

    func testReplayAllRecursesIntoFoldersForTxtFiles() throws {
        _ = try write("a/ok.txt", session)
        _ = try write("a/b/also-ok.txt", "Device>\n")
        let bad = try write("b/bad.txt", "Device>enable\nDevice>\n")
        _ = try write("a/README.md", "Device>nonsense\n")
        _ = try write("a/.hidden/skip.txt", "Device>nonsense\n")
        let summary = replayer.replayAll(under: folder)
        XCTAssertEqual(summary.results.map(\.path), [folder + "/a/b/also-ok.txt", folder + "/a/ok.txt", bad])
        XCTAssertFalse(summary.ok)
        XCTAssertEqual(summary.passedCount, 2)
        XCTAssertEqual(summary.failed.map(\.path), [bad])
        XCTAssertEqual(summary.commands, 7)
        XCTAssertEqual(summary.report, """
            --- \(bad) (transcript)
            +++ \(bad) (emulator)
            @@ -1,2 +1,2 @@
             Device>enable
            -Device>
            +Device#
            transcripts: 2 passed, 1 failed

            """)

        let fixed = replayer.replay(paths: [folder + "/b", folder + "/a/ok.txt"], update: true)
        XCTAssertTrue(fixed.ok)
        XCTAssertEqual(fixed.updatedCount, 1)
        XCTAssertEqual(fixed.report, "updated \(bad)\ntranscripts: 1 passed, 0 failed\n")
        XCTAssertTrue(replayer.replayAll(under: folder).ok)

        let missing = replayer.replay(paths: [folder + "/none"])
        XCTAssertFalse(missing.ok)
        XCTAssertEqual(missing.report, "\(folder)/none: no such file or folder\ntranscripts: 0 passed, 1 failed\n")
    }

    func testReplayFeedsManyCommandsQuickly() {
        var text = "Device>enable\n"
        let count = 20_000
        for n in 0..<count { text += n % 2 == 0 ? "Device#show clock\n*00:00:00.000 UTC Mon Mar 1 1993\n" : "Device# sh cl^I\n*00:00:00.000 UTC Mon Mar 1 1993\n" }
        text += "Device#\n"
        let start = Date()
        let run = replayer.run(text: text)
        let seconds = Date().timeIntervalSince(start)
        XCTAssertTrue(run.matches)
        XCTAssertEqual(run.commands, count + 1)
        // A figure, not an assertion: timing depends on the machine and the build.
        print("replay: \(run.commands) commands in \(String(format: "%.3f", seconds)) s, \(Int(Double(run.commands) / seconds)) commands/s")
    }
}

final class TranscriptFormatTests: XCTestCase {
    func testDevicePrompts() {
        XCTAssertEqual(TranscriptFormat.devicePromptLength("Device#show run"), 7)
        XCTAssertEqual(TranscriptFormat.devicePromptLength("Device>"), 7)
        XCTAssertEqual(TranscriptFormat.devicePromptLength("R1(config-locsvr-da-radius)# client 1.1.1.1"), 28)
        XCTAssertEqual(TranscriptFormat.devicePromptLength("csr1000v.lab@x/y:1(config)#"), 27)
        XCTAssertEqual(TranscriptFormat.devicePromptLength("Device(cfg+x)#"), 14)
        XCTAssertEqual(TranscriptFormat.devicePromptLength(Substring(String(repeating: "a", count: 63) + "#")), 64)
        XCTAssertNil(TranscriptFormat.devicePromptLength(Substring(String(repeating: "a", count: 64) + "#")))
        XCTAssertNil(TranscriptFormat.devicePromptLength("#"))
        XCTAssertNil(TranscriptFormat.devicePromptLength(" Device#"))
        XCTAssertNil(TranscriptFormat.devicePromptLength("Building configuration..."))
        XCTAssertNil(TranscriptFormat.devicePromptLength("RADIUS(00000000): Send CoA"))
        XCTAssertNil(TranscriptFormat.devicePromptLength("Device(config"))
        XCTAssertNil(TranscriptFormat.devicePromptLength("Device(config)"))
        XCTAssertTrue(TranscriptFormat.isDevicePrompt("Device(config)#"))
        XCTAssertFalse(TranscriptFormat.isDevicePrompt("Password: "))
    }

    func testLogLines() {
        for line in ["*Mar  1 00:00:12.345: %SYS-5-CONFIG_I: Configured from console by console",
                     "Nov  4 00:26:49.908 IST: RADIUS: COA received",
                     "Nov 14 2024 00:26:49.908 IST: x",
                     "00:01:02: %LINK-3-UPDOWN: Interface up",
                     "1d02h: %SYS-5-CONFIG_I: x", "2w3d: x",
                     "%SYS-5-CONFIG_I: Configured from console by console",
                     "000123: *Mar  1 00:00:12.345: %SYS-5-CONFIG_I: x",
                     ".Mar  1 00:00:12.345: x"] {
            XCTAssertTrue(TranscriptFormat.isLogLine(Substring(line)), line)
        }
        for line in ["Device#", "% Invalid input detected at '^' marker.", "Mar", "March  1 00:00:12: x",
                     "10.0.0.1", "123:45", "%", "%SYS-5:", "  clock  Keyword", "*00:00:00.000 UTC Mon Mar 1 1993", ""] {
            XCTAssertFalse(TranscriptFormat.isLogLine(Substring(line)), line)
        }
    }

    func testKeystrokeNotation() {
        XCTAssertEqual(TranscriptFormat.keystrokes("conf^I t"), "conf\u{9} t")
        XCTAssertEqual(TranscriptFormat.keystrokes("end^Z"), "end\u{1A}")
        XCTAssertEqual(TranscriptFormat.keystrokes("description a^V?b^V^c"), "description a\u{16}?b\u{16}^c")
        XCTAssertEqual(TranscriptFormat.keystrokes("x ^ y ^A^"), "x ^ y ^A^")
        XCTAssertEqual(TranscriptFormat.keystrokes("x^V"), "x")
        XCTAssertEqual(TranscriptFormat.keystrokes("show ?"), "show ?")
    }

    func testHeaderSettings() {
        let settings = TranscriptFormat.settings(fromHeader: ["! replay: seed 1", "!replay: start=2024-01-01 00:00 ",
                                                              "! a comment", "! replay:"])
        XCTAssertEqual(settings, ReplaySettings(["seed": "1", "start": "2024-01-01 00:00"]))
    }

    func testUnifiedDiffEdges() {
        XCTAssertEqual(UnifiedDiff.diff(old: ["a"], new: ["a"], oldName: "o", newName: "n"), "")
        XCTAssertEqual(UnifiedDiff.diff(old: [], new: ["a"], oldName: "o", newName: "n"), "--- o\n+++ n\n@@ -0,0 +1,1 @@\n+a\n")
        XCTAssertEqual(UnifiedDiff.diff(old: ["a", "b", "c", "d", "e"], new: ["a", "b", "c", "d"], oldName: "o", newName: "n"),
                       "--- o\n+++ n\n@@ -2,4 +2,3 @@\n b\n c\n d\n-e\n")
        // Two changes 6 unchanged lines apart share one hunk; 7 apart make two.
        let base = (1...20).map(String.init)
        var near = base
        near[2] = "x"
        near[9] = "y"
        XCTAssertEqual(UnifiedDiff.diff(old: base, new: near, oldName: "o", newName: "n").components(separatedBy: "@@ -").count - 1, 1)
        var far = base
        far[2] = "x"
        far[10] = "y"
        XCTAssertEqual(UnifiedDiff.diff(old: base, new: far, oldName: "o", newName: "n"), """
            --- o
            +++ n
            @@ -1,6 +1,6 @@
             1
             2
            -3
            +x
             4
             5
             6
            @@ -8,7 +8,7 @@
             8
             9
             10
            -11
            +y
             12
             13
             14

            """)
        // Interleaved changes: a real shortest edit, deletions first in each run.
        XCTAssertEqual(UnifiedDiff.diff(old: ["a", "b", "c", "a", "b", "b", "a"], new: ["c", "b", "a", "b", "a", "c"],
                                        oldName: "o", newName: "n").split(separator: "\n").filter { $0.hasPrefix("-") || $0.hasPrefix("+") }.count - 2, 5)
    }
}
