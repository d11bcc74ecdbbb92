import Device

/// Small formatting helpers shared by the session renderers.
enum SessionFormat {
    /// 12 upper-case hex digits: `7FBD9783CCF0`.
    static func hex12(_ value: UInt64) -> String { upperHex(value, digits: 12) }

    /// 16 upper-case hex digits: an IKEv2 SPI.
    static func hex16(_ value: UInt64) -> String { upperHex(value, digits: 16) }

    /// `341(155)`: decimal, then upper-case hex in parentheses.
    static func decimalHex<T: BinaryInteger>(_ value: T) -> String {
        String(value) + "(" + String(value, radix: 16, uppercase: true) + ")"
    }

    /// Pads with spaces on the right to `width` (never truncates).
    static func padRight(_ s: String, _ width: Int) -> String {
        let n = s.count
        return n >= width ? s : s + String(repeating: " ", count: width - n)
    }

    /// `Nov 04 2014 00:20:23` (attribute `start_time`).
    static func attributeTime(_ t: CivilTime) -> String {
        t.monthName + " " + pad(t.day, 2) + " " + String(t.year) + " " + clock(t)
    }

    /// `00:20:23 IST Nov 4 2014` (`StartTime =`).
    static func stampTime(_ t: CivilTime, zone: String) -> String {
        clock(t) + " " + zone + " " + t.monthName + " " + String(t.day) + " " + String(t.year)
    }

    static func clock(_ t: CivilTime) -> String {
        pad(t.hour, 2) + ":" + pad(t.minute, 2) + ":" + pad(t.second, 2)
    }

    /// `23:54:19` for a duration under a day, else `1d02h`.
    static func duration(_ seconds: Int) -> String {
        Device.formatUptime(Double(max(0, seconds)))
    }

    /// `23:54:19`, hours not wrapped at a day (SA lifetimes).
    static func hms(_ seconds: Int) -> String {
        let s = max(0, seconds)
        return pad(s / 3600, 2) + ":" + pad(s / 60 % 60, 2) + ":" + pad(s % 60, 2)
    }

    /// Whole seconds a session has been up.
    static func age(_ session: Session, device: Device) -> Int {
        max(0, Int((device.now - session.startTime).rounded(.down)))
    }
}
