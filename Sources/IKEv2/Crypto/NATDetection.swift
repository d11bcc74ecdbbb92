import Crypto

/// NAT_DETECTION_SOURCE_IP / NAT_DETECTION_DESTINATION_IP data (RFC 7296 §2.23):
/// SHA-1(SPIi | SPIr | IP | Port); SPIr is zero in the IKE_SA_INIT request.
public enum NATDetection {
    /// `address` is 4 (IPv4) or 16 (IPv6) network-order octets.
    public static func hash(initiatorSPI: UInt64, responderSPI: UInt64, address: [UInt8], port: UInt16) -> [UInt8] {
        var w = ByteWriter()
        w.uint64(initiatorSPI)
        w.uint64(responderSPI)
        w.append(address)
        w.uint16(port)
        return Array(Insecure.SHA1.hash(data: w.bytes))
    }

    public static func sourceNotify(initiatorSPI: UInt64, responderSPI: UInt64, address: [UInt8], port: UInt16) -> NotifyPayload {
        NotifyPayload(type: .natDetectionSourceIP,
                      data: hash(initiatorSPI: initiatorSPI, responderSPI: responderSPI, address: address, port: port))
    }

    public static func destinationNotify(initiatorSPI: UInt64, responderSPI: UInt64, address: [UInt8], port: UInt16) -> NotifyPayload {
        NotifyPayload(type: .natDetectionDestinationIP,
                      data: hash(initiatorSPI: initiatorSPI, responderSPI: responderSPI, address: address, port: port))
    }

    /// Whether a NAT_DETECTION notify matches the address and port the packet was seen at
    /// (false means a NAT is between: the peer's source, or our destination, was translated).
    public static func matches(_ notify: NotifyPayload, initiatorSPI: UInt64, responderSPI: UInt64, address: [UInt8], port: UInt16) -> Bool {
        notify.data == hash(initiatorSPI: initiatorSPI, responderSPI: responderSPI, address: address, port: port)
    }
}
