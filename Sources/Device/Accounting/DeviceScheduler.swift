/// A pending piece of work that can be called off.
public protocol ScheduledTimer: AnyObject {
    func cancel()
}

/// Runs work later on the device's owner. The engine implements it on its event loop; tests and
/// replays use `ManualScheduler`, whose time moves only when told. Bodies run on the owner, so
/// they may touch the device.
public protocol DeviceScheduler: AnyObject {
    /// The scheduler's own clock, in seconds (monotonic; only differences mean anything): what
    /// `schedule(after:)` counts from.
    var now: Double { get }

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

/// Timers in due order, ties in scheduling order, shared by the schedulers. Most timers have the
/// same delay from a clock that only moves forward (a session's interim updates, a lab's
/// latencies), so they come in due order: those wait in a FIFO (constant time to add and take);
/// only one due before the last FIFO entry goes to a binary heap. A cancel only clears the
/// entry's body; the entry leaves when it reaches the front, cheaper than removing it at once.
/// Inlinable so the transport's scheduler gets it specialized for its deadline type: unspecialized,
/// every comparison and move went through value witnesses.
public struct TimerQueue<Due: Comparable> {
    public final class Entry: ScheduledTimer {
        public let due: Due
        @usableFromInline let sequence: UInt64
        @usableFromInline var body: (() -> Void)?
        @usableFromInline init(due: Due, sequence: UInt64, body: @escaping () -> Void) {
            self.due = due
            self.sequence = sequence
            self.body = body
        }
        public func cancel() { body = nil }
        @inlinable func precedes(_ other: Entry) -> Bool {
            due < other.due || (due == other.due && sequence < other.sequence)
        }
    }

    /// Entries added in due order; those before `inOrderHead` are gone.
    @usableFromInline var inOrder: [Entry] = []
    @usableFromInline var inOrderHead = 0
    /// Entries that came out of order, as a binary heap.
    @usableFromInline var heap: [Entry] = []
    @usableFromInline var sequence: UInt64 = 0

    public init() {}

    /// Adds a timer due at `due`.
    @inlinable @discardableResult
    public mutating func add(due: Due, _ body: @escaping () -> Void) -> Entry {
        sequence &+= 1
        let entry = Entry(due: due, sequence: sequence, body: body)
        if inOrderHead == inOrder.count || !(due < inOrder[inOrder.count - 1].due) {
            inOrder.append(entry)
        } else {
            push(entry)
        }
        return entry
    }

    /// Timers not yet taken nor cancelled.
    public var pendingCount: Int {
        inOrder[inOrderHead...].reduce(0) { $0 + ($1.body == nil ? 0 : 1) }
            + heap.reduce(0) { $0 + ($1.body == nil ? 0 : 1) }
    }

    /// When the earliest live timer falls due (cancelled ones in front are dropped on the way).
    @inlinable
    public mutating func nextDue() -> Due? {
        while let first = front(), first.body == nil { removeFront() }
        return front()?.due
    }

    /// Takes the earliest live timer if it is due by `limit`: its due time and body, which the
    /// caller runs (after this returns, so the body may add timers).
    @inlinable
    public mutating func takeDue(by limit: Due) -> (Due, () -> Void)? {
        while let entry = front(), entry.due <= limit {
            removeFront()
            guard let body = entry.body else { continue }
            entry.body = nil
            return (entry.due, body)
        }
        return nil
    }

    /// The earliest entry, cancelled or not.
    @inlinable
    func front() -> Entry? {
        let ordered = inOrderHead < inOrder.count ? inOrder[inOrderHead] : nil
        guard let top = heap.first else { return ordered }
        guard let ordered else { return top }
        return top.precedes(ordered) ? top : ordered
    }

    @inlinable
    mutating func removeFront() {
        if inOrderHead < inOrder.count, heap.first.map({ !$0.precedes(inOrder[inOrderHead]) }) ?? true {
            inOrderHead += 1
            if inOrderHead == inOrder.count {
                inOrder.removeAll(keepingCapacity: true)
                inOrderHead = 0
            } else if inOrderHead >= 4096, inOrderHead * 2 >= inOrder.count {
                inOrder.removeFirst(inOrderHead)
                inOrderHead = 0
            }
        } else {
            popHeap()
        }
    }

    @inlinable
    mutating func push(_ entry: Entry) {
        heap.append(entry)
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard heap[i].precedes(heap[parent]) else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    @inlinable
    mutating func popHeap() {
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
