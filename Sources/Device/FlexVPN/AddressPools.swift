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
        let used = inUse[pool.name] ?? [:]
        guard used.count < pool.size else { return nil }
        guard !pool.ranges.isEmpty else { return nil }
        let start = cursor[pool.name] ?? pool.ranges[0].first.rawValue
        // Walk the ranges in order starting at the cursor, at most once around.
        var candidates: [(UInt32, UInt32)] = []
        for r in pool.ranges {
            let lo = r.first.rawValue, hi = r.last.rawValue
            if start > lo, start <= hi {
                candidates.insert((start, hi), at: 0)
                candidates.append((lo, start - 1))
            } else {
                candidates.append((lo, hi))
            }
        }
        for (lo, hi) in candidates {
            var a = lo
            while true {
                let address = IPv4Address(rawValue: a)
                if used[address] == nil {
                    inUse[pool.name, default: [:]][address] = uniqueId
                    cursor[pool.name] = a == UInt32.max ? a : a + 1
                    return address
                }
                if a == hi { break }
                a += 1
            }
        }
        return nil
    }

    /// Takes a given address (a Framed-IP-Address inside a pool) for the session; false if held.
    public func reserve(_ address: IPv4Address, in poolName: String, uniqueId: UInt32) -> Bool {
        if inUse[poolName]?[address] != nil { return false }
        inUse[poolName, default: [:]][address] = uniqueId
        return true
    }

    /// Gives the address back.
    public func release(_ address: IPv4Address, from poolName: String) {
        inUse[poolName]?[address] = nil
        if inUse[poolName]?.isEmpty == true { inUse[poolName] = nil }
    }

    public func inUseCount(_ poolName: String) -> Int { inUse[poolName]?.count ?? 0 }

    /// Every address free again, each pool's search back at its start (a lab's reset).
    public func removeAll() {
        inUse.removeAll()
        cursor.removeAll()
    }
}
