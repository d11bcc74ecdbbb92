import RADIUS

/// What the Dynamic Authorization Server keeps between requests: the retransmission cache, the
/// client table derived from the running config, counters, and the debug-address allocator.
public final class DASState {
    public struct Statistics: Equatable, Sendable {
        /// Datagrams handed to the DAS.
        public var received = 0
        public var disconnectACKs = 0
        public var disconnectNAKs = 0
        public var coaNAKs = 0
        /// Retransmissions answered from the cache.
        public var duplicatesAnswered = 0
        /// Silent discards, by reason.
        public var malformed = 0
        public var unknownCode = 0
        public var unknownClient = 0
        public var noSecret = 0
        public var badAuthenticator = 0
        public var badMessageAuthenticator = 0
        public var staleEventTimestamp = 0
        public var duplicatesDropped = 0
        public init() {}
    }

    public internal(set) var statistics = Statistics()

    /// What the UDP socket did with the configured port: the transport reports it. `unknown`
    /// where there is no socket (a replay, a test without transport) or a bind is under way.
    public enum SocketState: Equatable, Sendable {
        case unknown
        case listening(port: UInt16)
        /// The port could not be allocated (in use, privileged): the DAS hears nothing.
        case unavailable(port: UInt16)
    }
    public var socket = SocketState.unknown
    /// How long a reply stays in the retransmission cache, in seconds.
    public var retransmissionWindow: Double = 30
    /// Largest number of cached replies; the oldest go first.
    public var retransmissionCapacity = 65_536 {
        didSet { cache = RetransmissionCache(capacity: retransmissionCapacity) }
    }
    /// Event-Timestamp tolerance in seconds (RFC 5176 §3.5 recommends 300).
    public var eventTimestampWindow: Double = 300

    var cache = RetransmissionCache(capacity: 65_536)
    /// Clients by address, derived from the running config; nil after a config change.
    var clientTable: [UInt32: Client]?
    struct Client {
        /// The client's `server-key`, else the global one; nil: no key, requests are discarded.
        var secret: [UInt8]?
    }
    var observingConfig = false
    private var debugAddressBase: UInt64?
    private var debugAddressNext: UInt64 = 0

    public init() {}

    public var cachedReplies: Int { cache.count }

    public func clearRetransmissionCache() { cache.removeAll() }

    /// A heap-like address for `debug aaa pod` attribute lines (`7FBD9783D3A8`): a per-device base
    /// drawn from its random source, then 0x40 apart, wrapping inside one 64 KiB arena, as IOS's
    /// attribute chunks are.
    func nextDebugAddress(random: RandomSource) -> UInt64 {
        let base: UInt64
        if let b = debugAddressBase {
            base = b
        } else {
            // 0x7Fxx_xxxx_0000..0x7Fxx_xxxx_FFFF; the low nibble 8 as in the seed (7FBD9783D3A8).
            base = 0x7F00_0000_0000 | (random.next() & 0x00FF_FFFF_0000) | 0x8
            debugAddressBase = base
            debugAddressNext = (random.next() & 0x3FF) << 6
        }
        let address = base | (debugAddressNext & 0xFFC0)
        debugAddressNext &+= 0x40
        return address
    }
}

/// Replies already sent, keyed by what makes a request a retransmission (RFC 5176 §2.3, RFC 5080
/// §2.2.2: source address and port, Identifier, and the Request Authenticator). Bounded in size and
/// age; the oldest entries leave first. Entries sit in a ring in arrival order, found through a
/// `SlotHashIndex` of ring positions.
struct RetransmissionCache {
    struct Key: Equatable {
        var address: UInt32
        var port: UInt16
        var identifier: UInt8
        var authenticatorHigh: UInt64
        var authenticatorLow: UInt64
    }

    private struct Entry {
        var key: Key
        var hash: UInt32
        var time: Double
        var reply: [UInt8]
    }

    private var ring: [Entry?]
    private var index: SlotHashIndex
    private var head = 0
    private var used = 0
    private let hasher = SlotHasher(seed: 0x2545_F491_4F6C_DD1D)

    init(capacity: Int) {
        ring = Array(repeating: nil, count: max(1, capacity))
        index = SlotHashIndex(capacity: max(1, capacity))
    }

    var count: Int { used }

    mutating func removeAll() {
        self = RetransmissionCache(capacity: ring.count)
    }

    private func hash(_ key: Key) -> UInt32 {
        hasher.hash(UInt64(key.address) << 24 | UInt64(key.port) << 8 | UInt64(key.identifier),
                    key.authenticatorHigh, key.authenticatorLow)
    }

    mutating func reply(for key: Key, now: Double, window: Double) -> [UInt8]? {
        expire(now: now, window: window)
        guard used > 0 else { return nil }
        let position = index.find(hash(key)) { ring[Int($0)]?.key == key }
        return position.flatMap { ring[Int($0)]?.reply }
    }

    mutating func insert(_ reply: [UInt8], for key: Key, now: Double, window: Double) {
        expire(now: now, window: window)
        if used == ring.count { evictOldest() }
        let position = (head + used) % ring.count
        let h = hash(key)
        ring[position] = Entry(key: key, hash: h, time: now, reply: reply)
        index.insert(h, Int32(position))
        used += 1
    }

    private mutating func expire(now: Double, window: Double) {
        while used > 0, let oldest = ring[head], now - oldest.time > window || oldest.time > now + window {
            evictOldest()
        }
    }

    private mutating func evictOldest() {
        if let oldest = ring[head] { index.remove(oldest.hash, Int32(head)) }
        ring[head] = nil
        head = (head + 1) % ring.count
        used -= 1
    }
}
