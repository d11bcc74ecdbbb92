"""The vty lines over telnet, with real clients: Debian's `telnet` under pexpect and netmiko's
`cisco_ios_telnet` driver.

Each test starts .build/debug/flexvpn-emu (or $FLEXVPN_TERMINAL_BINARY) with a startup-config of
its own and `--telnet-port` on a free port of 127.0.0.1: headless (no console line, only vty
lines) or with its console on a pseudo-terminal, so that a log line raised on the console can be
seen arriving on a vty with `terminal monitor`.
Build first: `swift build --product flexvpn-emu`. Run: `python3 -m pytest Tests/remote -q`.
"""

import hashlib
import random
import signal
import socket
import struct
import subprocess
import tempfile
import time
from pathlib import Path

import pexpect
import pytest

from emulator_testing import BINARY, ENV, command, eventually, free_port, read_until, terminate, wait_listening

LOGIN_LOCAL = """hostname R1
username admin privilege 15 secret cisco
username oper password 0 operpass
line vty 0 4
 login local
"""


class Router:
    """The emulator with telnet on: headless, or with its console on a pty (`self.console`)."""

    def __init__(self, startup_config, headless=True):
        assert Path(BINARY).is_file(), f"{BINARY} is missing: build it first"
        self.directory = tempfile.mkdtemp(prefix="flexvpn-remote-")
        self.startup = Path(self.directory) / "startup-config"
        self.startup.write_text(startup_config)
        self.port = free_port()
        args = ["--startup-config", str(self.startup), "--telnet-port", str(self.port)]
        self.console = None
        self.process = None
        if headless:
            self.log = open(Path(self.directory) / "stdout", "w+")
            self.process = subprocess.Popen([BINARY, "--headless"] + args, stdout=self.log,
                                            stderr=subprocess.STDOUT, env=ENV)
        else:
            self.console = pexpect.spawn(BINARY, args, env=ENV, dimensions=(24, 100), encoding="utf-8",
                                         codec_errors="replace", timeout=10)
        # The probe takes a vty line for an instant: let the router free it again.
        wait_listening(self.port, settle=0.3)

    def telnet(self):
        client = pexpect.spawn("telnet", ["127.0.0.1", str(self.port)], env=ENV, dimensions=(24, 100),
                               encoding="utf-8", codec_errors="replace", timeout=10)
        return client

    def login(self, user="admin", password="cisco", prompt="R1#"):
        client = self.telnet()
        client.expect("\r\n\r\nUser Access Verification\r\n\r\nUsername: ")
        client.send(user + "\r")
        client.expect("Password: ")
        client.send(password + "\r")
        client.expect_exact(prompt)
        return client

    def close(self):
        if self.process is not None:
            terminate(self.process)
            self.log.close()
        if self.console is not None:
            self.console.sendline("lab quit")
            self.console.expect(pexpect.EOF)
            self.console.close()


@pytest.fixture
def router():
    r = Router(LOGIN_LOCAL)
    yield r
    r.close()


def test_login_local_lands_at_the_users_privilege_and_exit_closes(router):
    client = router.login()
    assert "Current privilege level is 15" in command(client, "show privilege")
    client.send("exit\r")
    client.expect("Connection closed by foreign host.")
    oper = router.login("oper", "operpass", prompt="R1>")
    oper.send("enable\r")
    # No enable secret: privileged EXEC cannot be reached from a vty.
    oper.expect_exact("% No password set")
    oper.expect_exact("R1>")
    oper.send("logout\r")
    oper.expect(pexpect.EOF)


def test_a_user_without_a_privilege_gets_the_lines_level():
    r = Router(LOGIN_LOCAL + " privilege level 15\n")
    try:
        oper = r.login("oper", "operpass", prompt="R1#")
        assert "Current privilege level is 15" in command(oper, "show privilege")
    finally:
        r.close()


def test_wrong_credentials_three_times_then_closed(router):
    client = router.telnet()
    client.expect_exact("Username: ")
    for attempt in range(3):
        client.send("admin\r")
        client.expect_exact("admin\r\nPassword: ")
        client.send("wrong\r")
        client.expect_exact("\r\n% Login invalid\r\n\r\n")
        if attempt < 2:
            client.expect_exact("Username: ")
    client.expect("Connection closed by foreign host.")
    assert "Username" not in client.before


def test_password_is_not_echoed(router):
    client = router.telnet()
    client.expect("Username: ")
    client.send("admin\r")
    client.expect("Password: ")
    client.send("cisco\r")
    client.expect_exact("R1#")
    assert "cisco" not in client.before


def test_typeahead_waits_for_its_prompt_and_the_password_is_never_echoed(router):
    # A client that types everything at once, before the router has asked anything: the tty of
    # the line must not echo it (the password!), IOS echoes a key only when the line reads it.
    with socket.create_connection(("127.0.0.1", router.port), timeout=10) as s:
        s.sendall(b"admin\rcisco\rshow privilege\r")
        data = read_until(s, b"Current privilege level is 15\r\nR1#")
    text = data.decode("latin-1")
    assert "cisco" not in text
    assert text.count("admin") == 1
    before_password = text[:text.index("Password: ")]
    assert before_password.endswith("Username: admin\r\n")
    assert text.count("show privilege") == 1
    assert "R1#show privilege\r\n" in text


def test_help_tab_more_and_control_z(router):
    client = router.login()
    client.send("show ver?")
    client.expect_exact("show ver?\r\nversion\r\n")
    client.expect_exact("R1#show ver")
    client.send("sion ?")
    client.expect_exact("  <cr>")
    client.expect_exact("R1#show version ")
    client.send("\x15")          # Ctrl-U: the line is empty again
    client.send("conf\tt\r")
    client.expect_exact("igure t")     # Tab completed the word (libedit redraws from its end)
    client.expect_exact("Enter configuration commands, one per line.  End with CNTL/Z.")
    client.expect_exact("R1(config)#")
    client.send("\x1a")          # Ctrl-Z
    client.expect_exact("^Z")
    client.expect_exact("R1#")
    client.send("show version\r")
    client.expect_exact(" --More-- ")
    while True:
        client.send(" ")
        if client.expect_exact([" --More-- ", "R1#"]) == 1:
            break
    client.send("terminal length 0\r")
    client.expect_exact("R1#")
    client.send("show version\r")
    client.expect_exact("Configuration register")
    index = client.expect_exact([" --More-- ", "R1#"])
    assert index == 1


def test_config_change_names_the_vty(router):
    client = router.login()
    client.send("terminal monitor\r")
    client.expect_exact("R1#")
    client.send("configure terminal\r")
    client.expect_exact("R1(config)#")
    client.send("end\r")
    client.expect(r"%SYS-5-CONFIG_I: Configured from console by admin on vty0 \(127\.0\.0\.1\)")
    # Headless, the router logs to standard output.
    router.log.flush()
    assert "%SYS-5-CONFIG_I: Configured from console by admin on vty0 (127.0.0.1)" in Path(router.log.name).read_text()


def test_log_from_the_console_reaches_a_vty_with_terminal_monitor():
    r = Router(LOGIN_LOCAL, headless=False)
    try:
        r.console.expect_exact("R1>")
        watcher = r.login()
        quiet = r.login()
        command(watcher, "terminal monitor")
        r.console.sendline("enable")
        r.console.expect_exact("R1#")
        r.console.sendline("configure terminal")
        r.console.expect_exact("R1(config)#")
        r.console.sendline("end")
        r.console.expect("Configured from console by console")
        watcher.expect("%SYS-5-CONFIG_I: Configured from console by console")
        # The line without terminal monitor saw nothing: its next command's output is all it gets.
        out = command(quiet, "show privilege")
        assert "CONFIG_I" not in out
        # The console says it monitors already.
        r.console.sendline("terminal monitor")
        r.console.expect_exact("% Console already monitors")
    finally:
        r.close()


def test_two_lines_show_users_lists_both(router):
    first = router.login()
    second = router.login("oper", "operpass", prompt="R1>")
    out = command(first, "show users")
    assert "    Line       User       Host(s)              Idle       Location" in out
    rows = [line for line in out.splitlines() if " vty " in line]
    assert len(rows) == 2, out
    assert rows[0].startswith("*  1 vty 0     admin      idle ") and rows[0].endswith(" 127.0.0.1"), rows
    assert rows[1].startswith("   2 vty 1     oper       idle ") and rows[1].endswith(" 127.0.0.1"), rows
    out = command(second, "who", prompt="R1>")
    assert "*  2 vty 1     oper" in out


def test_clear_line_closes_the_other_session(router):
    first = router.login()
    second = router.login("oper", "operpass", prompt="R1>")
    first.send("clear line vty 1\r")
    first.expect_exact("[confirm]")
    first.send("\r")
    first.expect_exact("[OK]")
    first.expect_exact("R1#")
    second.expect("Connection closed by foreign host.")


def disconnect_request(identifier):
    attributes = bytes([1, 2 + 4]) + b"nope"
    header = bytes([40, identifier]) + struct.pack("!H", 20 + len(attributes))
    authenticator = hashlib.md5(header + bytes(16) + attributes + b"cisco").digest()
    return header + authenticator + attributes


def test_a_line_at_more_does_not_stop_the_router():
    das_port = free_port(socket.SOCK_DGRAM)
    # With AAA, a user's `privilege` applies through exec authorization (IOS).
    config = LOGIN_LOCAL + f"""aaa new-model
aaa authorization exec default local
aaa server radius dynamic-author
 client 127.0.0.1 server-key cisco
 port {das_port}
"""
    r = Router(config)
    try:
        paused = r.login()
        paused.send("show running-config\r")
        paused.expect_exact(" --More-- ")
        # Another line gets answers, and so does the DAS.
        other = r.login()
        assert "Current privilege level is 15" in command(other, "show privilege")
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(3)
            s.sendto(disconnect_request(9), ("127.0.0.1", das_port))
            reply, _ = s.recvfrom(4096)
        assert reply[0] == 42 and reply[1] == 9          # Disconnect-NAK: no such session
        # The paused line goes on where it stopped.
        paused.send("q")
        paused.expect_exact("R1#")
        # A client gone in the middle of a page frees its line.
        paused.send("show running-config\r")
        paused.expect_exact(" --More-- ")
        paused.close(force=True)
        eventually(lambda: len([line for line in command(other, "show users").splitlines() if " vty " in line]) == 1)
    finally:
        r.close()


def test_debug_on_a_monitoring_line_while_another_configures():
    das_port = free_port(socket.SOCK_DGRAM)
    r = Router(LOGIN_LOCAL + f"""aaa new-model
aaa authorization exec default local
aaa server radius dynamic-author
 client 127.0.0.1 server-key cisco
 port {das_port}
""")
    try:
        watcher = r.login()
        command(watcher, "terminal monitor")
        assert "AAA POD packet processing debugging is on" in command(watcher, "debug aaa pod")
        other = r.login()
        other.send("configure terminal\r")
        other.expect_exact("R1(config)#")
        other.send("hostname R2")              # half typed when the POD comes
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(3)
            s.sendto(disconnect_request(11), ("127.0.0.1", das_port))
            reply, _ = s.recvfrom(4096)
        assert reply[0] == 42
        watcher.expect(r"POD: 127\.0\.0\.1 request queued")
        other.send("\r")
        other.expect_exact("R2(config)#")
        # The configuring line did not monitor: no POD line in what it saw.
        assert "POD:" not in other.before
        # The watcher sees the new hostname at once.
        watcher.send("\r")
        watcher.expect_exact("R2#")
    finally:
        r.close()


def test_fresh_router_lets_nobody_in_and_transport_and_busy_lines_refuse():
    r = Router("hostname R1\n")
    try:
        client = r.telnet()
        client.expect_exact("Password required, but none set")
        client.expect("Connection closed by foreign host.")
    finally:
        r.close()
    r = Router("hostname R1\nline vty 0 4\n login\n password cisco\n")
    try:
        client = r.telnet()
        client.expect_exact("User Access Verification")
        for _ in range(3):
            client.expect_exact("Password: ")
            client.send("bad\r")
        client.expect_exact("% Bad passwords")
        client.expect("Connection closed by foreign host.")
        clients = []
        for _ in range(5):
            c = r.telnet()
            c.expect_exact("Password: ")
            c.send("cisco\r")
            c.expect_exact("R1>")
            clients.append(c)
        extra = r.telnet()
        extra.expect("Connection closed by foreign host.")
        assert "R1>" not in extra.before
    finally:
        r.close()
    r = Router(LOGIN_LOCAL + " transport input ssh\n")
    try:
        client = r.telnet()
        client.expect("Connection closed by foreign host.")
        assert "Username" not in client.before
    finally:
        r.close()


def test_exec_timeout_closes_an_idle_line():
    r = Router(LOGIN_LOCAL + " exec-timeout 0 2\n")
    try:
        client = r.login()
        started = time.monotonic()
        client.expect("Connection closed by foreign host.", timeout=10)
        assert time.monotonic() - started >= 1.5
        # At --More-- and at a question too.
        paused = r.login()
        paused.send("show running-config\r")
        paused.expect_exact(" --More-- ")
        asking = r.login()
        asking.send("clear line vty 0\r")
        asking.expect_exact("[confirm]")
        started = time.monotonic()
        paused.expect("Connection closed by foreign host.", timeout=10)
        asking.expect("Connection closed by foreign host.", timeout=10)
        assert time.monotonic() - started >= 1.5
    finally:
        r.close()


def test_random_bytes_never_hurt_the_router(router):
    rng = random.Random(1)
    for _ in range(20):
        with socket.create_connection(("127.0.0.1", router.port), timeout=5) as s:
            for _ in range(10):
                try:
                    s.sendall(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400))))
                except OSError:
                    break
    client = router.login()
    assert "Current privilege level is 15" in command(client, "show privilege")
    assert router.process.poll() is None


def test_a_line_of_100000_characters(router):
    client = router.login()
    client.send("show " + "x" * 100000 + "\r")
    client.expect_exact("% Invalid input detected at '^' marker.", timeout=60)
    client.expect_exact("R1#", timeout=60)
    assert "Current privilege level is 15" in command(client, "show privilege")
    assert router.process.poll() is None


def test_headless_ends_on_sigterm(router):
    client = router.login()
    router.process.send_signal(signal.SIGTERM)
    assert router.process.wait(10) == 0
    client.expect(pexpect.EOF)


def test_window_size_from_naws(router):
    client = router.telnet()
    client.setwinsize(30, 132)
    client.expect("Username: ")
    client.send("admin\r")
    client.expect("Password: ")
    client.send("cisco\r")
    client.expect_exact("R1#")
    out = command(client, "show terminal | include Line|Length")
    assert "Line 1, Location" in out
    assert "Length: 30 lines, Width: 132 columns" in out
    client.setwinsize(40, 120)        # telnet sends NAWS again
    eventually(lambda: "Length: 40 lines, Width: 120 columns" in command(client, "show terminal | include Length"))


def test_absurd_window_sizes_are_kept_within_bounds(router):
    with socket.create_connection(("127.0.0.1", router.port), timeout=5) as s:
        s.sendall(bytes([255, 250, 31, 255, 255, 255, 255, 255, 255, 255, 255, 255, 240]))   # 65535 x 65535
        buffer = b""
        while b"Username: " not in buffer:
            buffer += s.recv(4096)
        s.sendall(b"admin\r")
        while b"Password: " not in buffer:
            buffer += s.recv(4096)
        s.sendall(b"cisco\r")
        while not buffer.endswith(b"R1#"):
            buffer += s.recv(4096)
        # 0 x 0 means "unknown": the size stays.
        s.sendall(bytes([255, 250, 31, 0, 0, 0, 0, 255, 240]) + b"show terminal | include Length\r")
        while b"columns" not in buffer:
            buffer += s.recv(4096)
        assert b"Length: 512 lines, Width: 512 columns" in buffer
    assert router.process.poll() is None


def vty_rows(client):
    return [line for line in command(client, "show users").splitlines() if " vty " in line]


def test_clients_gone_mid_line_and_mid_confirm_free_their_lines(router):
    watcher = router.login()
    typing = router.login()
    typing.send("show run")                 # half a line, no Enter
    confirming = router.login()
    confirming.send("clear line vty 0\r")
    confirming.expect_exact("[confirm]")
    assert len(vty_rows(watcher)) == 3
    typing.close(force=True)
    confirming.close(force=True)
    eventually(lambda: len(vty_rows(watcher)) == 1)
    # The freed lines take new sessions.
    again = router.login()
    assert len(vty_rows(again)) == 2


def test_a_client_that_never_reads_is_dropped_not_the_router():
    users = "".join(f"username user{i:05d} privilege 15 password 0 some-long-password-{i:05d}\n" for i in range(4000))
    r = Router(LOGIN_LOCAL + users)
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect(("127.0.0.1", r.port))
        s.settimeout(5)
        buffer = b""
        while b"Username: " not in buffer:
            buffer += s.recv(4096)
        s.sendall(b"admin\r")
        while b"Password: " not in buffer:
            buffer += s.recv(4096)
        s.sendall(b"cisco\r")
        while b"R1#" not in buffer:
            buffer += s.recv(4096)
        s.sendall(b"terminal length 0\r")
        # Some 300 KB per command, never read.
        for _ in range(40):
            try:
                s.sendall(b"show running-config\r")
            except OSError:
                break
        # The router dropped that connection, and serves others.
        deadline = time.monotonic() + 30
        dropped = False
        while time.monotonic() < deadline and not dropped:
            other = r.login()
            dropped = len(vty_rows(other)) == 1
            other.close(force=True)
            time.sleep(0.5)
        assert dropped
        assert r.process.poll() is None
        s.close()
    finally:
        r.close()


def test_netmiko_cisco_ios_telnet(router):
    import netmiko   # installed by scripts/install-deps.sh --test; never skipped
    device = netmiko.ConnectHandler(device_type="cisco_ios_telnet", host="127.0.0.1", port=router.port,
                                    username="admin", password="cisco", fast_cli=False)
    try:
        version = device.send_command("show version")
        assert "Cisco IOS XE Software" in version
        assert "--More--" not in version
        # The seeds' DAS configuration, as the documents give it.
        output = device.send_config_set([
            "aaa new-model",
            "aaa server radius dynamic-author",
            "client 192.168.0.5 server-key cisco",
            "port 1812",
        ])
        assert "Invalid input" not in output
        saved = device.save_config()
        assert "[OK]" in saved
        running = device.send_command("show running-config | section dynamic-author")
        assert "client 192.168.0.5 server-key cisco" in running
        assert " port 1812" in running
    finally:
        device.disconnect()
    assert "client 192.168.0.5 server-key cisco" in router.startup.read_text()


def test_scrapli_iosxe_over_telnet():
    from scrapli.driver.core import IOSXEDriver   # installed by scripts/install-deps.sh --test
    # scrapli opens by acquiring privileged EXEC: `enable` with the enable secret.
    router = Router("enable secret cisco\n" + LOGIN_LOCAL)
    try:
        drive_scrapli_over_telnet(IOSXEDriver, router)
    finally:
        router.close()


def drive_scrapli_over_telnet(IOSXEDriver, router):
    with IOSXEDriver(host="127.0.0.1", port=router.port, auth_username="oper", auth_password="operpass",
                     auth_secondary="cisco", transport="telnet", timeout_ops=20) as conn:
        response = conn.send_command("show version")
        assert "Cisco IOS XE Software" in response.result and not response.failed
        assert "--More--" not in response.result
        conn.acquire_priv("privilege_exec")
        assert "Current privilege level is 15" in conn.send_command("show privilege").result
        response = conn.send_configs(["aaa new-model", "aaa server radius dynamic-author",
                                      "client 192.168.0.5 server-key cisco", "port 1812"])
        assert not response.failed, response.result
        assert "client 192.168.0.5 server-key cisco" in conn.send_command(
            "show running-config | section dynamic-author").result
