/// Why the startup-config could not be read or written, in the terms IOS prints:
/// `%Error opening nvram:startup-config (Is a directory)`.
public struct StartupConfigError: Error, Equatable, Sendable {
    public enum Operation: String, Sendable {
        case opening, writing, erasing
    }
    public var operation: Operation
    /// The system's reason (`strerror`), as IOS puts it in parentheses.
    public var reason: String

    public init(_ operation: Operation, reason: String) {
        self.operation = operation
        self.reason = reason
    }

    /// The console line: `%Error opening nvram:startup-config (Is a directory)`.
    public func message(name: String) -> String {
        "%Error " + operation.rawValue + " " + name + " (" + reason + ")"
    }

    /// The console line for any error a store throws; one that is not a `StartupConfigError`
    /// reads as IOS's generic I/O failure.
    public static func message(for error: Error, operation: Operation, name: String) -> String {
        let e = error as? StartupConfigError ?? StartupConfigError(operation, reason: "I/O error")
        return e.message(name: name)
    }
}
