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
        public var coaACKs = 0
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
        /// Replies that left the retransmission cache before their window ended, to make room
        /// (the cache was full by count or by bytes).
        public var retransmissionCacheEvictions = 0
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
        didSet { cache = RetransmissionCache(capacity: retransmissionCapacity, byteCapacity: retransmissionByteCapacity) }
    }
    /// Largest total size of the cached replies, in octets; the oldest go first. A reply is at most
    /// 4,096 octets (Proxy-State is echoed), so without this 65,536 replies could hold 256 MiB, and
    /// with `ignore server-key` any spoofed source could fill it. 16 MiB keeps every reply of the
    /// window for 20-octet ACKs (65,536 × 20 = 1.25 MiB) and the newest 4,096 at the largest size.
    /// The cache's whole footprint is this plus about 80 bytes per entry slot (ring and index);
    /// the slots grow with use (doubling), so a quiet DAS holds 64 of them.
    public var retransmissionByteCapacity = 16 << 20 {
        didSet { cache = RetransmissionCache(capacity: retransmissionCapacity, byteCapacity: retransmissionByteCapacity) }
    }
    /// Event-Timestamp tolerance in seconds (RFC 5176 §3.5 recommends 300).
    public var eventTimestampWindow: Double = 300

    var cache = RetransmissionCache(capacity: 65_536, byteCapacity: 16 << 20)
    /// Clients by address, derived from the running config; nil after a config change.
    var clientTable: [UInt32: Client]?
    struct Client {
        /// The client's `server-key`, else the global one; nil: no key, requests are discarded.
        var secret: [UInt8]?
    }
    var observingConfig = false
    /// The parts of the running config the client table comes from, as last seen.
    var observedSettings: ObservedSettings?
    struct ObservedSettings: Equatable {
        var dynamicAuthor: DynamicAuthorConfig?
        var aaaNewModel: Bool
        init(_ config: RunningConfig) {
            dynamicAuthor = config.dynamicAuthor
            aaaNewModel = config.aaaNewModel
        }
    }
    private var debugAddressBase: UInt64?
    private var debugAddressNext: UInt64 = 0

    public init() {}

    public var cachedReplies: Int { cache.count }
    /// Entry slots the cache holds now: they grow with the busiest window seen, at most
    /// `retransmissionCapacity`.
    public var cacheSlots: Int { cache.slots }
    /// Octets of the cached replies (at most `retransmissionByteCapacity`).
    public var cachedReplyBytes: Int { cache.bytes }

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
/// §2.2.2: source address and port, Identifier, and the Request Authenticator). Bounded in count,
/// in reply octets and in age; the oldest entries leave first, and a reply larger than the whole
/// byte bound is not cached. Entries sit in a ring in arrival order, found through a
/// `SlotHashIndex` of ring positions. The ring starts small and doubles only when every slot is
/// in use, up to the count bound: a router holds slots for the replies of its busiest window, not
/// for the bound (65,536 slots are about 5 MB, which every new device — each replay, each fuzz
/// input — would otherwise allocate, clear and free).
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

    /// Slots a new cache starts with.
    private static let initialSlots = 64
    private var ring: [Entry?]
    private var index: SlotHashIndex
    private var head = 0
    private var used = 0
    /// The most entries the ring may grow to.
    private let capacity: Int
    private let byteCapacity: Int
    /// Octets of the cached replies.
    private(set) var bytes = 0
    private let hasher = SlotHasher(seed: 0x2545_F491_4F6C_DD1D)

    init(capacity: Int, byteCapacity: Int) {
        self.capacity = max(1, capacity)
        let slots = min(self.capacity, Self.initialSlots)
        ring = Array(repeating: nil, count: slots)
        index = SlotHashIndex(capacity: slots)
        self.byteCapacity = max(0, byteCapacity)
    }

    var count: Int { used }

    mutating func removeAll() {
        self = RetransmissionCache(capacity: capacity, byteCapacity: byteCapacity)
    }

    /// Slots the ring holds now (grows with use, at most the count bound).
    var slots: Int { ring.count }

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

    /// Returns the number of older entries evicted to make room.
    @discardableResult
    mutating func insert(_ reply: [UInt8], for key: Key, now: Double, window: Double) -> Int {
        expire(now: now, window: window)
        guard reply.count <= byteCapacity else { return 0 }
        var evicted = 0
        while used > 0, used == capacity || bytes + reply.count > byteCapacity {
            evictOldest()
            evicted += 1
        }
        if used == ring.count { grow() }
        let position = (head + used) % ring.count
        let h = hash(key)
        ring[position] = Entry(key: key, hash: h, time: now, reply: reply)
        index.insert(h, Int32(position))
        used += 1
        bytes += reply.count
        return evicted
    }

    /// Doubles the ring (at most to the count bound), oldest entry first at position 0, and
    /// indexes the entries at their new positions.
    private mutating func grow() {
        let larger = min(capacity, ring.count * 2)
        var grown: [Entry?] = []
        grown.reserveCapacity(larger)
        var grownIndex = SlotHashIndex(capacity: larger)
        for offset in 0..<used {
            let entry = ring[(head + offset) % ring.count]
            if let entry { grownIndex.insert(entry.hash, Int32(offset)) }
            grown.append(entry)
        }
        grown.append(contentsOf: repeatElement(nil, count: larger - used))
        ring = grown
        index = grownIndex
        head = 0
    }

    private mutating func expire(now: Double, window: Double) {
        while used > 0, let oldest = ring[head], now - oldest.time > window || oldest.time > now + window {
            evictOldest()
        }
    }

    private mutating func evictOldest() {
        if let oldest = ring[head] {
            index.remove(oldest.hash, Int32(head))
            bytes -= oldest.reply.count
        }
        ring[head] = nil
        head = (head + 1) % ring.count
        used -= 1
    }
}
