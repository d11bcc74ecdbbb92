"""The whole RADIUS life of a FlexVPN session against a real FreeRADIUS 3.2 (conftest.py):
authorization at connect, accounting Start/Interim/Stop with the Class, a Disconnect the server
decides by policy (originate-coa), CoA from radclient, and tshark decoding what the emulator sent.

The emulator is .build/debug/flexvpn-emu (or $FLEXVPN_TERMINAL_BINARY) on a pseudo-terminal, one
for the module, configured as a FlexVPN server whose RADIUS server is the FreeRADIUS of the run.
"""

import hashlib
import hmac
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pexpect
import pytest

ROOT = Path(__file__).resolve().parents[2]
BINARY = os.environ.get("FLEXVPN_TERMINAL_BINARY", str(ROOT / ".build" / "debug" / "flexvpn-emu"))
PROMPT = "R1#"

CONFIG = """\
hostname R1
aaa new-model
radius server FR
 address ipv4 127.0.0.1 auth-port {auth} acct-port {acct}
 key {secret}
aaa group server radius FRG
 server name FR
aaa authorization network AUTHZ group FRG
aaa accounting network ACCT start-stop group FRG
aaa server radius dynamic-author
 client 127.0.0.1 server-key {secret}
 port {das}
crypto ikev2 authorization policy default
 pool POOL
ip local pool POOL 10.99.0.1 10.99.3.254
crypto ikev2 profile FLEX
 match identity remote any
 authentication remote pre-share
 authentication local pre-share
 aaa authorization group psk list AUTHZ
 aaa accounting psk ACCT
 virtual-template 1
aaa authentication login EAPLIST group FRG
crypto ikev2 profile EAPP
 match identity remote fqdn domain eap
 authentication remote eap query-identity
 authentication local pre-share
 aaa authentication eap EAPLIST
 aaa authorization user eap cached
 aaa accounting eap ACCT
line con 0
 privilege level 15
"""


class Router:
    def __init__(self, radius):
        assert Path(BINARY).is_file(), f"{BINARY} is missing: build it first"
        self.folder = tempfile.mkdtemp(prefix="flexvpn-lifecycle-")
        startup = Path(self.folder) / "startup-config"
        startup.write_text(CONFIG.format(auth=radius.auth_port, acct=radius.acct_port, das=radius.das_port,
                                         secret=radius.secret))
        env = dict(os.environ, TERM="dumb", LANG="C.UTF-8", LC_ALL="C.UTF-8")
        self.child = pexpect.spawn(BINARY, ["--startup-config", str(startup)], env=env, encoding="utf-8",
                                   codec_errors="replace", timeout=20, dimensions=(50, 200))
        self.child.expect_exact(PROMPT)
        self.command("terminal length 0")

    def command(self, line):
        """Types a line; returns what came before the next prompt."""
        self.child.sendline(line)
        self.child.expect_exact(line)
        self.child.expect_exact(PROMPT)
        return self.child.before

    def expect(self, pattern, timeout=20):
        self.child.expect(pattern, timeout=timeout)
        return self.child.match

    def stop(self):
        self.child.sendline("lab quit")
        self.child.expect(pexpect.EOF, timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="module")
def router(freeradius):
    r = Router(freeradius)
    yield r
    r.stop()


def radclient(radius, kind, attributes):
    """`radclient -x 127.0.0.1:DAS coa|disconnect SECRET` with attributes on stdin."""
    done = subprocess.run(["radclient", "-x", "-r", "1", "-t", "3", f"127.0.0.1:{radius.das_port}", kind, radius.secret],
                          input=attributes, capture_output=True, text=True, timeout=30)
    return done.stdout + done.stderr


def message_authenticator_valid(packet, secret):
    """RFC 3579 §3.2 for an Access-Request: HMAC-MD5 over the packet with attribute 80 zeroed."""
    i, zeroed, value = 20, bytearray(packet), None
    while i + 2 <= len(packet):
        kind, length = packet[i], packet[i + 1]
        if kind == 80 and length == 18:
            value = packet[i + 2:i + 18]
            zeroed[i + 2:i + 18] = bytes(16)
        i += max(length, 2)
    return value is not None and hmac.new(secret, bytes(zeroed), hashlib.md5).digest() == value


def class_hex(text):
    return "0x" + text.encode().hex()


def test_connect_takes_address_and_timeouts_from_freeradius_and_detail_shows_start_interim_stop(router, freeradius):
    router.command("lab session connect alice peer 192.0.2.10")
    router.expect(r"% Lab: session up: Unique Id \d+, user alice, peer 192\.0\.2\.10, profile FLEX, address 10\.77\.0\.5")
    sessions = router.command("show aaa sessions")
    assert "User Name: alice" in sessions and "IP Address: 10.77.0.5" in sessions, sessions
    detail = router.command("show crypto session detail")
    assert "Assigned address: 10.77.0.5" in detail, detail
    # Session-Timeout 4 from FreeRADIUS ends it; Acct-Interim-Interval 1 sent Interims meanwhile.
    records = freeradius.wait_records("alice", lambda rs: any(r.get("Acct-Status-Type") == "Stop" for r in rs))
    kinds = [r.get("Acct-Status-Type") for r in records]
    assert kinds[0] == "Start" and kinds[-1] == "Stop" and "Interim-Update" in kinds, kinds
    for r in records:
        assert r.get("Class") == class_hex("fr-alice"), r
        assert r.get("Framed-IP-Address") == "10.77.0.5", r
    stop = records[-1]
    assert stop.get("Acct-Terminate-Cause") == "Session-Timeout", stop
    assert 3 <= int(stop.get("Acct-Session-Time", "0")) <= 5, stop
    assert "alice" not in router.command("show aaa sessions")


def test_eap_md5_through_freeradius_with_the_accepts_attributes_cached(router, freeradius):
    router.command("lab session connect laptop.eap profile EAPP eap-identity dave eap-password davepass")
    router.expect(r"% Lab: session up: .*user laptop\.eap, .*profile EAPP, address 10\.99\.")
    user = router.command("show aaa user all")
    assert "timeout(27) 4 1800" in user and "class(25) 7 fr-dave" in user, user
    router.command("lab session connect other.eap profile EAPP eap-identity dave eap-password wrong")
    router.expect(r"% Lab: session for other\.eap refused: Access-Reject \(EAP\)")
    router.command("clear crypto session")


def test_an_unknown_user_is_rejected_and_nothing_stays(router, freeradius):
    router.command("lab session connect mallory")
    router.expect(r"% Lab: session for mallory refused: Access-Reject \(group authorization\)")
    assert "mallory" not in router.command("show aaa sessions")
    assert freeradius.records("mallory") == []


def test_freeradius_disconnects_a_user_by_policy(router, freeradius):
    router.command("debug aaa pod")
    router.command("lab session connect victim")
    # FreeRADIUS's policy answers victim's Start with a Disconnect-Request of its own.
    router.expect(rf"POD: Sending ACK from port {freeradius.das_port} to 127\.0\.0\.1/\d+")
    router.command("undebug all")
    records = freeradius.wait_records("victim", lambda rs: [r.get("Acct-Status-Type") for r in rs] == ["Start", "Stop"])
    assert [r.get("Acct-Status-Type") for r in records] == ["Start", "Stop"], records
    assert records[1].get("Class") == class_hex("fr-victim")
    assert "victim" not in router.command("show aaa sessions")


def test_radclient_coa_changes_the_session_timeout_and_an_unsupported_attribute_is_naked(router, freeradius):
    router.command("lab session connect bob")
    router.expect(r"% Lab: session up: .*user bob")
    out = radclient(freeradius, "coa", 'User-Name = "bob", Session-Timeout = 2\n')
    assert "Received CoA-ACK" in out, out
    records = freeradius.wait_records("bob", lambda rs: any(r.get("Acct-Status-Type") == "Stop" for r in rs), timeout=10)
    assert records[-1].get("Acct-Status-Type") == "Stop", records
    assert records[-1].get("Acct-Terminate-Cause") == "Session-Timeout", records[-1]
    assert int(records[-1].get("Acct-Session-Time", "99")) <= 4, records[-1]

    router.command("lab session connect carol")
    router.expect(r"% Lab: session up: .*user carol")
    out = radclient(freeradius, "coa", 'User-Name = "carol", Session-Timeout = 1, Filter-Id = "guest"\n')
    assert "Received CoA-NAK" in out and "Error-Cause = Unsupported-Attribute" in out, out
    # Nothing changed: carol's session stays, with FreeRADIUS's Session-Timeout.
    query = radclient(freeradius, "coa", 'User-Name = "carol", Cisco-AVPair = "subscriber:command=session-query"\n')
    assert "Received CoA-ACK" in query and "Session-Timeout = 3600" in query, query
    time.sleep(1.5)
    assert "carol" in router.command("show aaa sessions")
    router.command("clear crypto session")


def test_tshark_decodes_every_packet_the_emulator_sent_with_valid_authenticators(router, freeradius):
    capture = Path(tempfile.mkdtemp(prefix="flexvpn-pcap-")) / "radius.pcap"
    ports = [freeradius.auth_port, freeradius.acct_port, freeradius.das_port]
    bpf = " or ".join(f"udp port {p}" for p in ports)
    tshark = subprocess.Popen(["tshark", "-i", "lo", "-f", bpf, "-w", str(capture)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        started = ""
        while time.monotonic() < deadline and "Capture started" not in started:
            started += tshark.stderr.readline()
        assert "Capture started" in started, started
        stops = len([r for r in freeradius.records("bob") if r.get("Acct-Status-Type") == "Stop"])
        router.command("lab session connect bob")
        router.expect(r"% Lab: session up: .*user bob")
        assert "Received CoA-ACK" in radclient(freeradius, "coa", 'User-Name = "bob", Idle-Timeout = 600\n')
        assert "Received CoA-NAK" in radclient(freeradius, "coa", 'User-Name = "bob", Filter-Id = "x"\n')
        router.command("clear crypto session")
        freeradius.wait_records("bob", lambda rs: len([r for r in rs if r.get("Acct-Status-Type") == "Stop"]) > stops)
        time.sleep(1)
    finally:
        tshark.terminate()
        tshark.wait(timeout=10)
    decode = ["-r", str(capture), "-o", f"radius.shared_secret:{freeradius.secret}",
              "-o", "radius.validate_authenticator:TRUE"]
    for p in ports:
        decode += ["-d", f"udp.port=={p},radius"]
    fields = subprocess.run(["tshark", *decode, "-T", "fields", "-E", "separator=;", "-e", "udp.srcport",
                             "-e", "radius.code", "-e", "radius.authenticator.valid", "-e", "radius.User_Password",
                             "-e", "radius.Acct_Status_Type", "-e", "radius.Error_Cause", "-e", "udp.payload",
                             "-Y", "radius"],
                            capture_output=True, text=True, timeout=60)
    assert fields.returncode == 0, fields.stderr
    rows = [line.split(";") for line in fields.stdout.splitlines()]
    # What the emulator sent: everything not from FreeRADIUS's ports nor radclient's requests.
    sent = [r for r in rows if r[1] in ("1", "4", "44", "45")]
    codes = [r[1] for r in sent]
    assert "1" in codes and "4" in codes and "44" in codes and "45" in codes, fields.stdout
    secret = freeradius.secret.encode()
    for r in sent:
        packet = bytes.fromhex(r[6].replace(":", ""))
        if r[1] == "1":
            assert r[3] == "cisco", r          # the User-Password decrypts with the secret
            assert message_authenticator_valid(packet, secret), r
        elif r[1] == "4":
            # tshark checks reply authenticators only: the request's is checked here (RFC 2866).
            expected = hashlib.md5(packet[:4] + bytes(16) + packet[20:] + secret).digest()
            assert packet[4:20] == expected, r
        else:
            assert r[2] in ("1", "True"), r   # CoA-ACK/NAK: tshark found the Response Authenticator valid
    assert {"1", "2"} <= {r[4] for r in sent if r[1] == "4"}, sent
    assert "401" in [r[5] for r in sent if r[1] == "45"], sent
    shutil.rmtree(capture.parent, ignore_errors=True)
