import XCTest
import Device
import RADIUS

/// Queues and caches that outside input can grow hold to their documented bound and the router
/// keeps serving when they are full (issue 13, "State that survives faults").
final class BoundsTests: XCTestCase {
    /// A spoofed source (`ignore server-key`) floods the DAS with requests whose replies are as
    /// large as a reply can be (Proxy-State echoed): the cache holds at most its byte bound,
    /// drops the oldest, and a real client is still answered, its retransmission from the cache.
    func testRetransmissionCacheFilledWithLargestRepliesStaysWithinItsByteBound() throws {
        let f = DASFixture { $0.ignoreServerKey = true }
        let das = f.device.das
        XCTAssertEqual(das.retransmissionByteCapacity, 16 << 20)
        XCTAssertEqual(das.retransmissionCapacity, 65_536)
        // 15 Proxy-States of 253 octets and one of 128: a 4,020-octet request, a 4,065-octet NAK.
        let proxyStates = (0..<15).map { RADIUSAttribute(type: 33, value: [UInt8](repeating: UInt8($0), count: 253)) }
            + [RADIUSAttribute(type: 33, value: [UInt8](repeating: 0xEE, count: 128))]
        let spoofed = IPv4Address(9, 45, 15, 144)
        var replyBytes = 0
        var largest = 0
        let flood = 5_000
        var firstRequest: [UInt8] = []
        for i in 0..<flood {
            var packet = RADIUSPacket(code: .disconnectRequest, identifier: UInt8(truncatingIfNeeded: i),
                                      attributes: [audit("none-\(i)")] + proxyStates)
            // Any authenticator will do with `ignore server-key`: a flood needs no key.
            packet.authenticator = (0..<16).map { UInt8(truncatingIfNeeded: i >> ($0 % 4 * 8)) ^ UInt8($0) }
            let request = packet.encode()
            if i == 0 { firstRequest = request }
            let reply = try XCTUnwrap(f.send(request, from: spoofed, port: UInt16(10_000 + i % 50_000)))
            replyBytes += reply.count
            largest = max(largest, reply.count)
            XCTAssertLessThanOrEqual(das.cachedReplyBytes, das.retransmissionByteCapacity)
        }
        XCTAssertGreaterThan(largest, 4_000)
        XCTAssertGreaterThan(replyBytes, das.retransmissionByteCapacity, "the flood is larger than the bound")
        XCTAssertEqual(das.cachedReplyBytes / largest, das.retransmissionByteCapacity / largest,
                       "the cache is full: the newest replies fill it")
        XCTAssertLessThan(das.cachedReplies, flood)
        XCTAssertEqual(das.statistics.retransmissionCacheEvictions, flood - das.cachedReplies)

        // The oldest reply is gone: its retransmission is answered anew (a NAK, nothing cached).
        let answered = das.statistics.duplicatesAnswered
        _ = f.send(firstRequest, from: spoofed, port: 10_000)
        XCTAssertEqual(das.statistics.duplicatesAnswered, answered, "the oldest reply was evicted")

        // A real client is served, and its retransmission gets the cached ACK byte for byte.
        let session = f.device.connectSession(userName: "alice")
        let request = f.request(id: 9, [audit(session.auditSessionId)])
        let ack = try XCTUnwrap(f.exchange(request, port: 1_645))
        XCTAssertEqual(ack.code, .disconnectACK)
        XCTAssertTrue(f.device.sessions.isEmpty)
        XCTAssertEqual(f.send(request, port: 1_645), ack.encode())
        XCTAssertEqual(das.statistics.duplicatesAnswered, answered + 1)
        XCTAssertLessThanOrEqual(das.cachedReplyBytes, das.retransmissionByteCapacity)
    }

    /// The byte bound and the count bound each evict the oldest; a reply larger than the whole
    /// byte bound is answered but not cached.
    func testRetransmissionCacheByteBoundEvictsOldestFirst() throws {
        let f = DASFixture()
        let das = f.device.das
        // A NAK for one Proxy-State of 100 octets: 20 + 21 (Reply-Message) + 6 (Error-Cause) + 102.
        let state = RADIUSAttribute(type: 33, value: [UInt8](repeating: 7, count: 100))
        let requests = (1...4).map { f.request(id: UInt8($0), [audit("none"), state]) }
        let replySize = try XCTUnwrap(f.send(requests[0], port: 7)).count
        das.retransmissionByteCapacity = 3 * replySize
        for request in requests { _ = f.send(request, port: 7) }
        XCTAssertEqual(das.cachedReplies, 3)
        XCTAssertEqual(das.cachedReplyBytes, 3 * replySize)
        XCTAssertEqual(das.statistics.retransmissionCacheEvictions, 1)
        _ = f.send(requests[3], port: 7)
        XCTAssertEqual(das.statistics.duplicatesAnswered, 1, "the newest is cached")
        _ = f.send(requests[0], port: 7)
        XCTAssertEqual(das.statistics.duplicatesAnswered, 1, "the oldest was evicted")

        das.retransmissionByteCapacity = replySize - 1
        XCTAssertNotNil(f.send(requests[1], port: 8), "answered")
        XCTAssertEqual(das.cachedReplies, 0, "too large to cache")
        XCTAssertNotNil(f.send(requests[1], port: 8))
        XCTAssertEqual(das.statistics.duplicatesAnswered, 1)
    }

    /// The cache's slots grow with use, not with its bound: a new router holds 64; 1,000 replies
    /// in the window take 1,024 (every one still found after the ring moved them); past the count
    /// bound the ring stops at the bound and the oldest leave.
    func testRetransmissionCacheSlotsGrowWithUseUpToTheCountBound() throws {
        let f = DASFixture()
        let das = f.device.das
        XCTAssertEqual(das.cacheSlots, 64)
        das.retransmissionCapacity = 1_500
        XCTAssertEqual(das.cacheSlots, 64)
        let requests = (0..<2_000).map { f.request(id: UInt8(truncatingIfNeeded: $0), [audit("none-\($0)")]) }
        var replies: [[UInt8]] = []
        for (i, request) in requests.prefix(1_000).enumerated() {
            replies.append(try XCTUnwrap(f.send(request, port: UInt16(1_000 + i))))
        }
        XCTAssertEqual(das.cachedReplies, 1_000)
        XCTAssertEqual(das.cacheSlots, 1_024)
        for i in [0, 63, 64, 511, 999] {
            XCTAssertEqual(f.send(requests[i], port: UInt16(1_000 + i)), replies[i], "request \(i) from the cache")
        }
        XCTAssertEqual(das.statistics.duplicatesAnswered, 5)
        for (i, request) in requests.enumerated().dropFirst(1_000) { _ = f.send(request, port: UInt16(1_000 + i)) }
        XCTAssertEqual(das.cachedReplies, 1_500)
        XCTAssertEqual(das.cacheSlots, 1_500, "never past the bound")
        XCTAssertEqual(das.statistics.retransmissionCacheEvictions, 500)
        _ = f.send(requests[500], port: 1_500)
        XCTAssertEqual(das.statistics.duplicatesAnswered, 6, "the 501st is the oldest kept")
        // (Answered anew, the 500th is cached again, evicting the oldest.)
        _ = f.send(requests[499], port: 1_499)
        XCTAssertEqual(das.statistics.duplicatesAnswered, 6, "the oldest 500 left")
        das.clearRetransmissionCache()
        XCTAssertEqual(das.cacheSlots, 64)
    }

    /// A debug flood into a full log buffer: the buffer keeps the newest lines within its
    /// configured size, in order. With a buffer of 2 MB (about 25,000 lines) and 100,000 more
    /// lines, removing the oldest line by shifting every other one (the former array) would move
    /// about 30 GB; the ring drops it in place.
    func testLogBufferFloodKeepsNewestLinesWithinItsSize() {
        let device = Device(time: ManualTimeSource(), random: SeededRandom(seed: 1))
        device.config.timestampsDebug = nil
        let size = 2_000_000
        device.config.loggingBufferedSize = size
        let total = 125_000
        for i in 0..<total {
            device.debugLog("RADIUS(\(String(i, radix: 16))): flood line \(i) " + String(repeating: "x", count: 50))
            if i % 10_000 == 0 { XCTAssertLessThanOrEqual(device.logBufferBytes, size) }
        }
        XCTAssertLessThanOrEqual(device.logBufferBytes, size)
        XCTAssertEqual(device.logBufferBytes, device.logBuffer.reduce(0) { $0 + $1.utf8.count + 1 })
        let lastLength = device.logBuffer.last.map { $0.utf8.count + 1 } ?? 0
        XCTAssertGreaterThan(device.logBufferBytes + lastLength, size, "full: one more line would not fit")
        XCTAssertEqual(device.logBuffer.last, "RADIUS(\(String(total - 1, radix: 16))): flood line \(total - 1) "
                           + String(repeating: "x", count: 50))
        // Oldest first, consecutive, ending at the newest.
        let first = total - device.logBuffer.count
        XCTAssertGreaterThan(first, 0)
        for (offset, line) in device.logBuffer.enumerated() where offset % 997 == 0 {
            XCTAssertTrue(line.contains(" flood line \(first + offset) "), line)
        }
        XCTAssertEqual(device.bufferMessagesLogged, total)
    }

    /// A server at a loopback address that never answers while sessions keep coming: 256 records
    /// in flight (every identifier), then the queue fills to its bound; past it each new record is
    /// dropped (the newest), logged and counted, the queued ones keep their order, and the router
    /// keeps serving: once identifiers free up, the queue drains.
    func testPendingAccountingRecordsStopAtTheQueueBound() {
        let f = AccountingFixture(servers: [("LOCAL", "127.0.0.1", "k")], scheduler: false)
        f.device.debug.radius = false
        XCTAssertEqual(f.device.accounting.queueCapacity, 65_536)
        f.device.accounting.queueCapacity = 100
        for i in 0..<(256 + 100 + 40) { f.device.connectSession(userName: "u\(i)") }
        XCTAssertEqual(f.device.accounting.outstandingRequests, 256)
        XCTAssertEqual(f.device.accounting.queuedRequests, 100)
        XCTAssertEqual(f.device.accounting.droppedRecords, 40)
        XCTAssertEqual(f.transport.sent.count, 256, "only the records in flight went out")
        let drops = f.console.take().filter { $0.contains("%AAA-3-DROPACCTQUEUEEXCEEDED: accounting record dropped, "
                                                           + "output record queue full: ") }
        XCTAssertEqual(drops.count, 40)
        XCTAssertTrue(drops.first?.hasSuffix("-Start u356 127.0.0.1") ?? false, drops.first ?? "")
        XCTAssertEqual(f.device.sessions.count, 396, "the sessions themselves are all up")

        // Replies free identifiers: the queue drains in order, and new records are taken again.
        for sent in f.transport.sent.prefix(10) {
            var reply = RADIUSPacket(code: .accountingResponse, identifier: sent.bytes[1])
            let bytes = RADIUSAuth.signReply(&reply, requestAuthenticator: Array(sent.bytes[4..<20]), secret: "k")
            f.device.handleAccountingResponse(bytes, from: IPv4Address(127, 0, 0, 1), port: 1813)
        }
        XCTAssertEqual(f.device.accounting.queuedRequests, 90)
        XCTAssertEqual(f.transport.sent.count, 266)
        let next = try? RADIUSPacket.decode(f.transport.sent[256].bytes)
        XCTAssertEqual(next?.first(RADIUSAttributeType.userName)?.stringValue, "u256", "the oldest queued went first")
        f.device.connectSession(userName: "later")
        XCTAssertEqual(f.device.accounting.queuedRequests, 91)
        XCTAssertEqual(f.device.accounting.droppedRecords, 40)
    }

    /// A lab listening while a load runs (every command, DAS answer and Stop is an event): the
    /// event log keeps the newest 16,384, consecutive, discards the oldest in constant time, says
    /// so once with `%LAB-4-EVENTS_FULL`, and keeps recording.
    func testLabEventLogKeepsTheNewestEventsAtItsBoundAndSaysSoOnce() {
        let device = Device(time: ManualTimeSource(), random: SeededRandom(seed: 1))
        device.config.loggingBufferedSize = 100_000
        let log = device.labEvents
        XCTAssertEqual(log.capacity, 16_384)
        var heard = 0
        log.onEvent = { _ in heard += 1 }
        let total = 50_000
        for i in 0..<total {
            device.recordLabEvent(.command(text: "show clock \(i)", line: "vty\(i % 5)"))
            XCTAssertLessThanOrEqual(log.entries.count, log.capacity)
        }
        XCTAssertEqual(heard, total, "the lab hears every event, kept or not")
        XCTAssertEqual(log.entries.count, 16_384)
        XCTAssertEqual(log.discarded, total - 16_384)
        XCTAssertEqual(log.entries.first?.sequence, total - 16_384)
        XCTAssertEqual(log.entries.last?.event, .command(text: "show clock \(total - 1)", line: "vty4"))
        XCTAssertTrue(zip(log.entries, log.entries.dropFirst()).allSatisfy { $0.sequence + 1 == $1.sequence })
        let full = device.logBuffer.filter { $0.contains("%LAB-4-EVENTS_FULL") }
        XCTAssertEqual(full.count, 1, "said once, not per discarded event")
        XCTAssertTrue(full.first?.hasSuffix("%LAB-4-EVENTS_FULL: Lab event log full (16384 events), discarding the oldest") ?? false,
                      full.first ?? "")

        // A smaller bound trims at once; `lab reset` (removeAll) starts counting again and says so again.
        log.capacity = 10
        XCTAssertEqual(log.entries.count, 10)
        XCTAssertEqual(log.entries.last?.sequence, total - 1)
        log.removeAll()
        XCTAssertEqual(log.discarded, 0)
        for i in 0..<11 { device.recordLabEvent(.configured(line: "con\(i)")) }
        XCTAssertEqual(log.entries.count, 10)
        XCTAssertEqual(log.discarded, 1)
        XCTAssertEqual(device.logBuffer.filter { $0.contains("%LAB-4-EVENTS_FULL") }.count, 2)
    }
}
