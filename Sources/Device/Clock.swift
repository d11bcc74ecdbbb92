import Foundation

/// Where the device's time comes from. The device adds its own `clock set` offset on top.
public protocol TimeSource: AnyObject {
    /// Seconds since 1970 (UTC), with sub-second precision.
    func now() -> Double
}

/// The host's clock.
public final class SystemTimeSource: TimeSource {
    public init() {}
    public func now() -> Double {
        // clock_gettime itself: asked several times per RADIUS request, `Date()` cost twice as much.
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1_000_000_000
    }
}

/// A clock that moves only when told: transcripts and deterministic scenarios use it so that
/// every timestamp replays exactly.
public final class ManualTimeSource: TimeSource {
    public private(set) var current: Double
    /// IOS's own epoch for a router whose clock was never set: Mar 1 1993 00:00:00 UTC.
    public static let iosEpoch: Double = 730_944_000

    public init(start: Double = ManualTimeSource.iosEpoch) { current = start }
    public func now() -> Double { current }
    public func advance(by seconds: Double) { current += seconds }
    public func set(_ seconds: Double) { current = seconds }
}

/// A broken-down civil time, the way IOS prints it.
public struct CivilTime: Equatable, Sendable {
    public var year: Int, month: Int, day: Int
    public var hour: Int, minute: Int, second: Int, millisecond: Int
    /// 0 = Sunday.
    public var weekday: Int

    public static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    public static let weekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]

    public var monthName: String { CivilTime.monthNames[month - 1] }
    public var weekdayName: String { CivilTime.weekdayNames[weekday] }

    /// Converts seconds since 1970 to civil time (proleptic Gregorian, no leap seconds).
    public init(epochSeconds: Double) {
        let wholeMs = Int64((epochSeconds * 1000).rounded(.down))
        var days = Int(wholeMs / 86_400_000)
        var msOfDay = Int(wholeMs % 86_400_000)
        if msOfDay < 0 { msOfDay += 86_400_000; days -= 1 }
        hour = msOfDay / 3_600_000
        minute = msOfDay / 60_000 % 60
        second = msOfDay / 1000 % 60
        millisecond = msOfDay % 1000
        weekday = ((days % 7) + 7 + 4) % 7  // 1970-01-01 was a Thursday
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// Seconds since 1970 for a civil date and time (UTC).
    public static func epochSeconds(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Double {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return Double(days * 86400 + hour * 3600 + minute * 60 + second)
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
