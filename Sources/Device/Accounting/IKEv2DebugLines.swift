/// `debug crypto ikev2` lines of a session being torn down (POD, `clear crypto session`), as the
/// seed prints them before the accounting Stop.
public enum IKEv2DebugLines {
    public static func delete(_ session: Session, accountingStop: Bool) -> [String] {
        let ids = "(SESSION ID = " + String(session.ikev2SessionId) + ",SA ID = " + String(session.saId) + ")"
        var lines = ["IKEv2:" + ids + ":Check for existing active SA",
                     "IKEv2:in_octets " + String(session.bytesIn) + ", out_octets " + String(session.bytesOut),
                     "IKEv2:in_packets " + String(session.packetsIn) + ", out_packets " + String(session.packetsOut)]
        if accountingStop {
            lines.append("IKEv2:(SA ID = " + String(session.saId) + "):[IKEv2 -> AAA] Accounting stop request sent successfully")
        }
        lines.append("IKEv2:" + ids + ":Delete all IKE SAs")
        return lines
    }
}
