import Device
import NIOCore
import NIOPosix
import Transport
import XCTest

/// The engine's device timers: due order, cancellation, and timers scheduled by a firing timer.
final class EventLoopSchedulerTests: XCTestCase {
    private final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [String] = []
        func add(_ s: String) { lock.lock(); items.append(s); lock.unlock() }
        var all: [String] { lock.lock(); defer { lock.unlock() }; return items }
    }

    func testTimersFireInDueOrderCancelledOnesNeverAndBodiesMayScheduleMore() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let loop = group.next()
        let log = Log()
        let done = loop.makePromise(of: Void.self)
        try loop.submit {
            let scheduler = EventLoopDeviceScheduler(eventLoop: loop)
            scheduler.schedule(after: 0.06) { log.add("60ms") }
            let cancelled = scheduler.schedule(after: 0.02) { log.add("cancelled") }
            scheduler.schedule(after: 0.03) {
                log.add("30ms")
                scheduler.schedule(after: 0.01) { log.add("30+10ms") }
            }
            scheduler.schedule(after: 0.01) { log.add("10ms") }
            scheduler.schedule(after: 0.01) { log.add("10ms second") }
            cancelled.cancel()
            scheduler.schedule(after: 0.1) { done.succeed(()) }
        }.wait()
        try done.futureResult.wait()
        XCTAssertEqual(log.all, ["10ms", "10ms second", "30ms", "30+10ms", "60ms"])
    }
}
