/// The 12-hex-digit memory addresses `show aaa user` prints before each attribute
/// (`7FBD9783CCF0 0 00000001 session-id(408) 4 30(1E)`). On a router they are heap addresses;
/// here they only need the same form: one 48-bit region per device drawn from its random source,
/// and per session chunks derived from that draw and the session's unique id, so the same
/// session shows the same addresses every time and a seeded device replays them exactly.
///
/// Layout as in the seed: a session's attribute list runs 0x40 apart from chunk A for five
/// entries, then jumps to chunk B; its dynamic list runs five from B, five from A, then chunk C.
public struct AAAAttributeAddresses: Equatable, Sendable {
    public var chunkA: UInt64
    public var chunkB: UInt64
    public var chunkC: UInt64

    /// The address of entry `index` of the session's attribute list (NET and IPSEC-TUNNEL).
    public func attribute(_ index: Int) -> UInt64 {
        index < 5 ? chunkA &+ UInt64(index) &* 0x40 : chunkB &+ UInt64(index - 5) &* 0x40
    }

    /// The address of entry `index` of the accounting dynamic attribute list.
    public func dynamic(_ index: Int) -> UInt64 {
        switch index {
        case 0..<5: chunkB &+ UInt64(index) &* 0x40
        case 5..<10: chunkA &+ UInt64(index - 5) &* 0x40
        default: chunkC &+ UInt64(index - 10) &* 0x40
        }
    }
}

extension Device {
    /// The per-device random draw all generated addresses derive from (taken on first use).
    private var addressSeed: UInt64 {
        if let seed = accounting.addressSeed { return seed }
        let seed = random.next()
        accounting.addressSeed = seed
        return seed
    }

    /// `0x7FBD97000000`-like: the top 24 bits of the device's heap.
    private var heapRegion: UInt64 { 0x7F00_0000_0000 | (addressSeed & 0x00FF_FF00_0000) }

    /// Attribute addresses of the session with this unique id.
    public func aaaAttributeAddresses(uniqueId: UInt32) -> AAAAttributeAddresses {
        let h = mix64(addressSeed ^ (UInt64(uniqueId) &* 0x9E37_79B9_7F4A_7C15))
        let g = mix64(h)
        let region = heapRegion
        return AAAAttributeAddresses(chunkA: region | (h & 0xFF_FFF0),
                                     chunkB: region | ((h >> 24) & 0xFF_FFF0),
                                     chunkC: region | (g & 0xFF_FFF0))
    }

    /// The address of an accounting method list (`Method List=7FBDA6E05A68 : Name = acct_prof`).
    public func aaaMethodListAddress(name: String) -> UInt64 {
        var h = addressSeed ^ 0xA5A5_5A5A_C3C3_3C3C
        for byte in name.utf8 { h = mix64(h ^ UInt64(byte)) }
        return (heapRegion & 0xFFFF_0000_0000) | (mix64(h) & 0xFFFF_FFF8)
    }

    /// IKEv2 SPIs of a session's SA (`Local spi: 07ADA888C586B033`).
    public func ikev2SPIs(saId: UInt32) -> (local: UInt64, remote: UInt64) {
        let h = mix64(addressSeed ^ 0x5EED_1CE2 ^ (UInt64(saId) << 20))
        return (h, mix64(h))
    }
}

/// SplitMix64's finalizer: a fixed bijective mix.
func mix64(_ value: UInt64) -> UInt64 {
    var z = value &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}
