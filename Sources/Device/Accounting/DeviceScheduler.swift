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
    private var timers = TimerQueue<Double>()
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
        let delay = seconds.isFinite ? max(0, seconds) : 0
        return timers.add(due: now + delay, body)
    }

    /// Timers not yet fired nor cancelled.
    public var pendingCount: Int { timers.pendingCount }

    /// When the next live timer falls due.
    public var nextDue: Double? { timers.nextDue() }

    /// Moves the clock forward by `seconds`, firing every timer that falls due on the way.
    public func advance(by seconds: Double) {
        advance(to: now + max(0, seconds))
    }

    /// Moves the clock to `target` (never backwards), firing every timer due by then.
    public func advance(to target: Double) {
        while let (due, body) = timers.takeDue(by: target) {
            setClock(max(now, due))
            body()
        }
        setClock(max(now, target))
    }

    /// Fires the timers already due without moving the clock.
    public func runDue() { advance(to: now) }

    private func setClock(_ value: Double) {
        if let time { time.set(value) } else { ownNow = value }
    }
}

/// Timers in due order, ties in scheduling order: a binary heap shared by the schedulers. A
/// cancel only clears the entry's body; the entry leaves the heap when it reaches the top, which
/// is much cheaper than removing it at once when nearly every timer is cancelled (every RADIUS
/// request arms a timeout and cancels it a millisecond later).
public struct TimerQueue<Due: Comparable> {
    public final class Entry: ScheduledTimer {
        public let due: Due
        let sequence: UInt64
        var body: (() -> Void)?
        init(due: Due, sequence: UInt64, body: @escaping () -> Void) {
            self.due = due
            self.sequence = sequence
            self.body = body
        }
        public func cancel() { body = nil }
        func precedes(_ other: Entry) -> Bool {
            due < other.due || (due == other.due && sequence < other.sequence)
        }
    }

    private var heap: [Entry] = []
    private var sequence: UInt64 = 0

    public init() {}

    /// Adds a timer due at `due`.
    public mutating func add(due: Due, _ body: @escaping () -> Void) -> Entry {
        sequence &+= 1
        let entry = Entry(due: due, sequence: sequence, body: body)
        push(entry)
        return entry
    }

    /// Timers not yet taken nor cancelled.
    public var pendingCount: Int { heap.reduce(0) { $0 + ($1.body == nil ? 0 : 1) } }

    /// When the earliest live timer falls due (cancelled ones on top are dropped on the way).
    public mutating func nextDue() -> Due? {
        while let first = heap.first, first.body == nil { pop() }
        return heap.first?.due
    }

    /// Takes the earliest live timer if it is due by `limit`: its due time and body, which the
    /// caller runs (after this returns, so the body may add timers).
    public mutating func takeDue(by limit: Due) -> (Due, () -> Void)? {
        while let entry = heap.first, entry.due <= limit {
            pop()
            guard let body = entry.body else { continue }
            entry.body = nil
            return (entry.due, body)
        }
        return nil
    }

    private mutating func push(_ entry: Entry) {
        heap.append(entry)
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard heap[i].precedes(heap[parent]) else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    private mutating func pop() {
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
