import Device
import Foundation

/// The startup-config in a file. Saving writes a temporary file beside it, flushes it to disk
/// and renames it over the old one, so a crash leaves the old file or the new, never a torn one.
public final class FileStartupConfigStore: StartupConfigStore {
    public let path: String

    public init(path: String) { self.path = path }

    /// `$XDG_CONFIG_HOME/flexvpn-emu/startup-config`, else `~/.config/flexvpn-emu/startup-config`.
    public static var defaultPath: String {
        let env = ProcessInfo.processInfo.environment
        let base = env["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (env["HOME"] ?? NSHomeDirectory()) + "/.config"
        return base + "/flexvpn-emu/startup-config"
    }

    /// IOS's name for the startup-config in messages; the path itself is never shown at the console.
    public var displayName: String { "nvram:startup-config" }

    private static func failure(_ operation: StartupConfigError.Operation, _ code: Int32) -> StartupConfigError {
        StartupConfigError(operation, reason: String(cString: strerror(code)))
    }

    public func load() throws -> String? {
        let fd = open(path, O_RDONLY)
        if fd < 0 {
            let code = errno
            if code == ENOENT { return nil }
            throw Self.failure(.opening, code)
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                // Reading a directory fails here (EISDIR); IOS reports it as an opening error.
                throw Self.failure(.opening, errno)
            }
            if n == 0 { break }
            bytes += chunk[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public func save(_ text: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var info = stat()
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR { throw Self.failure(.opening, EISDIR) }
        if let code = Self.makeDirectories(directory) { throw Self.failure(.opening, code) }
        let temporary = directory + "/.startup-config.\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw Self.failure(.opening, errno) }
        var failure: Int32 = 0
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0, errno == EINTR { continue }
                if n <= 0 { failure = n < 0 ? errno : EIO; break }
                offset += n
            }
        }
        if failure == 0, fsync(fd) != 0 { failure = errno }
        close(fd)
        if failure == 0, rename(temporary, path) != 0 { failure = errno }
        guard failure == 0 else {
            unlink(temporary)
            throw Self.failure(.writing, failure)
        }
        // The rename itself is durable only once the directory is flushed.
        let dir = open(directory, O_RDONLY)
        if dir >= 0 { fsync(dir); close(dir) }
    }

    public func erase() throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw Self.failure(.erasing, errno)
        }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw Self.failure(.erasing, EISDIR) }
        if unlink(path) != 0, errno != ENOENT { throw Self.failure(.erasing, errno) }
    }

    /// `mkdir -p`, returning the system's error code on failure.
    private static func makeDirectories(_ directory: String) -> Int32? {
        var info = stat()
        if stat(directory, &info) == 0 { return (info.st_mode & S_IFMT) == S_IFDIR ? nil : ENOTDIR }
        let parent = URL(fileURLWithPath: directory).deletingLastPathComponent().path
        if parent != directory, let code = makeDirectories(parent) { return code }
        if mkdir(directory, 0o755) != 0, errno != EEXIST { return errno }
        return nil
    }
}
