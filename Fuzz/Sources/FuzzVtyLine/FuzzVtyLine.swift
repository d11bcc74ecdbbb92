// The bytes a connection delivers to a vty line: a real `VtySession` (the one telnet and SSH
// run) on a pseudo-terminal of its own, its libedit editor, pager and shell, on a router owned by
// an `Engine`, as an SSH channel's data arrives (authenticated user, no login prompts) or, when
// the first byte's low bit is set, as a telnet client's octets arrive: through the
// `TelnetDecoder`, NAWS resizing the line, and the line's own login dialog (`login local`).
// The rest of the first byte picks the user (privilege 15 or 1) and how the bytes are cut into
// reads. After the input the connection sends Ctrl-C three times, Ctrl-U and `exit` (again
// while the line lasts): the line must end and the router must still answer.
import Device
import Foundation
import FuzzSupport
import Shell
import Transport
#if canImport(Glibc)
import Glibc
#endif

@_cdecl("FuzzVtyLine_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzVtyLine)
}

/// FLEXVPN_FUZZ_VERBOSE=1: the line's output on standard error (to see what an input did).
private let verbose = ProcessInfo.processInfo.environment["FLEXVPN_FUZZ_VERBOSE"] != nil

private let configuration = """
    hostname R1
    username admin privilege 15 password 0 cisco
    username oper password 0 operpass
    enable secret cisco
    aaa new-model
    aaa server radius dynamic-author
     client 127.0.0.1 server-key cisco
     port 0
    line vty 0 4
     login local
     transport input all
    end
    """

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVtyLine(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Fuzz.bytes(data, count)
    guard let first = bytes.first else { return 0 }
    let telnet = first & 1 != 0
    let user = first & 2 != 0 ? "oper" : "admin"

    let device = Device(random: SeededRandom(seed: 2014))
    let engine = Engine(device: device)
    defer { try? engine.shutdown() }
    engine.sync { device in
        _ = IOSShell(device: device).applyConfiguration(configuration, source: "fuzz")
        for i in 0..<3 { device.connectSession(userName: "user\(i).g1.engdt.com") }
    }

    var master: Int32 = -1
    var slave: Int32 = -1
    var size = winsize(ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0)
    guard openpty(&master, &slave, nil, nil, &size) == 0 else { fatalError("no pseudo-terminal") }
    defer { close(master) }
    _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)
    let ended = LineEnded()
    let session = VtySession(engine: engine, slaveFD: slave, peer: "127.0.0.1", transport: telnet ? .telnet : .ssh,
                             authenticatedUser: telnet ? nil : user, localPort: telnet ? 23 : 22,
                             closeConnection: { ended.close() })
    session.start()

    var decoder = TelnetDecoder()
    var offset = 1
    var cut = Int(first >> 2)
    var input = bytes
    // A telnet client logs in first (the login dialog is part of the line); then the end.
    let login = Array((user + "\r" + (user == "admin" ? "cisco" : "operpass") + "\r").utf8)
    if telnet { input.insert(contentsOf: login, at: 1) }
    input += [0x03, 0x03, 0x03, 0x15] + Array("exit\r".utf8)
    while offset < input.count {
        cut = (cut &* 7 &+ 1) & 0xFF
        let end = min(input.count, offset + 1 + cut % 64)
        var chunk = Array(input[offset..<end])
        offset = end
        if telnet {
            let out = decoder.feed(chunk)
            if let window = out.windowSize, window.columns > 0, window.rows > 0 {
                // As the telnet server does: within what libedit can draw.
                let columns = min(max(window.columns, 10), 512), rows = min(max(window.rows, 2), 512)
                var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
                _ = ioctl(master, UInt(TIOCSWINSZ), &size)
                session.resize(columns: columns, rows: rows)
            }
            chunk = out.data
        }
        write(chunk, to: master)
    }
    // The line reads to the end and closes its side: read until the master side fails. Keys
    // that reach the pty between two of the line's reads go through its cooked mode, where
    // Ctrl-C flushes what waits: the end is typed again every 200 ms until the line ends.
    let deadline = Date().addingTimeInterval(8)
    var again = Date().addingTimeInterval(0.2)
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while Date() < deadline, !ended.isClosed {
        if Date() > again {
            again = Date().addingTimeInterval(0.2)
            write([0x03, 0x15] + Array("exit\r".utf8), to: master)
        }
        var fds = [pollfd(fd: master, events: Int16(POLLIN), revents: 0)]
        guard poll(&fds, 1, 50) >= 0 else { continue }
        let n = read(master, &buffer, buffer.count)
        if n < 0, errno != EAGAIN, errno != EINTR { break }   // EIO: the slave side is closed
        if n == 0 { break }
        if n > 0, verbose { FileHandle.standardError.write(Data(buffer[0..<n])) }
    }
    // The router answers after whatever the line did.
    let alive = engine.sync { device in device.config.hostname }
    guard !alive.isEmpty else { fatalError("the router lost its configuration") }
    return 0
}

/// Writes all of `bytes`, draining nothing (the reader loop does): small chunks fit the pty.
private func write(_ bytes: [UInt8], to fd: Int32) {
    var offset = 0
    var tries = 0
    while offset < bytes.count, tries < 1000 {
        let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        if n > 0 {
            offset += n
        } else {
            tries += 1
            // The line has not read yet: let it, and drop its output meanwhile.
            var sink = [UInt8](repeating: 0, count: 4096)
            _ = read(fd, &sink, sink.count)
            usleep(100)
        }
    }
}

/// Whether the line asked to close the connection (`closeConnection`), from its thread.
private final class LineEnded: @unchecked Sendable {
    private let lock = NSLock()
    private var closed = false
    func close() { lock.withLock { closed = true } }
    var isClosed: Bool { lock.withLock { closed } }
}
