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
        let shell = self.shell
        let loop = engine.eventLoop
        if TerminalConsole.standardInputIsTerminal {
            let terminal = try! loop.submit { () -> TerminalConsole in
                let console = TerminalConsole(shell: shell.value, executor: EventLoopShellExecutor(eventLoop: loop))
                shell.value.device.console = console
                // Long outputs go to the screen while they are produced, paged (the terminal's
                // thread waits in `submit` meanwhile, so nothing else writes).
                shell.value.outputStream = { [weak console] text in console?.writeCommandOutput(text) }
                return console
            }.wait()
            terminal.run()
            // The device's console reference is weak; keep the terminal until the session ended.
            withExtendedLifetime(terminal) {}
        } else {
            let piped = try! loop.submit { () -> PipedConsole in
                let discipline = LineDiscipline(shell: shell.value)
                discipline.deferIdleFlush = { job in
                    let bound = NIOLoopBound(job, eventLoop: loop)
                    loop.execute { bound.value() }
                }
                shell.value.device.console = discipline
                return PipedConsole(discipline: discipline)
            }.wait()
            // Reading blocks until input arrives, so it runs on its own thread: after `exit` the
            // console is over even while standard input stays open.
            let finished = DispatchSemaphore(value: 0)
            Thread.detachNewThread {
                piped.run(perform: { job in loop.execute(job) }, onFinished: { finished.signal() })
            }
            finished.wait()
            // Let the job that finished write its output before the caller shuts the loop down.
            _ = try? loop.submit {}.wait()
            withExtendedLifetime(piped) {}
        }
    }
}
