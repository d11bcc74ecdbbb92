"""strongSwan rekeys the IKE SA and makes further CHILD_SAs with CREATE_CHILD_SA, and the router's
liveness checks (`lab ikev2 dpd … periodic`) find a client that stopped answering dead: the SA
goes and the accounting Stop (Lost-Carrier) reaches the accounting server."""

import re
import signal
import socket
import struct
import time

from conftest import wait_for

SPIS = re.compile(r"([0-9a-f]{16})_i\*?\s+([0-9a-f]{16})_r")


def spis(charon, ike):
    m = SPIS.search(charon.list_sas(ike))
    assert m, charon.list_sas(ike)
    return m.group(1).upper(), m.group(2).upper()


def unique_id(router, user):
    text = router.run("show aaa sessions")
    m = re.search(r"Session Id: (\d+)\n\s+Unique Id: (\d+)\n\s+User Name: " + re.escape(user) + r"\n", text)
    assert m, text
    return m.groups()


def console_shows(router, text):
    """Whether the console has printed `text` (a command first, so that pexpect reads what the
    router printed meanwhile)."""
    router.run("show clock")
    return text in router.console()


def test_strongswan_rekeys_the_ike_sa_and_the_session_stays(router, charon):
    router.run("debug crypto ikev2")
    try:
        result = charon.swanctl("--initiate", "--ike", "rw", "--timeout", "15")
        assert "established between" in result.stdout, result.stdout
        before = spis(charon, "rw")
        uid = unique_id(router, "client@lab")
        interfaces = router.run("show ip interface brief")
        charon.swanctl("--rekey", "--ike", "rw")
        after = wait_for(lambda: (s := spis(charon, "rw")) != before and s, what="new SPIs on the client")
        assert after[0] != before[0] and after[1] != before[1]
        wait_for(lambda: "parsed CREATE_CHILD_SA response" in charon.log(), what="our CREATE_CHILD_SA answer")
        detail = router.run("show crypto ikev2 sa detailed")
        assert f"Local spi: {after[1]}       Remote spi: {after[0]}" in detail, detail + str(after)
        assert "READY" in detail
        # The old SA is gone (strongSwan deletes it), the session is the same: no Stop, no Start.
        wait_for(lambda: before[1] not in router.run("show crypto ikev2 sa detailed"), what="the old SA deleted")
        assert unique_id(router, "client@lab") == uid
        assert router.run("show ip interface brief") == interfaces
        assert "ESTABLISHED" in charon.list_sas("rw")
        console = router.console()
        assert "IKEv2 CREATE_CHILD_SA Exchange REQUEST" in console
        assert "Check for IKE SA rekey" in console
        # The new SA works: strongSwan's Delete of it ends the session.
        charon.swanctl("--terminate", "--ike", "rw", "--timeout", "15")
        wait_for(lambda: "client@lab" not in router.run("show aaa sessions"), what="the session to end")
    finally:
        router.run("undebug all")


def test_strongswan_adds_children_with_and_without_pfs(router, charon):
    router.run("debug crypto ikev2")
    try:
        charon.swanctl("--initiate", "--ike", "rwchild", "--child", "net", "--timeout", "15", check=False)
        wait_for(lambda: "ESTABLISHED" in charon.list_sas("rwchild"), what="rwchild ESTABLISHED")
        log_before = len(charon.log())
        # A further child on the same IKE SA, with PFS (ECP-256): CREATE_CHILD_SA with KE both ways.
        charon.swanctl("--initiate", "--ike", "rwchild", "--child", "pfs", "--timeout", "15", check=False)
        wait_for(lambda: re.search(r"parsed CREATE_CHILD_SA response \d+ \[ SA No KE TSi TSr \]", charon.log()[log_before:]),
                 what="our CREATE_CHILD_SA answer with KE")
        # The kernel here has no ESP: strongSwan deletes the child it cannot install; the IKE SA stays.
        time.sleep(1)
        assert "ESTABLISHED" in charon.list_sas("rwchild")
        assert "child@lab" in router.run("show aaa sessions")
        assert "Checking for PFS configuration" in router.console()
        charon.swanctl("--terminate", "--ike", "rwchild", "--timeout", "15")
        wait_for(lambda: "child@lab" not in router.run("show aaa sessions"), what="the session to end")
    finally:
        router.run("undebug all")


def lost_carrier_stop(sock, user, deadline):
    """Reads Accounting-Requests from `sock` until a Stop for `user` with Acct-Terminate-Cause
    Lost-Carrier (2) comes (True) or the deadline passes (False). Earlier sessions' Stops, which
    the router may still be retransmitting, carry other causes."""
    while time.monotonic() < deadline:
        sock.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            data, _ = sock.recvfrom(4096)
        except socket.timeout:
            break
        if len(data) < 20 or data[0] != 4:
            continue
        attributes, offset = {}, 20
        while offset + 2 <= len(data):
            kind, length = data[offset], data[offset + 1]
            if length < 2:
                break
            attributes.setdefault(kind, data[offset + 2:offset + length])
            offset += length
        if (attributes.get(1) == user.encode() and attributes.get(40) == struct.pack(">I", 2)
                and attributes.get(49) == struct.pack(">I", 2)):
            return True
    return False


def test_liveness_checks_find_a_stopped_client_dead(router, charon):
    router.run("lab ikev2 dpd 10 2 periodic")
    router.run("debug crypto ikev2")
    accounting = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    accounting.bind(("127.0.0.1", router.acct_port))
    stopped = False
    try:
        result = charon.swanctl("--initiate", "--ike", "rw", "--timeout", "15")
        assert "established between" in result.stdout, result.stdout
        assert "DPD configured for 10 seconds, retry 2" in router.run("show crypto ikev2 sa detailed")
        # strongSwan answers the first check (an empty INFORMATIONAL request of ours).
        wait_for(lambda: re.search(r"parsed INFORMATIONAL request \d+ \[ \]", charon.log()), timeout=20,
                 what="our liveness check at the client")
        wait_for(lambda: console_shows(router, "Processing ACK to informational exchange"), what="the check's answer")
        assert "client@lab" in router.run("show aaa sessions")
        # The client stops answering: 10 s of silence, the check, 5 retransmissions 2 s apart.
        charon.process.send_signal(signal.SIGSTOP)
        stopped = True
        assert lost_carrier_stop(accounting, "client@lab", time.monotonic() + 40), router.console()[-3000:]
        assert "client@lab" not in router.run("show aaa sessions")
        console = router.console()
        assert "Sending DPD/liveness query" in console
        assert "Maximum number of retransmissions reached" in console
        assert "READY" not in router.run("show crypto ikev2 sa")
    finally:
        if stopped:
            charon.process.send_signal(signal.SIGCONT)
        accounting.close()
        router.run("lab ikev2 no-dpd")
        router.run("undebug all")
    # The client still believes in its SA: it goes without waiting for the router's answer.
    charon.swanctl("--terminate", "--ike", "rw", "--force", "--timeout", "5", check=False)
    wait_for(lambda: "ESTABLISHED" not in charon.list_sas("rw"), what="the client's SA gone")
