"""Helpers shared by the remote-access tests: a headless router with SSH (and telnet) on free
ports of 127.0.0.1, started from a startup-config of its own in a temporary folder.

Tests import them as `from conftest import SSHRouter, ...` (pytest puts this folder on sys.path).
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pexpect

ROOT = Path(__file__).resolve().parents[2]
BINARY = os.environ.get("FLEXVPN_TERMINAL_BINARY", str(ROOT / ".build" / "debug" / "flexvpn-emu"))
ENV = dict(os.environ, TERM="xterm", LANG="C.UTF-8", LC_ALL="C.UTF-8")
SSH_OPTIONS = ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
               "-o", "IdentitiesOnly=yes", "-F", "/dev/null"]

# The seeds' DAS configuration (Cisco's "Configuring IKEv2 Packet of Disconnect", steps 3-6).
DAS_CONFIG = [
    "aaa new-model",
    "aaa server radius dynamic-author",
    "client 192.168.0.5 server-key cisco",
    "port 1812",
]


def free_port(kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on port {port}")


class SSHRouter:
    """The emulator, headless, with SSH on a free port; its folder is removed by `stop()`."""

    def __init__(self, startup_config, extra_args=()):
        assert Path(BINARY).is_file(), f"{BINARY} is missing: build it first"
        self.directory = tempfile.mkdtemp(prefix="flexvpn-auto-")
        self.startup = Path(self.directory) / "startup-config"
        self.startup.write_text(startup_config)
        self.port = free_port()
        self.log = open(Path(self.directory) / "stdout", "a+")
        self.process = subprocess.Popen([BINARY, "--headless", "--startup-config", str(self.startup),
                                         "--ssh-port", str(self.port), *extra_args], stdout=self.log,
                                        stderr=subprocess.STDOUT, env=ENV)
        wait_listening(self.port)

    def spawn(self, user="admin", password="cisco", prompt="R1#"):
        """An interactive OpenSSH client on a pty, logged in with a password, at `prompt`."""
        client = pexpect.spawn("ssh", SSH_OPTIONS + ["-o", "PreferredAuthentications=password",
                                                     "-o", "PubkeyAuthentication=no", "-tt",
                                                     "-p", str(self.port), f"{user}@127.0.0.1"],
                               env=ENV, dimensions=(24, 100), encoding="utf-8", codec_errors="replace",
                               timeout=15)
        client.expect("password:")
        client.sendline(password)
        client.expect_exact(prompt)
        return client

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        shutil.rmtree(self.directory, ignore_errors=True)


def command(client, line, prompt="R1#"):
    """Types `line` and Enter on a pexpect client; returns what came between the echo and the
    next prompt."""
    client.send(line + "\r")
    client.expect_exact(line)
    client.expect_exact(prompt)
    return client.before
