import Device
@testable import Shell
import XCTest

final class ConsoleBehaviourTests: XCTestCase {
    func testSeedConfigurationPromptsAndLog() {
        let h = Harness()
        let out = h.type("enable", "configure terminal", "aaa new-model", "aaa server radius dynamic-author",
                         "client 192.168.0.5 server-key cisco", "port 1812", "end")
        XCTAssertEqual(out, """
        Device>enable
        Device#configure terminal
        Enter configuration commands, one per line.  End with CNTL/Z.
        Device(config)#aaa new-model
        Device(config)#aaa server radius dynamic-author
        Device(config-locsvr-da-radius)#client 192.168.0.5 server-key cisco
        Device(config-locsvr-da-radius)#port 1812
        Device(config-locsvr-da-radius)#end
        Device#
        *Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console by console

        """)
        XCTAssertEqual(h.device.config.dynamicAuthor?.port, 1812)
        XCTAssertEqual(h.device.config.dasPort, 1812)
    }

    func testAAACommandsNeedNewModel() {
        let h = Harness()
        h.type("enable", "conf t")
        XCTAssertEqual(h.type("aaa server radius dynamic-author"), """
        Device(config)#aaa server radius dynamic-author
                           ^
        % Invalid input detected at '^' marker.


        """)
        XCTAssertEqual(h.help("aaa "), "  new-model  Enable NEW access control commands and functions.(Disables OLD\n             commands.)\n\n")
    }

    func testErrorsAndUnknownCommands() {
        let h = Harness()
        XCTAssertEqual(h.type("ls"), "Device>ls\nTranslating \"ls\"...domain server (255.255.255.255)\n% Unknown command or computer name, or unable to find computer address\n")
        h.type("enable", "conf t", "no ip domain lookup", "end")
        XCTAssertTrue(h.type("ls").contains("Translating \"ls\"\n% Unknown command"))
        // `configure` alone asks from where (IOS); an answer it does not know abandons it.
        XCTAssertEqual(h.type("conf", "disk"), """
            Device#conf
            Configuring from terminal, memory, or network [terminal]? disk
            ?Must be "terminal", "memory" or "network"

            """)
        XCTAssertEqual(h.type("sh"), "Device#sh\n% Type \"show ?\" for a list of subcommands\n")
        XCTAssertEqual(h.type("c"), "Device#c\n% Ambiguous command:  \"c\"\n")
        h.type("conf t", "aaa new-model", "aaa server radius dynamic-author")
        XCTAssertEqual(h.type("port 70000"), "Device(config-locsvr-da-radius)#port 70000\n                                     ^\n% Invalid input detected at '^' marker.\n\n")
        XCTAssertEqual(h.type("client 192.168.0.300"), "Device(config-locsvr-da-radius)#client 192.168.0.300\n                                       ^\n% Invalid input detected at '^' marker.\n\n")
        // A hostname is a word too, but a dotted quad out of range is neither: IOS takes it as a
        // hostname; this emulator keeps that.
        XCTAssertEqual(h.device.config.dynamicAuthor?.clients.count, 0)
    }

    func testNoAndDefaultForms() {
        let h = Harness()
        h.type("enable", "conf t", "aaa new-model", "aaa server radius dynamic-author", "port 1812",
               "client 10.0.0.1 server-key k1", "client 10.0.0.2", "auth-type any", "ignore session-key")
        h.type("no port", "no client 10.0.0.1", "default auth-type", "no ignore session-key")
        let das = h.device.config.dynamicAuthor
        XCTAssertEqual(das?.port, 1700)
        XCTAssertEqual(das?.clients.map(\.host), ["10.0.0.2"])
        XCTAssertEqual(das?.authType, .all)
        XCTAssertEqual(das?.ignoreSessionKey, false)
        h.type("exit", "no aaa server radius dynamic-author")
        XCTAssertNil(h.device.config.dynamicAuthor)
        h.type("hostname R1")
        XCTAssertEqual(h.shell.prompt, "R1(config)#")
        h.type("no hostname")
        XCTAssertEqual(h.shell.prompt, "Device(config)#")
    }

    /// A typed command that leaves the configuration as it was is not a change: `reload` does
    /// not ask to save, and Ctrl-C leaves without CONFIG_I. One that changes it is.
    func testATypedCommandThatChangesNothingIsNoConfigurationChange() {
        let h = Harness()
        h.type("enable", "conf t", "no username ghost", "hostname Device")
        XCTAssertFalse(h.device.unsavedConfigChanges)
        XCTAssertNil(h.device.lastConfigChange)
        h.type("username alice password 0 cisco")
        XCTAssertTrue(h.device.unsavedConfigChanges)
        XCTAssertEqual(h.device.lastConfigChange?.by, "console")
    }

    func testSubmodeFallsBackToParentMode() {
        let h = Harness()
        h.type("enable", "conf t", "aaa new-model", "aaa server radius dynamic-author")
        XCTAssertEqual(h.type("hostname R2"), "Device(config-locsvr-da-radius)#hostname R2\n")
        XCTAssertEqual(h.shell.prompt, "R2(config)#")
    }

    func testDoRunsExecCommands() {
        let h = Harness()
        h.type("enable", "conf t")
        XCTAssertEqual(h.type("do show clock"), "Device(config)#do show clock\n*00:00:00.000 UTC Mon Mar 1 1993\n")
        XCTAssertEqual(h.type("do show bogus"), "Device(config)#do show bogus\nshow bogus\n     ^\n% Invalid input detected at '^' marker.\n\n")
    }

    func testEnableSecretThreeFailures() {
        let h = Harness()
        h.type("enable", "conf t", "enable secret s3cret", "end", "disable")
        XCTAssertEqual(h.shell.prompt, "Device>")
        h.type("enable")
        XCTAssertEqual(h.shell.prompt, "Password: ")
        XCTAssertFalse(h.shell.echoesInput)
        XCTAssertEqual(h.shell.submit("wrong"), "")
        XCTAssertEqual(h.shell.submit("wrong"), "")
        XCTAssertEqual(h.shell.submit("wrong"), "% Bad secrets\n\n")
        XCTAssertEqual(h.shell.prompt, "Device>")
        h.type("enable")
        XCTAssertEqual(h.shell.submit("s3cret"), "")
        XCTAssertEqual(h.shell.prompt, "Device#")
        XCTAssertTrue(h.type("show running-config | include enable").hasPrefix("Device#show running-config | include enable\nenable secret 9 $9$"))
    }

    func testSecretsOfEachTypeAreStoredAsIOSXEStoresThem() {
        let h = Harness()
        h.type("enable", "conf t", "username bob secret pw", "username cy secret 5 $1$abcd$D9U2Jp7x5hSPYLmA3wT2f1",
               "username dd secret 9 $9$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6")
        let refused = h.type("username al secret 9 nothash")
        XCTAssertTrue(refused.contains("ERROR: The secret you entered is not a valid encrypted secret.\n"
                                       + "To enter an UNENCRYPTED secret, do not specify type 9 encryption."), refused)
        XCTAssertTrue(h.type("enable secret 5 bad").contains("do not specify type 5 encryption."))
        h.type("enable secret 9 $9$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6", "end")
        let config = h.type("show running-config | include secret")
        let lines = config.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[1], "enable secret 9 $9$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6")
        XCTAssertTrue(lines[2].hasPrefix("username bob secret 9 $9$"), config)
        XCTAssertTrue(CiscoScrypt.verify("pw", against: String(lines[2].dropFirst("username bob secret 9 ".count))))
        XCTAssertEqual(lines[3], "username cy secret 5 $1$abcd$D9U2Jp7x5hSPYLmA3wT2f1")
        XCTAssertEqual(lines[4], "username dd secret 9 $9$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6")
        XCTAssertFalse(config.contains("username al"))
        // The type 9 enable secret admits its password (hashcat's example: `hashcat`).
        h.type("disable", "enable")
        XCTAssertEqual(h.shell.submit("hashcat"), "")
        XCTAssertEqual(h.shell.prompt, "Device#")
    }

    /// Type 7 as published (Cisco's Vigenère with the well-known 53-byte key): two decimal salt
    /// digits, then each byte XOR the key from the salt on, in hex. Written here on its own, so
    /// the emulator's encoder is checked against an implementation it does not share.
    private static func decodeType7(_ text: String) -> String? {
        let key = Array("dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87".utf8)
        let chars = Array(text.utf8)
        guard chars.count >= 4, chars.count % 2 == 0, let salt = Int(String(text.prefix(2))), salt < 16 else { return nil }
        var out: [UInt8] = []
        var i = 2
        while i < chars.count {
            guard let byte = UInt8(String(decoding: chars[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
            out.append(byte ^ key[(salt + out.count) % key.count])
            i += 2
        }
        return String(decoding: out, as: UTF8.self)
    }

    func testPasswordEncryptionShowsType7() throws {
        // Published vectors of `cisco` (salts 8, 7, 2, 10, 9) check the decoder above.
        for vector in ["0822455D0A16", "070C285F4D06", "02050D480809", "104D000A0618", "094F471A1A0A"] {
            XCTAssertEqual(Self.decodeType7(vector), "cisco", vector)
        }
        let h = Harness()
        h.type("enable", "conf t", "aaa new-model", "aaa server radius dynamic-author", "client 10.0.0.1 server-key cisco",
               "server-key 7 0822455D0A16", "service password-encryption", "end")
        XCTAssertEqual(h.device.config.dynamicAuthor?.serverKey?.plain, "cisco")
        let run = h.type("show running-config | section dynamic-author")
        let lines = run.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines.count, 5, run)
        XCTAssertEqual(lines[0], "Device#show running-config | section dynamic-author")
        XCTAssertEqual(lines[1], "aaa server radius dynamic-author")
        // The typed key is now shown encrypted: type 7 of `cisco` under some salt 00–15.
        let prefix = " client 10.0.0.1 server-key 7 "
        XCTAssertTrue(lines[2].hasPrefix(prefix), run)
        let encrypted = String(lines[2].dropFirst(prefix.count))
        XCTAssertNotNil(encrypted.range(of: "^(0[0-9]|1[0-5])([0-9A-F]{2}){5}$", options: .regularExpression), encrypted)
        XCTAssertEqual(Self.decodeType7(encrypted), "cisco")
        // A key typed as type 7 is kept as typed.
        XCTAssertEqual(lines[3], " server-key 7 0822455D0A16")
        XCTAssertEqual(lines[4], "")
    }

    func testRunningConfigByteCountIsTheRealLength() {
        let h = Harness()
        h.type("enable")
        let out = h.shell.submit("show running-config")
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines[0], "Building configuration...")
        let count = Int(lines[2].split(separator: " ").dropLast().last ?? "") ?? -1
        let body = lines[3...].joined(separator: "\n")
        XCTAssertEqual(count, body.utf8.count)
        XCTAssertTrue(out.contains("\nno aaa new-model\n"))
        XCTAssertTrue(out.hasSuffix("!\nend\n"))
    }

    func testPipes() {
        let h = Harness()
        h.type("enable", "conf t", "hostname R9", "end")
        XCTAssertEqual(h.shell.submit("show running-config | include ^hostname"), "hostname R9\n")
        XCTAssertEqual(h.shell.submit("show running-config | begin ^end"), "end\n")
        XCTAssertEqual(h.shell.submit("sh run | count hostname"), "Number of lines which match regexp = 1\n")
        XCTAssertFalse(h.shell.submit("sh run | exclude !").contains("\n!\n"))
    }

    func testSaveAndRestartKeepsTheConfiguration() {
        let h = Harness()
        h.type("enable", "conf t", "hostname Lab1", "aaa new-model", "aaa server radius dynamic-author",
               "client 192.168.0.5 server-key cisco", "port 1812", "end")
        XCTAssertEqual(h.type("write memory"), "Lab1#write memory\nBuilding configuration...\n[OK]\n")
        let before = h.shell.submit("show running-config")
        let restarted = Harness(startup: h.store.text)
        restarted.type("enable")
        let after = restarted.shell.submit("show running-config")
        XCTAssertEqual(restarted.device.config, h.device.config)
        // Only the change line differs: the restarted device has made no change yet.
        XCTAssertEqual(after.split(separator: "\n").filter { !$0.contains("Last configuration change") && !$0.hasPrefix("Current configuration") },
                       before.split(separator: "\n").filter { !$0.contains("Last configuration change") && !$0.hasPrefix("Current configuration") })
    }

    func testCopyRunStartAsksForDestination() {
        let h = Harness()
        h.type("enable")
        XCTAssertEqual(h.shell.submit("copy running-config startup-config"), "")
        XCTAssertEqual(h.shell.prompt, "Destination filename [startup-config]? ")
        XCTAssertEqual(h.shell.submit(""), "Building configuration...\n[OK]\n")
        XCTAssertNotNil(h.store.text)
    }

    func testStartupConfigErrorsAreReportedWithLineNumbersAndTheRestLoads() {
        let store = MemoryStartupConfigStore(text: "hostname R5\nbogus command here\naaa new-model\naaa server radius dynamic-author\n port 99999\n client 10.0.0.9\nend\n")
        let device = Device(time: ManualTimeSource(), random: SeededRandom(seed: 2), startupStore: store)
        let shell = IOSShell(device: device)
        let report = shell.loadStartupConfig()
        XCTAssertTrue(report.contains("% startup-config line 2:\nbogus command here\n  ^\n% Invalid input"), report)
        XCTAssertTrue(report.contains("% startup-config line 5:\nport 99999\n     ^\n"), report)
        XCTAssertEqual(device.config.hostname, "R5")
        XCTAssertEqual(device.config.dynamicAuthor?.clients.map(\.host), ["10.0.0.9"])
        XCTAssertEqual(shell.prompt, "R5>")
    }

    func testHelpOnEmptyLineHasHeaderAndCr() {
        let h = Harness()
        XCTAssertTrue(h.help("").hasPrefix("Exec commands:\n"))
        XCTAssertFalse(h.help("").contains("configure"), "configure is privileged")
        h.type("enable")
        XCTAssertEqual(h.help("show clock detail "), "  |     Output modifiers\n  <cr>  <cr>\n\n")
        XCTAssertEqual(h.help("co"), "configure  copy\n\n")
        XCTAssertEqual(h.help("zz"), "% Unrecognized command\n")
        XCTAssertEqual(h.shell.complete("conf"), "configure ")
        XCTAssertNil(h.shell.complete("c"))
    }

    func testControlZLeavesConfigurationFromAnySubmode() {
        let h = Harness()
        h.type("enable", "conf t", "aaa new-model", "aaa server radius dynamic-author")
        XCTAssertEqual(h.shell.controlZ("port 1999"), "")
        XCTAssertEqual(h.shell.prompt, "Device#")
        XCTAssertEqual(h.device.config.dynamicAuthor?.port, 1999)
        XCTAssertEqual(h.console.logs.count, 1)
    }

    func testClockSetAndTimezone() {
        let h = Harness()
        h.type("enable", "conf t", "clock timezone IST 5 30", "end", "clock set 00:20:23 Nov 4 2014")
        XCTAssertEqual(h.shell.submit("show clock"), "00:20:23.000 IST Tue Nov 4 2014\n")
        XCTAssertEqual(h.shell.submit("clock set 00:00:00 31 Feb 2014"), "% Invalid date.\n")
    }

    func testHistoryKeepsTenLines() {
        let h = Harness()
        for i in 0..<12 { h.type("terminal length \(i)") }
        let out = h.shell.submit("show history")
        XCTAssertEqual(out.split(separator: "\n").count, 10)
        XCTAssertTrue(out.hasSuffix("  show history\n"))
    }

    func testAddressesTheModelCannotReadAreRejectedNotDefaulted() {
        let h = Harness()
        h.type("enable", "lab session connect alice peer 10.1.1.1")
        // A leading zero: the grammar and the RADIUS model agree it is no address, so nothing
        // falls back to "every session" or to the default peer.
        XCTAssertTrue(h.type("clear crypto session remote 010.1.1.1").contains("% Invalid input"))
        XCTAssertEqual(h.device.sessions.count, 1)
        XCTAssertTrue(h.type("lab session connect bob peer 010.1.1.1").contains("% Invalid input"))
        XCTAssertEqual(h.device.sessions.count, 1)
    }

    /// Lines logged while the device boots, before a console is attached (a DAS port in use),
    /// are shown when it attaches; a scenario's own set-up commands (`clock set`) log nothing
    /// visible, and nothing is held once a console is there.
    func testBootLogsWaitForTheConsoleAndScenarioSetUpIsNotShown() {
        let device = Device(time: ManualTimeSource(), random: SeededRandom(seed: 1))
        let shell = IOSShell(device: device)
        XCTAssertEqual(shell.apply(Scenario(name: "t", text: "hostname R1\nend\nclock set 10:00:00 1 Jan 2020\n")), "")
        device.syslog(facility: "RADIUS", severity: 3, mnemonic: "SOURCEPORTALLOCERROR", "Warning: Unable to allocate port 1812")
        let console = TestConsole()
        device.console = console
        XCTAssertEqual(console.logs.count, 1, "\(console.logs)")
        XCTAssertTrue(console.logs.first?.hasSuffix(": %RADIUS-3-SOURCEPORTALLOCERROR: Warning: Unable to allocate port 1812") ?? false)
        XCTAssertTrue(console.logs.first?.hasPrefix("Jan  1 10:00:00") ?? false, "stamped by the scenario's clock")
        XCTAssertEqual(device.heldConsoleLineCount, 0)
        device.syslog(facility: "SYS", severity: 5, mnemonic: "TEST", "later")
        XCTAssertEqual(console.logs.count, 2)
        XCTAssertEqual(device.heldConsoleLineCount, 0)
    }

    /// A type 6 key decodes to the key the DAS and accounting use; without the master key the
    /// same string is refused, and a startup-config line holding it is reported.
    func testType6KeysDecodeUnderTheMasterKey() throws {
        let h = Harness()
        h.type("enable", "configure terminal", "password encryption aes", "key config-key password-encrypt M4ster",
               "aaa new-model", "aaa server radius dynamic-author", "server-key s3cret", "end")
        let das = try XCTUnwrap(h.device.config.dynamicAuthor?.serverKey)
        let six = try XCTUnwrap(das.type6)
        XCTAssertEqual(das.plain, "s3cret")
        XCTAssertEqual(das.type7, nil)
        h.type("configure terminal", "radius server R", "key 6 " + six, "end")
        XCTAssertEqual(h.device.config.radiusServers.first?.key, ConfigSecret(plain: "s3cret", type6: six))
        h.device.configKey = nil
        XCTAssertEqual(h.type("configure terminal", "radius server R", "key 6 " + six).components(separatedBy: "\n").last(where: { !$0.isEmpty }),
                       "Invalid encrypted password: " + six)
        let fresh = Harness(startup: "aaa new-model\nradius server R\n key 6 \(six)\n")
        XCTAssertEqual(fresh.shell.loadStartupConfig(),
                       "% startup-config line 3:\nkey 6 \(six)\nInvalid encrypted password: \(six)\n")
    }

    /// A pasted configuration's `!` separators are comments: nothing printed, nothing changed.
    func testBangLinesAreCommentsInEveryMode() {
        let h = Harness()
        XCTAssertEqual(h.shell.submit("!"), "")
        h.type("enable", "configure terminal", "crypto ikev2 profile P")
        let before = h.device.config
        for line in ["!", "  ! indented", "!interface Loopback9", "\t!"] {
            XCTAssertEqual(h.shell.submit(line), "", line)
        }
        XCTAssertEqual(h.shell.prompt, "Device(config-ikev2-profile)#")
        XCTAssertEqual(h.device.config, before)
        // A `!` after a command is no comment: IOS refuses it.
        XCTAssertTrue(h.shell.submit("virtual-template 1 !").contains("% Invalid input detected at '^' marker."))
    }
}

