import Device

/// `show version`, `show logging`, `show debugging` and the `debug` acknowledgements.
public enum ShowRenderer {
    public static func version(_ device: Device) -> String {
        let name = device.config.hostname
        return """
        Cisco IOS XE Software, Version 17.03.04a
        Cisco IOS Software [Amsterdam], Virtual XE Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 17.3.4a, RELEASE SOFTWARE (fc3)
        Technical Support: http://www.cisco.com/techsupport
        Copyright (c) 1986-2021 by Cisco Systems, Inc.
        Compiled Tue 20-Jul-21 05:59 by mcpre


        Cisco IOS-XE software, Copyright (c) 2005-2021 by cisco Systems, Inc.
        All rights reserved.  Certain components of Cisco IOS-XE software are
        licensed under the GNU General Public License ("GPL") Version 2.0.  The
        software code licensed under GPL Version 2.0 is free software that comes
        with ABSOLUTELY NO WARRANTY.  You can redistribute and/or modify such
        GPL code under the terms of GPL Version 2.0.  For more details, see the
        documentation or "License Notice" file accompanying the IOS-XE software,
        or the applicable URL provided on the flyer accompanying the IOS-XE
        software.


        ROM: IOS-XE ROMMON

        \(name) uptime is \(uptimeWords(device.uptimeSeconds))
        Uptime for this control processor is \(uptimeWords(device.uptimeSeconds))
        System returned to ROM by reload
        System image file is "bootflash:packages.conf"
        Last reload reason: reload



        This product contains cryptographic features and is subject to United
        States and local country laws governing import, export, transfer and
        use. Delivery of Cisco cryptographic products does not imply
        third-party authority to import, export, distribute or use encryption.
        Importers, exporters, distributors and users are responsible for
        compliance with U.S. and local country laws. By using this product you
        agree to comply with applicable laws and regulations. If you are unable
        to comply with U.S. and local laws, return this product immediately.

        A summary of U.S. laws governing Cisco cryptographic products may be found at:
        http://www.cisco.com/wwl/export/crypto/tool/stqrg.html

        If you require further assistance please contact us by sending email to
        export@cisco.com.

        License Level: ax
        License Type: N/A(Smart License Enabled)
        Next reload license Level: ax

        The current throughput level is 1000 kbps 


        Smart Licensing Status: UNREGISTERED/No Licenses in Use

        cisco CSR1000V (VXE) processor (revision VXE) with 2071829K/3075K bytes of memory.
        Processor board ID 9SAGBHTUEE9
        Router operating mode: Autonomous
        1 Gigabit Ethernet interface
        32768K bytes of non-volatile configuration memory.
        3978420K bytes of physical memory.
        6188032K bytes of virtual hard disk at bootflash:.

        Configuration register is 0x2102

        """
    }

    /// `1 day, 2 hours, 3 minutes` as `show version` words it.
    public static func uptimeWords(_ seconds: Double) -> String {
        var s = max(0, Int(seconds)) / 60
        let minutes = s % 60
        s /= 60
        let hours = s % 24
        s /= 24
        let days = s % 7
        let weeks = s / 7
        var parts: [String] = []
        func add(_ n: Int, _ unit: String) { parts.append("\(n) \(unit)\(n == 1 ? "" : "s")") }
        if weeks > 0 { add(weeks, "week") }
        if days > 0 { add(days, "day") }
        if hours > 0 { add(hours, "hour") }
        add(minutes, "minute")
        return parts.joined(separator: ", ")
    }

    /// The lines of IOS's `debug radius` answer, in its order, each with the flag it reports
    /// (nil: a kind of RADIUS debugging the emulator has not, always off).
    static var radiusFlags: [(text: String, flag: KeyPath<DebugFlags, Bool>?)] { [
        ("Radius protocol debugging is", \.radiusProtocol),
        ("Radius protocol brief debugging is", nil),
        ("Radius protocol verbose debugging is", nil),
        ("Radius packet hex dump debugging is", nil),
        ("Radius packet protocol (authentication) debugging is", \.radiusAuthentication),
        ("Radius packet protocol (accounting) debugging is", \.radiusAccounting),
        ("Radius packet protocol (dynamic authorization) debugging is", \.radiusDynamicAuthorization),
        ("Radius packet retransmission debugging is", nil),
        ("Radius server fail-over debugging is", nil),
        ("Radius elog debugging debugging is", nil),
    ] }

    /// What IOS answers to `debug …` / `undebug …`, given the flags after the command.
    /// `which` is the command's words after `debug` (`radius`, `radius accounting`, `aaa pod`, …).
    public static func debugAcknowledgement(_ which: String, flags: DebugFlags) -> String {
        if which.hasPrefix("radius") {
            return radiusFlags.map { line in
                "\(line.text) \(line.flag.map { flags[keyPath: $0] } == true ? "on" : "off")\n"
            }.joined()
        }
        switch which {
        case "aaa pod":
            return "AAA POD packet processing debugging is \(flags.aaaPod ? "on" : "off")\n"
        case "aaa coa":
            return "AAA CoA packet processing debugging is \(flags.aaaCoa ? "on" : "off")\n"
        default:
            return "IKEv2 default debugging is \(flags.cryptoIkev2 ? "on" : "off")\n"
        }
    }

    /// `show debugging`: IOS XE's conditional-debug and packet-tracing header (printed also
    /// when nothing is on), then each facility with what is on.
    public static func debugging(_ device: Device) -> String {
        var out = "IOSXE Conditional Debug Configs:\n\nConditional Debug Global State: Stop\n\n\n"
        out += "IOSXE Packet Tracing Configs:\n\n\n\n\n"
        let flags = device.debug
        if flags.aaaPod || flags.aaaCoa { out += "General OS:\n" }
        if flags.aaaPod { out += "  AAA POD packet processing debugging is on\n" }
        if flags.aaaCoa { out += "  AAA CoA packet processing debugging is on\n" }
        for line in radiusFlags {
            if let flag = line.flag, flags[keyPath: flag] { out += "\(line.text) on\n" }
        }
        if flags.cryptoIkev2 { out += "Crypto Subsystem:\n  IKEv2 default debugging is on\n" }
        return out
    }

    /// `show logging`, a line at a time (the buffer may hold thousands).
    public static func logging(_ device: Device, emit: (String) -> Void) {
        var out = "Syslog logging: enabled (0 messages dropped, 0 messages rate-limited, 0 flushes, 0 overruns, xml disabled, filtering disabled)\n\n"
        out += "No Active Message Discriminator.\n\n\n\nNo Inactive Message Discriminator.\n\n\n"
        out += "    Console logging: level debugging, \(device.consoleMessagesLogged) messages logged, xml disabled,\n"
        out += "                     filtering disabled\n"
        out += "    Monitor logging: level debugging, 0 messages logged, xml disabled,\n"
        out += "                     filtering disabled\n"
        if device.config.loggingBufferedSize != nil {
            out += "    Buffer logging:  level debugging, \(device.bufferMessagesLogged) messages logged, xml disabled,\n"
            out += "                    filtering disabled\n"
        } else {
            out += "    Buffer logging:  disabled, xml disabled,\n"
            out += "                    filtering disabled\n"
        }
        out += "    Exception Logging: size (4096 bytes)\n"
        out += "    Count and timestamp logging messages: disabled\n"
        out += "    Persistent logging: disabled\n\n"
        out += "No active filter modules.\n\n"
        out += "    Trap logging: level informational, \(device.trapMessagesLogged) message lines logged\n"
        out += "        Logging Source-Interface:       VRF Name:\n"
        if let size = device.config.loggingBufferedSize {
            out += "\nLog Buffer (\(size) bytes):\n\n"
        }
        // The header ends with a line break; its last line is an empty one.
        for line in out.split(separator: "\n", omittingEmptySubsequences: false).dropLast() { emit(String(line)) }
        if device.config.loggingBufferedSize != nil {
            for line in device.logBuffer { emit(line) }
        }
    }
}
