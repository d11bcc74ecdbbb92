import RADIUS

/// Addresses handed out of the `ip local pool`s: which address of which pool a session holds.
/// The pools' ranges are configuration; what is in use is state (it survives a pool's removal
/// until the sessions holding addresses end, as on IOS).
public final class AddressPoolState {
    /// pool name -> address -> the AAA unique id of the session holding it.
    public private(set) var inUse: [String: [IPv4Address: UInt32]] = [:]
    /// Where the next search starts in each pool, so a busy pool is not rescanned from its start.
    private var cursor: [String: UInt32] = [:]
    public init() {}

    /// The first free address of the pool from where the last allocation stopped (wrapping),
    /// recorded for the session; nil when the pool does not exist or is exhausted.
    public func allocate(from pool: LocalAddressPool, uniqueId: UInt32) -> IPv4Address? {
        guard inUseCount(pool.name) < pool.size, let first = pool.ranges.first else { return nil }
        let start = cursor[pool.name] ?? first.first.rawValue
        guard let address = firstFree(in: pool, from: start) else { return nil }
        // Written only after the search let go of its view of the pool's map: a view held across
        // the write would copy the whole map (every address in use) on every allocation.
        hold(address, in: pool.name, uniqueId: uniqueId)
        cursor[pool.name] = address.rawValue == UInt32.max ? address.rawValue : address.rawValue + 1
        return address
    }

    /// The first free address walking the ranges in order from `start` (the rest of the range
    /// holding it first, that range's beginning in its turn), at most once around.
    private func firstFree(in pool: LocalAddressPool, from start: UInt32) -> IPv4Address? {
        let used = inUse[pool.name] ?? [:]
        func scan(_ lo: UInt32, _ hi: UInt32) -> IPv4Address? {
            var a = lo
            while true {
                let address = IPv4Address(rawValue: a)
                if used[address] == nil { return address }
                if a == hi { return nil }
                a += 1
            }
        }
        func holdsStart(_ r: LocalAddressPool.Range) -> Bool { start > r.first.rawValue && start <= r.last.rawValue }
        if let r = pool.ranges.first(where: holdsStart), let address = scan(start, r.last.rawValue) { return address }
        for r in pool.ranges {
            let hi = holdsStart(r) ? start - 1 : r.last.rawValue
            if let address = scan(r.first.rawValue, hi) { return address }
        }
        return nil
    }

    /// Takes a given address (a Framed-IP-Address inside a pool) for the session; false if held.
    public func reserve(_ address: IPv4Address, in poolName: String, uniqueId: UInt32) -> Bool {
        if inUse[poolName]?[address] != nil { return false }
        hold(address, in: poolName, uniqueId: uniqueId)
        return true
    }

    /// Gives the address back. A pool's emptied map is kept (at most 64 of them), so a pool whose
    /// sessions come and go one at a time does not make a new map for every address.
    public func release(_ address: IPv4Address, from poolName: String) {
        guard let index = inUse.index(forKey: poolName) else { return }
        inUse.values[index].removeValue(forKey: address)
        if inUse.values[index].isEmpty, inUse.count > 64 { inUse.remove(at: index) }
    }

    /// In place through the pool's index: a nested optional-chained write allocates each time.
    private func hold(_ address: IPv4Address, in poolName: String, uniqueId: UInt32) {
        if let index = inUse.index(forKey: poolName) {
            inUse.values[index].updateValue(uniqueId, forKey: address)
        } else {
            inUse[poolName] = [address: uniqueId]
        }
    }

    public func inUseCount(_ poolName: String) -> Int { inUse[poolName]?.count ?? 0 }

    /// Every address free again, each pool's search back at its start (a lab's reset).
    public func removeAll() {
        inUse.removeAll()
        cursor.removeAll()
    }
}
