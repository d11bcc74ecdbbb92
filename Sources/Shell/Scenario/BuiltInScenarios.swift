// The scenarios shipped with the emulator, compiled into the binary so that a copy of the
// executable installed anywhere finds them (no resource bundle beside it). Each is the text of a
// scenario file (see `Scenario`); `--scenario FILE` takes your own.

extension Scenario {
    /// The shipped scenarios by name.
    static let builtIn: [String: String] = [
        "seed-example": seedExample,
    ]

    static let seedExample = """
    ! seed-example: the FlexVPN server of Cisco's "Configuring IKEv2 Packet of Disconnect" (the two
    ! documents in shared/seeds). Hostname Device, RADIUS server 9.45.15.144 (a lab peer that answers
    ! inside the emulator; no packet leaves this machine), the accounting list acct_prof, the
    ! dynamic-author block, and the sessions of `show aaa sessions`, which came up at Nov 4 2014
    ! 00:20:23 IST. The clock then stands at the seeds' capture moment, 00:26:04 IST: `show aaa user
    ! 41` was taken 341 s after its session started (elapsed_time 341). From there the clock runs in
    ! real time (`--deterministic SEED`: only when told, as in replays).
    !
    ! Lines up to `end` are a startup-config; the EXEC commands after it set the clock and sessions.
    !
    service timestamps debug datetime msec localtime show-timezone
    service timestamps log datetime msec localtime show-timezone
    hostname Device
    aaa new-model
    aaa group server radius RADGRP
     server name LAB-RADIUS
    aaa accounting network acct_prof start-stop group RADGRP
    aaa server radius dynamic-author
     client 9.45.15.144 server-key cisco
     port 1812
    clock timezone IST 5 30
    radius server LAB-RADIUS
     address ipv4 9.45.15.144 auth-port 1812 acct-port 1813
     key cisco
    end
    clock set 00:20:23 4 Nov 2014
    lab session connect no-username session-id 3 unique-id 14
    lab session connect pskuser2.g1.engdt.com peer 192.168.202.2 audit-session-id L2L433010101ZO2L4C0A8CA02ZH119404ZP37 session-id 30 unique-id 41 server-key 1771D693
    lab session connect pskuser4.g2.engdt.com peer 192.168.202.4 session-id 32 unique-id 43
    lab clock advance 341
    """
}
