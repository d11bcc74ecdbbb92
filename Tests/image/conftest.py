"""The container image's tests: scripts/image.sh builds it once per run (a session fixture), then
containers of it are started with podman and checked from the host, as a user would: OpenSSH,
radclient, `podman stop`. If podman cannot build or run here, the tests fail: they never skip.

podman runs with Tests/image/containers.conf (this machine's runtime and ulimits, not the image's).
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pexpect
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from emulator_testing import ROOT, free_port  # noqa: E402
from emulator_testing import SSH_OPTIONS as CLEAN_SSH_OPTIONS  # noqa: E402

HERE = Path(__file__).resolve().parent
EXAMPLE_CONFIG = ROOT / "deploy" / "image" / "startup-config.example"
ENV = dict(os.environ, CONTAINERS_CONF=str(HERE / "containers.conf"), TERM="xterm", LANG="C.UTF-8", LC_ALL="C.UTF-8")
SSH_OPTIONS = CLEAN_SSH_OPTIONS + ["-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no"]


def podman(*args, check=True, timeout=120):
    result = subprocess.run(["podman", *args], capture_output=True, text=True, env=ENV, timeout=timeout)
    if check:
        assert result.returncode == 0, f"podman {' '.join(args)}: {result.stdout}{result.stderr}"
    return result


def ssh_banner(port, timeout=0.5):
    """The SSH server's identification line, or None when nothing answers yet."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            return s.recv(64).decode(errors="replace")
    except OSError:
        return None


@pytest.fixture(scope="session")
def image():
    """Builds the image with scripts/image.sh; returns its version tag and archive path."""
    assert shutil.which("podman"), "podman is missing: scripts/install-deps.sh --test installs it"
    started = time.monotonic()
    result = subprocess.run([str(ROOT / "scripts" / "image.sh")], capture_output=True, text=True, env=ENV,
                            cwd=ROOT, timeout=3000)
    assert result.returncode == 0, f"scripts/image.sh failed:\n{result.stdout}{result.stderr}"
    print(f"\nscripts/image.sh: {time.monotonic() - started:.1f} s\n{result.stdout}")
    version = podman("image", "inspect", "--format", '{{index .Labels "org.opencontainers.image.version"}}',
                     "flexvpn-emu:latest").stdout.strip()
    archive = ROOT / ".build-image" / f"flexvpn-emu-{version}.oci.tar"
    docker_archive = ROOT / ".build-image" / f"flexvpn-emu-{version}.docker.tar"
    assert archive.is_file() and docker_archive.is_file(), result.stdout
    return {"version": version, "archive": archive, "docker_archive": docker_archive, "log": result.stdout}


class Router:
    """A container of flexvpn-emu:latest with its /config volume in a temporary folder of the
    host (bind-mounted with :U, so the container's user owns it) and its ports published on free
    ports of 127.0.0.1."""

    def __init__(self, startup_config=None, directory=None, environment=()):
        self.directory = Path(directory or tempfile.mkdtemp(prefix="flexvpn-image-"))
        if startup_config is not None:
            (self.directory / "startup-config").write_text(startup_config)
        self.name = f"flexvpn-test-{uuid.uuid4().hex[:8]}"
        self.ssh_port = free_port()
        self.telnet_port = free_port()
        self.das_port = free_port(socket.SOCK_DGRAM)
        started = time.monotonic()
        # --read-only: the router writes nowhere but its volume (Kubernetes' readOnlyRootFilesystem).
        podman("run", "--detach", "--read-only", "--name", self.name,
               "--volume", f"{self.directory}:/config:U", *[f"--env={e}" for e in environment],
               "--publish", f"127.0.0.1:{self.ssh_port}:2222/tcp",
               "--publish", f"127.0.0.1:{self.telnet_port}:2323/tcp",
               "--publish", f"127.0.0.1:{self.das_port}:3799/udp",
               "flexvpn-emu:latest")
        deadline = started + 20
        while time.monotonic() < deadline:
            banner = ssh_banner(self.ssh_port)
            if banner and banner.startswith("SSH-2.0-"):
                break
            time.sleep(0.02)
        else:
            raise AssertionError(f"the container's SSH port never answered:\n{self.logs()}")
        self.start_seconds = time.monotonic() - started

    def logs(self):
        return podman("logs", self.name, check=False).stdout

    def ssh(self, command, user="admin", password="cisco"):
        """One command over OpenSSH's exec channel: its output and exit status."""
        client = pexpect.spawn("ssh", SSH_OPTIONS + ["-p", str(self.ssh_port), f"{user}@127.0.0.1", command],
                               env=ENV, encoding="utf-8", codec_errors="replace", timeout=20)
        client.expect("password:")
        client.sendline(password)
        client.expect(pexpect.EOF)
        client.close()
        return client.before.replace("\r\n", "\n").lstrip("\n"), client.exitstatus

    def shell(self, user="admin", password="cisco", prompt="R1#"):
        """An interactive OpenSSH session on a pty, at `prompt`."""
        client = pexpect.spawn("ssh", SSH_OPTIONS + ["-tt", "-p", str(self.ssh_port), f"{user}@127.0.0.1"],
                               env=ENV, dimensions=(24, 100), encoding="utf-8", codec_errors="replace",
                               timeout=20)
        client.expect("password:")
        client.sendline(password)
        client.expect_exact(prompt)
        return client

    def remove(self, keep_directory=False):
        podman("rm", "--force", "--time", "0", self.name, check=False)
        if not keep_directory:
            shutil.rmtree(self.directory, ignore_errors=True)


@pytest.fixture(scope="session")
def router(image):
    """One running router from the example startup-config, shared by the checks that leave it
    running."""
    r = Router(EXAMPLE_CONFIG.read_text())
    print(f"\ncontainer start to SSH answering: {r.start_seconds:.2f} s")
    yield r
    r.remove()
