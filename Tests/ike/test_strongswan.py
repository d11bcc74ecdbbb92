"""strongSwan connects to the emulator's IKEv2 responder, appears in every show, and goes when
a RADIUS Disconnect-Request names it (our Delete) or when it terminates itself (its Delete)."""

import re
import subprocess
import time

from conftest import DAS_SECRET, wait_for


def audit_session_id(router, user):
    # `show aaa user all` lists each session's attributes; the audit-session-id is in the
    # accounting Start too. The generated form: L2L4 local ZO2L4 peer ZH ports ZN counter.
    text = router.run("show aaa user all")
    blocks = text.split("Unique id")
    for block in blocks:
        if user in block:
            m = re.search(r"audit-session-id\(\d+\)\s+\d+\s+(L2L4\w+)", block)
            if m:
                return m.group(1)
    raise AssertionError(f"no audit-session-id for {user} in:\n{text}")


def radclient_disconnect(router, attributes):
    result = subprocess.run(["radclient", "-x", "-r", "1", "-t", "3", f"127.0.0.1:{router.das_port}", "disconnect",
                             DAS_SECRET], input=attributes, capture_output=True, text=True, timeout=30)
    return result.stdout + result.stderr


def test_psk_childless_connects_and_a_disconnect_request_deletes_it(router, charon):
    router.run("debug crypto ikev2")
    result = charon.swanctl("--initiate", "--ike", "rw", "--timeout", "15")
    assert "IKE_SA rw[1] established between" in result.stdout or "established between" in result.stdout, result.stdout + charon.log()
    sas = charon.list_sas("rw")
    assert "ESTABLISHED" in sas, sas
    # The virtual IP the pool gave (the first address).
    assert "10.99.0.1" in sas, sas
    shown = router.run("show crypto ikev2 sa")
    assert re.search(r"127\.0\.0\.1/\d+\s+127\.0\.0\.1/\d+\s+none/none\s+READY", shown), shown
    assert "Encr: AES-CBC, keysize: 256, PRF: SHA512, Hash: SHA512, DH Grp:19" in shown, shown
    sessions = router.run("show aaa sessions")
    assert "User Name: client@lab" in sessions and "IP Address: 10.99.0.1" in sessions, sessions
    crypto = router.run("show crypto session detail")
    assert "Phase1_id: client@lab" in crypto and "Session status: UP-ACTIVE" in crypto, crypto
    detail = router.run("show crypto ikev2 sa detailed")
    assert "Remote id: client@lab" in detail and "Local id: flexvpn.lab" in detail, detail
    assert "Virtual-Access" in router.run("show ip interface brief")
    stats = router.run("show crypto ikev2 stats")
    assert re.search(r"active:\s+1\s", stats), stats
    console = router.console()
    assert "Verification of peer's authenctication data PASSED" in console
    assert "Session with IKE ID PAIR (client@lab, flexvpn.lab) is UP" in console

    audit = audit_session_id(router, "client@lab")
    reply = radclient_disconnect(router, f'Cisco-AVPair = "audit-session-id={audit}"\n')
    assert "Disconnect-ACK" in reply, reply
    # strongSwan hears our Delete and drops the SA.
    wait_for(lambda: "received DELETE for IKE_SA rw" in charon.log(), what="strongSwan's DELETE log line")
    wait_for(lambda: "ESTABLISHED" not in charon.list_sas("rw"), what="the SA gone from swanctl")
    assert "client@lab" not in router.run("show aaa sessions")
    wait_for(lambda: "Processing ACK to informational exchange" in router.console(), what="the Delete's answer")
    console = router.console()
    assert "Sending DELETE INFO message for IKEv2 SA [ISPI: 0x" in console
    assert "READY" not in router.run("show crypto ikev2 sa")
    router.run("undebug all")


def test_with_a_child_the_ike_sa_survives_and_terminate_sends_a_user_request_stop(router, charon):
    router.run("debug radius accounting")
    # The client proposes MODP-2048 first: INVALID_KE_PAYLOAD, then ECP-256 with AES-GCM-256.
    result = charon.swanctl("--initiate", "--ike", "rwchild", "--child", "net", "--timeout", "15", check=False)
    assert "peer didn't accept DH group MODP_2048, it requested ECP_256" in result.stdout, result.stdout + charon.log()
    # No ESP in this kernel: the CHILD_SA cannot be installed, the IKE SA stays.
    sas = wait_for(lambda: (s := charon.list_sas("rwchild")) and "ESTABLISHED" in s and s, what="rwchild ESTABLISHED")
    assert "AES_GCM_16-256/PRF_HMAC_SHA2_256/ECP_256" in sas, sas
    # strongSwan deletes the child it could not install; our answer deletes ours, the IKE SA stays.
    wait_for(lambda: "parsed INFORMATIONAL response 2 [ D ]" in charon.log(), what="our answer to the child's Delete")
    session = router.run("show crypto ikev2 session")
    assert "Status:UP-ACTIVE, IKE count:1, CHILD count:0" in session, session
    assert "Encr: AES-GCM, keysize: 256, PRF: SHA256, Hash: None, DH Grp:19" in session, session
    assert "child@lab" in router.run("show aaa sessions")
    time.sleep(1)
    assert "ESTABLISHED" in charon.list_sas("rwchild"), "the IKE SA went down with its child"

    charon.swanctl("--terminate", "--ike", "rwchild", "--timeout", "15")
    wait_for(lambda: "child@lab" not in router.run("show aaa sessions"), what="the session to end")
    wait_for(lambda: "user-request" in router.console(), what="the Stop's Acct-Terminate-Cause")
    console = router.console()
    assert re.search(r"Acct-Terminate-Cause\[49\] 6\s+user-request\s+\[1\]", console), console[-3000:]
    assert re.search(r"Acct-Session-Time", console)
    router.run("undebug all")


def test_bad_input_is_counted_and_the_responder_keeps_working(router, charon):
    import socket
    before = router.run("show crypto ikev2 stats")
    dropped_before = int(re.search(r"dropped at dispatch: (\d+)", before).group(1))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for payload in [b"", b"\x00\x00\x00\x00", b"\x00\x00\x00\x00garbage", b"\x01\x02\x03\x04" * 10,
                        b"\x00\x00\x00\x00" + bytes(28), b"\x00\x00\x00\x00" + bytes(range(200))]:
            s.sendto(payload, ("127.0.0.1", router.ike_port))
    after = wait_for(lambda: (t := router.run("show crypto ikev2 stats"))
                     and int(re.search(r"dropped at dispatch: (\d+)", t).group(1)) >= dropped_before + 4 and t,
                     what="the drops counted")
    assert "Crypto IKEv2 SA Statistics" in after
    result = charon.swanctl("--initiate", "--ike", "rw", "--timeout", "15")
    assert "established between" in result.stdout, result.stdout
    router.run("clear crypto session")
    wait_for(lambda: "ESTABLISHED" not in charon.list_sas("rw"), what="clear crypto session's Delete")


def test_eap_mschapv2_through_freeradius(router, charon, freeradius):
    port, radius_log = freeradius
    router.configure(["radius server LOCAL", f" address ipv4 127.0.0.1 auth-port {port} acct-port {router.acct_port}"])
    router.run("lab ikev2 authentication remote eap")
    router.run("debug crypto ikev2")
    try:
        result = charon.swanctl("--initiate", "--ike", "rweap", "--timeout", "20", check=False)
        assert "established between" in result.stdout, result.stdout + radius_log.read_text()[-3000:]
        assert "EAP method EAP_MSCHAPV2 succeeded, MSK established" in result.stdout, result.stdout
        sessions = router.run("show aaa sessions")
        # The session's user is the EAP identity FreeRADIUS authenticated.
        assert "User Name: eapuser" in sessions, sessions
        assert "Login OK: [eapuser" in radius_log.read_text()
        assert "Received valid EAP-Success and MSK" in router.console()
        charon.swanctl("--terminate", "--ike", "rweap", "--timeout", "15")
        wait_for(lambda: "eapuser" not in router.run("show aaa sessions"), what="the EAP session to end")
    finally:
        router.run("undebug all")
        router.run("lab ikev2 authentication remote pre-share")


def test_the_flexvpn_configuration_model_decides_once_a_profile_exists(router, charon, freeradius):
    port, radius_log = freeradius
    # As on IOS XE: keyring, profile, the default authorization policy's pool and DNS.
    router.configure(["crypto ikev2 authorization policy default", " pool MODELPOOL", " dns 10.0.0.99", " exit",
                      "crypto ikev2 keyring KR", " peer any", "  address 0.0.0.0 0.0.0.0", "  pre-shared-key cisco123",
                      "  exit", " exit",
                      "aaa authentication login EAPLIST group RADGRP",
                      "radius server LOCAL", f" address ipv4 127.0.0.1 auth-port {port} acct-port {router.acct_port}",
                      " exit",
                      "crypto ikev2 profile FLEX", " match identity remote any", " identity local fqdn flexvpn.lab",
                      " authentication remote pre-share", " authentication remote eap query-identity",
                      " authentication local pre-share", " keyring local KR", " aaa authentication eap EAPLIST",
                      " exit",
                      "ip local pool MODELPOOL 10.55.0.1 10.55.0.9"])
    try:
        result = charon.swanctl("--initiate", "--ike", "rw", "--timeout", "15", check=False)
        assert "established between" in result.stdout, result.stdout
        # The pool of the configuration model, not lab ikev2's.
        assert "installing new virtual IP 10.55.0.1" in result.stdout, result.stdout
        sessions = router.run("show aaa sessions")
        assert "IP Address: 10.55.0.1" in sessions, sessions
        charon.swanctl("--terminate", "--ike", "rw", "--timeout", "15")
        wait_for(lambda: "10.55.0.1" not in router.run("show aaa sessions"), what="the session to end")
        # EAP through the profile's `aaa authentication eap` list, the address from the same pool.
        result = charon.swanctl("--initiate", "--ike", "rweap", "--timeout", "20", check=False)
        assert "EAP method EAP_MSCHAPV2 succeeded, MSK established" in result.stdout, result.stdout
        assert "installing new virtual IP 10.55.0." in result.stdout, result.stdout
        assert "User Name: eapuser" in router.run("show aaa sessions")
        charon.swanctl("--terminate", "--ike", "rweap", "--timeout", "15")
        wait_for(lambda: "eapuser" not in router.run("show aaa sessions"), what="the EAP session to end")
    finally:
        router.configure(["no crypto ikev2 profile FLEX", "no crypto ikev2 keyring KR", "no aaa authentication login EAPLIST",
                          "no ip local pool MODELPOOL", "no crypto ikev2 authorization policy default"])
