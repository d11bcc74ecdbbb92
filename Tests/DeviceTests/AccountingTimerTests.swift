import XCTest
@testable import Device
import RADIUS

/// IOS timing: 5 s timeout, 3 retransmissions, fail-over through the group, with a manual clock.
final class AccountingTimerTests: XCTestCase {
    private func messages(_ lines: [String]) -> [String] {
        lines.map { line in
            // Debug lines carry ` IST: `, log lines (`service timestamps log` in UTC) end their stamp with `: %`.
            if let range = line.range(of: " IST: ") { return String(line[range.upperBound...]) }
            if let range = line.range(of: ": %") { return String(line[line.index(before: range.upperBound)...]) }
            return line
        }
    }

    func testManualSchedulerFiresInDueOrderAndMovesTheClock() {
        let time = ManualTimeSource(start: 100)
        let scheduler = ManualScheduler(time: time)
        var fired: [(String, Double)] = []
        scheduler.schedule(after: 2) { fired.append(("b", time.now())) }
        scheduler.schedule(after: 1) { fired.append(("a", time.now())) }
        let cancelled = scheduler.schedule(after: 1.5) { fired.append(("x", time.now())) }
        scheduler.schedule(after: 2) { fired.append(("c", time.now())) }
        cancelled.cancel()
        XCTAssertEqual(scheduler.pendingCount, 3)
        scheduler.advance(by: 1.9)
        XCTAssertEqual(fired.map(\.0), ["a"])
        XCTAssertEqual(fired.first?.1, 101)
        XCTAssertEqual(time.now(), 101.9, accuracy: 1e-9)
        scheduler.advance(by: 10)
        XCTAssertEqual(fired.map(\.0), ["a", "b", "c"])
        XCTAssertEqual(fired.last?.1, 102)
        XCTAssertEqual(time.now(), 111.9, accuracy: 1e-9)
        XCTAssertEqual(scheduler.pendingCount, 0)
        // A timer scheduled from a firing timer that is already due runs in the same advance.
        scheduler.schedule(after: 1) { scheduler.schedule(after: 0) { fired.append(("d", time.now())) } }
        scheduler.advance(by: 1)
        XCTAssertEqual(fired.last?.0, "d")
    }

    /// In-order timers (a FIFO) and out-of-order ones (a heap) come out merged in due order, ties
    /// in scheduling order, cancelled ones never, across many compactions of the FIFO.
    func testTimerQueueTakesInDueOrderWhateverOrderTimersCameIn() {
        var queue = TimerQueue<Int>()
        let random = SeededRandom(seed: 7)
        var expected: [(due: Int, order: Int)] = []
        var taken: [Int] = []
        var order = 0
        var clock = 0
        for round in 0..<20_000 {
            clock += Int(random.next() % 3)
            // Mostly the same delay from a forward clock; every fifth out of order, some cancelled.
            let due = round % 5 == 0 ? clock + Int(random.next() % 50) : clock + 30
            order += 1
            let mine = order
            let entry = queue.add(due: due) { taken.append(mine) }
            if random.next() % 4 == 0 { entry.cancel() } else { expected.append((due, mine)) }
            if round % 7 == 0, let (_, body) = queue.takeDue(by: clock) { body() }
        }
        while let (_, body) = queue.takeDue(by: Int.max) { body() }
        XCTAssertEqual(queue.nextDue(), nil)
        XCTAssertEqual(Set(taken), Set(expected.map(\.order)))
        XCTAssertEqual(taken.count, expected.count)
        // Every timer is due no earlier than the clock it was added at, so what a take returns is
        // never preceded by a later timer: the whole sequence is in (due, scheduling) order.
        let dueOf = Dictionary(uniqueKeysWithValues: expected.map { ($0.order, $0.due) })
        XCTAssertTrue(zip(taken, taken.dropFirst()).allSatisfy { (dueOf[$0]!, $0) < (dueOf[$1]!, $1) })
        // Taken only at the end, everything is in exact order.
        var second = TimerQueue<Int>()
        var seen: [(Int, Int)] = []
        for i in 0..<5_000 {
            let due = i % 3 == 0 ? Int(random.next() % 1000) : 1000 + i / 2
            second.add(due: due) { seen.append((due, i)) }
        }
        while let (_, body) = second.takeDue(by: Int.max) { body() }
        XCTAssertEqual(seen.count, 5_000)
        XCTAssertTrue(zip(seen, seen.dropFirst()).allSatisfy { $0 < $1 })
    }

    /// Request timeouts share one timer: due ones run in due order (a shorter `timeout` sorted in
    /// ahead), a transmission answered or sent again since is skipped, and a handler that sends
    /// again is timed from then.
    func testRequestTimeoutsRunDueOnesInOrderAndSkipStaleOnes() {
        final class Request: TimedRADIUSRequest {
            let name: String
            var transmissions: UInt32 = 1
            init(_ name: String) { self.name = name }
        }
        let time = ManualTimeSource(start: 0)
        let scheduler = ManualScheduler(time: time)
        var fired: [(String, Double)] = []
        var timeouts: RequestTimeouts<Request>!
        timeouts = RequestTimeouts { request in
            fired.append((request.name, time.now()))
            if request.name == "a", request.transmissions < 3 {
                request.transmissions += 1
                timeouts.add(request, after: 5, on: scheduler)
            }
        }
        let a = Request("a"), b = Request("b"), c = Request("c"), d = Request("d")
        timeouts.add(a, after: 5, on: scheduler)                    // due 5, 10, 15
        scheduler.advance(to: 1)
        timeouts.add(b, after: 5, on: scheduler)                    // due 6, answered at 3
        scheduler.advance(to: 2)
        timeouts.add(c, after: 1, on: scheduler)                    // due 3: sorted in ahead of a and b
        timeouts.add(d, after: 5, on: scheduler)                    // due 7
        scheduler.advance(to: 3)
        b.transmissions += 1
        scheduler.advance(to: 100)
        XCTAssertEqual(fired.map(\.0), ["c", "a", "d", "a", "a"])
        XCTAssertEqual(fired.map(\.1), [3, 5, 7, 10, 15])
        XCTAssertEqual(timeouts.count, 0)
        XCTAssertEqual(scheduler.pendingCount, 0)
        // An answered request at the front leaves when the next is added: the FIFO holds about
        // the requests still waiting.
        let e = Request("e"), g = Request("g")
        timeouts.add(e, after: 5, on: scheduler)
        e.transmissions += 1
        timeouts.add(g, after: 5, on: scheduler)
        XCTAssertEqual(timeouts.count, 1)
        // A scheduler replaced while a timeout waits: the next one is armed on the new scheduler.
        let replacement = ManualScheduler(time: time)
        let h = Request("h")
        timeouts.add(h, after: 1, on: replacement)
        replacement.advance(to: time.now() + 1)
        XCTAssertEqual(fired.last?.0, "h")
        XCTAssertEqual(scheduler.pendingCount, 0)
    }

    func testSilentServerIsRetransmittedThreeTimesThenGivenUp() {
        let f = AccountingFixture()
        f.device.accounting.labPeers.behaviours[AccountingFixture.labPeer] = .silent
        f.device.accounting.nextIdentifier = 231
        f.connectSeedSession()
        _ = f.console.take()
        f.scheduler.advance(by: 4.999)
        XCTAssertEqual(f.console.take(), [])
        f.scheduler.advance(by: 0.001)
        XCTAssertEqual(messages(f.console.take()), [
            "RADIUS(0000002C): Request timed out!",
            "RADIUS: Retransmit to (9.45.15.144:1812,1813) for id 1646/231",
            "RADIUS(0000002C): Started 5 sec timeout",
        ])
        f.scheduler.advance(by: 10)
        XCTAssertEqual(messages(f.console.take()).filter { $0.hasPrefix("RADIUS: Retransmit") }.count, 2)
        f.scheduler.advance(by: 5)
        XCTAssertEqual(messages(f.console.take()), [
            "RADIUS(0000002C): Request timed out!",
            "RADIUS: No response from (9.45.15.144:1812,1813) for id 1646/231",
            "RADIUS: No response from server",
            "%RADIUS-4-RADIUS_DEAD: RADIUS server 9.45.15.144:1812,1813 is not responding.",
            "%RADIUS-4-RADIUS_ALIVE: RADIUS server 9.45.15.144:1812,1813 is being marked alive.",
        ])
        XCTAssertEqual(f.device.accounting.labPeers.startsReceived, 4)
        let stats = f.device.accounting.statistics(server: "RAD1", now: f.device.now)
        XCTAssertEqual(stats.requests, 1)
        XCTAssertEqual(stats.retransmissions, 3)
        XCTAssertEqual(stats.timeouts, 4)
        XCTAssertEqual(stats.transactionFailures, 1)
        XCTAssertEqual(stats.deadCount, 1)
        XCTAssertEqual(stats.aliveSince, f.device.now)
        XCTAssertEqual(stats.outstanding, 0)
        XCTAssertEqual(f.device.accounting.outstandingRequests, 0)
        XCTAssertEqual(f.scheduler.pendingCount, 0)
        // Every transmission carried the same bytes.
        let sent = f.device.accounting.labPeers.recent.map(\.packet)
        XCTAssertEqual(Set(sent.map { $0.encode() }).count, 1)
    }

    func testFailOverToTheGroupsNextServerWithTheSameIdentifierAndItsOwnKey() throws {
        let f = AccountingFixture(servers: [("RAD1", "9.45.15.144", "key-one"), ("RAD2", "9.45.15.145", "key-two")])
        f.device.accounting.retransmits = 1
        f.device.accounting.labPeers.behaviours[AccountingFixture.labPeer] = .silent
        f.device.accounting.nextIdentifier = 7
        f.connectSeedSession()
        _ = f.console.take()
        f.scheduler.advance(by: 5)
        XCTAssertEqual(messages(f.console.take()).dropFirst().first, "RADIUS: Retransmit to (9.45.15.144:1812,1813) for id 1646/7")
        f.scheduler.advance(by: 5)
        XCTAssertEqual(messages(f.console.take()), [
            "RADIUS(0000002C): Request timed out!",
            "RADIUS: Fail-over to (9.45.15.145:1812,1813) for id 1646/7",
            "RADIUS(0000002C): Started 5 sec timeout",
            "%RADIUS-4-RADIUS_DEAD: RADIUS server 9.45.15.144:1812,1813 is not responding.",
            "%RADIUS-4-RADIUS_ALIVE: RADIUS server 9.45.15.144:1812,1813 is being marked alive.",
        ])
        XCTAssertEqual(f.device.accounting.statistics(server: "RAD1", now: f.device.now).deadCount, 1)
        XCTAssertEqual(f.device.accounting.statistics(server: "RAD2", now: f.device.now).deadCount, 0)
        let failedOver = try XCTUnwrap(f.device.accounting.labPeers.recent.last)
        XCTAssertEqual(failedOver.peer, IPv4Address(9, 45, 15, 145))
        XCTAssertEqual(failedOver.packet.identifier, 7)
        XCTAssertTrue(RADIUSAuth.verifyRequestAuthenticator(failedOver.packet.encode(), secret: "key-two"))
        f.scheduler.advance(by: 0.002)
        XCTAssertEqual(messages(f.console.take()).first,
                       "RADIUS: Received from id 1646/7 9.45.15.145:1813, Accounting-response, len 20")
        let one = f.device.accounting.statistics(server: "RAD1", now: f.device.now)
        let two = f.device.accounting.statistics(server: "RAD2", now: f.device.now)
        XCTAssertEqual([one.requests, one.retransmissions, one.timeouts, one.failovers, one.outstanding], [1, 1, 2, 1, 0])
        XCTAssertEqual([two.requests, two.startResponses, two.transactionSuccesses, two.outstanding], [1, 1, 1, 0])
        f.scheduler.advance(by: 30)
        XCTAssertEqual(f.console.take(), [])
    }

    func testResponseWithBadAuthenticatorIsCountedAndTheRequestKeepsWaiting() {
        let f = AccountingFixture()
        f.device.accounting.labPeers.behaviours[AccountingFixture.labPeer] = .badAuthenticator
        f.device.accounting.nextIdentifier = 9
        f.connectSeedSession()
        _ = f.console.take()
        f.scheduler.advance(by: 0.002)
        XCTAssertEqual(messages(f.console.take()).suffix(2), [
            "RADIUS: response-authenticator decrypt fail, pak len 20",
            "RADIUS: Response (9) failed decrypt",
        ])
        XCTAssertEqual(f.device.accounting.statistics(server: "RAD1", now: f.device.now).badAuthenticators, 1)
        XCTAssertEqual(f.device.accounting.outstandingRequests, 1)
        // The peer now answers properly: the retransmission completes the request.
        f.device.accounting.labPeers.behaviours[AccountingFixture.labPeer] = .respond
        f.scheduler.advance(by: 5)
        f.scheduler.advance(by: 0.002)
        XCTAssertEqual(f.device.accounting.outstandingRequests, 0)
        XCTAssertEqual(f.device.accounting.statistics(server: "RAD1", now: f.device.now).transactionSuccesses, 1)
    }

    /// `address ipv4 A.B.C.D` without ports: accounting goes to IOS's default, 1646.
    func testServerWithoutPortsGetsAccountingOnIOSDefaultPort() throws {
        let f = AccountingFixture(servers: [("LOCAL", "127.0.0.1", "testing123")])
        f.device.config.radiusServers[0] = {
            var server = RadiusServerConfig(name: "LOCAL")
            server.address = "127.0.0.1"
            server.key = ConfigSecret(plain: "testing123")
            return server
        }()
        f.connectSeedSession()
        XCTAssertEqual(try XCTUnwrap(f.transport.sent.first).port, 1646)
    }

    func testLoopbackServerGoesThroughTheTransportAndRepliesAreMatched() throws {
        let f = AccountingFixture(servers: [("LOCAL", "127.0.0.1", "testing123")])
        f.device.accounting.nextIdentifier = 42
        f.connectSeedSession()
        XCTAssertEqual(f.device.accounting.labPeers.startsReceived, 0)
        let sent = try XCTUnwrap(f.transport.sent.first)
        XCTAssertEqual(f.transport.sent.count, 1)
        XCTAssertEqual(sent.address, IPv4Address(127, 0, 0, 1))
        XCTAssertEqual(sent.port, 1813)
        XCTAssertEqual(sent.sourcePort, 1646)
        let request = try RADIUSPacket.decode(sent.bytes)
        XCTAssertEqual(request.identifier, 42)
        var reply = RADIUSPacket(code: .accountingResponse, identifier: 42)
        let good = RADIUSAuth.signReply(&reply, requestAuthenticator: request.authenticator, secret: "testing123")
        // From the wrong port, or a wrong identifier: unexpected, ignored.
        f.device.handleAccountingResponse(good, from: IPv4Address(127, 0, 0, 1), port: 1812)
        var other = RADIUSPacket(code: .accountingResponse, identifier: 43)
        f.device.handleAccountingResponse(RADIUSAuth.signReply(&other, requestAuthenticator: request.authenticator,
                                                               secret: "testing123"),
                                          from: IPv4Address(127, 0, 0, 1), port: 1813)
        // Truncated: malformed.
        f.device.handleAccountingResponse(Array(good.prefix(10)), from: IPv4Address(127, 0, 0, 1), port: 1813)
        XCTAssertEqual(f.device.accounting.outstandingRequests, 1)
        f.device.handleAccountingResponse(good, from: IPv4Address(127, 0, 0, 1), port: 1813)
        XCTAssertEqual(f.device.accounting.outstandingRequests, 0)
        let stats = f.device.accounting.statistics(server: "LOCAL", now: f.device.now)
        XCTAssertEqual([stats.unexpectedResponses, stats.malformedResponses, stats.transactionSuccesses], [2, 1, 1])
        // A duplicate of the reply is now unexpected too.
        f.device.handleAccountingResponse(good, from: IPv4Address(127, 0, 0, 1), port: 1813)
        XCTAssertEqual(f.device.accounting.statistics(server: "LOCAL", now: f.device.now).unexpectedResponses, 3)
    }

    func testWithoutASchedulerLabRepliesArriveAtOnceAndNothingIsRetransmitted() {
        let f = AccountingFixture(scheduler: false)
        f.device.accounting.nextIdentifier = 1
        f.connectSeedSession()
        let lines = messages(f.console.take())
        XCTAssertEqual(lines.count, 23)
        XCTAssertEqual(lines[20], "RADIUS(0000002C): Started 5 sec timeout")
        XCTAssertEqual(lines[21], "RADIUS: Received from id 1646/1 9.45.15.144:1813, Accounting-response, len 20")
        XCTAssertEqual(f.device.accounting.outstandingRequests, 0)
    }

    func testMoreThan256RequestsWaitForFreeIdentifiers() {
        let f = AccountingFixture()
        f.device.debug.radius = false
        for i in 0..<600 {
            f.device.connectSession(userName: "user\(i)", peer: IPv4Address(10, 1, UInt8(i / 250), UInt8(i % 250 + 1)))
        }
        XCTAssertEqual(f.device.accounting.outstandingRequests, 256)
        XCTAssertEqual(f.device.accounting.queuedRequests, 344)
        XCTAssertEqual(f.device.accounting.labPeers.startsReceived, 256)
        f.scheduler.advance(by: 0.002)
        XCTAssertEqual(f.device.accounting.labPeers.startsReceived, 512)
        f.scheduler.advance(by: 0.01)
        XCTAssertEqual(f.device.accounting.outstandingRequests, 0)
        XCTAssertEqual(f.device.accounting.queuedRequests, 0)
        XCTAssertEqual(f.device.accounting.statistics(server: "RAD1", now: f.device.now).transactionSuccesses, 600)
        // Identifiers in flight were always distinct: every request got its own reply.
        XCTAssertEqual(f.device.accounting.statistics(server: "RAD1", now: f.device.now).unexpectedResponses, 0)
        // Clearing them all sends 600 Stops without nesting.
        let cleared = f.device.clearCryptoSessions()
        XCTAssertEqual(cleared.count, 600)
        f.scheduler.advance(by: 1)
        XCTAssertEqual(f.device.accounting.labPeers.stopsReceived, 600)
        XCTAssertEqual(f.device.accounting.statistics(server: "RAD1", now: f.device.now).stopResponses, 600)
    }

    func testClearCryptoSessionSendsStopWithIKEv2Lines() {
        let f = AccountingFixture()
        f.device.debug.cryptoIkev2 = true
        let session = f.connectSeedSession()
        f.scheduler.advance(by: 0.01)
        f.scheduler.advance(by: 56)
        _ = f.console.take()
        f.device.clearCryptoSessions()
        let lines = messages(f.console.take())
        XCTAssertEqual(lines.first, "IKEv2:(SESSION ID = \(session.ikev2SessionId),SA ID = \(session.saId)):Check for existing active SA")
        XCTAssertTrue(lines.contains("RADIUS/ENCODE(0000002C):Orig. component type = VPN IPSEC"))
        XCTAssertTrue(lines.contains { $0.hasPrefix("RADIUS:  Acct-Session-Time   [46] 6  56 ") })
        XCTAssertTrue(lines.contains { $0.hasPrefix("RADIUS:  Acct-Status-Type    [40] 6  Stop ") })
        XCTAssertNil(f.device.accounting.record(uniqueId: session.uniqueId))
    }

    func testNoAccountingListMeansNoRequestsButIKEv2LinesWithoutTheStopLine() {
        let f = AccountingFixture()
        f.device.config.accountingNetwork = []
        f.device.debug.cryptoIkev2 = true
        let session = f.device.connectSession(userName: "u")
        XCTAssertNil(f.device.accounting.record(uniqueId: session.uniqueId))
        XCTAssertEqual(f.console.take(), [])
        f.device.clearCryptoSessions()
        let lines = messages(f.console.take())
        XCTAssertEqual(lines.count, 4)
        XCTAssertFalse(lines.contains { $0.contains("Accounting stop request") })
        XCTAssertEqual(f.device.accounting.labPeers.startsReceived + f.device.accounting.labPeers.stopsReceived, 0)
    }

    func testServerWithoutKeyOrAddressIsSkipped() {
        let f = AccountingFixture(servers: [("NOKEY", "9.45.15.150", ""), ("RAD1", "9.45.15.144", "k")])
        f.device.config.radiusServers[0].key = nil
        f.device.config.radiusServers.append(RadiusServerConfig(name: "NOADDR"))
        f.device.config.radiusGroups[0].serverNames.insert("NOADDR", at: 0)
        XCTAssertEqual(f.device.accountingServers(for: f.device.config.accountingNetwork[0]).map(\.name), ["RAD1"])
        // `group radius` means every server.
        XCTAssertEqual(f.device.accountingServers(for: AAAMethodList(name: "x", methods: [.group("radius")])).map(\.name),
                       ["RAD1"])
    }

    /// The servers of a list are kept between records, and forgotten when the config changes: a
    /// new key, address or group member counts from the next record on.
    func testServerListsFollowConfigChanges() {
        let f = AccountingFixture(servers: [("RAD1", "9.45.15.144", "k1"), ("RAD2", "9.45.15.150", "k2")])
        let list = f.device.config.accountingNetwork[0]
        XCTAssertEqual(f.device.accountingServers(for: list).map(\.name), ["RAD1", "RAD2"])
        f.device.config.radiusServers[0].key = ConfigSecret(plain: "new")
        f.device.config.radiusServers[1].address = "9.45.15.151"
        let changed = f.device.accountingServers(for: list)
        XCTAssertEqual(changed.map(\.secret), [Array("new".utf8), Array("k2".utf8)])
        XCTAssertEqual(changed.map(\.address), [IPv4Address(9, 45, 15, 144), IPv4Address(9, 45, 15, 151)])
        f.device.config.radiusGroups[0].serverNames.removeFirst()
        XCTAssertEqual(f.device.accountingServers(for: list).map(\.name), ["RAD2"])
        // An authorization list with the same name but other methods has its own servers.
        XCTAssertEqual(f.device.accountingServers(for: AAAMethodList(name: list.name, methods: [.local])).map(\.name), [])

        // A Start sent after the key and address changed goes to the new address, signed with the new key.
        f.device.config.radiusGroups[0].serverNames = ["RAD1"]
        f.device.config.radiusServers[0].address = "127.0.0.1"
        _ = f.device.connectSession(userName: "u")
        guard let start = f.transport.sent.last else { return XCTFail("no Start sent") }
        XCTAssertEqual(start.address, IPv4Address(127, 0, 0, 1))
        XCTAssertTrue(RADIUSAuth.verifyRequestAuthenticator(start.bytes, secret: "new"))
        XCTAssertFalse(RADIUSAuth.verifyRequestAuthenticator(start.bytes, secret: "k1"))
    }
}
