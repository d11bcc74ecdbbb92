import Foundation
import XCTest
import Device
import RADIUS
import Transport

/// The DAS socket follows the running config: on, rebind, off, port in use.
final class DASServerLifecycleTests: XCTestCase {
    private final class Lines: ConsoleSink, @unchecked Sendable {
        var lines: [String] = []
        func deviceLog(_ line: String) { lines.append(line) }
    }

    /// A free port: bind an ephemeral one and close it.
    private func freePort() throws -> UInt16 {
        let probe = try UDPClient()
        return probe.localPort
    }

    func testSocketFollowsTheRunningConfig() throws {
        let device = Device()
        let sink = Lines()
        device.console = sink
        device.config.timestampsLog = nil
        let engine = Engine(device: device)
        let server = DASServer(engine: engine)
        defer {
            try? server.stop().wait()
            try? engine.shutdown()
        }
        server.start()
        XCTAssertNil(try server.settled().wait(), "no DAS without config")

        let first = try freePort()
        engine.sync { device in
            device.config.aaaNewModel = true
            var das = DynamicAuthorConfig()
            das.clients = [DynamicAuthorClient(host: "127.0.0.1")]
            das.serverKey = ConfigSecret(plain: DASHarness.secret)
            das.port = first
            device.config.dynamicAuthor = das
            device.connectSession(userName: "u1")
            device.connectSession(userName: "u2")
        }
        XCTAssertEqual(try server.settled().wait(), first)
        XCTAssertEqual(engine.sync { $0.das.socket }, .listening(port: first))
        // The port is taken: nobody else can bind it.
        XCTAssertThrowsError(try UDPClient(port: first))
        let client = try UDPClient()
        XCTAssertEqual(try client.exchange(signedRequest(id: 1, [.string(1, "u1")]), port: first)
            .map { try RADIUSPacket.decode($0).code }, .disconnectACK)

        // port change: rebinds at once; the old port is closed.
        let second = try freePort()
        engine.sync { $0.config.dynamicAuthor?.port = second }
        XCTAssertEqual(try server.settled().wait(), second)
        // The old port is free again: a socket of ours can bind it.
        XCTAssertNoThrow(try UDPClient(port: first))
        XCTAssertNil(client.exchange(signedRequest(id: 2, [.string(1, "u2")]), port: first))
        XCTAssertEqual(try client.exchange(signedRequest(id: 3, [.string(1, "u2")]), port: second)
            .map { try RADIUSPacket.decode($0).code }, .disconnectACK)

        // Other config changes keep the socket.
        engine.sync { $0.config.hostname = "hub" }
        XCTAssertEqual(try server.settled().wait(), second)

        // no aaa server radius dynamic-author: closed.
        engine.sync { $0.config.dynamicAuthor = nil }
        XCTAssertNil(try server.settled().wait())
        XCTAssertEqual(engine.sync { $0.das.socket }, .unknown)
        // The port is free again: a socket of ours binds exactly it (no SO_REUSEADDR, so this
        // fails while the DAS still holds it).
        let reusable = try UDPClient(port: second)
        XCTAssertEqual(reusable.localPort, second)
        XCTAssertNil(client.exchange(signedRequest(id: 4, [.string(1, "x")]), port: second))
    }

    func testPortInUseLogsAndALaterPortChangeSucceeds() throws {
        let blocker = try UDPClient()
        let device = Device()
        let sink = Lines()
        device.console = sink
        device.config.timestampsLog = nil
        device.config.aaaNewModel = true
        var das = DynamicAuthorConfig()
        das.clients = [DynamicAuthorClient(host: "127.0.0.1")]
        das.serverKey = ConfigSecret(plain: DASHarness.secret)
        das.port = blocker.localPort
        device.config.dynamicAuthor = das
        let engine = Engine(device: device)
        let server = DASServer(engine: engine)
        defer {
            try? server.stop().wait()
            try? engine.shutdown()
        }
        server.start()
        XCTAssertNil(try server.settled().wait())
        let logged = engine.sync { _ in sink.lines }
        XCTAssertEqual(logged, ["%RADIUS-3-SOURCEPORTALLOCERROR: Warning: Unable to allocate port \(blocker.localPort)"])
        XCTAssertEqual(engine.sync { $0.das.socket }, .unavailable(port: blocker.localPort))
        // The device still works.
        XCTAssertEqual(engine.sync { $0.connectSession(userName: "u").sessionId }, 1)

        let free = try freePort()
        engine.sync { $0.config.dynamicAuthor?.port = free }
        XCTAssertEqual(try server.settled().wait(), free)
        let client = try UDPClient()
        XCTAssertEqual(try client.exchange(signedRequest(id: 1, [.string(1, "u")]), port: free)
            .map { try RADIUSPacket.decode($0).code }, .disconnectACK)
    }

    func testEngineSyncRunsOnTheLoopAndInlineFromIt() throws {
        let engine = Engine(device: Device())
        defer { try? engine.shutdown() }
        XCTAssertEqual(engine.sync { $0.sessions.count }, 0)
        // From the loop itself sync runs inline instead of deadlocking.
        let nested = try engine.submit { device -> Int in
            device.connectSession(userName: "a")
            return engine.sync { $0.sessions.count }
        }.wait()
        XCTAssertEqual(nested, 1)
        struct Boom: Error {}
        XCTAssertThrowsError(try engine.sync { _ throws(Boom) -> Int in throw Boom() })
        let done = expectation(description: "execute")
        engine.execute { device in
            if device.sessions.count == 1 { done.fulfill() }
        }
        wait(for: [done], timeout: 5)
    }

    /// PODs arriving on the socket and commands arriving through `sync` share one owner: both
    /// streams run interleaved, and the table ends exactly as if they had run one after another.
    func testPODsAndCommandsInterleaveOnTheOneLoop() throws {
        let h = try DASHarness()
        defer { h.shutdown() }
        let targets = (0..<1000).map { h.connect("pod\($0)").auditSessionId }
        let port = h.port
        let done = expectation(description: "PODs answered")
        let acks = LockedCounter()
        Thread.detachNewThread {
            guard let client = try? UDPClient() else { return }
            // Up to 32 requests in flight at once, so the loop sees bursts while commands queue.
            var sent = 0, received = 0
            while received < targets.count {
                while sent < targets.count && sent - received < 32 {
                    client.send(signedRequest(id: UInt8(truncatingIfNeeded: sent),
                                              [.ciscoAVPair("audit-session-id=" + targets[sent])]), to: port)
                    sent += 1
                }
                guard let reply = client.receive() else { break }
                received += 1
                if reply.first == RADIUSCode.disconnectACK.rawValue { acks.increment() }
            }
            done.fulfill()
        }
        for i in 0..<1000 { h.connect("typed\(i)") }
        wait(for: [done], timeout: 60)
        XCTAssertEqual(acks.value, 1000)
        let (count, names) = h.engine.sync { device in
            (device.sessions.count, Set(device.sessions.all.compactMap(\.userName)))
        }
        XCTAssertEqual(count, 1000)
        XCTAssertEqual(names, Set((0..<1000).map { "typed\($0)" }))
    }
}

private final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() {
        lock.lock()
        count += 1
        lock.unlock()
    }
    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}
