import Dispatch
import XCTest
import Device
import RADIUS
import Transport

/// A burst of requests read in one go: its replies may leave as segmentation-offload writes, yet
/// every client must still receive each reply as its own datagram, whole and correctly signed.
final class DASReplyBatchingTests: XCTestCase {
    private struct Sent {
        var request: [UInt8]
        var expected: RADIUSCode
    }

    func testABurstsRepliesArriveAsSeparateSignedDatagrams() throws {
        let h = try DASHarness()
        defer { h.shutdown() }
        let sessions = (0..<71).map { h.connect("burst\($0)", auditSessionId: "burst-\($0)") }
        let a = try UDPClient(), b = try UDPClient()

        // Client A: 65 ACKs (more than one segmented write holds), then NAK, ACK, NAK — replies of
        // other lengths, including a shorter one closing a batch. Client B: 5 ACKs.
        var toA: [UInt8: Sent] = [:], toB: [UInt8: Sent] = [:]
        func request(_ id: UInt8, _ audit: String, _ expected: RADIUSCode) -> Sent {
            Sent(request: signedRequest(id: id, [.ciscoAVPair("audit-session-id=" + audit)]), expected: expected)
        }
        for i in 0..<65 { toA[UInt8(i)] = request(UInt8(i), sessions[i].auditSessionId, .disconnectACK) }
        toA[65] = request(65, "no-such-session-1", .disconnectNAK)
        toA[66] = request(66, sessions[65].auditSessionId, .disconnectACK)
        toA[67] = request(67, "no-such-session-2", .disconnectNAK)
        for i in 0..<5 { toB[UInt8(i)] = request(UInt8(i), sessions[66 + i].auditSessionId, .disconnectACK) }

        // Hold the loop while the burst is queued, so the DAS reads it in as few reads as it can.
        let held = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        h.engine.eventLoop.execute {
            held.signal()
            release.wait()
        }
        held.wait()
        for (_, sent) in toA.sorted(by: { $0.key < $1.key }) { a.send(sent.request, to: h.port) }
        for (_, sent) in toB.sorted(by: { $0.key < $1.key }) { b.send(sent.request, to: h.port) }
        release.signal()

        for (client, sent, name) in [(a, toA, "A"), (b, toB, "B")] {
            var answered = Set<UInt8>()
            for _ in 0..<sent.count {
                let datagram = try XCTUnwrap(client.receive(), "client \(name) got \(answered.count) replies")
                let reply = try RADIUSPacket.decode(datagram)
                XCTAssertEqual(Int(datagram[2]) << 8 | Int(datagram[3]), datagram.count, "one reply per datagram")
                let request = try XCTUnwrap(sent[reply.identifier], "reply to an id never sent")
                XCTAssertTrue(answered.insert(reply.identifier).inserted, "one reply per request")
                XCTAssertEqual(reply.code, request.expected, "id \(reply.identifier)")
                XCTAssertTrue(RADIUSAuth.verifyResponseAuthenticator(
                    datagram, requestAuthenticator: Array(request.request[4..<20]), secret: DASHarness.secret))
            }
            XCTAssertEqual(answered.count, sent.count, "client \(name)")
        }
        XCTAssertEqual(h.sessionCount, 0)
        XCTAssertEqual(h.statistics.disconnectACKs, 71)
        XCTAssertEqual(h.statistics.disconnectNAKs, 2)

        let counters = try h.server.replyCounters().wait()
        XCTAssertEqual(counters.replies, 73)
        XCTAssertEqual(counters.refusedSegmentedWrites, 0)
        #if os(Linux)
        // Runs of equal replies to one client shared writes.
        XCTAssertLessThanOrEqual(counters.writes, 12, "\(counters)")
        #endif
    }
}
