import Dispatch
import NIOCore

/// Runs work on the owner of the shell and its device (the engine's event loop), because the
/// shell and device are not thread-safe. The terminal console calls the shell only through this.
public protocol ShellExecutor: Sendable {
    /// Runs `body` on the owner, waits until it has run, and returns its result. Throws when the
    /// owner is gone (its event loop shut down); the console then closes.
    func sync<T: Sendable>(_ body: @escaping @Sendable () -> T) throws -> T
    /// Runs `body` on the owner later without waiting; `ifGone` instead (on any thread) when the
    /// owner is gone.
    func async(_ body: @escaping @Sendable () -> Void, ifGone: @escaping @Sendable () -> Void)
}

/// The owner is a SwiftNIO event loop (the product's engine).
public struct EventLoopShellExecutor: ShellExecutor {
    public let eventLoop: any EventLoop

    public init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    public func sync<T: Sendable>(_ body: @escaping @Sendable () -> T) throws -> T {
        // Waiting on the loop from the loop itself would deadlock.
        if eventLoop.inEventLoop { return body() }
        return try eventLoop.submit(body).wait()
    }

    public func async(_ body: @escaping @Sendable () -> Void, ifGone: @escaping @Sendable () -> Void) {
        eventLoop.submit(body).whenFailure { _ in ifGone() }
    }
}

/// The owner is a serial dispatch queue (a replayed transcript's private device).
public struct DispatchQueueShellExecutor: ShellExecutor {
    public let queue: DispatchQueue

    public init(queue: DispatchQueue) {
        self.queue = queue
    }

    public func sync<T: Sendable>(_ body: @escaping @Sendable () -> T) throws -> T {
        queue.sync(execute: body)
    }

    public func async(_ body: @escaping @Sendable () -> Void, ifGone: @escaping @Sendable () -> Void) {
        queue.async(execute: body)
    }
}

/// The owner is the product's engine: like `EventLoopShellExecutor`, but once the engine is
/// stopping the console is told the owner is gone instead of handing work to a loop that will
/// never run it (a vty line outliving the router).
public struct EngineShellExecutor: ShellExecutor {
    public let engine: Engine

    public init(engine: Engine) {
        self.engine = engine
    }

    public func sync<T: Sendable>(_ body: @escaping @Sendable () -> T) throws -> T {
        try engine.hopAndWait(body)
    }

    public func async(_ body: @escaping @Sendable () -> Void, ifGone: @escaping @Sendable () -> Void) {
        engine.hopAsync(body, ifGone: ifGone)
    }
}
