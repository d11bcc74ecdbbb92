"""Helpers shared by the remote-access tests: a headless router with SSH (and telnet) on free
ports of 127.0.0.1, started from a startup-config of its own in a temporary folder.

Tests import them as `from conftest import SSHRouter, ...` (pytest puts this folder on sys.path).
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pexpect

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
# Re-exported for the tests: `from conftest import command, ...`.
from emulator_testing import BINARY, ENV, SSH_OPTIONS, command, free_port, terminate, wait_listening  # noqa: E402,F401

# The seeds' DAS configuration (Cisco's "Configuring IKEv2 Packet of Disconnect", steps 3-6).
DAS_CONFIG = [
    "aaa new-model",
    "aaa server radius dynamic-author",
    "client 192.168.0.5 server-key cisco",
    "port 1812",
]


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
        terminate(self.process)
        self.log.close()
        shutil.rmtree(self.directory, ignore_errors=True)
