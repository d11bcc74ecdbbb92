import Foundation
import IKEv2
import NIOConcurrencyHelpers

/// IKEv2 clients for the soak: `perSecond` handshakes (IKE_SA_INIT + IKE_AUTH, PSK) against the
/// router's `--ike-port`, each SA a session with its accounting Start; every SA is deleted by its
/// client (INFORMATIONAL Delete) once it is `lifetime` seconds old, so its Stop follows. One
/// socket, one request in flight; a request unanswered for 5 s is sent again, three times in all.
final class SoakIKEDriver: @unchecked Sendable {
    struct Figures {
        var handshakes = 0, deletes = 0, failures = 0, retransmissions = 0
        var firstFailure: String?
    }

    private let port: UInt16
    private let psk: String
    private let perSecond: Double
    private let lifetime: Double
    private let lock = NIOLock()
    private var figures = Figures()
    private var stopped = false
    private let finished = DispatchSemaphore(value: 0)

    init(port: UInt16, psk: String, perSecond: Double, lifetime: Double = 1) {
        self.port = port
        self.psk = psk
        self.perSecond = perSecond
        self.lifetime = lifetime
    }

    var snapshot: Figures { lock.withLock { figures } }

    func start() {
        Thread.detachNewThread { self.run() }
    }

    /// Stops starting SAs, deletes the live ones and waits for the client.
    func stop() {
        lock.withLock { stopped = true }
        finished.wait()
    }

    private func run() {
        defer { finished.signal() }
        let client = IKEUDPClient(port: port, marker: true, psk: psk, timeout: 5, tries: 3)
        defer { client.close() }
        var live: [(since: Double, initiator: IKEInitiator)] = []
        let interval = 1 / perSecond
        let start = Date()
        var n = 0
        func deleteOld(_ all: Bool) {
            let now = -start.timeIntervalSinceNow
            while let first = live.first, all || now - first.since >= lifetime {
                var initiator = live.removeFirst().initiator
                let deleted = client.delete(&initiator)
                lock.withLock {
                    if deleted { figures.deletes += 1 } else { figures.failures += 1 }
                }
            }
        }
        while !lock.withLock({ stopped }) {
            n += 1
            if let initiator = client.handshake(identity: "soak-ike-\(n)@lab") {
                live.append((-start.timeIntervalSinceNow, initiator))
                lock.withLock { figures.handshakes += 1 }
            } else {
                lock.withLock { figures.failures += 1 }
            }
            deleteOld(false)
            lock.withLock {
                figures.retransmissions = client.retransmissions
                figures.firstFailure = client.firstFailure
            }
            let next = Double(n) * interval
            let wait = next + start.timeIntervalSinceNow
            if wait > 0 { usleep(UInt32(min(wait, 1) * 1_000_000)) }
        }
        deleteOld(true)
        lock.withLock {
            figures.retransmissions = client.retransmissions
            figures.firstFailure = client.firstFailure
        }
    }
}
