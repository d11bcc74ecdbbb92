"""The vty login policy with Debian's `telnet` under pexpect: `access-class` on the vty lines,
`aaa authentication login` with `login authentication` (local, and a real FreeRADIUS accepting
and rejecting users), `aaa authorization exec`, and `login on-failure log` / `login on-success
log` lines on the console.

FreeRADIUS (Debian package `freeradius`) is started once for this module from
Tests/remote/freeradius/radiusd.conf, as the current user, on a free loopback port.
Build first: `swift build --product flexvpn-emu`. Run: `python3 -m pytest Tests/remote -q`.
"""

import os
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pexpect
import pytest

from test_telnet import Router, command, free_port

HERE = Path(__file__).resolve().parent
SECRET = "testing123"


@pytest.fixture(scope="module")
def freeradius():
    run = tempfile.mkdtemp(prefix="flexvpn-login-radius-")
    port = free_port(socket.SOCK_DGRAM)
    env = dict(os.environ, FR_RUN_DIR=run, FR_CONF_DIR=str(HERE / "freeradius"), FR_SECRET=SECRET,
               FR_AUTH_PORT=str(port))
    process = subprocess.Popen(["freeradius", "-f", "-d", str(HERE / "freeradius")], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log = Path(run) / "radius.log"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if log.exists() and "Ready to process requests" in log.read_text():
            break
        assert process.poll() is None, "freeradius exited: " + (log.read_text() if log.exists() else "")
        time.sleep(0.05)
    else:
        process.kill()
        raise AssertionError("freeradius did not become ready")
    yield port, Path(run) / "auth.log"
    process.terminate()
    process.wait(10)


def expect_closed(client):
    client.expect("Connection closed by foreign host.")
    client.expect(pexpect.EOF)


def test_access_class_deny_closes_and_the_next_line_that_permits_is_taken():
    # vty 0-4 deny the client; vty 5-15 have no access-class, so IOS puts it there.
    r = Router("""hostname R1
username admin privilege 15 secret cisco
ip access-list standard NOLOCAL
 10 deny 127.0.0.1
 20 permit any
line vty 0 4
 access-class NOLOCAL in
 login local
line vty 5 15
 login local
""")
    try:
        client = r.login()
        users = command(client, "show users")
        assert "vty 5     admin" in users, users
        shown = command(client, "show access-lists")
        assert "Standard IP access list NOLOCAL" in shown
        # The readiness probe and this login each tried vty 0 (the probe may also have been
        # counted): at least one match on the deny entry, none on the permit.
        assert "    10 deny   127.0.0.1 (" in shown, shown
        assert "    20 permit any\r\n" in shown, shown
        # Every line denies now: the connection is closed before any question.
        client.send("configure terminal\r")
        client.expect_exact("R1(config)#")
        client.send("line vty 5 15\r")
        client.expect_exact("R1(config-line)#")
        client.send("access-class NOLOCAL in\r")
        client.expect_exact("R1(config-line)#")
        denied = r.telnet()
        expect_closed(denied)
        assert "User Access Verification" not in denied.before
        assert "Username" not in denied.before
        # `no access-class` opens the line again.
        client.send("no access-class NOLOCAL in\r")
        client.expect_exact("R1(config-line)#")
        again = r.telnet()
        again.expect_exact("Username: ")
    finally:
        r.close()


AAA_LOCAL = """hostname R1
aaa new-model
aaa authentication login VTY local
aaa authorization exec default local
username admin privilege 15 secret cisco
username oper password 0 operpass
login on-failure log
login on-success log
line vty 0 4
 login authentication VTY
"""


def test_login_authentication_local_with_exec_authorization_and_login_logs():
    r = Router(AAA_LOCAL, headless=False)
    try:
        r.console.expect_exact("R1>")
        client = r.telnet()
        client.expect_exact("\r\n\r\nUser Access Verification\r\n\r\nUsername: ")
        client.send("admin\r")
        client.expect_exact("Password: ")
        client.send("wrong\r")
        client.expect_exact("\r\n% Authentication failed\r\n\r\nUsername: ")
        r.console.expect(r"%SEC_LOGIN-4-LOGIN_FAILED: Login failed \[user: admin\] \[Source: 127\.0\.0\.1\] "
                         r"\[localport: " + str(r.port) + r"\] \[Reason: Login Authentication Failed\] at "
                         r"\d\d:\d\d:\d\d UTC \w{3} \w{3} \d{1,2} \d{4}")
        client.send("admin\r")
        client.expect_exact("Password: ")
        client.send("cisco\r")
        client.expect_exact("R1#")
        r.console.expect(r"%SEC_LOGIN-5-LOGIN_SUCCESS: Login Success \[user: admin\] \[Source: 127\.0\.0\.1\] "
                         r"\[localport: " + str(r.port) + r"\] at \d\d:\d\d:\d\d UTC")
        assert "Current privilege level is 15" in command(client, "show privilege")
        # oper has no privilege: the line's level 1.
        oper = r.login("oper", "operpass", prompt="R1>")
        assert "Current privilege level is 1" in command(oper, "show privilege", prompt="R1>")
    finally:
        r.close()


def test_radius_login_accepts_with_the_servers_privilege_and_a_reject_ends_it(freeradius):
    port, auth_log = freeradius
    r = Router(f"""hostname R1
aaa new-model
radius server FR
 address ipv4 127.0.0.1 auth-port {port} acct-port 1813
 key {SECRET}
aaa group server radius FRGRP
 server name FR
aaa authentication login VTY group FRGRP local
aaa authorization exec default group FRGRP
username radadmin password 0 localonly
login on-failure log
line vty 0 4
 login authentication VTY
""")
    try:
        client = r.login("radadmin", "radpass", prompt="R1#")
        assert "Current privilege level is 15" in command(client, "show privilege")
        line = auth_log.read_text().splitlines()[-1]
        assert line == "Access-Request user=radadmin calling=127.0.0.1 nas=192.168.202.1 port-type=Virtual service=Login-User", line
        # radoper: accepted without a privilege: the line's level.
        oper = r.login("radoper", "operpass", prompt="R1>")
        assert "Current privilege level is 1" in command(oper, "show privilege", prompt="R1>")
        # The local password would do, but the server's Reject ends the login (no next method).
        rejected = r.telnet()
        rejected.expect_exact("Username: ")
        for attempt in range(3):
            rejected.send("radadmin\r")
            rejected.expect_exact("Password: ")
            rejected.send("localonly\r")
            rejected.expect_exact("\r\n% Authentication failed\r\n\r\n")
            if attempt < 2:
                rejected.expect_exact("Username: ")
        expect_closed(rejected)
        assert sum(1 for l in auth_log.read_text().splitlines() if "user=radadmin" in l) >= 4
    finally:
        r.close()
