import RADIUS

/// One entry of a standard IP access list: `[SEQ] {permit|deny} {host A.B.C.D | A.B.C.D [WILDCARD] | any}`.
/// The address is kept masked by the wildcard, as IOS stores it (`permit 10.1.1.5 0.0.0.255`
/// becomes `10.1.1.0, wildcard bits 0.0.0.255`).
public struct StandardACLEntry: Equatable, Sendable {
    public var sequence: Int
    public var permit: Bool
    public var address: IPv4Address
    /// Wildcard bits: 0 for a host, 255.255.255.255 for `any`.
    public var wildcard: UInt32

    public init(sequence: Int, permit: Bool, address: IPv4Address, wildcard: UInt32) {
        self.sequence = sequence
        self.permit = permit
        self.wildcard = wildcard
        self.address = IPv4Address(rawValue: address.rawValue & ~wildcard)
    }

    public var isAny: Bool { wildcard == 0xFFFF_FFFF }

    public func matches(_ candidate: IPv4Address) -> Bool {
        candidate.rawValue & ~wildcard == address.rawValue
    }

    /// `permit 127.0.0.1`, `deny   any`, `permit 10.0.0.0, wildcard bits 0.0.0.255` (`show`),
    /// or with `, wildcard bits` replaced by a blank (running-config).
    public func text(forShow: Bool) -> String {
        var s = permit ? "permit " : "deny   "
        if isAny {
            s += "any"
        } else if wildcard == 0 {
            s += address.description
        } else {
            s += address.description + (forShow ? ", wildcard bits " : " ") + IPv4Address(rawValue: wildcard).description
        }
        return s
    }

    /// Same action and addresses (a second identical entry is not added, as on IOS).
    public func sameRule(as other: StandardACLEntry) -> Bool {
        permit == other.permit && address == other.address && wildcard == other.wildcard
    }
}

/// `ip access-list standard NAME` or a numbered `access-list N` (1-99): entries in sequence order,
/// an implicit deny after the last.
public struct StandardAccessList: Equatable, Sendable {
    public var name: String
    public var entries: [StandardACLEntry] = []
    public init(name: String) { self.name = name }

    /// The number a new entry without one gets: 10 past the last (IOS's increment).
    public var nextSequence: Int { (entries.map(\.sequence).max() ?? 0) + 10 }

    /// Adds an entry in sequence order; false when the sequence number is taken.
    public mutating func add(_ entry: StandardACLEntry) -> Bool {
        if entries.contains(where: { $0.sequence == entry.sequence }) { return false }
        if entries.contains(where: { $0.sameRule(as: entry) }) { return true }
        entries.append(entry)
        entries.sort { $0.sequence < $1.sequence }
        return true
    }

    /// The first entry that matches, nil: the implicit deny.
    public func firstMatch(_ address: IPv4Address) -> StandardACLEntry? {
        entries.first { $0.matches(address) }
    }

    /// Numbered lists (`access-list 10 …`) sort before named ones, by number (`show access-lists`).
    public var number: Int? { Int(name) }
}

extension Device {
    /// Evaluates access list `name` for `address`: permit or deny, counting the entry that decided
    /// (`show access-lists`' matches). A list that does not exist permits everything, as IOS does
    /// for an `access-class` naming an undefined list.
    public func accessListPermits(_ name: String, address: IPv4Address) -> Bool {
        guard let list = config.accessList(named: name) else { return true }
        guard let entry = list.firstMatch(address) else { return false }
        accessListMatches[name, default: [:]][entry.sequence, default: 0] += 1
        return entry.permit
    }

    /// How many times the entry decided since the list was made (or counters cleared).
    public func accessListMatchCount(_ name: String, sequence: Int) -> Int {
        accessListMatches[name]?[sequence] ?? 0
    }

    /// The vty line a connection from `peer` may take: the first free line whose `access-class …
    /// in` permits the peer (IOS tries the lines in turn). nil with `busy` true: every line is in
    /// use; with `busy` false: a free line exists but every free line's access class denies.
    public func vtyLineAdmitting(peer: String?) -> (number: Int?, busy: Bool) {
        let used = Set(lines.filter { $0.kind == .vty }.map(\.number))
        let free = (0..<vtyCount).filter { !used.contains($0) }
        guard !free.isEmpty else { return (nil, true) }
        let address = peer.flatMap(IPv4Address.init)
        for number in free {
            guard let acl = vtyConfig(number).accessClass else { return (number, false) }
            // A peer that is not IPv4 cannot match a standard list's entries: denied.
            if let address, accessListPermits(acl, address: address) { return (number, false) }
            if address == nil, config.accessList(named: acl) == nil { return (number, false) }
        }
        return (nil, false)
    }
}

extension RunningConfig {
    public func accessList(named name: String) -> StandardAccessList? {
        accessLists.first { $0.name == name }
    }

    /// Changes list `name`, creating it if needed.
    public mutating func updateAccessList(_ name: String, _ change: (inout StandardAccessList) -> Void) {
        if let index = accessLists.firstIndex(where: { $0.name == name }) {
            change(&accessLists[index])
        } else {
            var list = StandardAccessList(name: name)
            change(&list)
            accessLists.append(list)
        }
    }

    /// Numbered lists first in number order, then named ones in name order (IOS's show order).
    public var accessListsInShowOrder: [StandardAccessList] {
        accessLists.sorted { a, b in
            switch (a.number, b.number) {
            case let (x?, y?): return x < y
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a.name < b.name
            }
        }
    }
}
