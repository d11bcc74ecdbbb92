import Device
import Foundation
import NIOCore
import Shell

/// Runs the console against the engine's device: the shell and its front end are made on the
/// engine's loop and every call into them goes back to it, so typed commands, DAS packets and
/// timers share one serial owner.
public final class ConsoleHost: Sendable {
    public let engine: Engine
    private let shell: NIOLoopBoundBox<IOSShell>

    /// Makes the shell on the loop and loads the startup-config; `startupReport` holds the lines
    /// it rejected.
    public init(engine: Engine) {
        self.engine = engine
        let loop = engine.eventLoop
        // `submit` only fails once the loop is shut down, which cannot happen before we return.
        shell = try! loop.submit {
            NIOLoopBoundBox(IOSShell(device: engine.deviceOnLoop), eventLoop: loop)
        }.wait()
    }

    /// The console line (`con 0`) in the device's line registry: `show users` lists it.
    private func attachConsoleLine() {
        let shell = self.shell
        engine.sync { device in
            let line = DeviceLine(kind: .console, number: 0, now: device.now)
            device.addLine(line)
            shell.value.line = line
            shell.value.beginConsoleSession()
        }
    }

    /// `--headless`: no console line. Log and debug lines go to standard output; the vty lines
    /// and servers serve until `termination` says SIGTERM (or SIGINT) came, then this returns.
    public func runHeadless(until termination: TerminationSignals) {
        let sink = StandardOutputSink()
        engine.sync { device in device.console = sink }
        termination.wait()
        engine.sync { device in device.console = nil }
        withExtendedLifetime(sink) {}
    }

    /// Loads the startup-config; returns what IOS would report about rejected lines.
    public func loadStartupConfig() -> String {
        let shell = self.shell
        return engine.sync { _ in shell.value.loadStartupConfig() }
    }

    /// Starts the device from a scenario instead of the startup-config; returns its report.
    public func apply(_ scenario: Scenario) -> String {
        let shell = self.shell
        return engine.sync { _ in shell.value.apply(scenario) }
    }

    /// The libedit console when standard input is a terminal, else the piped console. Blocks
    /// until the session ends (`exit`, end of input).
    public func runConsole() {
        attachConsoleLine()
        let shell = self.shell
        let loop = engine.eventLoop
        if TerminalConsole.standardInputIsTerminal {
            let terminal = try! loop.submit { () -> TerminalConsole in
                let console = TerminalConsole(shell: shell.value, executor: EventLoopShellExecutor(eventLoop: loop))
                shell.value.device.console = console
                // Long outputs go to the line while they are produced, paged by the terminal's
                // own thread: the owner never waits for a key.
                shell.value.outputStream = { [weak console] text in console?.writeCommandOutput(text) }
                return console
            }.wait()
            terminal.run()
            // The device's console reference is weak; keep the terminal until the session ended.
            withExtendedLifetime(terminal) {}
        } else {
            let executor = EventLoopShellExecutor(eventLoop: loop)
            PipedLine.run(executor: executor,
                          makeLine: { onOutput in
                              guard let line = DrivenLine(shell: shell.value, executor: executor, onOutput: onOutput)
                              else { return nil }
                              shell.value.device.console = line.console
                              shell.value.outputStream = { [weak console = line.console] text in
                                  console?.writeCommandOutput(text)
                              }
                              return line
                          },
                          detach: {
                              shell.value.device.console = nil
                              shell.value.outputStream = nil
                          })
        }
    }
}

/// `--headless`: the device's log lines, one per line on standard output.
final class StandardOutputSink: ConsoleSink, @unchecked Sendable {
    func deviceLog(_ line: String) {
        // A reader that went away (EPIPE, SIGPIPE being ignored) or a closed terminal (EIO) loses
        // the line; the router keeps serving.
        try? FileHandle.standardOutput.write(contentsOf: Data((line.hasSuffix("\n") ? line : line + "\n").utf8))
    }
}

/// SIGTERM and SIGINT for a router without a console, caught from the moment this is made (the
/// first thing the process does, before any other thread), so one that comes while the router
/// is still starting ends it as cleanly as one that comes later: `wait()` then returns at once.
/// Both are blocked in every thread and taken by one that waits for them (`sigwait`): a signal
/// stays pending until it is taken, so none is lost. (A dispatch signal source is armed
/// asynchronously: a SIGTERM in that window was ignored, and a loaded machine showed it.)
public final class TerminationSignals {
    private let received = DispatchSemaphore(value: 0)

    public init() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_BLOCK, &set, nil)
        let received = self.received
        let waited = set
        Thread.detachNewThread {
            var signals = waited
            var number: Int32 = 0
            while sigwait(&signals, &number) != 0 {}
            received.signal()
        }
    }

    /// Blocks until one of the signals has come (or had come already).
    public func wait() {
        received.wait()
    }
}
