import RADIUS

/// The device's remote-access sessions, indexed for O(1) lookup by every attribute a RADIUS
/// server may use to name one (RFC 5176 §3: User-Name, Acct-Session-Id, Framed-IP-Address,
/// Calling-Station-Id, Cisco audit-session-id, attribute 151) and by AAA Unique Id.
///
/// Layout, for about half a KiB per session at a million sessions: sessions live in a slot array
/// (freed slots are reused). Each index is a `SlotHashIndex` of 8-byte buckets (hash, slot) that
/// stores no key of its own; keys several sessions may share (user name, peer, framed address,
/// audit-session-id) keep the newest session in the index and chain the others through per-index
/// link arrays, so a removal unlinks in O(1) without searching.
///
/// Ids: `Session Id` counts sessions since reload (the newest session's id equals
/// `totalSinceReload`, as in the seed: 32 sessions, the last with Session Id 32). `Unique Id` comes
/// from a separate counter that other AAA users (accounting records) also draw from through
/// `allocateUniqueId()`, so it runs ahead of the Session Id as in the seed (30 / 41).
/// Every id counter is 32 bits: after 4294967295 it wraps to 1 (0 is never an id) and skips the
/// ids live sessions still hold, so two live sessions never share a Session Id, Unique Id or
/// Acct-Session-Id.
public final class SessionTable {
    private var slots: [Session?] = []
    private var freeSlots: [Int32] = []
    private let hasher: SlotHasher

    private var byUniqueId = SlotHashIndex()
    private var byAcctSessionId = SlotHashIndex()
    private var byServerKey = SlotHashIndex()
    private var byAuditSessionId = ChainedSlotIndex()
    private var byUserName = ChainedSlotIndex()
    private var byPeer = ChainedSlotIndex()
    private var byFramedIP = ChainedSlotIndex()

    /// Slots in creation order (Session Id order until ids are given out of order or wrap); -1
    /// marks a removed one.
    private var order: [Int32] = []
    private var orderPosition: [Int32] = []
    private var orderHoles = 0

    /// Every session created since start, including those gone (`Total sessions since last reload`).
    /// It stops at 4294967295 rather than wrap to a count smaller than the sessions listed.
    public private(set) var totalSinceReload: UInt32 = 0
    private var lastSessionId: UInt32 = 0
    /// Set once the Session Id counter has wrapped: from then on a new id may be one a live
    /// session holds, and is checked (before, every live id is at most `lastSessionId`).
    private var sessionIdsWrapped = false
    private var lastUniqueId: UInt32 = 0
    private var lastAcctSessionId: UInt32 = 0
    private var lastAuditCounter: UInt32 = 0
    private var lastIKEv2SessionId: UInt32 = 0
    private var lastSAId: UInt32 = 0

    /// `hashSeed` keys the index hashes (the device passes one from its random source).
    public init(hashSeed: UInt64 = 0x5DEE_CE66_D1CE_4E5B) {
        hasher = SlotHasher(seed: hashSeed)
    }

    public var count: Int { byUniqueId.count }
    public var isEmpty: Bool { byUniqueId.count == 0 }

    // MARK: ids

    /// Next AAA Unique Id; accounting records and sessions share this counter. After
    /// 4294967295 it wraps to 1.
    public func allocateUniqueId() -> UInt32 {
        lastUniqueId = SessionTable.successor(lastUniqueId)
        return lastUniqueId
    }

    /// The id after `id` on a 32-bit counter that skips 0.
    static func successor(_ id: UInt32) -> UInt32 { id == .max ? 1 : id + 1 }
    static func saturatingSuccessor(_ n: UInt32) -> UInt32 { n == .max ? n : n + 1 }

    /// Why `add` refused explicitly given ids.
    public enum IdError: Error, Equatable {
        case sessionIdInUse(UInt32)
        case uniqueIdInUse(UInt32)
        case zero
    }

    /// Whether a live session holds this Session Id (a scan only once the counter has wrapped
    /// or for an id at or below it).
    public func containsSessionId(_ id: UInt32) -> Bool {
        if !sessionIdsWrapped, id > lastSessionId { return false }
        return session(sessionId: id) != nil
    }

    /// Whether a live session holds this Unique Id.
    public func containsUniqueId(_ id: UInt32) -> Bool { slot(uniqueId: id) != nil }

    /// The next Session Id no live session holds.
    private func allocateSessionId() -> UInt32 {
        var id = SessionTable.successor(lastSessionId)
        if id < lastSessionId { sessionIdsWrapped = true }
        if sessionIdsWrapped {
            var live = Set<UInt32>(minimumCapacity: count)
            forEach { live.insert($0.sessionId) }
            while live.contains(id) { id = SessionTable.successor(id) }
        }
        lastSessionId = id
        return id
    }

    /// The next Unique Id (shared counter) no live session holds.
    private func allocateSessionUniqueId() -> UInt32 {
        var id = allocateUniqueId()
        while containsUniqueId(id) { id = allocateUniqueId() }
        return id
    }

    /// The next Acct-Session-Id no live session holds.
    private func allocateAcctSessionId() -> UInt32 {
        repeat {
            lastAcctSessionId = SessionTable.successor(lastAcctSessionId)
        } while slot(acctSessionId: lastAcctSessionId) != nil
        return lastAcctSessionId
    }

    /// The IKEv2 session and SA ids for a negotiation that starts now (a real IKE_SA_INIT): debug
    /// lines carry them before the session exists; `add(…ikev2Ids:)` then uses them.
    public func allocateIKEv2Ids() -> (sessionId: UInt32, saId: UInt32) {
        lastIKEv2SessionId &+= 1
        lastSAId &+= 1
        return (lastIKEv2SessionId, lastSAId)
    }

    /// Next counter for a generated audit-session-id (its `ZN` part).
    public func allocateAuditCounter() -> UInt32 {
        lastAuditCounter &+= 1
        return lastAuditCounter
    }

    /// Whether a session already uses this server key (keys are kept unique so attribute 151
    /// names exactly one session).
    public func containsServerKey(_ key: UInt32) -> Bool { slot(serverKey: key) != nil }

    // MARK: adding and removing

    /// Creates a session with the next Session Id, Unique Id, Acct-Session-Id and IKEv2 ids.
    /// `serverKey` should not be in use (see `containsServerKey`); if it is, the older session
    /// keeps the key in the index.
    @discardableResult
    public func add(userName: String?, peer: IPv4Address, local: IPv4Address, framedIP: IPv4Address?,
                    auditSessionId: String, serverKey: UInt32, startTime: Double) -> Session {
        // Only a wrapped counter can meet a live id; these cannot fail without given ids.
        (try? add(userName: userName, peer: peer, local: local, framedIP: framedIP, auditSessionId: auditSessionId,
                  serverKey: serverKey, startTime: startTime, sessionId: nil, uniqueId: nil))!
    }

    /// The same with ids given (a scenario recreating a device that has been up a while): a given
    /// Session Id or Unique Id is used as it is, and moves its counter on when larger, so later
    /// sessions follow it (the Acct-Session-Id follows the Session Id, as the seeds show: Session
    /// Id 33 sends Acct-Session-Id 00000021). An id a live session holds, or 0, is refused and
    /// nothing changes.
    @discardableResult
    public func add(userName: String?, peer: IPv4Address, local: IPv4Address, framedIP: IPv4Address?,
                    auditSessionId: String, serverKey: UInt32, startTime: Double,
                    sessionId givenSessionId: UInt32?, uniqueId givenUniqueId: UInt32?,
                    ikev2Ids: (sessionId: UInt32, saId: UInt32)? = nil,
                    ports: (local: UInt16, peer: UInt16)? = nil) throws(IdError) -> Session {
        if givenSessionId == 0 || givenUniqueId == 0 { throw .zero }
        if let sid = givenSessionId, containsSessionId(sid) { throw .sessionIdInUse(sid) }
        if let uid = givenUniqueId, containsUniqueId(uid) { throw .uniqueIdInUse(uid) }
        let sessionId: UInt32
        if let sid = givenSessionId {
            sessionId = sid
            if sid > lastSessionId {
                lastSessionId = sid
                lastAcctSessionId = max(lastAcctSessionId, sid - 1)
            }
            // The total counts sessions since reload; a device up a while has had at least this many.
            totalSinceReload = max(SessionTable.saturatingSuccessor(totalSinceReload), sid)
        } else {
            sessionId = allocateSessionId()
            totalSinceReload = SessionTable.saturatingSuccessor(totalSinceReload)
        }
        let uniqueId: UInt32
        if let uid = givenUniqueId {
            uniqueId = uid
            lastUniqueId = max(lastUniqueId, uid)
        } else {
            uniqueId = allocateSessionUniqueId()
        }
        let acctSessionId = allocateAcctSessionId()
        let ikev2 = ikev2Ids ?? allocateIKEv2Ids()
        var session = Session(sessionId: sessionId, uniqueId: uniqueId, userName: userName,
                              peer: peer, local: local, framedIP: framedIP, auditSessionId: auditSessionId,
                              acctSessionId: acctSessionId, serverKey: serverKey, startTime: startTime,
                              ikev2SessionId: ikev2.sessionId, saId: ikev2.saId)
        if let ports {
            session.localPort = ports.local
            session.peerPort = ports.peer
        }
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
        // Unique keys: a clash (a counter that wrapped, a reused key) leaves the older session indexed.
        if self.slot(uniqueId: session.uniqueId) == nil { byUniqueId.insert(hasher.hash(session.uniqueId), slot) }
        if self.slot(acctSessionId: session.acctSessionId) == nil {
            byAcctSessionId.insert(hasher.hash(session.acctSessionId), slot)
        }
        if self.slot(serverKey: session.serverKey) == nil { byServerKey.insert(hasher.hash(session.serverKey), slot) }
        let audit = session.auditSessionId
        byAuditSessionId.insert(hasher.hash(audit), slot) { has($0) { $0.auditSessionId == audit } }
        if let name = session.userName {
            byUserName.insert(hasher.hash(name), slot) { has($0) { $0.userName == name } }
        }
        let peer = session.peer
        byPeer.insert(hasher.hash(peer.rawValue), slot) { has($0) { $0.peer == peer } }
        if let framed = session.framedIP {
            byFramedIP.insert(hasher.hash(framed.rawValue), slot) { has($0) { $0.framedIP == framed } }
        }
        orderPosition[Int(slot)] = Int32(order.count)
        order.append(slot)
    }

    /// Removes the session with this Unique Id and returns it.
    @discardableResult
    public func remove(uniqueId: UInt32) -> Session? {
        guard let slot = slot(uniqueId: uniqueId) else { return nil }
        return remove(slot: slot)
    }

    @discardableResult
    func remove(slot: Int32) -> Session? {
        // Moved out of its slot (the indexes below need only hashes), not copied.
        guard slot >= 0, Int(slot) < slots.count, let session = slots[Int(slot)].take() else { return nil }
        byUniqueId.remove(hasher.hash(session.uniqueId), slot)
        byAcctSessionId.remove(hasher.hash(session.acctSessionId), slot)
        byServerKey.remove(hasher.hash(session.serverKey), slot)
        byAuditSessionId.remove(hasher.hash(session.auditSessionId), slot)
        if let name = session.userName { byUserName.remove(hasher.hash(name), slot) }
        byPeer.remove(hasher.hash(session.peer.rawValue), slot)
        if let framed = session.framedIP { byFramedIP.remove(hasher.hash(framed.rawValue), slot) }
        order[Int(orderPosition[Int(slot)])] = -1
        orderPosition[Int(slot)] = -1
        orderHoles += 1
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
        byAuditSessionId = ChainedSlotIndex()
        byUserName = ChainedSlotIndex()
        byPeer = ChainedSlotIndex()
        byFramedIP = ChainedSlotIndex()
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
        slot(uniqueId: uniqueId).map(session(at:))
    }

    /// Adds traffic to a live session's counters (they wrap at 2^64); false when no session has the id.
    @discardableResult
    public func addTraffic(uniqueId: UInt32, bytesIn: UInt64, bytesOut: UInt64, packetsIn: UInt64,
                           packetsOut: UInt64) -> Bool {
        guard let slot = slot(uniqueId: uniqueId), slots[Int(slot)] != nil else { return false }
        slots[Int(slot)]!.bytesIn &+= bytesIn
        slots[Int(slot)]!.bytesOut &+= bytesOut
        slots[Int(slot)]!.packetsIn &+= packetsIn
        slots[Int(slot)]!.packetsOut &+= packetsOut
        return true
    }

    /// The session whose Session Id is this (a scan: ids are for display, not for matching).
    public func session(sessionId: UInt32) -> Session? {
        var found: Session?
        forEach { if $0.sessionId == sessionId { found = $0 } }
        return found
    }

    public func sessions(auditSessionId: String) -> [Session] { sessions(.auditSessionId(auditSessionId)) }
    public func sessions(userName: String) -> [Session] { sessions(.userName(userName)) }
    public func sessions(peer: IPv4Address) -> [Session] { sessions(.peer(peer.rawValue)) }
    public func sessions(framedIP: IPv4Address) -> [Session] { sessions(.framedIP(framedIP.rawValue)) }
    public func session(acctSessionId: UInt32) -> Session? { slot(acctSessionId: acctSessionId).map(session(at:)) }
    public func session(serverKey: UInt32) -> Session? { slot(serverKey: serverKey).map(session(at:)) }

    /// Sessions carrying the key, oldest first.
    private func sessions(_ key: Key) -> [Session] {
        var out: [Session] = []
        forEachSlot(key) { out.append(session(at: $0)) }
        return out.reversed()
    }

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

    /// Whether the session in `slot` passes `test`, read where it lies: probing an index compares
    /// one key, and copying the whole session for it would retain and release its strings.
    @inline(__always)
    private func has(_ slot: Int32, _ test: (borrowing Session) -> Bool) -> Bool {
        slots.withUnsafeBufferPointer { buffer in
            switch buffer[Int(slot)] {
            case .some(let session): test(session)
            case .none: false
            }
        }
    }

    private func slot(uniqueId: UInt32) -> Int32? {
        byUniqueId.find(hasher.hash(uniqueId)) { has($0) { $0.uniqueId == uniqueId } }
    }

    private func slot(acctSessionId: UInt32) -> Int32? {
        byAcctSessionId.find(hasher.hash(acctSessionId)) { has($0) { $0.acctSessionId == acctSessionId } }
    }

    private func slot(serverKey: UInt32) -> Int32? {
        byServerKey.find(hasher.hash(serverKey)) { has($0) { $0.serverKey == serverKey } }
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

    /// Calls `body` with each slot the key names, newest first. `body` must not change the table.
    func forEachSlot(_ key: Key, _ body: (Int32) -> Void) {
        switch key {
        case .auditSessionId(let v):
            byAuditSessionId.forEach(hasher.hash(v), { has($0) { $0.auditSessionId == v } }, body)
        case .userName(let v):
            byUserName.forEach(hasher.hash(v), { has($0) { $0.userName == v } }, body)
        case .peer(let v):
            byPeer.forEach(hasher.hash(v), { has($0) { $0.peer.rawValue == v } }, body)
        case .framedIP(let v):
            byFramedIP.forEach(hasher.hash(v), { has($0) { $0.framedIP?.rawValue == v } }, body)
        case .acctSessionId(let v): if let s = slot(acctSessionId: v) { body(s) }
        case .serverKey(let v): if let s = slot(serverKey: v) { body(s) }
        }
    }

    /// Whether the session in `slot` carries this key.
    func slot(_ slot: Int32, matches key: Key) -> Bool {
        switch key {
        case .auditSessionId(let v): has(slot) { $0.auditSessionId == v }
        case .userName(let v): has(slot) { $0.userName == v }
        case .peer(let v): has(slot) { $0.peer.rawValue == v }
        case .framedIP(let v): has(slot) { $0.framedIP?.rawValue == v }
        case .acctSessionId(let v): has(slot) { $0.acctSessionId == v }
        case .serverKey(let v): has(slot) { $0.serverKey == v }
        }
    }

    /// Bytes held by the index bucket arrays and link arrays (not the sessions themselves).
    public var indexMemoryBytes: Int {
        byUniqueId.memoryBytes + byAcctSessionId.memoryBytes + byServerKey.memoryBytes
            + byAuditSessionId.memoryBytes + byUserName.memoryBytes + byPeer.memoryBytes + byFramedIP.memoryBytes
    }
}

/// A key → slots index where several slots may share a key: the hash index holds the newest slot
/// for the key, and per-slot links chain the others (-1 ends a chain). A slot's two links share
/// one 8-byte entry, so unlinking it touches one cache line, not two.
struct ChainedSlotIndex {
    private struct Link {
        var next: Int32 = -1
        var previous: Int32 = -1
    }

    private var heads = SlotHashIndex()
    private var links: [Link] = []

    mutating func grow() {
        links.append(Link())
    }

    /// `matches` tells whether a slot has the key being inserted.
    mutating func insert(_ hash: UInt32, _ slot: Int32, _ matches: (Int32) -> Bool) {
        let s = Int(slot)
        links[s].previous = -1
        if let head = heads.find(hash, matches) {
            links[s].next = head
            links[Int(head)].previous = slot
            heads.replace(hash, head, with: slot)
        } else {
            links[s].next = -1
            heads.insert(hash, slot)
        }
    }

    mutating func remove(_ hash: UInt32, _ slot: Int32) {
        let s = Int(slot)
        let p = links[s].previous, n = links[s].next
        if n >= 0 { links[Int(n)].previous = p }
        if p >= 0 {
            links[Int(p)].next = n
        } else if n >= 0 {
            heads.replace(hash, slot, with: n)
        } else {
            heads.remove(hash, slot)
        }
        links[s] = Link()
    }

    func forEach(_ hash: UInt32, _ matches: (Int32) -> Bool, _ body: (Int32) -> Void) {
        guard var slot = heads.find(hash, matches) else { return }
        while slot >= 0 {
            body(slot)
            slot = links[Int(slot)].next
        }
    }

    var memoryBytes: Int { heads.memoryBytes + links.capacity * MemoryLayout<Link>.stride }
}
