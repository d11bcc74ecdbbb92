import XCTest
import Device
import RADIUS

final class SessionTableTests: XCTestCase {
    private func device(seed: UInt64 = 7) -> Device {
        Device(time: ManualTimeSource(start: 1_415_060_000), random: SeededRandom(seed: seed))
    }

    func testConnectAssignsIdsAndGeneratesSeedFormatIdentifiers() {
        let d = device()
        let peer = IPv4Address(192, 168, 202, 2)
        let a = d.connectSession(userName: "pskuser1.g1.engdt.com", peer: peer)
        let b = d.connectSession(userName: "pskuser2.g1.engdt.com", peer: peer)
        XCTAssertEqual(a.auditSessionId, "L2L433010101ZO2L4C0A8CA02ZH11941194ZN01")
        XCTAssertEqual(b.auditSessionId, "L2L433010101ZO2L4C0A8CA02ZH11941194ZN02")
        XCTAssertEqual([a.sessionId, b.sessionId], [1, 2])
        XCTAssertEqual([a.uniqueId, b.uniqueId], [1, 2])
        XCTAssertEqual([a.acctSessionIdText, b.acctSessionIdText], ["00000001", "00000002"])
        XCTAssertEqual(a.callingStationId, "192.168.202.2")
        XCTAssertEqual(a.local, IPv4Address(51, 1, 1, 1))
        XCTAssertEqual(a.startTime, 1_415_060_000)
        for key in [a.serverKeyText, b.serverKeyText] {
            XCTAssertEqual(key.count, 8)
            XCTAssertTrue(key.allSatisfy { "0123456789ABCDEF".contains($0) }, key)
        }
        XCTAssertNotEqual(a.serverKey, b.serverKey)
        XCTAssertEqual(d.sessions.totalSinceReload, 2)
        XCTAssertEqual(d.sessions.count, 2)
        // An AAA unique id drawn by someone else (accounting) moves the next session's Unique Id on.
        _ = d.sessions.allocateUniqueId()
        let c = d.connectSession(userName: nil, auditSessionId: "given")
        XCTAssertEqual(c.sessionId, 3)
        XCTAssertEqual(c.uniqueId, 4)
        XCTAssertEqual(c.auditSessionId, "given")
        XCTAssertEqual(c.peer, Device.defaultSessionPeer)
    }

    func testAuditSessionIdFormatMatchesSeed() {
        let id = Session.auditSessionId(local: IPv4Address(51, 1, 1, 1), peer: IPv4Address(192, 168, 202, 2),
                                        counter: 0x3A)
        XCTAssertEqual(id, "L2L433010101ZO2L4C0A8CA02ZH11941194ZN3A")
        XCTAssertEqual(Session.auditSessionId(local: .any, peer: .any, counter: 0x1A2).suffix(5), "ZN1A2")
    }

    func testServerKeysComeFromTheRandomSource() {
        let k1 = device(seed: 1).connectSession(userName: "u").serverKey
        let k1again = device(seed: 1).connectSession(userName: "u").serverKey
        let k2 = device(seed: 2).connectSession(userName: "u").serverKey
        XCTAssertEqual(k1, k1again)
        XCTAssertNotEqual(k1, k2)
    }

    func testLookupByEveryIdentifierAndRemoval() {
        let d = device()
        let framed = IPv4Address(10, 0, 0, 5)
        let s = d.connectSession(userName: "alice", peer: IPv4Address(192, 168, 202, 9), framedIP: framed)
        let other = d.connectSession(userName: "bob", peer: IPv4Address(192, 168, 202, 10))
        let t = d.sessions
        XCTAssertEqual(t[uniqueId: s.uniqueId], s)
        XCTAssertEqual(t.sessions(auditSessionId: s.auditSessionId), [s])
        XCTAssertEqual(t.sessions(userName: "alice"), [s])
        XCTAssertEqual(t.session(acctSessionId: s.acctSessionId), s)
        XCTAssertEqual(t.sessions(framedIP: framed), [s])
        XCTAssertEqual(t.sessions(peer: IPv4Address(192, 168, 202, 9)), [s])
        XCTAssertEqual(t.session(serverKey: s.serverKey), s)
        XCTAssertEqual(t.session(sessionId: s.sessionId), s)

        XCTAssertEqual(t.remove(uniqueId: s.uniqueId), s)
        XCTAssertNil(t[uniqueId: s.uniqueId])
        XCTAssertEqual(t.sessions(auditSessionId: s.auditSessionId), [])
        XCTAssertEqual(t.sessions(userName: "alice"), [])
        XCTAssertNil(t.session(acctSessionId: s.acctSessionId))
        XCTAssertEqual(t.sessions(framedIP: framed), [])
        XCTAssertEqual(t.sessions(peer: IPv4Address(192, 168, 202, 9)), [])
        XCTAssertNil(t.session(serverKey: s.serverKey))
        XCTAssertNil(t.remove(uniqueId: s.uniqueId))
        XCTAssertEqual(t.all, [other])
        XCTAssertEqual(t.totalSinceReload, 2)
    }

    func testSharedKeysChainAndUnlinkInAnyOrder() {
        let d = device()
        let peer = IPv4Address(192, 168, 202, 2)
        let s = (0..<5).map { _ in d.connectSession(userName: "shared", peer: peer) }
        XCTAssertEqual(d.sessions.sessions(userName: "shared"), s)
        d.sessions.remove(uniqueId: s[2].uniqueId)  // middle
        d.sessions.remove(uniqueId: s[4].uniqueId)  // head (newest)
        d.sessions.remove(uniqueId: s[0].uniqueId)  // tail (oldest)
        XCTAssertEqual(d.sessions.sessions(userName: "shared"), [s[1], s[3]])
        XCTAssertEqual(d.sessions.sessions(peer: peer), [s[1], s[3]])
        // A reused slot joins its chains afresh.
        let n = d.connectSession(userName: "shared", peer: peer)
        XCTAssertEqual(d.sessions.sessions(userName: "shared"), [s[1], s[3], n])
    }

    func testListingStaysInSessionIdOrderAcrossSlotReuseAndCompaction() {
        let d = device()
        var live: [UInt32: Session] = [:]
        let generator = SeededRandom(seed: 99)
        for round in 0..<6000 {
            if live.isEmpty || generator.next() % 3 != 0 {
                let s = d.connectSession(userName: "user\(round % 50)", peer: IPv4Address(rawValue: UInt32(round % 7)),
                                         framedIP: round % 2 == 0 ? IPv4Address(rawValue: UInt32(round % 11)) : nil)
                live[s.uniqueId] = s
            } else {
                let keys = Array(live.keys)
                let victim = keys[Int(generator.next() % UInt64(keys.count))]
                XCTAssertEqual(d.sessions.remove(uniqueId: victim), live.removeValue(forKey: victim))
            }
        }
        let listed = d.sessions.all
        XCTAssertEqual(listed.map(\.sessionId), live.values.map(\.sessionId).sorted())
        XCTAssertEqual(d.sessions.count, live.count)
        // Every index agrees with a brute-force search of the survivors.
        for name in (0..<50).map({ "user\($0)" }) {
            XCTAssertEqual(d.sessions.sessions(userName: name), listed.filter { $0.userName == name })
        }
        for p in 0..<7 {
            let peer = IPv4Address(rawValue: UInt32(p))
            XCTAssertEqual(d.sessions.sessions(peer: peer), listed.filter { $0.peer == peer })
        }
        for f in 0..<11 {
            let framed = IPv4Address(rawValue: UInt32(f))
            XCTAssertEqual(d.sessions.sessions(framedIP: framed), listed.filter { $0.framedIP == framed })
        }
        for s in listed {
            XCTAssertEqual(d.sessions.session(serverKey: s.serverKey), s)
            XCTAssertEqual(d.sessions.session(acctSessionId: s.acctSessionId), s)
        }
    }

    func testClearCryptoSessions() {
        let d = device()
        let p1 = IPv4Address(192, 168, 202, 2), p2 = IPv4Address(192, 168, 202, 3)
        let a = d.connectSession(userName: "a", peer: p1)
        let b = d.connectSession(userName: "b", peer: p2)
        let c = d.connectSession(userName: "c", peer: p1)
        var heard: [([Session], SessionEndCause)] = []
        d.onSessionsDisconnected = { heard.append(($0, $1)) }
        XCTAssertEqual(d.clearCryptoSessions(remote: p1), [a, c])
        XCTAssertEqual(d.sessions.all, [b])
        XCTAssertEqual(d.clearCryptoSessions(remote: p1), [])
        XCTAssertEqual(d.clearCryptoSessions(), [b])
        XCTAssertTrue(d.sessions.isEmpty)
        XCTAssertEqual(heard.map(\.0), [[a, c], [b]])
        XCTAssertEqual(heard.map(\.1), [.clearCommand, .clearCommand])
        XCTAssertEqual(d.sessions.totalSinceReload, 3)
        // Ids keep counting after a clear.
        XCTAssertEqual(d.connectSession(userName: "d").sessionId, 4)
    }

    func testShowAAASessionsFormat() {
        let d = device()
        d.connectSession(userName: nil)
        d.connectSession(userName: "pskuser2.g1.engdt.com", framedIP: IPv4Address(10, 1, 1, 2))
        let gone = d.connectSession(userName: "gone")
        d.sessions.remove(uniqueId: gone.uniqueId)
        d.connectSession(userName: "pskuser4.g2.engdt.com")
        var out: [String] = []
        d.renderAAASessions { out.append($0) }
        XCTAssertEqual(out, [
            "Total sessions since last reload: 4",
            "Session Id: 1",
            "   Unique Id: 1",
            "   User Name: *not available*",
            "   IP Address: 0.0.0.0",
            "   Idle Time: 0",
            "   CT Call Handle: 0",
            "Session Id: 2",
            "   Unique Id: 2",
            "   User Name: pskuser2.g1.engdt.com",
            "   IP Address: 10.1.1.2",
            "   Idle Time: 0",
            "   CT Call Handle: 0",
            "Session Id: 4",
            "   Unique Id: 4",
            "   User Name: pskuser4.g2.engdt.com",
            "   IP Address: 0.0.0.0",
            "   Idle Time: 0",
            "   CT Call Handle: 0",
        ])
    }

    /// Heavy churn on a table kept near one size: index runs grow, shrink and shift on every
    /// removal; every key must still find exactly its sessions.
    func testIndexesSurviveLongChurnAtSteadySize() {
        let table = SessionTable()
        let random = SeededRandom(seed: 5)
        var live: [UInt32: Session] = [:]
        var keys = Set<UInt32>()
        for round in 0..<40_000 {
            if live.count < 3000 || random.next() % 2 == 0 {
                var key = UInt32(truncatingIfNeeded: random.next())
                while keys.contains(key) { key = UInt32(truncatingIfNeeded: random.next()) }
                keys.insert(key)
                let n = Int(random.next() % 400)
                let s = table.add(userName: n % 3 == 0 ? nil : "user\(n)", peer: IPv4Address(rawValue: UInt32(n % 97)),
                                  local: IPv4Address(51, 1, 1, 1),
                                  framedIP: n % 2 == 0 ? IPv4Address(rawValue: UInt32(n)) : nil,
                                  auditSessionId: "audit-\(round % 5000)", serverKey: key, startTime: 0)
                live[s.uniqueId] = s
            } else {
                let victim = live.keys[live.index(live.startIndex, offsetBy: Int(random.next() % UInt64(live.count)))]
                let removed = table.remove(uniqueId: victim)
                XCTAssertEqual(removed, live.removeValue(forKey: victim))
                if let removed { keys.remove(removed.serverKey) }
            }
        }
        let survivors = live.values.sorted { $0.sessionId < $1.sessionId }
        XCTAssertEqual(table.all, survivors)
        for s in survivors.prefix(500) {
            XCTAssertEqual(table[uniqueId: s.uniqueId], s)
            XCTAssertEqual(table.session(serverKey: s.serverKey), s)
            XCTAssertEqual(table.session(acctSessionId: s.acctSessionId), s)
            XCTAssertEqual(table.sessions(auditSessionId: s.auditSessionId),
                           survivors.filter { $0.auditSessionId == s.auditSessionId })
            if let name = s.userName {
                XCTAssertEqual(table.sessions(userName: name), survivors.filter { $0.userName == name })
            }
            XCTAssertEqual(table.sessions(peer: s.peer), survivors.filter { $0.peer == s.peer })
            if let framed = s.framedIP {
                XCTAssertEqual(table.sessions(framedIP: framed), survivors.filter { $0.framedIP == framed })
            }
        }
        XCTAssertNil(table.session(serverKey: 0))
        XCTAssertEqual(table.sessions(userName: "nobody"), [])
    }

    /// The 32-bit counters wrap to 1 instead of trapping, and skip the ids live sessions hold.
    func testIdCountersWrapPastLiveSessions() throws {
        let d = device()
        let low = try d.connectLabSession(userName: "low", peer: Device.defaultSessionPeer, auditSessionId: nil,
                                          sessionId: 1, uniqueId: 1)
        let top = try d.connectLabSession(userName: "top", peer: Device.defaultSessionPeer, auditSessionId: nil,
                                          sessionId: .max, uniqueId: .max)
        XCTAssertEqual([top.sessionId, top.uniqueId], [.max, .max])
        let wrapped = d.connectSession(userName: "wrapped")
        XCTAssertEqual(wrapped.sessionId, 2, "1 is live: skipped")
        XCTAssertEqual(wrapped.uniqueId, 2)
        let next = d.connectSession(userName: "next")
        XCTAssertEqual([next.sessionId, next.uniqueId], [3, 3])
        let ids = d.sessions.all.map(\.sessionId)
        XCTAssertEqual(Set(ids).count, ids.count)
        XCTAssertEqual(Set(d.sessions.all.map(\.acctSessionId)).count, ids.count)
        // Every session is found by its Unique Id, and removing one leaves the others.
        for s in [low, top, wrapped, next] { XCTAssertEqual(d.sessions[uniqueId: s.uniqueId]?.userName, s.userName) }
        XCTAssertEqual(d.sessions.remove(uniqueId: wrapped.uniqueId)?.userName, "wrapped")
        XCTAssertEqual(d.sessions.all.map(\.userName), ["low", "top", "next"])
    }

    /// A given Session Id or Unique Id a live session holds is refused; nothing changes.
    func testGivenIdsInUseAreRefused() throws {
        let d = device()
        let a = try d.connectLabSession(userName: "a", peer: Device.defaultSessionPeer, auditSessionId: nil,
                                        sessionId: 5, uniqueId: 9)
        XCTAssertThrowsError(try d.connectLabSession(userName: "b", peer: Device.defaultSessionPeer,
                                                     auditSessionId: nil, sessionId: 5)) {
            XCTAssertEqual($0 as? SessionTable.IdError, .sessionIdInUse(5))
        }
        XCTAssertThrowsError(try d.connectLabSession(userName: "b", peer: Device.defaultSessionPeer,
                                                     auditSessionId: nil, uniqueId: 9)) {
            XCTAssertEqual($0 as? SessionTable.IdError, .uniqueIdInUse(9))
        }
        XCTAssertEqual(d.sessions.count, 1)
        XCTAssertEqual(d.sessions.totalSinceReload, 5)
        // A smaller id no live session holds is used as given; the counter stays where it was.
        let b = try d.connectLabSession(userName: "b", peer: Device.defaultSessionPeer, auditSessionId: nil,
                                        sessionId: 2)
        XCTAssertEqual(b.sessionId, 2)
        XCTAssertEqual(d.connectSession(userName: "c").sessionId, 6)
        // Once the holder is gone the id is free again.
        d.sessions.remove(uniqueId: a.uniqueId)
        XCTAssertEqual(try d.connectLabSession(userName: "d", peer: Device.defaultSessionPeer, auditSessionId: nil,
                                               sessionId: 5, uniqueId: 9).sessionId, 5)
    }
}
