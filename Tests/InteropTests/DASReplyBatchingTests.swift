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

    private typealias Burst = [(client: UDPClient, sent: [UInt8: Sent])]

    func testABurstsRepliesArriveAsSeparateSignedDatagrams() throws {
        let h = try DASHarness()
        defer { h.shutdown() }
        for (client, sent) in try sendBurst(h) {
            var answered = Set<UInt8>()
            for _ in 0..<sent.count {
                let datagram = try XCTUnwrap(client.receive(), "\(answered.count) of \(sent.count) replies")
                let reply = try RADIUSPacket.decode(datagram)
                XCTAssertEqual(Int(datagram[2]) << 8 | Int(datagram[3]), datagram.count, "one reply per datagram")
                let request = try XCTUnwrap(sent[reply.identifier], "reply to an id never sent")
                XCTAssertTrue(answered.insert(reply.identifier).inserted, "one reply per request")
                XCTAssertEqual(reply.code, request.expected, "id \(reply.identifier)")
                XCTAssertTrue(RADIUSAuth.verifyResponseAuthenticator(
                    datagram, requestAuthenticator: Array(request.request[4..<20]), secret: DASHarness.secret))
            }
        }
        XCTAssertEqual(h.sessionCount, 0)
        XCTAssertEqual(h.statistics.disconnectACKs, 71)
        XCTAssertEqual(h.statistics.disconnectNAKs, 2)
        let counters = try h.server.replyCounters().wait()
        XCTAssertEqual(counters.replies, 73)
        XCTAssertEqual(counters.refusedSegmentedWrites, 0)
        XCTAssertEqual(counters.reopened, 0)
        #if os(Linux)
        // Runs of equal replies to one client shared writes. However the kernel split the 73
        // datagrams into read bursts (one when nothing interferes; more on a loaded machine), each
        // burst costs at most one write per client for its ACK run, and the two NAKs with the ACK
        // between them and the 64-segment limit add at most five writes in all. One write per reply
        // (no batching) would exceed that unless nearly every burst held a single datagram.
        XCTAssertGreaterThanOrEqual(counters.readBursts, 1)
        XCTAssertLessThanOrEqual(counters.writes, 2 * counters.readBursts + 5, "\(counters)")
        XCTAssertLessThan(counters.writes, counters.replies, "\(counters)")
        #endif
    }

    #if os(Linux)
    /// With `SO_NO_CHECK` (UDP checksums off) Linux refuses segmented writes with EINVAL, as it does
    /// with EIO on IPsec routes, and SwiftNIO closes the socket. The DAS binds the same port again
    /// without offload, and the clients' retransmissions get the lost replies from the cache.
    func testARefusedSegmentedWriteCostsOnlyARetransmission() throws {
        let h = try DASHarness(extraSocketOptions: [(name: 11 /* SO_NO_CHECK */, value: 1)])
        defer { h.shutdown() }
        var unanswered: [(client: UDPClient, sent: Sent)] = []
        for (client, sent) in try sendBurst(h) {
            var replied = Set<UInt8>()
            while replied.count < sent.count, let datagram = client.receive(), datagram.count >= 2 {
                replied.insert(datagram[1])
            }
            unanswered += sent.filter { !replied.contains($0.key) }.map { (client, $0.value) }
        }
        XCTAssertFalse(unanswered.isEmpty, "the refused write's replies are lost")
        let counters = try h.server.replyCounters().wait()
        XCTAssertGreaterThanOrEqual(counters.refusedSegmentedWrites, 1, "\(counters)")
        XCTAssertEqual(counters.reopened, 1, "\(counters)")
        XCTAssertEqual(try h.server.settled().wait(), h.port, "the same port again")

        // Retransmissions (the same bytes) get the cached replies, a write each now.
        for (client, sent) in unanswered { client.send(sent.request, to: h.port) }
        for (client, sent) in unanswered {
            let datagram = try XCTUnwrap(client.receive(), "no reply to a retransmission")
            XCTAssertTrue(RADIUSAuth.verifyResponseAuthenticator(
                datagram, requestAuthenticator: Array(sent.request[4..<20]), secret: DASHarness.secret))
        }
        XCTAssertEqual(h.statistics.duplicatesAnswered, unanswered.count)
        XCTAssertEqual(h.statistics.disconnectACKs, 71, "each session disconnected once")
        let after = try h.server.replyCounters().wait()
        XCTAssertEqual(after.writes - counters.writes, unanswered.count, "\(after)")
        XCTAssertEqual(after.reopened, 1)
    }
    #endif

    /// Connects 71 sessions, then, while the loop is held so that the DAS reads them as a burst,
    /// sends 68 requests from client A — 65 ACKs (more than one segmented write holds), then NAK,
    /// ACK, NAK: replies of other lengths, a shorter one closing a batch — and 5 ACKs from client B.
    private func sendBurst(_ h: DASHarness) throws -> Burst {
        let sessions = (0..<71).map { h.connect("burst\($0)", auditSessionId: "burst-\($0)") }
        func request(_ id: UInt8, _ audit: String, _ expected: RADIUSCode) -> Sent {
            Sent(request: signedRequest(id: id, [.ciscoAVPair("audit-session-id=" + audit)]), expected: expected)
        }
        var toA: [UInt8: Sent] = [:], toB: [UInt8: Sent] = [:]
        for i in 0..<65 { toA[UInt8(i)] = request(UInt8(i), sessions[i].auditSessionId, .disconnectACK) }
        toA[65] = request(65, "no-such-session-1", .disconnectNAK)
        toA[66] = request(66, sessions[65].auditSessionId, .disconnectACK)
        toA[67] = request(67, "no-such-session-2", .disconnectNAK)
        for i in 0..<5 { toB[UInt8(i)] = request(UInt8(i), sessions[66 + i].auditSessionId, .disconnectACK) }
        let burst: Burst = [(try UDPClient(), toA), (try UDPClient(), toB)]

        let held = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        h.engine.eventLoop.execute {
            held.signal()
            release.wait()
        }
        held.wait()
        for (client, sent) in burst {
            for (_, s) in sent.sorted(by: { $0.key < $1.key }) { client.send(s.request, to: h.port) }
        }
        release.signal()
        return burst
    }
}
