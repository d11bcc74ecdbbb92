"""A real strongSwan client (charon + swanctl) against the emulator's IKEv2 responder.

One charon per test run (session fixture), on loopback, with a private strongswan.conf and vici
socket in a temporary folder. charon writes /var/run/charon.pid whatever its configuration says,
so as root it runs in a mount namespace of its own with a private /run (another charon on the
machine never meets it); otherwise a stale pid file of a dead charon is removed first.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pexpect
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from emulator_testing import BINARY, free_port, terminate  # noqa: E402

CHARON = "/usr/lib/ipsec/charon"
PID_FILE = Path("/var/run/charon.pid")
ENV = dict(os.environ, TERM="dumb", LANG="C.UTF-8", LC_ALL="C.UTF-8")
PSK = "cisco123"
DAS_SECRET = "testing123"
PROMPT = "Device#"


def wait_for(predicate, timeout=15.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


STRONGSWAN_CONF = """
charon {{
  port = 0
  port_nat_t = 0
  install_routes = {install}
  install_virtual_ip = {install}
  retransmit_tries = 3
  prefer_previous_dh_group = no
  load_modular = no
  load = {extra_plugins}random nonce openssl pem pkcs1 x509 pubkey kernel-netlink socket-default vici sha1 sha2 hmac gcm aes kdf eap-mschapv2 eap-identity
  plugins {{
    vici {{
      socket = unix://{dir}/charon.vici
    }}
  }}
  filelog {{
    f {{
      path = {dir}/charon.log
      default = 1
      ike = 2
      flush_line = yes
    }}
  }}
}}
"""


def connection(name, local_id, remote_id="flexvpn.lab", proposals="aes256-sha512-ecp256", local_auth="psk",
               eap_id=None, encap=False, children=None):
    """One swanctl connection to the router (127.0.0.1, port `{port}`) for a `connections`
    section, with the braces doubled for the configuration's `.format`. Without `children` it
    is childless; `children`: child name -> ESP proposals."""
    lines = [f"  {name} {{{{", "    remote_addrs = 127.0.0.1", "    local_addrs = 127.0.0.1",
             "    remote_port = {port}", "    version = 2", "    mobike = no"]
    if encap:
        lines.append("    encap = yes")
    lines += [f"    proposals = {proposals}", "    vips = 0.0.0.0"]
    if not children:
        lines.append("    childless = force")
    lines += ["    local {{", f"      auth = {local_auth}"]
    if eap_id:
        lines.append(f"      eap_id = {eap_id}")
    lines += [f"      id = {local_id}", "    }}", "    remote {{", "      auth = psk", f"      id = {remote_id}", "    }}"]
    if children:
        lines.append("    children {{")
        for child, esp in children.items():
            lines += [f"      {child} {{{{", "        remote_ts = 0.0.0.0/0", f"        esp_proposals = {esp}", "      }}"]
        lines.append("    }}")
    lines.append("  }}")
    return "\n".join(lines) + "\n"


SWANCTL_CONF = ("\nconnections {{\n"
                + connection("rw", "client@lab")
                + connection("rwchild", "child@lab", proposals="aes256gcm16-prfsha256-modp2048-ecp256",
                             children={"net": "aes256-sha256", "pfs": "aes256-sha256-ecp256"})
                + connection("rweap", "eapclient@lab", local_auth="eap-mschapv2", eap_id="eapuser")
                + connection("rwaaa", "branch@aaa.lab", remote_id="aaa.flexvpn.lab")
                + connection("rwaaabad", "stranger@aaa.lab", remote_id="aaa.flexvpn.lab")
                + """}}
secrets {{
  ike-1 {{
    secret = "{psk}"
  }}
  # keyring aaa's key (FreeRADIUS answers it for `branch`): its own router identity, so that
  # strongSwan picks it for rwaaa/rwaaabad only (a secret naming flexvpn.lab would win for rw too).
  ike-aaa {{
    id-1 = branch@aaa.lab
    id-2 = stranger@aaa.lab
    id-3 = aaa.flexvpn.lab
    secret = "aaa-key-42"
  }}
  eap-1 {{
    id = eapuser
    secret = "eappass"
  }}
}}
""")


class Charon:
    """charon on loopback with a private configuration; `swanctl` calls go to its vici socket."""

    def __init__(self, ike_port, netns=None, connections=SWANCTL_CONF, extra_plugins=(), install=False):
        """`netns`: the pid of a process whose network namespace charon joins (`nsenter -n`);
        `extra_plugins`: loaded before the usual ones (kernel-libipsec must come before kernel-netlink
        to handle the IPsec SAs); `install`: routes and virtual IPs installed (only in a namespace
        of the test's own)."""
        self.dir = tempfile.mkdtemp(prefix="flexvpn-charon-")
        os.chmod(self.dir, 0o755)
        self.conf = Path(self.dir) / "strongswan.conf"
        self.conf.write_text(STRONGSWAN_CONF.format(dir=self.dir, extra_plugins="".join(p + " " for p in extra_plugins),
                                                   install="yes" if install else "no"))
        self.swanctl_conf = Path(self.dir) / "swanctl.conf"
        self.swanctl_conf.write_text(connections.format(port=ike_port, psk=PSK))
        self.log_path = Path(self.dir) / "charon.log"
        self.uri = f"unix://{self.dir}/charon.vici"
        self.private_run = os.geteuid() == 0
        if self.private_run:
            command = ["unshare", "-m", "sh", "-c", f"mount -t tmpfs tmpfs /run && exec {CHARON}"]
        else:
            command = [CHARON]
            if PID_FILE.exists():
                try:
                    pid = int(PID_FILE.read_text().strip() or "0")
                    os.kill(pid, 0)
                    raise AssertionError(f"another charon (pid {pid}) is running")
                except (ValueError, ProcessLookupError):
                    PID_FILE.unlink()
        if netns:
            command = ["nsenter", "-t", str(netns), "-n"] + command
        env = dict(ENV, STRONGSWAN_CONF=str(self.conf))
        self.env = env
        self.process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: (Path(self.dir) / "charon.vici").exists(), what="charon's vici socket")
        self.swanctl("--load-all", "--file", str(self.swanctl_conf))

    def swanctl(self, *args, check=True, timeout=30):
        result = subprocess.run(["swanctl", *args, "--uri", self.uri], env=self.env, capture_output=True, text=True,
                                timeout=timeout)
        if check:
            assert result.returncode == 0, f"swanctl {' '.join(args)}: {result.stdout}{result.stderr}"
        return result

    def log(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def list_sas(self, ike=None):
        args = ["--list-sas"] + (["--ike", ike] if ike else [])
        return self.swanctl(*args).stdout

    def stop(self):
        terminate(self.process)
        if not self.private_run and PID_FILE.exists():
            PID_FILE.unlink()
        shutil.rmtree(self.dir, ignore_errors=True)


class Router:
    """The emulator on a pty (its own console), with the IKEv2 responder on a free UDP port and the
    DAS on another; `run` types a command and returns its output."""

    def __init__(self, ike_port=None, netns=None):
        """`ike_port`: a free one when not given; `netns`: as Charon's."""
        self.dir = tempfile.mkdtemp(prefix="flexvpn-ike-")
        self.ike_port = ike_port or free_port(socket.SOCK_DGRAM)
        self.das_port = free_port(socket.SOCK_DGRAM)
        self.acct_port = free_port(socket.SOCK_DGRAM)
        self.auth_port = free_port(socket.SOCK_DGRAM)
        startup = Path(self.dir) / "startup-config"
        startup.write_text("\n".join([
            "hostname Device",
            "aaa new-model",
            "aaa group server radius RADGRP",
            " server name LOCAL",
            "aaa accounting network acct_prof start-stop group RADGRP",
            # The responder's proposals, as IOS configures them: AES-GCM-256 first, then IOS's default.
            "crypto ikev2 proposal GCM",
            " encryption aes-gcm-256",
            " prf sha256",
            " group 19 31",
            "crypto ikev2 policy POL",
            " proposal GCM",
            " proposal default",
            "aaa server radius dynamic-author",
            f" client 127.0.0.1 server-key {DAS_SECRET}",
            f" port {self.das_port}",
            "radius server LOCAL",
            f" address ipv4 127.0.0.1 auth-port {self.auth_port} acct-port {self.acct_port}",
            " key cisco",
            "end", ""]))
        self.transcript = open(Path(self.dir) / "console", "w+")
        arguments = ["--startup-config", str(startup), "--ike-port", str(self.ike_port)]
        command = BINARY
        if netns:
            command, arguments = "nsenter", ["-t", str(netns), "-n", BINARY] + arguments
        self.child = pexpect.spawn(command, arguments, env=ENV, dimensions=(200, 250), encoding="utf-8", codec_errors="replace",
                                   timeout=20)
        self.child.logfile_read = self.transcript
        self.child.expect_exact("Device>")
        self.run("enable", prompt=PROMPT)
        self.run("terminal length 0")
        for line in [f"lab ikev2 pre-shared-key {PSK}", "lab ikev2 identity fqdn flexvpn.lab",
                     "lab ikev2 pool 10.99.0.1 10.99.0.254", "lab ikev2 dns 10.0.0.53"]:
            assert self.run(line).strip() == "", line

    def configure(self, lines):
        self.child.sendline("configure terminal")
        self.child.expect_exact("Device(config)#")
        for line in lines:
            self.child.sendline(line)
            self.child.expect(r"Device\(config[^)]*\)#")
        self.run("end")

    def run(self, line, prompt=PROMPT):
        self.child.sendline(line)
        self.child.expect_exact(line)
        self.child.expect_exact("\r\n" + prompt)
        return self.child.before.replace("\r\n", "\n")

    def console(self):
        self.transcript.flush()
        self.transcript.seek(0)
        return self.transcript.read().replace("\r\n", "\n")

    def stop(self):
        self.child.sendline("lab quit")
        self.child.expect(pexpect.EOF)
        self.transcript.close()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def router():
    assert Path(BINARY).is_file(), f"{BINARY} is missing: build it first"
    r = Router()
    yield r
    r.stop()


@pytest.fixture(scope="session")
def freeradius():
    """FreeRADIUS with EAP-MSCHAPv2 for eapuser / eappass (Tests/ike/freeradius), secret `cisco`."""
    run = tempfile.mkdtemp(prefix="flexvpn-ike-radius-")
    port = free_port(socket.SOCK_DGRAM)
    conf = Path(__file__).resolve().parent / "freeradius"
    env = dict(os.environ, FR_RUN_DIR=run, FR_CONF_DIR=str(conf), FR_SECRET="cisco", FR_AUTH_PORT=str(port))
    process = subprocess.Popen(["freeradius", "-f", "-d", str(conf)], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    log = Path(run) / "radius.log"
    wait_for(lambda: (log.exists() and "Ready to process requests" in log.read_text()) or process.poll() is not None,
             what="freeradius ready")
    assert process.poll() is None, "freeradius exited: " + (log.read_text() if log.exists() else "")
    yield port, log
    process.terminate()
    process.wait(10)
    shutil.rmtree(run, ignore_errors=True)


@pytest.fixture(scope="session")
def charon(router):
    assert Path(CHARON).is_file(), "strongSwan's charon is missing: run scripts/install-deps.sh --test"
    c = Charon(router.ike_port)
    yield c
    c.stop()


class NetworkNamespace:
    """A network namespace of the test's own (`unshare -n`, loopback up), held by a sleeping
    process: routers and charon join it with `nsenter -n`, so port 500 is free and nothing leaves."""

    def __init__(self):
        self.process = subprocess.Popen(["unshare", "-n", "sh", "-c", "ip link set lo up && exec sleep 3600"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.pid = self.process.pid
        wait_for(lambda: "LOOPBACK,UP" in subprocess.run(["nsenter", "-t", str(self.pid), "-n", "ip", "link", "show", "lo"],
                                                         capture_output=True, text=True).stdout,
                 what="loopback up in the namespace")

    def stop(self):
        self.process.kill()
        self.process.wait()
