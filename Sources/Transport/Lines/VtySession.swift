import Device
import Foundation
import NIOCore
import Shell

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One vty session, whatever carries it (telnet today, SSH later): it takes a free vty line,
/// checks the line's `transport input`, logs the user in as the line's `login` says, then runs
/// the same libedit console as the local terminal, on a thread of its own, over the slave side
/// of the connection's pseudo-terminal. The connection pumps bytes between its socket and the
/// pty's master side; closing it ends the session, and the session ending (the slave side
/// closed) closes it.
///
/// Threads: `start()` spawns the line's thread, which does all the work and talks to the device
/// only through the engine. `resize()` may be called from any thread.
public final class VtySession: @unchecked Sendable {
    /// What the line's thread knows of the device's line and shell: used on the owner only.
    private final class OwnerState {
        let line: DeviceLine
        let shell: IOSShell
        var console: TerminalConsole?
        init(line: DeviceLine, shell: IOSShell) {
            self.line = line
            self.shell = shell
        }
    }

    private enum Allocation: Sendable {
        case busy
        case refused
        case ready(NIOLoopBoundBox<OwnerState>, LineConfig, Int)
    }

    private let engine: Engine
    private let slaveFD: Int32
    private let peer: String
    private let transport: LineConfig.Transport
    private let closeConnection: @Sendable () -> Void
    /// A user the transport authenticated already (SSH): no login prompts on the line.
    private let authenticatedUser: String?
    /// The privilege a transport's login method granted (SSH under AAA); nil: the `username`'s.
    private let authenticatedPrivilege: Int?
    /// The router's port the client connected to (`%SEC_LOGIN`'s `[localport: 23]`).
    private let localPort: Int
    private let lock = TerminalLock()
    private var console: TerminalConsole?
    /// The client's last window size, and the line once its session began (both under `lock`).
    private var window: (columns: Int, rows: Int)?
    private var started: (NIOLoopBoundBox<OwnerState>, LineConfig)?

    /// How long the login prompts wait for an answer (IOS's default login timeout: 30 s).
    public static let loginTimeout: Int32 = 30_000

    /// `slaveFD`: the pty's slave side, owned (closed) by the session. `closeConnection` closes
    /// the client's connection from any thread (and so the pty's master side). `authenticatedUser`:
    /// a user the transport itself authenticated (SSH), who gets no login prompts; nil: the line's
    /// `login` decides (telnet).
    public init(engine: Engine, slaveFD: Int32, peer: String, transport: LineConfig.Transport,
                authenticatedUser: String? = nil, authenticatedPrivilege: Int? = nil, localPort: Int = 0,
                closeConnection: @escaping @Sendable () -> Void) {
        self.engine = engine
        self.localPort = localPort
        self.authenticatedUser = authenticatedUser
        self.authenticatedPrivilege = authenticatedPrivilege
        self.slaveFD = slaveFD
        self.peer = peer
        self.transport = transport
        self.closeConnection = closeConnection
    }

    public func start() {
        Thread.detachNewThread { self.run() }
    }

    /// The client's window changed (NAWS): the pty has the new size; libedit reads it, and the
    /// line's `terminal length|width` follow it (IOS honours NAWS).
    public func resize(columns: Int, rows: Int) {
        let (console, started) = lock.withLock { () -> (TerminalConsole?, (NIOLoopBoundBox<OwnerState>, LineConfig)?) in
            window = (columns, rows)
            return (self.console, self.started)
        }
        console?.resize()
        if let (box, config) = started {
            // `submit`, not `execute`: after the router stopped it fails quietly.
            _ = engine.hop { box.value.shell.clientWindowChanged(columns: columns, rows: rows, config: config) }
        }
    }

    private var out: TerminalWriter { TerminalWriter(fd: slaveFD) }

    /// Runs `body` with the device on its owner and waits; nil once the owner is gone (the
    /// router is stopping), so a line ending late never traps.
    private func onOwner<T: Sendable>(_ body: @escaping @Sendable (Device) -> T) -> T? {
        let engine = self.engine
        return try? engine.hopAndWait { body(engine.deviceOnLoop) }
    }

    private func run() {
        // Closing the slave side ends the connection once the master side has read what the line
        // wrote last (`Password required, but none set`): closing the socket now could lose it.
        defer { close(slaveFD) }
        let peer = self.peer
        let transport = self.transport
        let loop = engine.eventLoop
        let closeConnection = self.closeConnection
        guard let allocation: Allocation = onOwner({ device in
            // `access-class … in`: the first free line whose list permits the client; none: the
            // connection is closed without a word, as IOS closes it.
            let admitted = device.vtyLineAdmitting(peer: peer)
            guard let number = admitted.number else { return admitted.busy ? .busy : .refused }
            guard let line = device.allocateVty(peer: peer, number: number) else { return .busy }
            let config = device.vtyConfig(line.number)
            guard config.allowsTransport(transport) else {
                device.removeLine(line)
                return .refused
            }
            line.onClear = closeConnection
            line.transportName = transport == .ssh ? "SSH" : "Telnet"
            let state = OwnerState(line: line, shell: IOSShell(device: device))
            state.shell.line = line
            return .ready(NIOLoopBoundBox(state, eventLoop: loop), config, line.number)
        }), case let .ready(box, config, vty) = allocation else { return }
        defer {
            _ = onOwner { _ in
                let state = box.value
                state.line.sink = nil
                state.line.onClear = nil
                state.shell.outputStream = nil
                state.shell.device.removeLine(state.line)
                state.console = nil
            }
        }
        let banners = onOwner { device in device.config.banners } ?? Banners()
        guard let login = logIn(config, vty: vty, banners: banners) else { return }
        // `banner exec`: once the EXEC session starts (after `banner motd` over SSH, whose
        // `banner login` went in the authentication itself).
        if authenticatedUser != nil, let motd = banners.motd { out.write(motd.text + "\n") }
        if let exec = banners.exec { out.write(exec.text + "\n") }
        let io = TerminalFDs(input: slaveFD, output: slaveFD)
        let executor = EngineShellExecutor(engine: engine)
        guard let console: TerminalConsole = onOwner({ _ in
            let state = box.value
            // The latest window size; from now on `resize` sends changes to the owner, after this.
            let window = self.lock.withLock { () -> (columns: Int, rows: Int)? in
                self.started = (box, config)
                return self.window
            }
            let console = TerminalConsole(shell: state.shell, executor: executor, io: io, signals: false,
                                          restartsAfterExit: false, ownsTerminal: true)
            state.console = console
            state.line.sink = console
            state.line.lastActive = state.shell.device.now
            state.shell.outputStream = { [weak console] text in console?.writeCommandOutput(text) }
            state.shell.beginVtySession(user: login.user, privilege: login.privilege, config: config, window: window)
            return console
        }) else { return }
        console.idleTimeout = config.execTimeout.interval
        lock.withLock { self.console = console }
        console.run()
        lock.withLock {
            self.console = nil
            started = nil
        }
    }

    // MARK: login

    private struct Login {
        var user: String?
        var privilege: Int
    }

    /// IOS's login on a vty: `User Access Verification`, then `Username:`/`Password:` or
    /// `Password:` alone, as `Device.loginDialog` says, three tries, each decided by
    /// `Device.authenticateLogin` (the same decision an SSH transport calls). nil: the connection
    /// is to close.
    private func logIn(_ config: LineConfig, vty: Int, banners: Banners) -> Login? {
        // Telnet: `banner motd` as the line connects, then `banner login` above the prompts.
        if authenticatedUser == nil {
            if let motd = banners.motd { out.write(motd.text + "\n") }
            if config.login != .none, let login = banners.login { out.write(login.text + "\n") }
        }
        let linePrivilege = config.privilegeLevel ?? 1
        if let user = authenticatedUser, let privilege = authenticatedPrivilege {
            // A login method granted it (AAA: RADIUS's `shell:priv-lvl`, `aaa authorization exec`).
            return Login(user: user, privilege: privilege)
        }
        if let user = authenticatedUser {
            // nil: the owner is gone; .some(nil): no such user any more.
            let found = onOwner { device in device.config.users[named: user].map { $0.privilege } }
            guard let found, let privilege = found else { return nil }
            return Login(user: user, privilege: privilege ?? linePrivilege)
        }
        guard let (dialog, aaa) = onOwner({ device in (device.loginDialog(vty: vty), device.config.aaaNewModel) })
        else { return nil }
        switch dialog {
        case .open:
            out.write("\n")
            return Login(user: nil, privilege: linePrivilege)
        case .passwordNotSet:
            out.write("\nPassword required, but none set\n")
            return nil
        case .password, .usernamePassword:
            out.write("\n\nUser Access Verification\n\n")
            for _ in 0..<3 {
                var name: String?
                if dialog == .usernamePassword {
                    out.write("Username: ")
                    guard let typed = readLine(echo: true, what: "Username") else { return nil }
                    name = typed
                }
                out.write("Password: ")
                guard let typed = readLine(echo: false, what: "Password") else { return nil }
                let attempt = LoginAttempt(user: name, password: typed, vty: vty, peer: peer, localPort: localPort)
                switch authenticate(attempt) {
                case nil:
                    return nil
                case let .granted(grant)?:
                    out.write("\n")
                    return Login(user: grant.user, privilege: grant.privilege)
                case let .denied(message)?:
                    if !message.isEmpty { out.write(message + "\n\n") }
                }
            }
            // A line password's last failure; a user's failures said so each time.
            if dialog == .password, !aaa { out.write("% Bad passwords\n\n") }
            return nil
        }
    }

    /// Asks the device and waits on this line's thread, never on the owner, while a RADIUS
    /// server is asked. nil: the router is stopping.
    private func authenticate(_ attempt: LoginAttempt) -> LoginVerdict? {
        let engine = self.engine
        let verdict = try? engine.hopAndWait { () -> EventLoopFuture<LoginVerdict> in
            let promise = engine.eventLoop.makePromise(of: LoginVerdict.self)
            engine.deviceOnLoop.authenticateLogin(attempt) { promise.succeed($0) }
            return promise.futureResult
        }
        return try? verdict?.wait()
    }

    /// One answer typed at a login prompt, echoed or not, with Backspace and Ctrl-U; nil when
    /// the client went away or did not answer in time (IOS prints `% Username:  timeout expired!`).
    private func readLine(echo: Bool, what: String) -> String? {
        var saved = termios()
        let isTTY = tcgetattr(slaveFD, &saved) == 0
        var raw = saved
        raw.c_lflag &= ~(tcflag_t(ECHO) | tcflag_t(ICANON) | tcflag_t(ISIG) | tcflag_t(IEXTEN))
        raw.c_iflag &= ~tcflag_t(ICRNL)
        withUnsafeMutableBytes(of: &raw.c_cc) { chars in
            chars[Int(VMIN)] = 1
            chars[Int(VTIME)] = 0
        }
        if isTTY { tcsetattr(slaveFD, TCSANOW, &raw) }
        defer { if isTTY { tcsetattr(slaveFD, TCSANOW, &saved) } }
        var typed: [UInt8] = []
        while true {
            var fds = [pollfd(fd: slaveFD, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 1, Self.loginTimeout)
            if ready < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if ready == 0 {
                out.write("\n% \(what):  timeout expired!\n")
                return nil
            }
            var byte: UInt8 = 0
            let n = read(slaveFD, &byte, 1)
            if n < 0, errno == EINTR || errno == EAGAIN { continue }
            guard n == 1 else { return nil }
            switch byte {
            case UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                out.write("\n")
                return String(decoding: typed, as: UTF8.self)
            case 0x7F, 0x08:
                if !typed.isEmpty {
                    typed.removeLast()
                    if echo { out.write([0x08, 0x20, 0x08]) }
                }
            case 0x15:
                if echo { out.write(Array(repeating: 0x08, count: typed.count) + Array(repeating: 0x20, count: typed.count)
                                        + Array(repeating: 0x08, count: typed.count)) }
                typed.removeAll()
            case 0x20..<0x7F, 0x80...:
                // IOS takes at most a screen line of name or password.
                guard typed.count < 255 else { continue }
                typed.append(byte)
                if echo { out.write([byte]) }
            default:
                continue
            }
        }
    }
}

