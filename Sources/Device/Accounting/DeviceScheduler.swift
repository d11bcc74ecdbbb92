/// A pending piece of work that can be called off.
public protocol ScheduledTimer: AnyObject {
    func cancel()
}

/// Runs work later on the device's owner. The engine implements it on its event loop; tests and
/// replays use `ManualScheduler`, whose time moves only when told. Bodies run on the owner, so
/// they may touch the device.
public protocol DeviceScheduler: AnyObject {
    @discardableResult
    func schedule(after seconds: Double, _ body: @escaping () -> Void) -> ScheduledTimer
}

/// A scheduler for tests and deterministic replays: timers fire only inside `advance`, in due
/// order (ties in scheduling order), each with the clock set to its due time. Given a
/// `ManualTimeSource`, it moves that clock, so the device's timestamps follow.
public final class ManualScheduler: DeviceScheduler {
    private final class Entry: ScheduledTimer {
        let due: Double
        let sequence: UInt64
        var body: (() -> Void)?
        init(due: Double, sequence: UInt64, body: @escaping () -> Void) {
            self.due = due
            self.sequence = sequence
            self.body = body
        }
        func cancel() { body = nil }
        func precedes(_ other: Entry) -> Bool {
            due < other.due || (due == other.due && sequence < other.sequence)
        }
    }

    private var heap: [Entry] = []
    private var sequence: UInt64 = 0
    private let time: ManualTimeSource?
    private var ownNow: Double

    /// With `time`, the scheduler's clock is that time source; otherwise it keeps its own from 0.
    public init(time: ManualTimeSource? = nil) {
        self.time = time
        ownNow = 0
    }

    /// The scheduler's clock, in seconds.
    public var now: Double { time?.now() ?? ownNow }

    @discardableResult
    public func schedule(after seconds: Double, _ body: @escaping () -> Void) -> ScheduledTimer {
        sequence &+= 1
        let delay = seconds.isFinite ? max(0, seconds) : 0
        let entry = Entry(due: now + delay, sequence: sequence, body: body)
        push(entry)
        return entry
    }

    /// Timers not yet fired nor cancelled.
    public var pendingCount: Int { heap.reduce(0) { $0 + ($1.body == nil ? 0 : 1) } }

    /// When the next live timer falls due.
    public var nextDue: Double? {
        dropCancelled()
        return heap.first?.due
    }

    /// Moves the clock forward by `seconds`, firing every timer that falls due on the way.
    public func advance(by seconds: Double) {
        advance(to: now + max(0, seconds))
    }

    /// Moves the clock to `target` (never backwards), firing every timer due by then.
    public func advance(to target: Double) {
        while let entry = heap.first, entry.due <= target {
            pop()
            guard let body = entry.body else { continue }
            entry.body = nil
            setClock(max(now, entry.due))
            body()
        }
        setClock(max(now, target))
    }

    /// Fires the timers already due without moving the clock.
    public func runDue() { advance(to: now) }

    private func setClock(_ value: Double) {
        if let time { time.set(value) } else { ownNow = value }
    }

    private func dropCancelled() {
        while let first = heap.first, first.body == nil { pop() }
    }

    // MARK: binary heap

    private func push(_ entry: Entry) {
        heap.append(entry)
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard heap[i].precedes(heap[parent]) else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    private func pop() {
        guard !heap.isEmpty else { return }
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        var i = 0
        while true {
            let left = 2 * i + 1, right = left + 1
            var best = i
            if left < heap.count, heap[left].precedes(heap[best]) { best = left }
            if right < heap.count, heap[right].precedes(heap[best]) { best = right }
            if best == i { break }
            heap.swapAt(i, best)
            i = best
        }
    }
}
