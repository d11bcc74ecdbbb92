import RADIUS

/// Where the device's Accounting-Requests leave for a real RADIUS server. Only servers at
/// loopback addresses are handed to it; any other address is a simulated lab peer answered
/// inside the emulator (`LabRADIUSPeers`), so no socket is ever opened toward it.
///
/// Replies come back through `Device.handleAccountingResponse(raw:from:port:)` on the owner.
public protocol AccountingTransport: AnyObject {
    /// Sends one datagram to `address:port` from the device's accounting source port.
    func send(_ bytes: [UInt8], to address: IPv4Address, port: UInt16, sourcePort: UInt16)
}

extension IPv4Address {
    /// 127.0.0.0/8: the only addresses the emulator sends real packets to.
    public var isLoopback: Bool { rawValue >> 24 == 127 }
}
