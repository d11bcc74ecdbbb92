import Foundation
import NIOConcurrencyHelpers
import RADIUS

/// Disconnect-Requests to the router's DAS, one at a time, in a fixed rotation of kinds: for a
/// live session (ACK expected), for nobody (NAK), the previous well-formed request again (a
/// retransmission: the cached reply, byte for byte), signed with a wrong secret and malformed
/// datagrams (both to be discarded in silence). Every well-formed request must get exactly one
/// answer, verified with the Response Authenticator; a discarded one none.
final class SoakDASDriver: @unchecked Sendable {
    struct Figures {
        var sent = 0
        var forLiveSessions = 0, forNobody = 0, retransmissions = 0, badSecret = 0, malformed = 0
        var acks = 0, naks = 0
        /// Well-formed requests never answered: no answer within 5 s, nor later (until the run's end).
        var missing = 0
        /// Answers that came after the 5 s the driver waits (each request's one answer, verified
        /// against that request): late, not lost. `slowest` is the longest wait for an answer.
        var late = 0
        var slowest = 0.0
        /// The longest the driver's own thread was kept from running (a sleep of 10 ms that lasted
        /// longer, measured beside it): when it is seconds, the machine starved the bench, and the
        /// router at the same niceness with it.
        var longestStall = 0.0
        /// Answers to nothing outstanding: a second answer, or one to a discarded request.
        var unexpected = 0
        /// Answers that do not verify, or a retransmission's answer that differs from the first.
        var wrong = 0
    }

    private let socket: LoopbackUDPSocket
    private let dasPort: UInt16
    private let secret: [UInt8]
    private let perSecond: Double
    private let sessions: SoakSessionPool
    private let lock = NIOLock()
    private var figures = Figures()
    private var stopped = false
    private let finished = DispatchSemaphore(value: 0)
    /// Requests that got no answer within 5 s (identifier, Request Authenticator, when sent): an
    /// answer that verifies against one of them later is late, not unexpected.
    private var overdue: [(identifier: UInt8, authenticator: [UInt8], sent: Date)] = []

    init(dasPort: UInt16, secret: String, perSecond: Double, sessions: SoakSessionPool) throws {
        socket = try LoopbackUDPSocket()
        self.dasPort = dasPort
        self.secret = Array(secret.utf8)
        self.perSecond = perSecond
        self.sessions = sessions
    }

    var snapshot: Figures { lock.withLock { figures } }

    func start() {
        Thread.detachNewThread { self.run() }
        Thread.detachNewThread { self.watchStalls() }
    }

    /// Stops after the request in hand and waits for it; then gives the overdue requests 5 s
    /// more for a late answer, and counts the rest missing.
    func stop() {
        lock.withLock { stopped = true }
        finished.wait()
        let deadline = Date().addingTimeInterval(5)
        while !overdue.isEmpty, deadline.timeIntervalSinceNow > 0 {
            guard let reply = socket.receive(milliseconds: Int32(deadline.timeIntervalSinceNow * 1000))?.bytes else { break }
            if !lateAnswer(reply) { count { $0.unexpected += 1 } }
        }
        count { $0.missing += overdue.count }
        overdue.removeAll()
        socket.close()
    }

    /// Measures how late a 10 ms sleep wakes, for as long as the driver runs.
    private func watchStalls() {
        while !lock.withLock({ stopped }) {
            let before = Date()
            usleep(10_000)
            let stall = -before.timeIntervalSinceNow - 0.010
            count { $0.longestStall = max($0.longestStall, stall) }
        }
    }

    /// Whether `reply` answers an overdue request (verified with its authenticator): then it is
    /// counted late and the request is no longer overdue.
    private func lateAnswer(_ reply: [UInt8]) -> Bool {
        guard reply.count >= 20, let index = overdue.firstIndex(where: {
            $0.identifier == reply[1]
                && RADIUSAuth.verifyResponseAuthenticator(reply, requestAuthenticator: $0.authenticator, secret: secret)
        }) else { return false }
        let waited = -overdue[index].sent.timeIntervalSinceNow
        overdue.remove(at: index)
        count {
            $0.late += 1
            $0.slowest = max($0.slowest, waited)
            switch reply[0] {
            case RADIUSCode.disconnectACK.rawValue: $0.acks += 1
            case RADIUSCode.disconnectNAK.rawValue: $0.naks += 1
            default: $0.wrong += 1
            }
        }
        return true
    }

    private func count(_ body: (inout Figures) -> Void) { lock.withLock { body(&figures) } }

    private func run() {
        defer { finished.signal() }
        var identifier: UInt8 = 0
        var last: (bytes: [UInt8], reply: [UInt8])?
        var n = 0
        var nobody = 0
        let interval = 1.0 / perSecond
        var next = Date()
        while !lock.withLock({ stopped }) {
            next += interval
            let pause = next.timeIntervalSinceNow
            if pause > 0 { usleep(UInt32(pause * 1e6)) } else if pause < -1 { next = Date() }
            n += 1
            switch n % 10 {
            case 0, 1, 2, 3:
                identifier &+= 1
                let request: [UInt8]
                if let name = sessions.takeForDisconnect() {
                    count { $0.forLiveSessions += 1 }
                    request = signed(identifier, userName: name, secret: secret)
                } else {
                    nobody += 1
                    count { $0.forNobody += 1 }
                    request = signed(identifier, userName: "soak-nobody-\(nobody)", secret: secret)
                }
                if let reply = exchange(request) { last = (request, reply) }
            case 4, 5:
                identifier &+= 1
                nobody += 1
                count { $0.forNobody += 1 }
                let request = signed(identifier, userName: "soak-nobody-\(nobody)", secret: secret)
                if let reply = exchange(request) { last = (request, reply) }
            case 6, 7:
                // The same octets again: the DAS must answer from its cache, identically.
                guard let previous = last else { continue }
                count { $0.retransmissions += 1 }
                if let reply = exchange(previous.bytes), reply != previous.reply { count { $0.wrong += 1 } }
            case 8:
                identifier &+= 1
                count { $0.badSecret += 1 }
                discarded(signed(identifier, userName: "soak-nobody-bad-secret", secret: Array("not-the-secret".utf8)))
            default:
                identifier &+= 1
                count { $0.malformed += 1 }
                discarded(malformed(identifier, variant: n / 10))
            }
        }
    }

    private func signed(_ identifier: UInt8, userName: String, secret: [UInt8]) -> [UInt8] {
        var packet = RADIUSPacket(code: .disconnectRequest, identifier: identifier,
                                  attributes: [.string(RADIUSAttributeType.userName, userName)])
        return RADIUSAuth.signRequest(&packet, secret: secret)
    }

    /// Datagrams the DAS must drop: a short header, a Length past the datagram, an attribute
    /// overrunning the packet, an unknown code.
    private func malformed(_ identifier: UInt8, variant: Int) -> [UInt8] {
        var good = signed(identifier, userName: "soak-malformed", secret: secret)
        switch variant % 4 {
        case 0: return Array(good.prefix(12))
        case 1:
            good[3] = UInt8(truncatingIfNeeded: good.count + 10)
            return good
        case 2:
            good[21] = 200   // the User-Name attribute's length
            return good
        default:
            good[0] = 99
            return good
        }
    }

    /// Sends a well-formed request and waits for its one answer (5 s; later, it is late).
    private func exchange(_ request: [UInt8]) -> [UInt8]? {
        count { $0.sent += 1 }
        let sent = Date()
        socket.send(request, toPort: dasPort)
        let deadline = sent.addingTimeInterval(5)
        let authenticator = Array(request[4..<20])
        while true {
            let left = Int32(max(0, deadline.timeIntervalSinceNow * 1000))
            guard let reply = socket.receive(milliseconds: left)?.bytes else {
                overdue.append((request[1], authenticator, sent))
                return nil
            }
            guard reply.count >= 20, reply[1] == request[1],
                  RADIUSAuth.verifyResponseAuthenticator(reply, requestAuthenticator: authenticator, secret: secret) else {
                // The late answer of an earlier request; else one too many, or one that does not verify.
                if !lateAnswer(reply) {
                    count { if reply.count >= 20 && reply[1] == request[1] { $0.wrong += 1 } else { $0.unexpected += 1 } }
                }
                continue
            }
            count { $0.slowest = max($0.slowest, -sent.timeIntervalSinceNow) }
            switch reply[0] {
            case RADIUSCode.disconnectACK.rawValue: count { $0.acks += 1 }
            case RADIUSCode.disconnectNAK.rawValue: count { $0.naks += 1 }
            default: count { $0.wrong += 1 }
            }
            // A second answer to the same request would show up as unexpected on the next one.
            return reply
        }
    }

    /// Sends a request the DAS must discard and checks that nothing comes back for a moment.
    private func discarded(_ request: [UInt8]) {
        count { $0.sent += 1 }
        socket.send(request, toPort: dasPort)
        while let reply = socket.receive(milliseconds: 20)?.bytes {
            if !lateAnswer(reply) { count { $0.unexpected += 1 } }
        }
    }
}

/// The sessions the console has connected and the DAS may end: names in the order they were
/// typed, each offered for a Disconnect-Request once it is a second old (the console line has
/// been read by then).
final class SoakSessionPool: @unchecked Sendable {
    private let lock = NIOLock()
    private var connected: [(name: String, at: Date)] = []
    private var head = 0

    func connected(_ name: String) {
        lock.withLock { connected.append((name, Date())) }
    }

    func takeForDisconnect() -> String? {
        lock.withLock {
            guard head < connected.count, connected[head].at.timeIntervalSinceNow < -1 else { return nil }
            defer {
                head += 1
                if head > 4096 {
                    connected.removeFirst(head)
                    head = 0
                }
            }
            return connected[head].name
        }
    }
}
