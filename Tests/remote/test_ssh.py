"""The vty lines over SSH, with real clients: OpenSSH's `ssh` (key and password, exec and an
interactive shell under pexpect), asyncssh, netmiko's `cisco_xe` driver and scrapli's IOSXEDriver
(system and asyncssh transports).

Each test starts .build/debug/flexvpn-emu (or $FLEXVPN_TERMINAL_BINARY) headless with a
startup-config of its own and `--ssh-port` on a free port of 127.0.0.1. The host key is made at
the first start beside that startup-config. Keys for the clients are throwaway ed25519 keys made
by ssh-keygen in a temporary folder.
Build first: `swift build --product flexvpn-emu`. Run: `python3 -m pytest Tests/remote -q`.
"""

import asyncio
import base64
import hashlib
import shutil
import socket
import subprocess
import resource
import tempfile
import time
from pathlib import Path

import pexpect
import pytest

from conftest import DAS_CONFIG
from emulator_testing import BINARY, ENV, SSH_OPTIONS, eventually, free_port, terminate, wait_listening

BASE = """hostname R1
enable secret cisco
username admin privilege 15 secret cisco
username oper password 0 operpass
line vty 0 4
 login local
 transport input ssh
"""


def make_key(directory):
    path = Path(directory) / "id_ed25519"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "tester@lab", "-f", str(path)], check=True)
    return path, (path.with_suffix(".pub")).read_text().strip()


class Router:
    """The emulator, headless, with SSH on (its folder kept for a restart)."""

    def __init__(self, startup_config, directory=None, telnet=False):
        assert Path(BINARY).is_file(), f"{BINARY} is missing: build it first"
        self.directory = directory or tempfile.mkdtemp(prefix="flexvpn-ssh-")
        self.startup = Path(self.directory) / "startup-config"
        if startup_config is not None:
            self.startup.write_text(startup_config)
        self.port = free_port()
        self.log = open(Path(self.directory) / "stdout", "a+")
        self.telnet_port = free_port() if telnet else None
        extra = ["--telnet-port", str(self.telnet_port)] if telnet else []
        self.process = subprocess.Popen([BINARY, "--headless", "--startup-config", str(self.startup),
                                         "--ssh-port", str(self.port)] + extra, stdout=self.log,
                                        stderr=subprocess.STDOUT, env=ENV)
        wait_listening(self.port)

    def ssh(self, *args, key=None, timeout=20, input=None):
        # BatchMode: never a password prompt on the tester's terminal.
        identity = ["-o", "BatchMode=yes"] + (["-i", str(key)] if key else [])
        return subprocess.run(["ssh", *SSH_OPTIONS, *identity, "-p", str(self.port), *args],
                              capture_output=True, text=True, timeout=timeout, input=input)

    def spawn(self, user="admin", key=None, password=False, banners=False):
        options = list(SSH_OPTIONS)
        if banners:
            # OpenSSH prints the server's authentication banner at LogLevel INFO and above.
            options[options.index("LogLevel=ERROR")] = "LogLevel=INFO"
        if key:
            options += ["-i", str(key), "-o", "PreferredAuthentications=publickey"]
        if password:
            options += ["-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no"]
        return pexpect.spawn("ssh", options + ["-tt", "-p", str(self.port), f"{user}@127.0.0.1"], env=ENV,
                             dimensions=(24, 100), encoding="utf-8", codec_errors="replace", timeout=15)

    def stop(self):
        terminate(self.process)
        self.log.close()


@pytest.fixture
def keyed():
    """A router where admin (privilege 15) logs in with a fresh ed25519 key or its secret."""
    directory = tempfile.mkdtemp(prefix="flexvpn-ssh-")
    key, public = make_key(directory)
    router = Router(BASE + f"ip ssh pubkey-chain\n username admin\n  key-string\n   {public}\n  exit\n", directory)
    router.key = key
    router.public = public
    yield router
    router.stop()
    shutil.rmtree(directory, ignore_errors=True)


def keyscan(port):
    out = subprocess.run(["ssh-keyscan", "-t", "ed25519", "-p", str(port), "127.0.0.1"],
                         capture_output=True, text=True, timeout=20).stdout
    keys = [line.split(None, 1)[1] for line in out.splitlines() if line and not line.startswith("#")]
    assert keys, out
    return keys[0]


def test_host_key_made_at_first_start_and_kept():
    directory = tempfile.mkdtemp(prefix="flexvpn-ssh-")
    try:
        router = Router(BASE, directory)
        first = keyscan(router.port)
        router.stop()
        key_file = Path(directory) / "ssh_host_ed25519_key"
        assert key_file.is_file()
        assert oct(key_file.stat().st_mode & 0o777) == "0o600"
        router = Router(None, directory)
        try:
            assert keyscan(router.port) == first
        finally:
            router.stop()
        # Another router's folder: another identity.
        other = Router(BASE)
        try:
            assert keyscan(other.port) != first
        finally:
            other.stop()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def test_exec_with_a_key_runs_one_command_and_exits_0(keyed):
    result = keyed.ssh("admin@127.0.0.1", "show version", key=keyed.key)
    assert result.returncode == 0, result.stderr
    assert "Cisco IOS XE Software" in result.stdout
    assert "--More--" not in result.stdout
    # The key-string became IOS's key-hash: MD5 of the key blob, with its comment.
    blob = base64.b64decode(keyed.public.split()[1])
    digest = hashlib.md5(blob).hexdigest().upper()
    config = keyed.ssh("admin@127.0.0.1", "show running-config", key=keyed.key).stdout
    # (text mode reads IOS's CR LF as LF)
    assert f"ip ssh pubkey-chain\n  username admin\n   key-hash ssh-ed25519 {digest} tester@lab\n" in config
    # A privilege-1 user's exec runs at level 1: privileged commands are refused.
    oper_key = keyed.key  # admin's key is not oper's: refused
    refused = keyed.ssh("oper@127.0.0.1", "show version", key=oper_key)
    assert refused.returncode != 0


def test_an_unknown_channel_request_does_not_end_the_session(keyed):
    # `ssh -A` asks for agent forwarding (auth-agent-req@openssh.com), a request the vty does not
    # know: it is refused and the command still runs.
    agent = subprocess.run(["ssh-agent", "-s"], capture_output=True, text=True, check=True).stdout
    env = dict(ENV)
    for part in agent.replace("\n", ";").split(";"):
        if "=" in part and not part.strip().startswith("echo"):
            name, value = part.strip().split("=", 1)
            env[name] = value
    try:
        result = subprocess.run(["ssh", *SSH_OPTIONS, "-v", "-A", "-i", str(keyed.key), "-p", str(keyed.port),
                                 "admin@127.0.0.1", "show privilege"], capture_output=True, text=True,
                                timeout=20, env=env, stdin=subprocess.DEVNULL)
        assert "Requesting authentication agent forwarding" in result.stderr
        assert result.returncode == 0, result.stderr
        assert "Current privilege level is 15" in result.stdout
    finally:
        subprocess.run(["kill", env["SSH_AGENT_PID"]])


def test_ecdsa_key_given_as_base64_pieces():
    directory = tempfile.mkdtemp(prefix="flexvpn-ssh-")
    try:
        path = Path(directory) / "id_ecdsa"
        subprocess.run(["ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-f", str(path)], check=True)
        blob = path.with_suffix(".pub").read_text().split()[1]
        # As IOS users paste it: the base64 alone, cut into lines.
        pieces = "".join(f"   {blob[i:i + 60]}\n" for i in range(0, len(blob), 60))
        router = Router(BASE + f"ip ssh pubkey-chain\n username admin\n  key-string\n{pieces}  exit\n", directory)
        try:
            result = router.ssh("admin@127.0.0.1", "show ip ssh", key=path)
            assert result.returncode == 0, result.stderr
            assert "Authentication timeout: 120 secs; Authentication retries: 3" in result.stdout
            digest = hashlib.md5(base64.b64decode(blob)).hexdigest().upper()
            config = router.ssh("admin@127.0.0.1", "show running-config | include key-hash", key=path).stdout
            assert f"key-hash ecdsa-sha2-nistp256 {digest}" in config
        finally:
            router.stop()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def test_exec_with_a_password_at_level_1():
    router = Router(BASE)
    try:
        child = pexpect.spawn("ssh", SSH_OPTIONS + ["-o", "PreferredAuthentications=password", "-p", str(router.port),
                                                    "oper@127.0.0.1", "show privilege"],
                              env=ENV, encoding="utf-8", timeout=15)
        child.expect("password:")
        child.sendline("operpass")
        child.expect(pexpect.EOF)
        assert "Current privilege level is 1" in child.before
        child.close()
        assert child.exitstatus == 0
    finally:
        router.stop()


def test_passwords_follow_the_aaa_login_method_list():
    # With aaa new-model an SSH password goes through the vty's login method list, as a telnet
    # login does: `none` lets a wrong password in, `aaa authorization exec default local` gives
    # the user's own level.
    router = Router(BASE + "aaa new-model\naaa authentication login default none\n"
                    "aaa authorization exec default local\n")
    try:
        child = pexpect.spawn("ssh", SSH_OPTIONS + ["-o", "PreferredAuthentications=password", "-p", str(router.port),
                                                    "admin@127.0.0.1", "show privilege"],
                              env=ENV, encoding="utf-8", timeout=15)
        child.expect("password:")
        child.sendline("not-the-secret")
        child.expect(pexpect.EOF)
        assert "Current privilege level is 15" in child.before
        child.close()
        assert child.exitstatus == 0
    finally:
        router.stop()


def test_interactive_shell_with_a_key_pty_size_and_window_change(keyed):
    client = keyed.spawn(key=keyed.key)
    client.expect_exact("R1#")
    client.sendline("show terminal | include Length")
    client.expect(r"Length: (\d+) lines, Width: (\d+) columns")
    assert (client.match.group(1), client.match.group(2)) == ("24", "100")
    client.expect_exact("R1#")
    client.setwinsize(40, 132)

    def window():
        client.sendline("show terminal | include Length")
        client.expect(r"Length: (\d+) lines, Width: (\d+) columns")
        size = (client.match.group(1), client.match.group(2))
        client.expect_exact("R1#")
        return size == ("40", "132")

    eventually(window)
    client.sendline("show users")
    client.expect_exact("R1#")
    assert "admin" in client.before and "vty 0" in client.before
    client.sendline("show ssh")
    client.expect_exact("R1#")
    assert "Session started" in client.before and "%No SSHv1 server connections running." in client.before
    client.sendline("exit")
    client.expect(pexpect.EOF)


def test_password_login_interactive_and_retries_then_closed():
    router = Router(BASE + "ip ssh authentication-retries 2\n")
    try:
        client = router.spawn(password=True)
        client.expect("password:")
        client.sendline("cisco")
        client.expect_exact("R1#")
        client.sendline("exit")
        client.expect(pexpect.EOF)

        wrong = pexpect.spawn("ssh", SSH_OPTIONS + ["-o", "PreferredAuthentications=password", "-o",
                                                    "NumberOfPasswordPrompts=5", "-p", str(router.port),
                                                    "admin@127.0.0.1"], env=ENV, encoding="utf-8", timeout=15)
        prompts = 0
        while True:
            index = wrong.expect(["password:", pexpect.EOF])
            if index == 1:
                break
            prompts += 1
            wrong.sendline("wrong")
        # Two failures (`ip ssh authentication-retries 2`), then the router closed the connection.
        assert prompts == 2
    finally:
        router.stop()


def test_unauthenticated_connection_closed_after_time_out():
    router = Router(BASE + "ip ssh time-out 2\n")
    try:
        with socket.create_connection(("127.0.0.1", router.port), timeout=10) as s:
            assert s.recv(100).startswith(b"SSH-2.0-")
            started = time.monotonic()
            s.settimeout(10)
            data = b"x"
            while data:
                data = s.recv(4096)
            assert 1.5 < time.monotonic() - started < 8
    finally:
        router.stop()


def test_many_idle_unauthenticated_connections_are_timed_out_and_others_still_get_in():
    directory = tempfile.mkdtemp(prefix="flexvpn-ssh-")
    key, public = make_key(directory)
    router = Router(BASE + f"ip ssh time-out 3\nip ssh pubkey-chain\n username admin\n  key-string\n   {public}\n  exit\n",
                    directory)
    idle = []
    # This test holds 1,000 sockets itself: its own soft limit must allow them.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4096)), hard))
    try:
        for _ in range(1000):
            idle.append(socket.create_connection(("127.0.0.1", router.port), timeout=10))
        # Held open before login, they take no vty line: a real client still gets in.
        result = router.ssh("admin@127.0.0.1", "show users", key=key)
        assert result.returncode == 0, result.stderr
        time.sleep(4.5)
        for s in idle:
            s.settimeout(5)
            data = b"x"
            try:
                while data:
                    data = s.recv(65536)
            except ConnectionResetError:
                pass
        assert router.ssh("admin@127.0.0.1", "show clock", key=key).returncode == 0
    finally:
        for s in idle:
            s.close()
        router.stop()
        shutil.rmtree(directory, ignore_errors=True)


def test_transport_input_telnet_refuses_ssh():
    router = Router(BASE.replace("transport input ssh", "transport input telnet"))
    try:
        child = pexpect.spawn("ssh", SSH_OPTIONS + ["-p", str(router.port), "admin@127.0.0.1", "show version"],
                              env=ENV, encoding="utf-8", timeout=15)
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 255
        assert "Cisco IOS" not in child.before
    finally:
        router.stop()


def test_unknown_request_refused_connection_stays_and_busy_lines_refused(keyed):
    import asyncssh   # installed by scripts/install-deps.sh --test; never skipped

    async def scenario():
        options = dict(port=keyed.port, username="admin", client_keys=[str(keyed.key)], known_hosts=None)
        async with asyncssh.connect("127.0.0.1", **options) as conn:
            # A subsystem the vty does not have: refused; the connection goes on.
            with pytest.raises(asyncssh.ChannelOpenError):
                await conn.create_session(asyncssh.SSHClientSession, subsystem="netconf")
            result = await conn.run("show clock", check=False)
            assert result.exit_status == 0
            # Five shells take the five vty lines; a sixth client is refused.
            shells = []
            for _ in range(5):
                writer, reader, _err = await conn.open_session(term_type="vt100", term_size=(80, 24))
                shells.append((writer, reader))
                await asyncio.wait_for(reader.readuntil("R1#"), 10)
            with pytest.raises((asyncssh.Error, OSError, asyncio.IncompleteReadError, ConnectionError)):
                async with asyncssh.connect("127.0.0.1", **options) as extra:
                    await asyncio.wait_for(extra.run("show clock", check=True), 10)
            # A client gone mid-output frees its line.
            writer, reader = shells.pop()
            writer.write("show running-config\n")
            writer.close()
            await asyncio.sleep(1.0)
            result = await asyncio.wait_for(conn.run("show users", check=False), 10)
            assert result.stdout.count("admin") == 5, result.stdout
            for writer, _ in shells:
                writer.close()

    asyncio.run(scenario())


def test_banners_login_before_auth_motd_and_exec_after(keyed):
    router = Router(BASE + "banner login ^CAuthorized access only^C\n"
                    "banner motd #\nMaintenance tonight\n#\nbanner exec ^CWelcome to R1^C\n",
                    None)
    try:
        client = router.spawn(password=True, banners=True)
        client.expect("password:")
        client.sendline("cisco")
        # swift-nio-ssh sends the authentication banner with the success, not before the
        # password prompt as IOS does (README): it comes before the session and its banners.
        client.expect_exact("Authorized access only")
        client.expect_exact("Maintenance tonight")
        client.expect_exact("Welcome to R1")
        client.expect_exact("R1#")
        client.sendline("show running-config | include banner|Maint|^#")
        client.expect_exact("R1#")
        shown = client.before.replace("\r\n", "\n")
        assert "banner exec ^CWelcome to R1^C\n" in shown
        assert "banner login ^CAuthorized access only^C\n" in shown
        assert "banner motd #\nMaintenance tonight\n#\n" in shown
        client.sendline("exit")
        client.expect(pexpect.EOF)
    finally:
        router.stop()


def test_banners_on_telnet_motd_and_login_before_the_prompts_exec_after():
    router = Router(BASE.replace("transport input ssh", "transport input all")
                    + "banner login ^CLogin banner^C\nbanner motd #\nMOTD text\n#\nbanner exec ^CExec banner^C\n",
                    telnet=True)
    try:
        time.sleep(0.3)
        client = pexpect.spawn("telnet", ["127.0.0.1", str(router.telnet_port)], env=ENV, encoding="utf-8", timeout=15)
        client.expect_exact("Username: ")
        assert "\r\nMOTD text\r\n\r\nLogin banner\r\n\r\n\r\nUser Access Verification\r\n\r\n" in client.before
        client.sendline("admin")
        client.expect_exact("Password: ")
        client.sendline("cisco")
        client.expect_exact("R1#")
        assert client.before.endswith("\r\nExec banner\r\n")
        assert "MOTD" not in client.before
        client.sendline("exit")
        client.expect(pexpect.EOF)
    finally:
        router.stop()


def test_netmiko_cisco_xe_over_ssh(keyed):
    import netmiko   # installed by scripts/install-deps.sh --test; never skipped
    device = netmiko.ConnectHandler(device_type="cisco_xe", host="127.0.0.1", port=keyed.port,
                                    username="admin", password="cisco", fast_cli=False)
    try:
        for command, expected in [("show version", "Cisco IOS XE Software"), ("show clock", ":"),
                                  ("show users", "admin"), ("show ip ssh", "SSH Enabled"),
                                  ("show running-config", "hostname R1")]:
            output = device.send_command(command)
            assert expected in output, (command, output)
            assert "--More--" not in output and "Invalid input" not in output
        output = device.send_config_set(DAS_CONFIG)
        assert "Invalid input" not in output
        assert "[OK]" in device.save_config()
        assert "client 192.168.0.5 server-key cisco" in device.send_command("show running-config")
        # A FlexVPN server's lines as a guide prints them, `!` separators and all: every one taken.
        output = device.send_config_set(["!", "interface Loopback7", " ip address 10.77.0.1 255.255.255.0", "!",
                                         "crypto ipsec transform-set TSET esp-gcm 256", " mode tunnel", "!",
                                         "crypto ipsec profile FLEX", " set transform-set TSET", "!",
                                         "ip route 0.0.0.0 0.0.0.0 192.168.202.254", "!"])
        assert "Invalid input" not in output and "%" not in output, output
        routes = device.send_command("show ip route", use_textfsm=True)
        assert {(r["network"], r["prefix_length"], r["protocol"]) for r in routes} >= {
            ("0.0.0.0", "0", "S"), ("10.77.0.0", "24", "C"), ("10.77.0.1", "32", "L")}, routes
        brief = device.send_command("show ip interface brief", use_textfsm=True)
        assert {"interface": "Loopback7", "ip_address": "10.77.0.1"}.items() <= next(
            r for r in brief if r["interface"] == "Loopback7").items(), brief
        assert "Transform set TSET: { esp-gcm 256  } " in device.send_command("show crypto ipsec transform-set")
    finally:
        device.disconnect()
    # enable() from a privilege-1 user, with the enable secret.
    device = netmiko.ConnectHandler(device_type="cisco_xe", host="127.0.0.1", port=keyed.port,
                                    username="oper", password="operpass", secret="cisco", fast_cli=False)
    try:
        assert device.find_prompt() == "R1>"
        device.enable()
        assert device.find_prompt() == "R1#"
        assert "Current privilege level is 15" in device.send_command("show privilege")
    finally:
        device.disconnect()
    saved = (Path(keyed.directory) / "startup-config").read_text()
    assert "aaa server radius dynamic-author" in saved


@pytest.mark.parametrize("transport", ["system", "asyncssh"])
def test_scrapli_iosxe(keyed, transport):
    options = dict(host="127.0.0.1", port=keyed.port, auth_username="oper", auth_password="operpass",
                   auth_secondary="cisco", auth_strict_key=False, transport=transport, timeout_ops=20,
                   ssh_config_file=False)
    if transport == "system":
        options["transport_options"] = {"open_cmd": ["-o", "UserKnownHostsFile=/dev/null"]}

    if transport == "asyncssh":
        from scrapli.driver.core import AsyncIOSXEDriver

        async def run():
            async with AsyncIOSXEDriver(**options) as conn:
                response = await conn.send_command("show version")
                assert "Cisco IOS XE Software" in response.result and not response.failed
                response = await conn.send_configs(DAS_CONFIG)
                assert not response.failed, response.result
                await conn.acquire_priv("privilege_exec")
                response = await conn.send_command("show privilege")
                assert "Current privilege level is 15" in response.result
        asyncio.run(run())
    else:
        from scrapli.driver.core import IOSXEDriver
        with IOSXEDriver(**options) as conn:
            response = conn.send_command("show version")
            assert "Cisco IOS XE Software" in response.result and not response.failed
            response = conn.send_configs(DAS_CONFIG)
            assert not response.failed, response.result
            conn.acquire_priv("privilege_exec")
            assert "Current privilege level is 15" in conn.send_command("show privilege").result
            assert "192.168.0.5" in conn.send_command("show running-config").result
