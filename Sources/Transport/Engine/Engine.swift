import Device
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The one serial owner of the emulated device. A single SwiftNIO event loop runs every piece of
/// code that touches the `Device`: DAS datagrams, console commands, timers. Nothing else holds
/// the device, so a POD and a typed command can never race, and the device needs no locks.
///
/// Other threads reach the device only through `sync`, `execute` or `submit`, which hop onto the
/// loop. Sockets that feed the device (the DAS) are registered on the same loop, so their
/// handlers call the device inline without a hop.
public final class Engine: Sendable {
    public struct Options: Sendable {
        /// Address the DAS binds to; `0.0.0.0` listens on every interface.
        public var dasBindHost: String
        public init(dasBindHost: String = "127.0.0.1") {
            self.dasBindHost = dasBindHost
        }
    }

    public let options: Options
    /// The loop that owns the device. Channels that call the device must live on it.
    public let eventLoop: any EventLoop
    private let group: MultiThreadedEventLoopGroup
    private let box: NIOLoopBoundBox<Device>
    /// False once `shutdown()` began: work is no longer handed to the loop. A task given to a
    /// loop that has shut down never runs and its promise leaks (a trap in debug builds), which a
    /// vty line's thread finishing after the router stopped would otherwise do.
    private let accepting = NIOLockedValueBox(true)

    /// Takes ownership of `device`: from now on only the engine's loop may touch it.
    public init(device: sending Device, options: Options = Options()) {
        self.options = options
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        eventLoop = group.next()
        box = NIOLoopBoundBox.makeBoxSendingValue(device, eventLoop: eventLoop)
    }

    /// The device, for code already running on the loop (channel handlers, loop callbacks).
    /// Traps when called from another thread: use `sync` there.
    public var deviceOnLoop: Device { box.value }

    /// Runs `body` on the loop with the device and waits for its result. Called on the loop
    /// itself (from a handler or another `execute` body) it runs inline instead of deadlocking.
    public func sync<T: Sendable, E: Error>(_ body: @escaping @Sendable (Device) throws(E) -> T) throws(E) -> T {
        if eventLoop.inEventLoop { return try body(box.value) }
        let box = self.box
        let future = eventLoop.submit { () -> Result<T, E> in
            do throws(E) { return .success(try body(box.value)) } catch { return .failure(error) }
        }
        // `submit` fails only when the loop is gone, and then there is no device to run on.
        let outcome: Result<T, E>
        do { outcome = try future.wait() } catch { preconditionFailure("engine loop is shut down: \(error)") }
        return try outcome.get()
    }

    /// Runs `body` on the loop later, without waiting.
    public func execute(_ body: @escaping @Sendable (Device) -> Void) {
        let box = self.box
        eventLoop.execute { body(box.value) }
    }

    /// Runs `body` on the loop and returns a future of its result; once the engine is stopping,
    /// a failed future (`EngineStopped`) instead.
    public func submit<T: Sendable>(_ body: @escaping @Sendable (Device) throws -> T) -> EventLoopFuture<T> {
        let box = self.box
        return hop { try body(box.value) }
    }

    /// Runs `body` on the loop (without the device) from another thread and waits for its result;
    /// throws `EngineStopped` once the engine is stopping (never waits on a loop that is gone).
    public func hopAndWait<T: Sendable>(_ body: @escaping @Sendable () throws -> T) throws -> T {
        if eventLoop.inEventLoop { return try body() }
        let loop = eventLoop
        let future: EventLoopFuture<T>? = accepting.withLockedValue { running in running ? loop.submit(body) : nil }
        guard let future else { throw EngineStopped() }
        return try future.wait()
    }

    /// Runs `body` on the loop later; `ifGone` instead, at once, once the engine is stopping.
    public func hopAsync(_ body: @escaping @Sendable () -> Void, ifGone: @escaping @Sendable () -> Void) {
        let loop = eventLoop
        let future: EventLoopFuture<Void>? = accepting.withLockedValue { running in running ? loop.submit(body) : nil }
        guard let future else { return ifGone() }
        future.whenFailure { _ in ifGone() }
    }

    /// Runs `body` on the loop (without the device) and returns a future of its result; once the
    /// engine is stopping, a future failed with `EngineStopped` (its loop is gone: callbacks on it
    /// never run and it must not be waited on; threads use `hopAndWait`). Any thread.
    public func hop<T: Sendable>(_ body: @escaping @Sendable () throws -> T) -> EventLoopFuture<T> {
        let loop = eventLoop
        // Under the lock, so `shutdown()` cannot begin between the check and the hand-over: a task
        // handed over before it runs before the loop ends.
        return accepting.withLockedValue { running in
            running ? loop.submit(body) : loop.makeFailedFuture(EngineStopped())
        }
    }

    /// Stops the loop. Close channels first (`DASServer.stop()`); afterwards the engine is unusable.
    public func shutdown() throws {
        accepting.withLockedValue { $0 = false }
        try group.syncShutdownGracefully()
    }
}

/// The engine is stopping: no more work reaches the device.
public struct EngineStopped: Error, CustomStringConvertible {
    public var description: String { "the router is stopping" }
}

