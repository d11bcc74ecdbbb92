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

    /// Requests per minute over the last 24 hours: minute number → count.
    private var minuteCounts: [Int: Int] = [:]

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
        let minute = Int((time / 60).rounded(.down))
        minuteCounts[minute, default: 0] += 1
        if minuteCounts.count > 1440 {
            minuteCounts = minuteCounts.filter { $0.key > minute - 1440 }
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
    /// per minute, over the minutes since the counters started (at most 1440).
    public func requestRate(now: Double) -> (high: (ago: Int, count: Int), low: (ago: Int, count: Int), average: Int) {
        let current = Int((now / 60).rounded(.down))
        let first = max(Int((clearedAt / 60).rounded(.down)), current - 1439)
        var high: (ago: Int, count: Int)?
        var low: (ago: Int, count: Int)?
        var total = 0
        if current >= first {
            for minute in first...current {
                let count = minuteCounts[minute] ?? 0
                total += count
                if let h = high, count <= h.count {} else { high = (current - minute, count) }
                if let l = low, count >= l.count {} else { low = (current - minute, count) }
            }
        }
        let minutes = max(1, current - first + 1)
        return (high ?? (0, 0), low ?? (0, 0), total / minutes)
    }
}
