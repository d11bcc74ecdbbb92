#if canImport(Glibc)
import Glibc
#endif

/// Where the device's randomness comes from: authenticators, identifiers, keys, salts.
/// Deterministic mode seeds it so that every replay prints the same bytes.
public protocol RandomSource: AnyObject {
    func next() -> UInt64
}

extension RandomSource {
    public func bytes(_ count: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        while out.count < count {
            var word = next()
            for _ in 0..<min(8, count - out.count) {
                out.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        return out
    }

    /// A uniform integer in `range`.
    public func int(in range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int(next() % span)
    }
}

/// SplitMix64: small, fast and the same on every machine.
public final class SeededRandom: RandomSource {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The system's generator, drawn 512 words (4 KiB) at a time from /dev/urandom: one read serves
/// a hundred sessions' authenticators and identifiers instead of one system call per word (a
/// load run signs thousands a second).
public final class SystemRandom: RandomSource {
    private var generator = SystemRandomNumberGenerator()
    private var buffer = [UInt64](repeating: 0, count: 512)
    private var used = 512
    #if canImport(Glibc)
    private let urandom = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
    #endif
    public init() {}
    deinit {
        #if canImport(Glibc)
        if urandom >= 0 { close(urandom) }
        #endif
    }
    public func next() -> UInt64 {
        if used == buffer.count {
            #if canImport(Glibc)
            let fd = urandom
            let filled = fd < 0 ? -1 : buffer.withUnsafeMutableBytes { raw in read(fd, raw.baseAddress, raw.count) }
            if filled != buffer.count * 8 {
                for i in buffer.indices { buffer[i] = generator.next() }
            }
            #else
            for i in buffer.indices { buffer[i] = generator.next() }
            #endif
            used = 0
        }
        defer { used += 1 }
        return buffer[used]
    }
}
