import Device

extension ShowRenderer {
    /// `show access-lists` / `show ip access-lists [NAME]`: numbered lists, then named ones, each
    /// entry with its match count once it has one (`(1 match)`, `(3 matches)`).
    public static func accessLists(_ device: Device, name: String? = nil) -> String {
        var out = ""
        for list in device.config.accessListsInShowOrder where name == nil || list.name == name {
            out += "Standard IP access list \(list.name)\n"
            for entry in list.entries {
                out += "    \(entry.sequence) " + entry.text(forShow: true)
                let count = device.accessListMatchCount(list.name, sequence: entry.sequence)
                if count > 0 { out += count == 1 ? " (1 match)" : " (\(count) matches)" }
                out += "\n"
            }
        }
        return out
    }
}

extension RunningConfigRenderer {
    /// IOS XE shows numbered standard lists in the named form too: `ip access-list standard 10`.
    static func accessListLines(_ c: RunningConfig) -> [String] {
        guard !c.accessLists.isEmpty else { return [] }
        var out: [String] = []
        for list in c.accessListsInShowOrder {
            out.append("ip access-list standard \(list.name)")
            for entry in list.entries { out.append(" \(entry.sequence) " + entry.text(forShow: false)) }
        }
        out.append("!")
        return out
    }
}
