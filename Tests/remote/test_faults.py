"""Signals a router gets while it serves vty lines (README, "State that survives faults"): a
telnet client that goes away while the router writes to it must not kill the process (SIGPIPE),
and a headless router keeps serving when SIGHUP arrives.
Build first: `swift build --product flexvpn-emu`. Run: `python3 -m pytest Tests/remote -q`.
"""

import signal
import socket
import struct
import time

from emulator_testing import read_until
from test_telnet import LOGIN_LOCAL, Router


def raw_login(port):
    """A telnet login on a bare socket (the router's option requests go unanswered)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    read_until(sock, b"Username: ")
    sock.sendall(b"admin\r\n")
    read_until(sock, b"Password: ")
    sock.sendall(b"cisco\r\n")
    read_until(sock, b"R1#")
    return sock


def test_a_vty_client_gone_mid_write_does_not_kill_the_router():
    r = Router(LOGIN_LOCAL)
    try:
        for _ in range(5):
            sock = raw_login(r.port)
            sock.sendall(b"terminal length 0\r\n" + b"show running-config\r\n" * 200)
            time.sleep(0.05)
            # A reset, not a polite close: the router's next writes fail at once.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()
        time.sleep(0.5)
        assert r.process.poll() is None, r.process.returncode
        sock = raw_login(r.port)
        sock.sendall(b"show privilege\r\n")
        assert b"Current privilege level is 15" in read_until(sock, b"level is 15")
        sock.close()
    finally:
        r.close()


def test_a_headless_router_keeps_serving_after_sighup():
    r = Router(LOGIN_LOCAL)
    try:
        r.process.send_signal(signal.SIGHUP)
        time.sleep(0.3)
        assert r.process.poll() is None, r.process.returncode
        raw_login(r.port).close()
        r.process.send_signal(signal.SIGTERM)
        assert r.process.wait(10) == 0
    finally:
        r.close()
