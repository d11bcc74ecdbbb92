/// An open-addressing hash index from a key to a slot of the session table. It stores no keys:
/// each bucket holds the key's 32-bit hash and the slot, and a probe asks the caller whether the
/// session in a candidate slot carries the key. That keeps it at 8 bytes per bucket (about
/// 11–16 bytes per session) and lets a lookup reject almost every other key without touching
/// session memory. Linear probing with backward-shift deletion: no tombstones, so lookups stay
/// short under constant churn.
struct SlotHashIndex {
    /// 0 = empty; otherwise `hash << 32 | (slot + 1)`.
    private var buckets: [UInt64]
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 10 / 7 { size <<= 1 }
        buckets = Array(repeating: 0, count: size)
        mask = size - 1
    }

    @inline(__always)
    private static func entry(_ hash: UInt32, _ slot: Int32) -> UInt64 {
        UInt64(hash) << 32 | UInt64(UInt32(bitPattern: slot) &+ 1)
    }

    @inline(__always)
    private static func slot(of entry: UInt64) -> Int32 { Int32(bitPattern: UInt32(truncatingIfNeeded: entry) &- 1) }

    /// The slot whose key has this hash and satisfies `matches`.
    @inline(__always)
    func find(_ hash: UInt32, _ matches: (Int32) -> Bool) -> Int32? {
        var i = Int(hash) & mask
        while true {
            let e = buckets[i]
            if e == 0 { return nil }
            if UInt32(truncatingIfNeeded: e >> 32) == hash {
                let s = SlotHashIndex.slot(of: e)
                if matches(s) { return s }
            }
            i = (i + 1) & mask
        }
    }

    /// Adds `slot` under `hash`; the caller knows no slot with an equal key is present.
    mutating func insert(_ hash: UInt32, _ slot: Int32) {
        if (count + 1) * 10 > buckets.count * 7 { grow() }
        var i = Int(hash) & mask
        while buckets[i] != 0 { i = (i + 1) & mask }
        buckets[i] = SlotHashIndex.entry(hash, slot)
        count += 1
    }

    /// Puts `new` where `old` was (a chain's head changes).
    mutating func replace(_ hash: UInt32, _ old: Int32, with new: Int32) {
        guard let i = position(hash, old) else { return }
        buckets[i] = SlotHashIndex.entry(hash, new)
    }

    /// Removes the bucket of exactly this slot.
    mutating func remove(_ hash: UInt32, _ slot: Int32) {
        guard var hole = position(hash, slot) else { return }
        buckets[hole] = 0
        count -= 1
        // Backward shift: pull later entries of the run into the hole when their home allows it.
        var i = (hole + 1) & mask
        while buckets[i] != 0 {
            let home = Int(UInt32(truncatingIfNeeded: buckets[i] >> 32)) & mask
            // Move if `home` is not cyclically within (hole, i].
            let distanceToI = (i - home) & mask
            let distanceToHole = (hole - home) & mask
            if distanceToHole < distanceToI {
                buckets[hole] = buckets[i]
                buckets[i] = 0
                hole = i
            }
            i = (i + 1) & mask
        }
    }

    mutating func removeAll() {
        self = SlotHashIndex()
    }

    private func position(_ hash: UInt32, _ slot: Int32) -> Int? {
        let wanted = SlotHashIndex.entry(hash, slot)
        var i = Int(hash) & mask
        while true {
            let e = buckets[i]
            if e == 0 { return nil }
            if e == wanted { return i }
            i = (i + 1) & mask
        }
    }

    private mutating func grow() {
        let old = buckets
        buckets = Array(repeating: 0, count: old.count * 2)
        mask = buckets.count - 1
        for e in old where e != 0 {
            var i = Int(UInt32(truncatingIfNeeded: e >> 32)) & mask
            while buckets[i] != 0 { i = (i + 1) & mask }
            buckets[i] = e
        }
    }

    /// Bytes held by the bucket array.
    var memoryBytes: Int { buckets.count * 8 }
}

/// Seeded 32-bit hashes for the indexes: cheap multiply-mix for integers, 8 bytes at a time for
/// text. The seed comes from the device's random source, so crafted names cannot pile into one run.
struct SlotHasher {
    let seed: UInt64

    @inline(__always)
    private static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }

    @inline(__always)
    func hash(_ value: UInt32) -> UInt32 {
        UInt32(truncatingIfNeeded: SlotHasher.mix(UInt64(value) ^ seed, 0x9E37_79B9_7F4A_7C15) >> 16)
    }

    /// Three words, e.g. an address/port/identifier and a 16-byte authenticator.
    @inline(__always)
    func hash(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> UInt32 {
        var h = SlotHasher.mix(a ^ seed, 0x9E37_79B9_7F4A_7C15)
        h = SlotHasher.mix(h ^ b, 0xE703_7ED1_A0B4_28DB)
        h = SlotHasher.mix(h ^ c, 0x8EBC_6AF0_9C88_C6E3)
        return UInt32(truncatingIfNeeded: h ^ (h >> 32))
    }

    func hash(_ text: String) -> UInt32 {
        var copy = text
        return copy.withUTF8 { bytes in
            var h = seed ^ UInt64(bytes.count) &* 0xA076_1D64_78BD_642F
            var i = 0
            let n = bytes.count
            while i + 8 <= n {
                var word: UInt64 = 0
                for j in 0..<8 { word |= UInt64(bytes[i + j]) << (8 * UInt64(j)) }
                h = SlotHasher.mix(h ^ word, 0xE703_7ED1_A0B4_28DB)
                i += 8
            }
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < n {
                tail |= UInt64(bytes[i]) << shift
                shift += 8
                i += 1
            }
            h = SlotHasher.mix(h ^ tail, 0x8EBC_6AF0_9C88_C6E3)
            return UInt32(truncatingIfNeeded: h ^ (h >> 32))
        }
    }
}
