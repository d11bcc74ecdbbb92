import Foundation
import XCTest
import Device
import RADIUS
import Transport

/// The live DAS against real RADIUS tools over loopback: FreeRADIUS `radclient`, pyrad, tshark.
final class DASInteropTests: XCTestCase {
    private func radclient(_ harness: DASHarness, _ attributes: String, secret: String = DASHarness.secret,
                           extra: [String] = []) throws -> ToolResult {
        try runTool("radclient", ["-x", "-r", "1", "-t", "2"] + extra
                    + ["127.0.0.1:\(harness.port)", "disconnect", secret], stdin: attributes + "\n")
    }

    func testRadclientDisconnectACKThenNAK() throws {
        let h = try DASHarness()
        defer { h.shutdown() }
        let s = h.connect("pskuser1.g1.engdt.com")
        h.connect("pskuser2.g1.engdt.com")
        XCTAssertTrue(h.showAAASessions.contains("User Name: pskuser1.g1.engdt.com"))

        let ack = try radclient(h, "Cisco-AVPair = \"audit-session-id=\(s.auditSessionId)\"")
        XCTAssertEqual(ack.status, 0, ack.stdout + ack.stderr)
        XCTAssertTrue(ack.stdout.contains("Received Disconnect-ACK"), ack.stdout)
        XCTAssertEqual(h.sessionCount, 1)
        XCTAssertFalse(h.showAAASessions.contains("pskuser1.g1.engdt.com"), h.showAAASessions)
        XCTAssertTrue(h.showAAASessions.contains("User Name: pskuser2.g1.engdt.com"))

        let nak = try radclient(h, "Cisco-AVPair = \"audit-session-id=\(s.auditSessionId)\"")
        XCTAssertNotEqual(nak.status, 0)
        XCTAssertTrue(nak.stdout.contains("Received Disconnect-NAK"), nak.stdout)
        XCTAssertTrue(nak.stdout.contains("Error-Cause = Invalid-Request"), nak.stdout)
        XCTAssertTrue(nak.stdout.contains("Reply-Message = \"No Matching Session\""), nak.stdout)
    }

    func testRadclientWithMessageAuthenticatorAndUserName() throws {
        let h = try DASHarness()
        defer { h.shutdown() }
        h.connect("alice")
        let ack = try radclient(h, "User-Name = \"alice\", Message-Authenticator = 0x00, Proxy-State = 0x0102")
        XCTAssertEqual(ack.status, 0, ack.stdout + ack.stderr)
        XCTAssertTrue(ack.stdout.contains("Received Disconnect-ACK"), ack.stdout)
        XCTAssertTrue(ack.stdout.contains("Proxy-State = 0x0102"), ack.stdout)
        XCTAssertEqual(h.sessionCount, 0)
    }

    func testWrongSecretGetsNoReply() throws {
        let h = try DASHarness()
        defer { h.shutdown() }
        let s = h.connect("u")
        let result = try radclient(h, "Cisco-AVPair = \"audit-session-id=\(s.auditSessionId)\"", secret: "wrongsecret")
        XCTAssertNotEqual(result.status, 0)
        XCTAssertFalse(result.stdout.contains("Received"), result.stdout)
        XCTAssertTrue((result.stdout + result.stderr).contains("No reply"), result.stdout + result.stderr)
        XCTAssertEqual(h.sessionCount, 1)
        XCTAssertGreaterThanOrEqual(h.statistics.badAuthenticator, 1)
    }

    func testUnknownClientGetsNoReply() throws {
        // 127.0.0.1 is not a client here, so radclient's requests come from an unknown address.
        let h = try DASHarness(clients: ["127.0.0.2"])
        defer { h.shutdown() }
        let s = h.connect("u")
        let result = try radclient(h, "Cisco-AVPair = \"audit-session-id=\(s.auditSessionId)\"")
        XCTAssertNotEqual(result.status, 0)
        XCTAssertFalse(result.stdout.contains("Received"), result.stdout)
        XCTAssertEqual(h.sessionCount, 1)
        XCTAssertGreaterThanOrEqual(h.statistics.unknownClient, 1)
    }

    func testRetransmissionGetsTheSameReplyBytes() throws {
        let h = try DASHarness()
        defer { h.shutdown() }
        let s = h.connect("u")
        let client = try UDPClient()
        let request = signedRequest(id: 99, [.ciscoAVPair("audit-session-id=" + s.auditSessionId)],
                                    messageAuthenticator: true)
        let first = try XCTUnwrap(client.exchange(request, port: h.port))
        let second = try XCTUnwrap(client.exchange(request, port: h.port))
        XCTAssertEqual(first, second)
        XCTAssertEqual(try RADIUSPacket.decode(first).code, .disconnectACK)
        XCTAssertTrue(RADIUSAuth.verifyResponseAuthenticator(first, requestAuthenticator: Array(request[4..<20]),
                                                             secret: DASHarness.secret))
        XCTAssertEqual(h.statistics.duplicatesAnswered, 1)
        XCTAssertEqual(h.statistics.disconnectACKs, 1)
        XCTAssertEqual(h.statistics.disconnectNAKs, 0, "acted once")
        // radclient 3.2's `-c 2` sends the request again under a new identifier: that is a new
        // request, not a retransmission, so the second copy finds the session gone.
        let t = h.connect("v")
        let twice = try radclient(h, "Cisco-AVPair = \"audit-session-id=\(t.auditSessionId)\"", extra: ["-c", "2"])
        XCTAssertTrue(twice.stdout.contains("Received Disconnect-ACK"), twice.stdout)
        XCTAssertTrue(twice.stdout.contains("Received Disconnect-NAK"), twice.stdout)
        XCTAssertEqual(h.statistics.disconnectACKs, 2)
        XCTAssertEqual(h.statistics.duplicatesAnswered, 1)
    }

    func testPyradDisconnectWithMessageAuthenticator() throws {
        let h = try DASHarness()
        defer { h.shutdown() }
        let s = h.connect("u")
        let script = interopScripts.appendingPathComponent("pyrad_disconnect.py").path
        let ack = try runTool("python3", [script, "--port", "\(h.port)", "--secret", DASHarness.secret,
                                          "--audit-session-id", s.auditSessionId, "--proxy-state", "hop1",
                                          "--expect", "ack"])
        XCTAssertEqual(ack.status, 0, ack.stdout + ack.stderr)
        let reply = try JSONSerialization.jsonObject(with: Data(ack.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(reply?["code"] as? String, "Disconnect-ACK")
        XCTAssertEqual(reply?["message_authenticator_valid"] as? Bool, true)
        XCTAssertEqual(reply?["proxy_state"] as? [String], ["hop1"])
        XCTAssertEqual(h.sessionCount, 0)

        let nak = try runTool("python3", [script, "--port", "\(h.port)", "--secret", DASHarness.secret,
                                          "--audit-session-id", s.auditSessionId, "--expect", "nak"])
        XCTAssertEqual(nak.status, 0, nak.stdout + nak.stderr)
        let nakReply = try JSONSerialization.jsonObject(with: Data(nak.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(nakReply?["reply_message"] as? String, "No Matching Session")
        XCTAssertEqual(nakReply?["error_cause"] as? String, "Invalid-Request")
        XCTAssertEqual(nakReply?["message_authenticator_valid"] as? Bool, true)

        // With the wrong secret pyrad hears nothing (exit 2).
        let silent = try runTool("python3", [script, "--port", "\(h.port)", "--secret", "nottheone",
                                             "--audit-session-id", s.auditSessionId, "--expect", "nak"])
        XCTAssertEqual(silent.status, 2, silent.stdout + silent.stderr)
    }

    func testTsharkDecodesEveryReplyWithValidAuthenticators() throws {
        let h = try DASHarness()
        defer { h.shutdown() }
        let s = h.connect("u")
        let capture = FileManager.default.temporaryDirectory.appendingPathComponent("das-\(getpid())-\(h.port).pcap")
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("das-\(getpid())-\(h.port).log")
        defer {
            try? FileManager.default.removeItem(at: capture)
            try? FileManager.default.removeItem(at: log)
        }
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let tshark = Process()
        tshark.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        tshark.arguments = ["tshark", "-i", "lo", "-f", "udp port \(h.port)", "-w", capture.path]
        tshark.standardError = try FileHandle(forWritingTo: log)
        tshark.standardOutput = FileHandle.nullDevice
        try tshark.run()
        defer { if tshark.isRunning { tshark.terminate() } }
        let ready = Date().addingTimeInterval(15)
        while Date() < ready, tshark.isRunning,
              !((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("Capture started") {
            usleep(50_000)
        }
        XCTAssertTrue(tshark.isRunning, (try? String(contentsOf: log, encoding: .utf8)) ?? "")

        let client = try UDPClient()
        let requests = [
            signedRequest(id: 1, [.ciscoAVPair("audit-session-id=" + s.auditSessionId)]),
            signedRequest(id: 2, [.ciscoAVPair("audit-session-id=" + s.auditSessionId)], messageAuthenticator: true),
            signedRequest(.coaRequest, id: 3, [.string(1, "u"), .octets(33, [7, 7])], messageAuthenticator: true),
            signedRequest(id: 4, [.integer(6, 8)]),
        ]
        for request in requests { XCTAssertNotNil(client.exchange(request, port: h.port)) }
        usleep(500_000)  // let dumpcap write the last frames
        tshark.interrupt()
        tshark.waitUntilExit()

        let decoded = try runTool("tshark", [
            "-r", capture.path, "-d", "udp.port==\(h.port),radius",
            "-o", "radius.shared_secret:\(DASHarness.secret)", "-o", "radius.validate_authenticator:TRUE",
            "-T", "fields", "-E", "separator=;",
            "-e", "radius.code", "-e", "radius.id", "-e", "radius.authenticator.valid", "-e", "radius.Error_Cause",
            "-e", "radius.Reply_Message", "-Y", "radius.rsp",
        ])
        XCTAssertEqual(decoded.status, 0, decoded.stderr)
        let rows = decoded.stdout.split(separator: "\n").map { $0.split(separator: ";", omittingEmptySubsequences: false).map(String.init) }
        let all = try runTool("tshark", ["-r", capture.path, "-d", "udp.port==\(h.port),radius"]).stdout
        XCTAssertEqual(rows.count, 4, decoded.stdout + all)
        guard rows.count == 4, rows.allSatisfy({ $0.count == 5 }) else { return }
        // The CoA names the session the first request ended: CoA-NAK 404, as a Disconnect's.
        XCTAssertEqual(rows.map { $0[0] }, ["41", "42", "45", "42"], decoded.stdout)
        XCTAssertEqual(rows.map { $0[1] }, ["1", "2", "3", "4"], decoded.stdout)
        for row in rows { XCTAssertTrue(["1", "True"].contains(row[2]), "authenticator not valid: \(row)") }
        XCTAssertEqual(rows.map { $0[3] }, ["", "404", "404", "401"], decoded.stdout)
        XCTAssertEqual(rows[1][4], "No Matching Session")
    }
}
