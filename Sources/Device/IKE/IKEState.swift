import IKEv2
import RADIUS

/// One end of an IKE datagram: an IPv4 address and a UDP port.
public struct IKEEndpoint: Hashable, Sendable, CustomStringConvertible {
    public var address: IPv4Address
    public var port: UInt16
    public init(_ address: IPv4Address, _ port: UInt16) {
        self.address = address
        self.port = port
    }
    public var description: String { address.description + ":" + String(port) }
}

/// A datagram the responder sends on its own (our Delete, a retransmission): the transport adds
/// the non-ESP marker when `from` is not port 500.
public struct IKEOutboundDatagram: Sendable {
    public var bytes: [UInt8]
    public var to: IKEEndpoint
    public var from: IKEEndpoint
}

/// Counters of `show crypto ikev2 stats`, and the reasons input was dropped (the tests read them).
public struct IKEStatistics: Equatable, Sendable {
    /// IKE_SA_INIT requests that made a half-open SA.
    public var incomingRequests = 0
    public var acceptedRequests = 0
    /// Refused with NO_PROPOSAL_CHOSEN, INVALID_KE_PAYLOAD, AUTHENTICATION_FAILED or too many half-open.
    public var rejectedRequests = 0
    /// Dropped before any SA handled them: unparseable, unknown SPI, ESP on the NAT-T port.
    public var droppedAtDispatch = 0
    public var cookieChallenged = 0
    public var cookieAccepted = 0
    public var cookieRejected = 0
    public var cookieRejectedNoCookie = 0
    // Why datagrams were dropped or refused, one counter each.
    public var malformed = 0
    public var unknownSPI = 0
    public var integrityFailures = 0
    public var outOfWindow = 0
    public var retransmittedResponses = 0
    public var invalidKE = 0
    public var noProposalChosen = 0
    public var authenticationFailures = 0
    public var unsupportedCritical = 0
    public var halfOpenLimit = 0
    public var nonESPMarkerMissing = 0
    /// Our requests sent again for want of an answer.
    public var retransmittedRequests = 0
    /// CREATE_CHILD_SA: IKE SAs rekeyed, CHILD_SAs rekeyed, additional CHILD_SAs made, and
    /// requests refused (NO_PROPOSAL_CHOSEN, INVALID_KE_PAYLOAD, TEMPORARY_FAILURE…).
    public var ikeSARekeys = 0
    public var childSARekeys = 0
    public var childSAsCreated = 0
    public var createChildRefused = 0
    /// Our liveness checks (the profile's `dpd … periodic`), and the peers declared dead.
    public var livenessChecksSent = 0
    public var deadPeers = 0
    public init() {}
}

/// Where an IKE SA is in its life.
public enum IKESAState: Equatable, Sendable {
    /// IKE_SA_INIT answered; waiting for IKE_AUTH.
    case halfOpen
    case established
    /// Our Delete is out; waiting for its answer.
    case deleting
    /// Replaced by a rekey (RFC 7296 §2.18): its session is the new SA's; it waits for the
    /// initiator's Delete.
    case rekeyed
}

/// A CHILD_SA negotiated in IKE_AUTH (ESP; no data plane: only its SPIs and selectors are kept).
public struct IKEChildSA: Equatable, Sendable {
    public var inboundSPI: UInt32
    public var outboundSPI: UInt32
    public var encryption: EncryptionAlgorithm
    public var integrity: IntegrityAlgorithm?
    public var localSelector: TrafficSelector
    public var remoteSelector: TrafficSelector
    /// KEYMAT (RFC 7296 §2.17): kept for a data plane to come; nothing uses it yet.
    public var keys: ChildSAKeys?
    /// A CREATE_CHILD_SA replaced it; it goes with the initiator's Delete.
    public var rekeyed = false
}

/// One IKE SA on the responder side.
public final class IKESA {
    public let initiatorSPI: UInt64
    public let responderSPI: UInt64
    /// Where the peer's packets come from; moves with NAT-T's float to 4500.
    public internal(set) var peer: IKEEndpoint
    public internal(set) var local: IKEEndpoint
    public internal(set) var state: IKESAState = .halfOpen
    public let suite: IKECipherSuite
    let keys: IKESAKeys
    let nonceI: [UInt8]
    let nonceR: [UInt8]
    /// The IKE_SA_INIT request and response exactly as they travelled (AUTH signs them).
    let initRequest: [UInt8]
    let initResponse: [UInt8]
    /// The ids of `debug crypto ikev2` lines and `show crypto ikev2 sa` (Tunnel-id).
    public let ikev2SessionId: UInt32
    public let saId: UInt32
    public let createdAt: Double
    public internal(set) var establishedAt: Double?
    /// The peer's next request's message id, and our cached response to its last one.
    public internal(set) var nextPeerMessageID: UInt32 = 1
    var lastResponse: (messageID: UInt32, bytes: [UInt8])?
    /// Our next request's message id, and the one in flight.
    public internal(set) var nextOwnMessageID: UInt32 = 0
    var outstanding: OutstandingRequest?
    public internal(set) var remoteID: IdentificationPayload?
    /// The EAP identity the RADIUS server authenticated (the session's user name).
    public internal(set) var eapIdentity: String?
    public internal(set) var localID: IdentificationPayload?
    /// The CHILD_SAs, oldest first (a rekeyed one stays until the initiator deletes it).
    public internal(set) var children: [IKEChildSA] = []
    /// The oldest child in use (not rekeyed).
    public var child: IKEChildSA? { children.first { !$0.rekeyed } }
    public var activeChildren: [IKEChildSA] { children.filter { !$0.rekeyed } }
    public internal(set) var assignedAddress: IPv4Address?
    /// The AAA session this SA is (its Unique Id), once IKE_AUTH succeeded.
    public internal(set) var sessionUniqueId: UInt32?
    /// NAT-D showed a translation between us.
    public internal(set) var natDetected = false
    /// The request whose answer waits for a RADIUS server (EAP, authorization).
    var deferredMessageID: UInt32?
    /// The EAP conversation of `authentication remote eap`, while IKE_AUTH runs.
    var eap: EAPExchange?
    /// `keyring aaa`: the Access-Accept's attributes (its `ipsec:ikev2-password-*` keys), and the
    /// AAA unique id that request and the session share.
    var aaaKeys: AuthorizationAttributes?
    var aaaUniqueId: UInt32?
    var halfOpenTimer: ScheduledTimer?
    var lifetimeTimer: ScheduledTimer?
    /// The profile's `lifetime` and `dpd`, fixed when the SA came up (a rekey keeps them).
    public internal(set) var lifetime = IKEv2Profile.defaultLifetime
    public internal(set) var dpd: IKEv2DPD?
    /// When the peer was last heard from (any message that passed the integrity check).
    var lastHeardAt: Double
    var livenessTimer: ScheduledTimer?

    init(initiatorSPI: UInt64, responderSPI: UInt64, peer: IKEEndpoint, local: IKEEndpoint, suite: IKECipherSuite,
         keys: IKESAKeys, nonceI: [UInt8], nonceR: [UInt8], initRequest: [UInt8], initResponse: [UInt8],
         ikev2SessionId: UInt32, saId: UInt32, createdAt: Double) {
        self.initiatorSPI = initiatorSPI
        self.responderSPI = responderSPI
        self.peer = peer
        self.local = local
        self.suite = suite
        self.keys = keys
        self.nonceI = nonceI
        self.nonceR = nonceR
        self.initRequest = initRequest
        self.initResponse = initResponse
        self.ikev2SessionId = ikev2SessionId
        self.saId = saId
        self.createdAt = createdAt
        lastHeardAt = createdAt
    }

    /// `(SESSION ID = 4,SA ID = 4)`, as every debug line of the SA starts.
    var debugIds: String { "(SESSION ID = " + String(ikev2SessionId) + ",SA ID = " + String(saId) + ")" }
}

/// A request we sent and wait an answer for.
struct OutstandingRequest {
    enum Purpose {
        case deleteIKESA
        case liveness
    }
    var purpose: Purpose
    var messageID: UInt32
    var bytes: [UInt8]
    var transmissions = 1
    var timer: ScheduledTimer?
}

/// The responder's state on the device: every IKE SA by our SPI, the half-open ones by the
/// initiator's SPI and address (a retransmitted IKE_SA_INIT gets the same answer), counters.
public final class IKEState {
    public var settings = IKEResponderSettings()
    public internal(set) var statistics = IKEStatistics()
    /// Sends our own requests (the transport installs it). Without it they are dropped.
    public var transmit: ((IKEOutboundDatagram) -> Void)?
    public internal(set) var sas: [UInt64: IKESA] = [:]
    var halfOpenByInitiator: [InitiatorKey: UInt64] = [:]
    /// IKE SAs of live sessions, by the session's IKEv2 SA id.
    var bySAId: [UInt32: UInt64] = [:]
    /// Whether the half-open bound (`crypto ikev2 limit max-in-negotiation-sa`) was logged since
    /// the table last had room: one syslog line each time it fills, not one per dropped packet.
    var halfOpenLimitLogged = false
    /// Seconds a half-open SA waits for its IKE_AUTH.
    public var halfOpenTimeout: Double = 30
    /// Our requests: first retransmission after this many seconds, doubling, at most `maxRetransmissions`
    /// (a liveness check is retransmitted every `dpd` retry seconds instead, as IOS does).
    public var retransmitInterval: Double = 2
    public var maxRetransmissions = 5
    /// CHILD_SAs one IKE SA holds at most: past it CREATE_CHILD_SA gets NO_ADDITIONAL_SAS.
    public var maxChildrenPerSA = 16
    /// Seconds a rekeyed IKE SA waits for the initiator's Delete before it is forgotten.
    public var rekeyedSATimeout: Double = 30
    /// EAP Access-Requests waiting for the RADIUS server, by identifier.
    var eapInFlight: [UInt8: PendingEAPRequest] = [:]
    /// The secret cookies are made with (RFC 7296 §2.6), drawn on first use.
    var cookieSecret: [UInt8]?

    public init() {}

    struct InitiatorKey: Hashable {
        var spi: UInt64
        var peer: IKEEndpoint
    }

    public var halfOpenCount: Int { halfOpenByInitiator.count }
    public var establishedCount: Int { bySAId.count }

    /// The IKE SA of a session, by its IKEv2 SA id (`show crypto ikev2 sa`'s Tunnel-id).
    public func sa(saId: UInt32) -> IKESA? { bySAId[saId].flatMap { sas[$0] } }
}

extension IKEState {
    /// A datagram on a NAT-T port without the non-ESP marker: ESP, which has no data plane here.
    public func countMissingNonESPMarker() {
        statistics.nonESPMarkerMissing += 1
        statistics.droppedAtDispatch += 1
    }
}
