"""Helpers every pytest directory shares: where the emulator binary is, the environment its
clients run in, free loopback ports, waiting for a listener, reading a socket up to a marker,
typing a command on a pexpect client, waiting for a condition, and ending a process the test
started.

A directory's conftest.py puts this folder on sys.path; its tests then
`from emulator_testing import ...`.
"""

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BINARY = os.environ.get("FLEXVPN_TERMINAL_BINARY", str(ROOT / ".build" / "debug" / "flexvpn-emu"))
ENV = dict(os.environ, TERM="xterm", LANG="C.UTF-8", LC_ALL="C.UTF-8")
# OpenSSH with nothing of the tester's own: no config, no known hosts, no agent keys.
SSH_OPTIONS = ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
               "-o", "IdentitiesOnly=yes", "-F", "/dev/null"]


def free_port(kind=socket.SOCK_STREAM):
    """A port of 127.0.0.1 free for `kind` (TCP by default) at the time of asking."""
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, timeout=15.0, settle=0.0):
    """Waits until something accepts TCP connections on 127.0.0.1:`port`. `settle`: seconds to
    wait after the probe (a telnet probe takes a vty line for an instant)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                pass
            time.sleep(settle)
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on port {port}")


def read_until(sock, marker, timeout=10.0):
    """Bytes from `sock` (telnet commands left in) until `marker` has arrived."""
    data = b""
    deadline = time.monotonic() + timeout
    while marker not in data:
        sock.settimeout(max(0.1, deadline - time.monotonic()))
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError(f"closed before {marker!r}: {data[-200:]!r}")
        data += chunk
    return data


def command(client, line, prompt="R1#"):
    """Types `line` and Enter on a pexpect client; returns what came between the echo and the
    next prompt."""
    client.send(line + "\r")
    client.expect_exact(line)
    client.expect_exact(prompt)
    return client.before


def eventually(probe, timeout=10.0, interval=0.1):
    """Calls `probe` until it returns something true, and returns that; fails with the last value
    after `timeout` seconds. For what the router does on its own time (a closed client's line
    freed, a window size taken): a fixed sleep before asserting fails on a busy machine."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value or time.monotonic() >= deadline:
            break
        time.sleep(interval)
    assert value, f"still {value!r} after {timeout} s"
    return value


def terminate(process, timeout=10):
    """Ends `process` as an operator would (SIGTERM: the router exits cleanly), killing it only
    if it has not gone within `timeout` seconds."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
