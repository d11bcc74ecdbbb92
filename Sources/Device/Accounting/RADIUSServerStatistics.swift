/// Per-server accounting counters, as `show aaa servers` reports them (`Account:` block).
public struct RADIUSServerStatistics: Equatable, Sendable {
    /// Accounting-Requests sent for the first time to this server (not retransmissions).
    public var requests = 0
    public var timeouts = 0
    /// Requests this server gave up on and passed to the group's next server.
    public var failovers = 0
    public var retransmissions = 0
    public var startRequests = 0, interimRequests = 0, stopRequests = 0
    public var startResponses = 0, interimResponses = 0, stopResponses = 0
    /// Replies matching no request in flight to this server.
    public var unexpectedResponses = 0
    /// Replies that are not an Accounting-Response.
    public var incorrectResponses = 0
    public var malformedResponses = 0
    public var badAuthenticators = 0
    public var transactionSuccesses = 0
    public var transactionFailures = 0
    /// Requests waiting for this server's reply now.
    public var outstanding = 0
    /// Sum of response times in seconds (the average is `time Nms`).
    public var totalResponseTime: Double = 0
    /// The longest response time in seconds (`show radius statistics`: `Maximum response delay`).
    public var maxResponseTime: Double = 0
    /// Responses by delay, as `show radius statistics` groups them: up to 2 ms, 3-5, 5-10,
    /// 10-20, 20-50, 50-100 and over 100 ms.
    public var latencyBuckets = [Int](repeating: 0, count: 7)
    /// When the counters started (device time).
    public var clearedAt: Double
    /// Times the server was marked dead: a request that went unanswered through every
    /// retransmission (`Dead: total time 0s, count N`). Without `radius-server deadtime` IOS marks
    /// it alive again at once, so it stays `current UP` and is dead for 0 s.
    public var deadCount = 0
    /// When the server was last marked alive (device time); nil: up since boot.
    public var aliveSince: Double?

    /// Requests over the last 24 hours: whole second (device time) → count.
    private var secondCounts: [Int: Int] = [:]

    public init(clearedAt: Double) {
        self.clearedAt = clearedAt
    }

    public var responses: Int { startResponses + interimResponses + stopResponses }

    /// Average response time in whole milliseconds.
    public var averageResponseMilliseconds: Int {
        responses == 0 ? 0 : Int((totalResponseTime / Double(responses) * 1000).rounded())
    }

    mutating func noteRequest(status: AccountingPackets.Status, at time: Double) {
        requests += 1
        switch status {
        case .start: startRequests += 1
        case .stop: stopRequests += 1
        case .interimUpdate: interimRequests += 1
        }
        let second = Int(time.rounded(.down))
        secondCounts[second, default: 0] += 1
        if secondCounts.count > 86400 {
            secondCounts = secondCounts.filter { $0.key > second - 86400 }
        }
    }

    mutating func noteResponse(status: AccountingPackets.Status, after seconds: Double) {
        switch status {
        case .start: startResponses += 1
        case .stop: stopResponses += 1
        case .interimUpdate: interimResponses += 1
        }
        totalResponseTime += max(0, seconds)
        maxResponseTime = max(maxResponseTime, seconds)
        let ms = max(0, seconds) * 1000
        let bucket = ms <= 2 ? 0 : ms <= 5 ? 1 : ms <= 10 ? 2 : ms <= 20 ? 3 : ms <= 50 ? 4 : ms <= 100 ? 5 : 6
        latencyBuckets[bucket] += 1
        transactionSuccesses += 1
    }

    /// The busiest and quietest minute of the last 24 hours (minutes ago, count), and the average
    /// per minute. As IOS counts them, minutes are counted back from now and the current one is
    /// "1 minutes ago": a request 341 s old falls in minute 6, and a server whose counters were
    /// cleared 30 s ago shows one minute (`Elapsed time … 0m`, `high - 0 hours, 1 minutes ago`).
    /// The minutes are those since the counters started, at most 1440; ties go to the older.
    public func requestRate(now: Double) -> (high: (ago: Int, count: Int), low: (ago: Int, count: Int), average: Int) {
        let span = max(0, now - clearedAt)
        let minutes = min(1440, max(1, Int((span / 60).rounded(.up))))
        var counts = [Int](repeating: 0, count: minutes + 1)
        var total = 0
        for (second, count) in secondCounts where Double(second) <= now {
            let ago = Int(((now - Double(second)) / 60).rounded(.down)) + 1
            guard ago <= minutes, Double(second) >= clearedAt.rounded(.down) else { continue }
            counts[ago] += count
            total += count
        }
        var high = (ago: minutes, count: counts[minutes])
        var low = high
        for ago in stride(from: minutes - 1, through: 1, by: -1) {
            if counts[ago] > high.count { high = (ago, counts[ago]) }
            if counts[ago] < low.count { low = (ago, counts[ago]) }
        }
        return (high, low, total / minutes)
    }
}
