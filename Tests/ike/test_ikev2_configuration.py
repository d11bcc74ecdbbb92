"""The responder on IOS configuration with a real strongSwan: `crypto ikev2 policy`/`proposal`
decide what IKE_SA_INIT accepts (a mismatch is NO_PROPOSAL_CHOSEN with IOS's debug lines), and
`keyring aaa` takes the pre-shared keys from FreeRADIUS (ipsec:ikev2-password-remote/-local).
Each test puts the shared router back as it found it."""

from pathlib import Path

from conftest import wait_for


def test_a_policy_for_the_local_address_whose_proposal_the_client_lacks_refuses_it(router, charon):
    router.configure(["crypto ikev2 proposal CBC128", " encryption aes-cbc-128", " integrity sha256", " group 14",
                      " exit",
                      "crypto ikev2 policy LOCAL", " match address local 127.0.0.1", " proposal CBC128", " exit"])
    router.run("debug crypto ikev2")
    try:
        policy = router.run("show crypto ikev2 policy LOCAL")
        assert "Match address local : 127.0.0.1" in policy, policy
        assert "Proposal    : CBC128" in policy, policy
        before = router.console()
        result = charon.swanctl("--initiate", "--ike", "rw", "--timeout", "10", check=False)
        assert "NO_PROPOSAL_CHOSEN" in result.stdout, result.stdout
        # A command reads what the console printed meanwhile (the debug lines) into the capture.
        assert "127.0.0.1" not in router.run("show crypto ikev2 sa")
        debug = router.console()[len(before):]
        # The client's proposal as IOS XE lists it, then ours.
        assert "IKEv2:Found Policy 'LOCAL'" in debug, debug
        assert ("Received Policies: : Failed to find a matching policyProposal 1:  ENCRYPTION: AES-CBC-256 PRF: SHA512 "
                "INTEGRITY: SHA512 DH GROUP: DH_GROUP_256_ECP/Group 19") in debug, debug
        assert ("Expected Policies: : Failed to find a matching policyProposal 1:  ENCRYPTION: AES-CBC-128 PRF: SHA256 "
                "INTEGRITY: SHA256 DH GROUP: DH_GROUP_2048_MODP/Group 14") in debug, debug
        assert "):: Failed to find a matching policy" in debug, debug
    finally:
        router.run("undebug all")
        router.configure(["no crypto ikev2 policy LOCAL", "no crypto ikev2 proposal CBC128"])
    # Without that policy the startup-config's POL applies again (its default proposal).
    result = charon.swanctl("--initiate", "--ike", "rw", "--timeout", "15", check=False)
    assert "established between" in result.stdout, result.stdout
    charon.swanctl("--terminate", "--ike", "rw", "--timeout", "15")
    wait_for(lambda: "client@lab" not in router.run("show aaa sessions"), what="the session to end")


def test_aaa_preshared_keys_come_from_freeradius(router, charon, freeradius):
    port, radius_log = freeradius
    auth_log = Path(radius_log).parent / "auth.log"
    router.configure(["crypto ikev2 authorization policy default", " pool AAAPOOL", " exit",
                      "crypto ikev2 name-mangler NM", " email username", " exit",
                      "aaa authorization network AAAPSK group RADGRP",
                      "radius server LOCAL", f" address ipv4 127.0.0.1 auth-port {port} acct-port {router.acct_port}",
                      " exit",
                      "crypto ikev2 profile AAA", " match identity remote any", " identity local fqdn aaa.flexvpn.lab",
                      " authentication remote pre-share", " authentication local pre-share",
                      " keyring aaa AAAPSK name-mangler NM", " exit",
                      "ip local pool AAAPOOL 10.66.0.1 10.66.0.9"])
    try:
        rejected_before = int(router.run("show crypto ikev2 stats").split("rejected:")[1].split()[0])
        # branch@aaa.lab: the mangler's `branch` is asked for (password cisco); the Accept's keys
        # are the ones strongSwan has for it.
        router.run("debug crypto ikev2")
        result = charon.swanctl("--initiate", "--ike", "rwaaa", "--timeout", "15", check=False)
        router.run("undebug all")
        assert "established between" in result.stdout, result.stdout + router.console()[-3000:] + radius_log.read_text()
        assert "installing new virtual IP 10.66.0.1" in result.stdout, result.stdout
        assert "Access-Request user=branch calling=127.0.0.1" in auth_log.read_text()
        assert "IP Address: 10.66.0.1" in router.run("show aaa sessions")
        charon.swanctl("--terminate", "--ike", "rwaaa", "--timeout", "15")
        wait_for(lambda: "10.66.0.1" not in router.run("show aaa sessions"), what="the session to end")
        # stranger@aaa.lab: FreeRADIUS rejects `stranger`: AUTHENTICATION_FAILED, counted, nothing kept.
        result = charon.swanctl("--initiate", "--ike", "rwaaabad", "--timeout", "15", check=False)
        assert "AUTHENTICATION_FAILED" in result.stdout, result.stdout
        assert "Access-Request user=stranger" in auth_log.read_text()
        rejected = int(router.run("show crypto ikev2 stats").split("rejected:")[1].split()[0])
        assert rejected == rejected_before + 1
        assert "stranger" not in router.run("show aaa sessions")
        assert "127.0.0.1" not in router.run("show crypto ikev2 sa")
    finally:
        router.configure(["no crypto ikev2 profile AAA", "no crypto ikev2 name-mangler NM",
                          "no aaa authorization network AAAPSK", "no ip local pool AAAPOOL",
                          "no crypto ikev2 authorization policy default"])


# P-256's generator as a public value: a valid point for a half-open SA that never completes.
P256_G = bytes.fromhex("6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296"
                       "4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5")


def half_open_ike_sa_init():
    """An IKE_SA_INIT (RFC 7296 §3) offering IOS's default suite with group 19, behind the
    non-ESP marker: the responder keeps it half-open until its IKE_AUTH, which never comes."""
    import os
    import struct

    def transform(kind, ident, attributes=b"", last=False):
        return struct.pack("!BBHBBH", 0 if last else 3, 0, 8 + len(attributes), kind, 0, ident) + attributes

    transforms = (transform(1, 12, struct.pack("!HH", 0x800E, 256)) + transform(2, 7) + transform(3, 14)
                  + transform(4, 19, last=True))
    proposal = struct.pack("!BBHBBBB", 0, 0, 8 + len(transforms), 1, 1, 0, 4) + transforms
    sa = struct.pack("!BBH", 34, 0, 4 + len(proposal)) + proposal
    ke = struct.pack("!BBHHH", 40, 0, 8 + len(P256_G), 19, 0) + P256_G
    nonce = struct.pack("!BBH", 0, 0, 4 + 32) + os.urandom(32)
    body = sa + ke + nonce
    header = os.urandom(8) + bytes(8) + struct.pack("!BBBBII", 33, 0x20, 34, 0x08, 0, 28 + len(body))
    return bytes(4) + header + body


def test_strongswan_answers_the_cookie_challenge_past_the_threshold(router, charon):
    import socket

    def cookies():
        stats = router.run("show crypto ikev2 stats")
        challenged = int(stats.split("Cookie Challenged Requests:")[1].split()[0])
        accepted = int(stats.split("accepted:")[-1].split()[0])
        return challenged, accepted

    router.configure(["crypto ikev2 cookie-challenge 1"])
    try:
        challenged, accepted = cookies()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(5)
            s.sendto(half_open_ike_sa_init(), ("127.0.0.1", router.ike_port))
            s.recvfrom(2048)   # the answer: one SA half-open now
        assert "negotiating: 1" in router.run("show crypto ikev2 stats")
        # Past the threshold strongSwan is asked for a cookie, sends it back and gets its SA.
        result = charon.swanctl("--initiate", "--ike", "rw", "--timeout", "15", check=False)
        assert "established between" in result.stdout, result.stdout
        assert "N(COOKIE)" in result.stdout, result.stdout
        assert cookies() == (challenged + 1, accepted + 1)
        charon.swanctl("--terminate", "--ike", "rw", "--timeout", "15")
        wait_for(lambda: "client@lab" not in router.run("show aaa sessions"), what="the session to end")
    finally:
        router.configure(["no crypto ikev2 cookie-challenge 1"])
        router.run("clear crypto ikev2 sa")
