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
    /// How long a reply stays in the retransmission cache, in seconds.
    public var retransmissionWindow: Double = 30
    /// Largest number of cached replies; the oldest go first.
    public var retransmissionCapacity = 65_536 {
        didSet { cache = RetransmissionCache(capacity: retransmissionCapacity) }
    }
    /// Event-Timestamp tolerance in seconds (RFC 5176 §3.5 recommends 300).
    public var eventTimestampWindow: Double = 300

    var cache = RetransmissionCache(capacity: 65_536)
    var clientTable: [UInt32: Int]?
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
/// age; the oldest entries leave first.
struct RetransmissionCache {
    struct Key: Hashable {
        var address: UInt32
        var port: UInt16
        var identifier: UInt8
        var authenticatorHigh: UInt64
        var authenticatorLow: UInt64
    }

    private var replies: [Key: [UInt8]] = [:]
    /// Insertion order: a ring of keys with their insertion times.
    private var ring: [(key: Key, time: Double)?]
    private var head = 0
    private var used = 0

    init(capacity: Int) {
        ring = Array(repeating: nil, count: max(1, capacity))
    }

    var count: Int { replies.count }

    mutating func removeAll() {
        replies.removeAll()
        for i in ring.indices { ring[i] = nil }
        head = 0
        used = 0
    }

    mutating func reply(for key: Key, now: Double, window: Double) -> [UInt8]? {
        expire(now: now, window: window)
        return replies[key]
    }

    mutating func insert(_ reply: [UInt8], for key: Key, now: Double, window: Double) {
        expire(now: now, window: window)
        if used == ring.count { evictOldest() }
        ring[(head + used) % ring.count] = (key, now)
        used += 1
        replies[key] = reply
    }

    private mutating func expire(now: Double, window: Double) {
        while used > 0, let oldest = ring[head], now - oldest.time > window || oldest.time > now + window {
            evictOldest()
        }
    }

    private mutating func evictOldest() {
        if let oldest = ring[head] { replies[oldest.key] = nil }
        ring[head] = nil
        head = (head + 1) % ring.count
        used -= 1
    }
}
