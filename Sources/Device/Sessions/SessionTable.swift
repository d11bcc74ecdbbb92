import RADIUS

/// The device's remote-access sessions, indexed for O(1) lookup by every attribute a RADIUS
/// server may use to name one (RFC 5176 §3: User-Name, Acct-Session-Id, Framed-IP-Address,
/// Calling-Station-Id, Cisco audit-session-id, attribute 151) and by AAA Unique Id.
///
/// Layout, for about half a KiB per session at a million sessions: sessions live in a slot array
/// (freed slots are reused); each index maps a key to one slot, and keys several sessions may
/// share (user name, peer, framed address, audit-session-id) chain the further slots through
/// per-index link arrays, so a removal unlinks in O(1) without searching.
///
/// Ids: `Session Id` counts sessions since reload (the newest session's id equals
/// `totalSinceReload`, as in the seed: 32 sessions, the last with Session Id 32). `Unique Id` comes
/// from a separate counter that other AAA users (accounting records) also draw from through
/// `allocateUniqueId()`, so it runs ahead of the Session Id as in the seed (30 / 41).
public final class SessionTable {
    private var slots: [Session?] = []
    private var freeSlots: [Int32] = []

    private var byUniqueId: [UInt32: Int32] = [:]
    private var byAcctSessionId: [UInt32: Int32] = [:]
    private var byServerKey: [UInt32: Int32] = [:]
    private var byAuditSessionId = ChainedIndex<String>()
    private var byUserName = ChainedIndex<String>()
    private var byPeer = ChainedIndex<UInt32>()
    private var byFramedIP = ChainedIndex<UInt32>()

    /// Slots in creation order, which is Session Id order (ids only grow); -1 marks a removed one.
    private var order: [Int32] = []
    private var orderPosition: [Int32] = []
    private var orderHoles = 0

    /// Every session created since start, including those gone (`Total sessions since last reload`).
    public private(set) var totalSinceReload: UInt32 = 0
    private var lastUniqueId: UInt32 = 0
    private var lastAcctSessionId: UInt32 = 0
    private var lastAuditCounter: UInt32 = 0
    private var lastIKEv2SessionId: UInt32 = 0
    private var lastSAId: UInt32 = 0

    public init() {}

    public var count: Int { byUniqueId.count }
    public var isEmpty: Bool { byUniqueId.isEmpty }

    // MARK: ids

    /// Next AAA Unique Id; accounting records and sessions share this counter.
    public func allocateUniqueId() -> UInt32 {
        lastUniqueId &+= 1
        return lastUniqueId
    }

    /// Next counter for a generated audit-session-id (its `ZN` part).
    public func allocateAuditCounter() -> UInt32 {
        lastAuditCounter &+= 1
        return lastAuditCounter
    }

    /// Whether a session already uses this server key (keys are kept unique so attribute 151
    /// names exactly one session).
    public func containsServerKey(_ key: UInt32) -> Bool { byServerKey[key] != nil }

    // MARK: adding and removing

    /// Creates a session with the next Session Id, Unique Id, Acct-Session-Id and IKEv2 ids.
    /// `serverKey` must not be in use (see `containsServerKey`); a clash is resolved by the
    /// newest session taking the key in the index.
    @discardableResult
    public func add(userName: String?, peer: IPv4Address, local: IPv4Address, framedIP: IPv4Address?,
                    auditSessionId: String, serverKey: UInt32, startTime: Double) -> Session {
        totalSinceReload &+= 1
        lastAcctSessionId &+= 1
        lastIKEv2SessionId &+= 1
        lastSAId &+= 1
        let session = Session(sessionId: totalSinceReload, uniqueId: allocateUniqueId(), userName: userName,
                              peer: peer, local: local, framedIP: framedIP, auditSessionId: auditSessionId,
                              acctSessionId: lastAcctSessionId, serverKey: serverKey, startTime: startTime,
                              ikev2SessionId: lastIKEv2SessionId, saId: lastSAId)
        insert(session)
        return session
    }

    private func insert(_ session: Session) {
        let slot: Int32
        if let free = freeSlots.popLast() {
            slot = free
            slots[Int(slot)] = session
        } else {
            slot = Int32(slots.count)
            slots.append(session)
            orderPosition.append(-1)
            byAuditSessionId.grow()
            byUserName.grow()
            byPeer.grow()
            byFramedIP.grow()
        }
        byUniqueId[session.uniqueId] = slot
        byAcctSessionId[session.acctSessionId] = slot
        byServerKey[session.serverKey] = slot
        byAuditSessionId.insert(session.auditSessionId, slot)
        if let name = session.userName { byUserName.insert(name, slot) }
        byPeer.insert(session.peer.rawValue, slot)
        if let framed = session.framedIP { byFramedIP.insert(framed.rawValue, slot) }
        orderPosition[Int(slot)] = Int32(order.count)
        order.append(slot)
    }

    /// Removes the session with this Unique Id and returns it.
    @discardableResult
    public func remove(uniqueId: UInt32) -> Session? {
        guard let slot = byUniqueId[uniqueId] else { return nil }
        return remove(slot: slot)
    }

    @discardableResult
    func remove(slot: Int32) -> Session? {
        guard slot >= 0, Int(slot) < slots.count, let session = slots[Int(slot)] else { return nil }
        byUniqueId[session.uniqueId] = nil
        if byAcctSessionId[session.acctSessionId] == slot { byAcctSessionId[session.acctSessionId] = nil }
        if byServerKey[session.serverKey] == slot { byServerKey[session.serverKey] = nil }
        byAuditSessionId.remove(session.auditSessionId, slot)
        if let name = session.userName { byUserName.remove(name, slot) }
        byPeer.remove(session.peer.rawValue, slot)
        if let framed = session.framedIP { byFramedIP.remove(framed.rawValue, slot) }
        order[Int(orderPosition[Int(slot)])] = -1
        orderPosition[Int(slot)] = -1
        orderHoles += 1
        slots[Int(slot)] = nil
        freeSlots.append(slot)
        if orderHoles > 1024 && orderHoles > order.count / 2 { compactOrder() }
        return session
    }

    /// Removes every session (`clear crypto session`), returning them in Session Id order.
    public func removeAll() -> [Session] {
        var out: [Session] = []
        out.reserveCapacity(count)
        forEach { out.append($0) }
        slots.removeAll()
        freeSlots.removeAll()
        byUniqueId.removeAll()
        byAcctSessionId.removeAll()
        byServerKey.removeAll()
        byAuditSessionId = ChainedIndex()
        byUserName = ChainedIndex()
        byPeer = ChainedIndex()
        byFramedIP = ChainedIndex()
        order.removeAll()
        orderPosition.removeAll()
        orderHoles = 0
        return out
    }

    private func compactOrder() {
        var kept: [Int32] = []
        kept.reserveCapacity(order.count - orderHoles)
        for slot in order where slot >= 0 {
            orderPosition[Int(slot)] = Int32(kept.count)
            kept.append(slot)
        }
        order = kept
        orderHoles = 0
    }

    // MARK: lookup

    public subscript(uniqueId uniqueId: UInt32) -> Session? {
        guard let slot = byUniqueId[uniqueId] else { return nil }
        return slots[Int(slot)]
    }

    /// The session whose Session Id is this (a scan: ids are for display, not for matching).
    public func session(sessionId: UInt32) -> Session? {
        var found: Session?
        forEach { if $0.sessionId == sessionId { found = $0 } }
        return found
    }

    public func sessions(auditSessionId: String) -> [Session] { byAuditSessionId.slots(auditSessionId).map(session(at:)) }
    public func sessions(userName: String) -> [Session] { byUserName.slots(userName).map(session(at:)) }
    public func sessions(peer: IPv4Address) -> [Session] { byPeer.slots(peer.rawValue).map(session(at:)) }
    public func sessions(framedIP: IPv4Address) -> [Session] { byFramedIP.slots(framedIP.rawValue).map(session(at:)) }
    public func session(acctSessionId: UInt32) -> Session? { byAcctSessionId[acctSessionId].map(session(at:)) }
    public func session(serverKey: UInt32) -> Session? { byServerKey[serverKey].map(session(at:)) }

    /// Every session in Session Id order, one at a time (no copy of the table).
    public func forEach(_ body: (Session) -> Void) {
        for slot in order where slot >= 0 {
            if let session = slots[Int(slot)] { body(session) }
        }
    }

    /// Every session in Session Id order.
    public var all: [Session] {
        var out: [Session] = []
        out.reserveCapacity(count)
        forEach { out.append($0) }
        return out
    }

    // MARK: slot-level access for the DAS (no array of sessions built per request)

    enum Key {
        case auditSessionId(String)
        case userName(String)
        case acctSessionId(UInt32)
        case framedIP(UInt32)
        case peer(UInt32)
        case serverKey(UInt32)
    }

    func session(at slot: Int32) -> Session {
        guard let session = slots[Int(slot)] else { preconditionFailure("index names an empty slot") }
        return session
    }

    /// Calls `body` with each slot the key names.
    func forEachSlot(_ key: Key, _ body: (Int32) -> Void) {
        switch key {
        case .auditSessionId(let v): byAuditSessionId.forEach(v, body)
        case .userName(let v): byUserName.forEach(v, body)
        case .peer(let v): byPeer.forEach(v, body)
        case .framedIP(let v): byFramedIP.forEach(v, body)
        case .acctSessionId(let v): if let s = byAcctSessionId[v] { body(s) }
        case .serverKey(let v): if let s = byServerKey[v] { body(s) }
        }
    }

    /// Whether the session in `slot` carries this key.
    func slot(_ slot: Int32, matches key: Key) -> Bool {
        guard let s = slots[Int(slot)] else { return false }
        switch key {
        case .auditSessionId(let v): return s.auditSessionId == v
        case .userName(let v): return s.userName == v
        case .peer(let v): return s.peer.rawValue == v
        case .framedIP(let v): return s.framedIP?.rawValue == v
        case .acctSessionId(let v): return s.acctSessionId == v
        case .serverKey(let v): return s.serverKey == v
        }
    }
}

/// A key → slots index where several slots may share a key: the dictionary holds the newest slot
/// for the key, and `next`/`previous` chain the others (-1 ends a chain).
struct ChainedIndex<Key: Hashable> {
    private var heads: [Key: Int32] = [:]
    private var next: [Int32] = []
    private var previous: [Int32] = []

    mutating func grow() {
        next.append(-1)
        previous.append(-1)
    }

    mutating func insert(_ key: Key, _ slot: Int32) {
        let s = Int(slot)
        previous[s] = -1
        if let head = heads[key] {
            next[s] = head
            previous[Int(head)] = slot
        } else {
            next[s] = -1
        }
        heads[key] = slot
    }

    mutating func remove(_ key: Key, _ slot: Int32) {
        let s = Int(slot)
        let p = previous[s], n = next[s]
        if n >= 0 { previous[Int(n)] = p }
        if p >= 0 {
            next[Int(p)] = n
        } else if n >= 0 {
            heads[key] = n
        } else {
            heads[key] = nil
        }
        next[s] = -1
        previous[s] = -1
    }

    func forEach(_ key: Key, _ body: (Int32) -> Void) {
        guard var slot = heads[key] else { return }
        while slot >= 0 {
            // Read the link first: `body` may not remove, but stay safe if a caller copies later.
            let following = next[Int(slot)]
            body(slot)
            slot = following
        }
    }

    func slots(_ key: Key) -> [Int32] {
        var out: [Int32] = []
        forEach(key) { out.append($0) }
        // Oldest first, like the table's listing.
        return out.reversed()
    }
}
