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
