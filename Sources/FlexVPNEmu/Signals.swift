import Foundation
import Transport

/// How the process answers signals (README, "State that survives faults"):
/// - SIGPIPE is ignored everywhere: a reader that went away (a piped console's standard output,
///   a vty socket closed mid-write) is a failed write, never the end of the router.
/// - With a console, SIGTERM ends the process at once with status 0, saving nothing, after
///   putting the terminal back as it was found; SIGHUP (the console's terminal closed) ends it
///   the same way, as end of input does.
/// - Headless, SIGHUP is ignored (the router keeps serving); SIGTERM and SIGINT are caught from
///   here on (`TerminationSignals`, returned) and end `ConsoleHost.runHeadless`, which returns so
///   the servers close their sockets — also when they come while the router is still starting.
enum ProcessSignals {
    /// Called before any other thread exists, so every thread made later inherits the mask.
    static func install(headless: Bool) -> TerminationSignals? {
        signal(SIGPIPE, SIG_IGN)
        if headless {
            // SIGTERM is caught before SIGHUP is ignored: a test (or a supervisor) that sees
            // SIGHUP ignored may rely on SIGTERM ending the router cleanly.
            let termination = TerminationSignals()
            signal(SIGHUP, SIG_IGN)
            return termination
        }
        var saved = termios()
        let isTerminal = tcgetattr(STDIN_FILENO, &saved) == 0
        let original = saved
        // SIGTERM and SIGHUP are blocked in every thread and taken by one that waits for them:
        // libedit's own handlers (EL_SIGNAL, the console's editor) never see them, since they
        // re-raise a signal to the whole process group with the disposition they found.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGHUP)
        pthread_sigmask(SIG_BLOCK, &set, nil)
        let waited = set
        Thread.detachNewThread {
            var signals = waited
            var number: Int32 = 0
            while sigwait(&signals, &number) != 0 {}
            if isTerminal {
                var settings = original
                tcsetattr(STDIN_FILENO, TCSANOW, &settings)
            }
            fflush(nil)
            // The process ends here: the kernel closes every socket and the pty pairs.
            _exit(0)
        }
        return nil
    }
}
