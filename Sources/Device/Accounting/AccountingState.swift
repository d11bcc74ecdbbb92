import Crypto
import RADIUS

/// What AAA accounting keeps per session (`show aaa user`: `Start Sent=1`, `Method List=…`).
public struct AccountingSessionRecord: Equatable, Sendable {
    /// The `aaa accounting network` list the session's records go by.
    public var methodList: String
    public var startSent = false
    public var startAcknowledged = false
    public var stopSent = false
    public init(methodList: String) { self.methodList = methodList }
}

/// A RADIUS server an accounting request may go to, resolved from the running config. A class
/// of constants: every request reads its server several times, and a struct's copy retained and
/// released each of its fields.
public final class AccountingServer: Equatable, Sendable {
    public let name: String
    public let address: IPv4Address
    public let authPort: UInt16
    public let acctPort: UInt16
    public let secret: [UInt8]
    /// HMAC-MD5 keyed with the secret, ready for Message-Authenticators: keying it is most of an
    /// HMAC's cost, and every Access-Request to this server needs one.
    public let messageAuthenticatorKey: HMAC<Insecure.MD5>

    public init(name: String, address: IPv4Address, authPort: UInt16, acctPort: UInt16, secret: [UInt8]) {
        self.name = name
        self.address = address
        self.authPort = authPort
        self.acctPort = acctPort
        self.secret = secret
        messageAuthenticatorKey = HMAC<Insecure.MD5>(key: SymmetricKey(data: secret))
    }

    public static func == (a: AccountingServer, b: AccountingServer) -> Bool {
        a.name == b.name && a.address == b.address && a.authPort == b.authPort && a.acctPort == b.acctPort
            && a.secret == b.secret
    }
    /// `(9.45.15.144:1812,1813)`: how `debug radius` names the server in retransmit lines.
    public var debugName: String { "(" + address.description + ":" + String(authPort) + "," + String(acctPort) + ")" }
}

/// The RADIUS accounting client's state: settings (IOS defaults: `radius-server timeout 5`,
/// `radius-server retransmit 3`, source port 1646), the transport and scheduler the owner
/// provides, requests in flight, per-session records and per-server counters.
public final class AccountingState {
    /// Real UDP for servers at loopback addresses (nil: such requests are dropped and time out).
    public var transport: AccountingTransport?
    /// Timers for retransmission and lab-peer latency. Without one, requests are sent once and
    /// lab peers answer at once.
    public var scheduler: DeviceScheduler?
    /// Seconds to wait for a reply before retransmitting (`Started 5 sec timeout`).
    public var timeout: Double = 5
    /// Retransmissions to one server before failing over to the group's next.
    public var retransmits = 3
    /// The source port of Accounting-Requests: the `1646` of `id 1646/231`.
    public var sourcePort: UInt16 = 1646
    /// The simulated lab peers (every non-loopback server address).
    public let labPeers = LabRADIUSPeers()

    public internal(set) var serverStatistics: [String: RADIUSServerStatistics] = [:]
    /// When `clearStatistics` last ran (device time); nil: counters run since boot.
    public private(set) var countersClearedAt: Double?
    var records: [UInt32: AccountingSessionRecord] = [:]
    /// The servers of each method list's groups, as `Device.accountingServers(for:)` resolved
    /// them from the running config (every record and Access-Request asks; the config changes
    /// rarely). Emptied whenever the config changes.
    var serverLists: [[AAAMethodList.Method]: [AccountingServer]] = [:]
    var inFlight = [PendingAccountingRequest?](repeating: nil, count: 256)
    var inFlightCount = 0
    var waiting: [PendingAccountingRequest] = []
    var waitingHead = 0
    var nextIdentifier: UInt8?
    var pumping = false
    /// Lab-peer replies to deliver on the next pump when no scheduler is set.
    var inlineReplies: [(bytes: [UInt8], from: IPv4Address, port: UInt16)] = []
    var inlineHead = 0
    /// The random draw generated addresses derive from (AAAAddresses.swift).
    var addressSeed: UInt64?

    public init() {}

    /// The accounting record of a live session.
    public func record(uniqueId: UInt32) -> AccountingSessionRecord? { records[uniqueId] }

    /// The identifier of the last Accounting-Request sent (`show radius statistics`: `1646/231`).
    public var lastIdentifier: UInt8? { nextIdentifier.map { $0 &- 1 } }

    /// Requests waiting for a reply.
    public var outstandingRequests: Int { inFlightCount }
    /// Requests waiting for a free identifier (more than 256 in flight).
    public var queuedRequests: Int { waiting.count - waitingHead }
    /// The most records that may wait for an identifier: past it a new record is dropped (the
    /// newest: those queued keep their order), logged as IOS logs a full output record queue
    /// (`%AAA-3-DROPACCTQUEUEEXCEEDED`) and counted in `droppedRecords`. 65,536 records of a few
    /// hundred bytes each: a server that stops answering while every session of a large table
    /// ends costs at most about 30 MB.
    public var queueCapacity = 65_536
    /// Records dropped because the queue was full (since boot).
    public internal(set) var droppedRecords = 0

    /// Counters for a configured server by name (zeros if it has none yet).
    public func statistics(server name: String, now: Double) -> RADIUSServerStatistics {
        serverStatistics[name] ?? RADIUSServerStatistics(clearedAt: now)
    }

    /// `clear aaa counters servers all`.
    public func clearStatistics(now: Double) {
        countersClearedAt = now
        for name in serverStatistics.keys {
            let outstanding = serverStatistics[name]?.outstanding ?? 0
            var fresh = RADIUSServerStatistics(clearedAt: now)
            fresh.outstanding = outstanding
            // The server's state is not a counter: it stays up since when it was.
            fresh.aliveSince = serverStatistics[name]?.aliveSince
            serverStatistics[name] = fresh
        }
    }

    func updateStatistics(_ name: String, now: Double, _ body: (inout RADIUSServerStatistics) -> Void) {
        // In place, without building the default (its bucket array is an allocation) when the
        // server has counters already: several calls per request.
        if let index = serverStatistics.index(forKey: name) {
            body(&serverStatistics.values[index])
        } else {
            body(&serverStatistics[name, default: RADIUSServerStatistics(clearedAt: now)])
        }
    }
}

/// One Accounting-Request from first send to reply or give-up. Its packet is written when the
/// record is made (identifier and authenticator are filled in when it is first sent).
final class PendingAccountingRequest: TimedRADIUSRequest {
    let session: Session
    let status: AccountingPackets.Status
    let servers: [AccountingServer]
    /// A Stop's Acct-Terminate-Cause (the lab event log reports it).
    let terminateCause: UInt32
    var serverIndex = 0
    /// Transmissions to the current server (1 = first send).
    var attempts = 0
    var identifier: UInt8 = 0
    /// The whole packet; signed (bytes 4..<20: the Request Authenticator) once sent.
    var bytes: [UInt8]
    var sentAt: Double = 0
    /// Transmissions so far (any server); moved on when answered, so a pending timeout is stale.
    var transmissions: UInt32 = 0

    init(session: Session, status: AccountingPackets.Status, packet: [UInt8], servers: [AccountingServer],
         terminateCause: UInt32 = 0) {
        self.session = session
        self.status = status
        bytes = packet
        self.servers = servers
        self.terminateCause = terminateCause
    }

    var server: AccountingServer { servers[min(serverIndex, servers.count - 1)] }
    /// `RADIUS(0000002C)`: the session's AAA unique id.
    var tag: String { "RADIUS(" + hex8(session.uniqueId) + ")" }
    /// The Request Authenticator of the packet as last signed.
    var requestAuthenticator: ArraySlice<UInt8> { bytes[4..<20] }
}
