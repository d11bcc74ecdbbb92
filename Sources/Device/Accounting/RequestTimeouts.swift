import DequeModule

/// A RADIUS request whose timeout `RequestTimeouts` keeps: each transmission gets a new number,
/// so the timeout of an earlier one (answered, re-sent, given up) is known to be stale.
protocol TimedRADIUSRequest: AnyObject {
    var transmissions: UInt32 { get }
}

/// The timeouts of the RADIUS requests in flight, all behind one scheduler timer. Every request
/// waits `radius-server timeout` seconds from its latest transmission, so timeouts come in the
/// order they fall due: a FIFO holds them (one changed `timeout` sorts its entry in from the
/// back). A transmission costs an entry in the FIFO, where a timer of its own cost an entry and
/// a closure (two allocations) and a cancel — at thousands of requests a second, most of what
/// a request's timeout cost. An answered request's entry is stale: stale entries at the front
/// leave whenever an entry is added or the timer fires, so the FIFO holds about the requests
/// still waiting, and the timer is armed for the oldest of them (once per `timeout` under load,
/// not once per request). Timeouts due at one moment run in transmission order, as their timers
/// did.
final class RequestTimeouts<Request: TimedRADIUSRequest> {
    private struct Entry {
        let due: Double
        let request: Request
        let transmission: UInt32
    }

    private var entries = Deque<Entry>()
    private var armed: ScheduledTimer?
    private var armedDue = Double.infinity
    /// The scheduler the timer is on, held strongly: a weak reference costs a load on every add,
    /// and a bare identity could match a new scheduler at a freed one's address (the timer on the
    /// old one would then never fire).
    private var armedOn: DeviceScheduler?
    private var expiring = false
    /// Called for a transmission that got no answer in time (the request may have been answered
    /// another way since: the caller checks that it is still in flight).
    private let expired: (Request) -> Void

    init(expired: @escaping (Request) -> Void) { self.expired = expired }

    /// Entries waiting, stale ones included (tests, bounds).
    var count: Int { entries.count }

    /// The request's latest transmission times out `seconds` from now on `scheduler`.
    func add(_ request: Request, after seconds: Double, on scheduler: DeviceScheduler) {
        dropStaleFront()
        let delay = seconds.isFinite ? max(0, seconds) : 0
        let entry = Entry(due: scheduler.now + delay, request: request, transmission: request.transmissions)
        if let last = entries.last, entry.due < last.due {
            // Rare (`radius-server timeout` made shorter with requests in flight): sorted in.
            var index = entries.count - 1
            while index > 0, entry.due < entries[index - 1].due { index -= 1 }
            entries.insert(entry, at: index)
        } else {
            entries.append(entry)
        }
        arm(on: scheduler)
    }

    private func arm(on scheduler: DeviceScheduler) {
        guard !expiring, let first = entries.first else { return }
        if armed != nil, armedOn === scheduler, armedDue <= first.due { return }
        armed?.cancel()
        armedOn = scheduler
        armedDue = first.due
        armed = scheduler.schedule(after: first.due - scheduler.now) { [weak self, weak scheduler] in
            guard let self, let scheduler else { return }
            self.expire(on: scheduler)
        }
    }

    /// Runs every timeout due (a handler may transmit again, adding entries), then re-arms.
    private func expire(on scheduler: DeviceScheduler) {
        armed = nil
        armedDue = .infinity
        expiring = true
        // A microsecond's grace: the timer's own rounding must not leave a due entry behind.
        while let first = entries.first, first.due <= scheduler.now + 1e-6 {
            entries.removeFirst()
            if first.request.transmissions == first.transmission { expired(first.request) }
        }
        expiring = false
        dropStaleFront()
        arm(on: scheduler)
    }

    /// Entries whose transmission was answered or sent again, from the front.
    private func dropStaleFront() {
        while let first = entries.first, first.request.transmissions != first.transmission { entries.removeFirst() }
    }
}
