/// What a console front end (libedit terminal, piped standard input, transcript replay) needs
/// from the shell. Every call comes from the device's serial owner.
public protocol ConsoleShell: AnyObject {
    /// The prompt to show now: `Device#`, `Device(config)#`, `Password: `,
    /// `Destination filename [startup-config]? `.
    var prompt: String { get }
    /// False while reading a password: typed characters are not echoed.
    var echoesInput: Bool { get }
    /// `?` pressed with `buffer` typed before it: the text IOS prints after echoing the `?` and a
    /// newline (the help list and its trailing blank line, or an error). The caller then shows the
    /// prompt and `buffer` again.
    func help(for buffer: String) -> String
    /// Tab pressed with `buffer` typed: the new buffer, or nil to ring the bell.
    func complete(_ buffer: String) -> String?
    /// Enter pressed: runs `line` and returns what it prints (every line ends in "\n").
    func submit(_ line: String) -> String
    /// Ctrl-Z pressed with `buffer` typed: runs the buffer if any, then leaves configuration mode.
    /// Returns what it prints after the echoed `^Z` and newline.
    func controlZ(_ buffer: String) -> String
    /// Ctrl-C pressed (the typed line is abandoned; the front end echoes `^C` and a newline):
    /// at a question the command is abandoned, in a configuration mode the line returns to
    /// privileged EXEC. Returns what it prints.
    func interrupt() -> String
    /// True once the user left with `exit`/`logout` from EXEC: the console closes.
    var isFinished: Bool { get }
    /// After `exit` on a line that stays (the local console, `Press RETURN to get started.`):
    /// a new EXEC session at user EXEC, with empty histories.
    func startSession()
    /// What the console line prints when its session ends (`Device con0 is now available` and
    /// blank lines), before `Press RETURN to get started.`
    var lineAvailableBanner: String { get }
    /// True after `lab quit`: the program ends rather than waiting for RETURN.
    var quitsEmulator: Bool { get }
    /// The commands the arrow keys recall now, oldest first: IOS keeps one history for EXEC and
    /// another for the configuration modes.
    var recallHistory: [String] { get }
    /// Where a long command output goes while it is produced (`show aaa user all` with 100,000
    /// sessions), so it is never held whole; what `submit` returns is the rest. nil: all of it
    /// comes back from `submit`.
    var outputStream: ((String) -> Void)? { get set }
    /// Lines on the user's screen for paging output with `--More--` (`terminal length`); 0: no
    /// paging. Only an interactive terminal pages; piped input and replay ignore it.
    var pageLength: Int { get }
    /// True at a question answered by one key without Enter (IOS's `[confirm]`).
    var answersWithOneKey: Bool { get }
}

extension ConsoleShell {
    public func interrupt() -> String { "" }
    public func startSession() {}
    public var quitsEmulator: Bool { true }
    public var lineAvailableBanner: String { "" }
    public var recallHistory: [String] { [] }
    /// No paging unless the shell says otherwise.
    public var pageLength: Int { 0 }
    /// True at a question answered by one key without Enter (IOS's `[confirm]`): a terminal
    /// submits the first key (Enter as ""); line-based front ends submit the line as usual.
    public var answersWithOneKey: Bool { false }
}
