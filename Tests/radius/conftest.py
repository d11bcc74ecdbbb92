"""A real FreeRADIUS 3.2 (Debian's `freeradius`) for the RADIUS lifecycle tests, started ONCE per
test run (the session fixture `freeradius`), as the current user, from a private configuration
written into a temporary folder, on free loopback ports. Other suites reuse it with
`pytest_plugins = ["Tests.radius.conftest"]`, or by importing `FreeRADIUS` from this file.

What the server does (see `RADIUSD_CONF` and `USERS`):
- Authorization: users with Cleartext-Password `cisco` (FlexVPN's fixed PAP password) and reply
  attributes; anyone else is rejected. EAP-MD5 for `dave` (password `davepass`).
- Accounting: every Accounting-Request goes to `detail` (FreeRADIUS's own decoding) and is ACKed.
- Policy: an accounting Start of the user `victim` makes FreeRADIUS originate a Disconnect-Request
  to the NAS that sent it (`update disconnect`, the `coa_server` of the client = the emulator's DAS).
"""

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

SECRET = "testing123"

USERS = """\
alice   Cleartext-Password := "cisco"
        Framed-IP-Address = 10.77.0.5,
        Session-Timeout = 4,
        Acct-Interim-Interval = 1,
        Class = "fr-alice",
        Cisco-AVPair += "ipsec:dns-servers=10.0.0.53",
        Cisco-AVPair += "ipsec:inacl=STAFF"

bob     Cleartext-Password := "cisco"
        Session-Timeout = 3600,
        Class = "fr-bob"

carol   Cleartext-Password := "cisco"
        Session-Timeout = 3600,
        Class = "fr-carol"

victim  Cleartext-Password := "cisco"
        Class = "fr-victim"

dave    Cleartext-Password := "davepass"
        Session-Timeout = 1800,
        Class = "fr-dave"

DEFAULT Cleartext-Password := "cisco", User-Name =~ "^load[0-9]+$"

DEFAULT Auth-Type := Reject
"""

RADIUSD_CONF = """\
prefix = /usr
exec_prefix = /usr
sysconfdir = /etc
localstatedir = {run}
sbindir = /usr/sbin
logdir = {run}
raddbdir = {run}
run_dir = {run}
libdir = /usr/lib/freeradius
pidfile = {run}/radiusd.pid
name = freeradius
max_request_time = 30
cleanup_delay = 5
max_requests = 65536
hostname_lookups = no

log {{
    destination = files
    file = {run}/radius.log
    colourise = no
    auth = no
}}

security {{
    allow_core_dumps = no
    max_attributes = 200
    reject_delay = 0
    status_server = no
}}

thread pool {{
    start_servers = 2
    max_servers = 4
    min_spare_servers = 1
    max_spare_servers = 4
    max_requests_per_server = 0
}}

# The emulator's DAS: where originated Disconnect/CoA packets go.
home_server emulator_das {{
    type = coa
    ipaddr = 127.0.0.1
    port = {das_port}
    secret = {secret}
    coa {{
        irt = 2
        mrt = 16
        mrc = 5
        mrd = 30
    }}
}}

home_server_pool emulator_das_pool {{
    type = fail-over
    home_server = emulator_das
}}

client emulator {{
    ipaddr = 127.0.0.1
    secret = {secret}
    require_message_authenticator = no
    coa_server = emulator_das_pool
}}

modules {{
    always ok {{
        rcode = ok
    }}
    pap {{
        normalise = yes
    }}
    files {{
        filename = {run}/users
    }}
    # EAP-MD5 only (no TLS methods, so no certificates): the lab client's EAP.
    eap {{
        default_eap_type = md5
        timer_expire = 60
        ignore_unknown_eap_types = no
        max_sessions = 4096
        md5 {{
        }}
    }}
    detail {{
        filename = {run}/detail
        permissions = 0600
        header = "%t"
        locking = no
        escape_filenames = no
        log_packet_header = no
    }}
    linelog coa_log {{
        filename = {run}/coa.log
        permissions = 0600
        format = "%{{proxy-reply:Packet-Type}} %{{User-Name}}"
    }}
}}

server emulator {{
    listen {{
        type = auth
        ipaddr = 127.0.0.1
        port = {auth_port}
    }}
    listen {{
        type = acct
        ipaddr = 127.0.0.1
        port = {acct_port}
    }}
    authorize {{
        eap {{
            ok = return
        }}
        files
        pap
    }}
    authenticate {{
        Auth-Type PAP {{
            pap
        }}
        eap
    }}
    preacct {{
    }}
    accounting {{
        detail
        # The policy: a Start of `victim` makes the server disconnect that session itself.
        if (&User-Name == "victim" && &Acct-Status-Type == Start) {{
            update disconnect {{
                &User-Name := &User-Name
                &Acct-Session-Id := &Acct-Session-Id
                &NAS-IP-Address := &NAS-IP-Address
            }}
        }}
        ok
    }}
}}
"""


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FreeRADIUS:
    """One FreeRADIUS process with its own folder; `stop()` ends it and removes the folder."""

    def __init__(self):
        assert shutil.which("freeradius"), "freeradius is missing: scripts/install-deps.sh --test installs it"
        self.run = Path(tempfile.mkdtemp(prefix="flexvpn-radius-"))
        self.auth_port, self.acct_port, self.das_port = free_udp_port(), free_udp_port(), free_udp_port()
        self.secret = SECRET
        (self.run / "users").write_text(USERS)
        (self.run / "radiusd.conf").write_text(RADIUSD_CONF.format(
            run=self.run, das_port=self.das_port, secret=SECRET, auth_port=self.auth_port, acct_port=self.acct_port))
        self.process = subprocess.Popen(["freeradius", "-f", "-d", str(self.run)], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if "Ready to process requests" in self.log:
                return
            assert self.process.poll() is None, "freeradius exited: " + self.log
            time.sleep(0.05)
        self.stop()
        raise AssertionError("freeradius did not become ready: " + self.log)

    def _read(self, name):
        try:
            return (self.run / name).read_text(errors="replace")
        except FileNotFoundError:
            return ""

    @property
    def log(self):
        return self._read("radius.log")

    @property
    def detail(self):
        return self._read("detail")

    def records(self, user=None):
        """The detail file's Accounting-Requests as dicts (attribute -> value, quotes removed),
        optionally those of one User-Name, in arrival order."""
        out = []
        for block in self.detail.split("\n\n"):
            fields = {}
            for line in block.splitlines():
                m = re.match(r"^\s+([\w-]+) = (.*)$", line)
                if m:
                    value = m.group(2).strip()
                    if value.startswith('"') and value.endswith('"'):
                        value = value[1:-1]
                    fields.setdefault(m.group(1), value)
            if fields and (user is None or fields.get("User-Name") == user):
                out.append(fields)
        return out

    def wait_records(self, user, predicate, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            records = self.records(user)
            if predicate(records):
                return records
            time.sleep(0.1)
        return self.records(user)

    def cpu_seconds(self):
        """User + system CPU time FreeRADIUS has used so far (from /proc)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.run, ignore_errors=True)


@pytest.fixture(scope="session")
def freeradius():
    server = FreeRADIUS()
    yield server
    server.stop()
