"""The product's console on a real pseudo-terminal: libedit line editing with IOS habits.

Runs .build/debug/flexvpn-emu (or $FLEXVPN_TERMINAL_BINARY) under pexpect with its own empty
startup-config, and replays its output on a small virtual screen (below), so the assertions read
what a person would see, whatever cursor movements libedit chose. Asynchronous output comes from
a real event: a Disconnect-Request sent to the emulator's DAS on 127.0.0.1 with `debug aaa pod`
on, which logs `POD: ...` lines while the user has a line half typed.
Build first: `swift build --product flexvpn-emu`. Run: `python3 -m pytest Tests/terminal -q`.
"""

import hashlib
import os
import re
import shutil
import signal
import socket
import struct
import tempfile
import threading
import time
from pathlib import Path

import pexpect
import pytest

ROOT = Path(__file__).resolve().parents[2]
BINARY = os.environ.get("FLEXVPN_TERMINAL_BINARY", str(ROOT / ".build" / "debug" / "flexvpn-emu"))
# A date and time to start the emulator's clock at (`faketime`), e.g. "2027-01-01 00:00:00".
FAKETIME = os.environ.get("FLEXVPN_FAKETIME", "")

STAMP = r"\*?[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d\.\d{3}: "
CONFIG_I = STAMP + r"%SYS-5-CONFIG_I: Configured from console by console"
# `show clock`: IOS does not pad the day (`Tue Dec 1 2026`); the log stamp above pads it to two.
CLOCK = r"\*?\d\d:\d\d:\d\d\.\d{3} UTC \w{3} \w{3} [1-9]\d? \d{4}"
POD_FIRST = STAMP + r"POD: 127\.0\.0\.1 request queued"

SECRET = b"cisco"
DISCONNECT_REQUEST, DISCONNECT_NAK = 40, 42
USER_NAME = 1


class Screen:
    """A minimal xterm: printable text with auto-wrap (xterm's deferred wrap), CR, LF, BS, BEL,
    and the CSI sequences libedit uses (cursor moves, erase in line/display, insert/delete
    characters). Rows are never dropped, so scrolled-off text stays readable."""

    CSI = re.compile(r"\x1b\[([0-9;?]*)([@-~])")

    def __init__(self, columns):
        self.columns = columns
        self.rows = [[]]
        self.row = 0
        self.col = 0
        self.wrap_pending = False
        self.bells = 0
        self.rest = ""

    def _line(self):
        while len(self.rows) <= self.row:
            self.rows.append([])
        line = self.rows[self.row]
        while len(line) < self.col:
            line.append(" ")
        return line

    def _put(self, ch):
        if self.wrap_pending:
            self.row += 1
            self.col = 0
            self.wrap_pending = False
        line = self._line()
        if self.col < len(line):
            line[self.col] = ch
        else:
            line.append(ch)
        if self.col == self.columns - 1:
            self.wrap_pending = True
        else:
            self.col += 1

    def _csi(self, params, final):
        numbers = [int(p) if p.isdigit() else 0 for p in params.lstrip("?").split(";")] if params else []
        n = numbers[0] if numbers and numbers[0] > 0 else 1
        mode = numbers[0] if numbers else 0
        self.wrap_pending = False
        if final == "A":
            self.row = max(0, self.row - n)
        elif final == "B":
            self.row += n
        elif final == "C":
            self.col = min(self.columns - 1, self.col + n)
        elif final == "D":
            self.col = max(0, self.col - n)
        elif final == "G":
            self.col = min(self.columns - 1, n - 1)
        elif final == "K":
            line = self._line()
            if mode == 0:
                del line[self.col:]
            elif mode == 1:
                line[: self.col + 1] = [" "] * min(len(line), self.col + 1)
            else:
                line.clear()
        elif final == "J":
            line = self._line()
            if mode == 0:
                del line[self.col:]
                del self.rows[self.row + 1:]
            else:
                for other in self.rows:
                    other.clear()
        elif final == "P":
            line = self._line()
            del line[self.col:self.col + n]
        elif final == "@":
            line = self._line()
            line[self.col:self.col] = [" "] * n
        elif final == "X":
            line = self._line()
            for i in range(self.col, min(len(line), self.col + n)):
                line[i] = " "
        # Colours, modes and anything else do not change the text.

    def feed(self, text):
        text = self.rest + text
        self.rest = ""
        i = 0
        while i < len(text):
            ch = text[i]
            if ch == "\x1b":
                match = self.CSI.match(text, i)
                if match:
                    self._csi(match.group(1), match.group(2))
                    i = match.end()
                    continue
                if i + 1 >= len(text) or (text[i + 1] == "[" and re.fullmatch(r"\x1b\[[0-9;?]*", text[i:])):
                    self.rest = text[i:]   # an incomplete sequence: wait for the rest
                    return
                i += 2   # a two-character escape (keypad modes and the like)
                continue
            if ch == "\r":
                self.col = 0
                self.wrap_pending = False
            elif ch == "\n":
                self.row += 1
                self.wrap_pending = False
            elif ch == "\b":
                self.col = max(0, self.col - 1)
                self.wrap_pending = False
            elif ch == "\a":
                self.bells += 1
            elif ch == "\t":
                self.col = min(self.columns - 1, (self.col // 8 + 1) * 8)
            elif ch >= " ":
                self._put(ch)
            i += 1
        self._line()

    def lines(self):
        """The screen's rows up to the cursor's, without trailing spaces."""
        return ["".join(row).rstrip() for row in self.rows[: self.row + 1]]

    def logical_lines(self):
        """Like lines(), with rows that ran into the right margin joined to the next one."""
        result, current = [], ""
        for row in self.rows[: self.row + 1]:
            current += "".join(row)
            if len(row) < self.columns:
                result.append(current.rstrip())
                current = ""
        if current:
            result.append(current.rstrip())
        return result


class Console:
    def __init__(self, columns=100, startup_config="", check_tty=False, preexec_fn=None):
        assert Path(BINARY).is_file(), f"{BINARY} is missing: build it first (see this file's docstring)"
        self.screen = Screen(columns)
        self.raw = ""
        # A startup-config of its own (empty unless given): nothing from the user's leaks in, and
        # `write memory` writes nowhere else.
        self.directory = tempfile.mkdtemp(prefix="flexvpn-terminal-")
        startup = Path(self.directory) / "startup-config"
        startup.write_text(startup_config)
        env = dict(os.environ, TERM="xterm", LANG="C.UTF-8", LC_ALL="C.UTF-8")
        command, args = BINARY, ["--startup-config", str(startup)]
        if check_tty:
            # After the session: the exit status, and whether the tty is as the emulator found it.
            script = ('before=$(stty -g); "$0" "$@"; status=$?; '
                      '[ "$(stty -g)" = "$before" ] && echo "tty as found, status $status" '
                      '|| echo "tty changed, status $status"')
            command, args = "/bin/sh", ["-c", script, BINARY] + args
        if FAKETIME:
            # libfaketime: the emulator's clock starts at that moment and runs (scripts/test.sh).
            command, args = "faketime", [FAKETIME, command] + args
        self.child = pexpect.spawn(command, args, env=env, dimensions=(24, columns), encoding="utf-8",
                                   codec_errors="replace", timeout=10, preexec_fn=preexec_fn)

    def pump(self, seconds=0.0):
        """Reads whatever the console printed, waiting up to `seconds` for more."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                data = self.child.read_nonblocking(65536, timeout=max(0.0, deadline - time.monotonic()))
            except pexpect.TIMEOUT:
                return
            except pexpect.EOF:
                return
            self.raw += data
            self.screen.feed(data)
            if time.monotonic() >= deadline:
                return

    def lines(self):
        return self.screen.lines()

    def wait(self, condition, what, timeout=10.0):
        """Waits until condition(lines) holds and the output has been quiet for a moment."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump(0.05)
            if condition(self.lines()):
                self.pump(0.15)
                if condition(self.lines()):
                    return self.lines()
        raise AssertionError(f"timed out waiting for {what}; screen:\n" + "\n".join(self.lines()[-20:])
                             + f"\nraw tail: {self.raw[-400:]!r}")

    def wait_tail(self, *patterns, timeout=10.0):
        """Waits until the last rows (the cursor's row last) match `patterns` (full regexes)."""
        def matches(lines):
            if len(lines) < len(patterns):
                return False
            return all(re.fullmatch(p, line) for p, line in zip(patterns, lines[-len(patterns):]))
        return self.wait(matches, "rows " + " / ".join(patterns), timeout)

    def send(self, text):
        self.child.send(text)

    def cursor(self):
        return self.screen.row, self.screen.col

    def close(self):
        if self.child.isalive():
            self.child.terminate(force=True)
        shutil.rmtree(self.directory, ignore_errors=True)


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def configure_das(console):
    """Privileged mode, the DAS on a free loopback port with key `cisco`, and `debug aaa pod`
    (typed ahead in one go, as a paste). Returns the port."""
    port = free_udp_port()
    commands = ["enable", "configure terminal", "aaa new-model", "aaa server radius dynamic-author",
                "client 127.0.0.1 server-key cisco", f"port {port}", "end", "debug aaa pod"]
    console.send("\r".join(commands) + "\r")
    console.wait(lambda _: console.screen.logical_lines()[-2:]
                 == ["AAA POD packet processing debugging is on", "Device#"], "the DAS configured")
    shown = console.screen.logical_lines()
    for command in commands:
        assert any(re.search(r"[>#]" + escape(command) + "$", line) for line in shown), (command, shown)
    assert "% " not in console.raw, console.raw
    return port


def disconnect_request(identifier, user_name):
    """A Disconnect-Request (RFC 5176) with one User-Name, signed with SECRET (RFC 5176 3.5:
    the Request Authenticator is MD5 over the packet with 16 zero bytes in its place, then the
    secret)."""
    value = user_name.encode()
    attributes = bytes([USER_NAME, 2 + len(value)]) + value
    header = bytes([DISCONNECT_REQUEST, identifier]) + struct.pack("!H", 20 + len(attributes))
    authenticator = hashlib.md5(header + bytes(16) + attributes + SECRET).digest()
    return header + authenticator + attributes


def send_pod(port, identifier=7):
    """Sends a Disconnect-Request for `nobody` to the DAS, checks its answer (a NAK: no session
    has that user) and returns the pattern of the last debug line it makes on the console."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as peer:
        peer.bind(("127.0.0.1", 0))
        peer.settimeout(5)
        peer.sendto(disconnect_request(identifier, "nobody"), ("127.0.0.1", port))
        reply, _ = peer.recvfrom(4096)
        source_port = peer.getsockname()[1]
    assert reply[0] == DISCONNECT_NAK and reply[1] == identifier, reply.hex()
    return STAMP + rf"POD: Sending NAK from port {port} to 127\.0\.0\.1/{source_port}"


def pod_lines(lines):
    """The stamped debug rows of one Disconnect-Request, from its first to its last."""
    start = max(i for i, line in enumerate(lines) if re.fullmatch(POD_FIRST, line))
    return [line for line in lines[start:] if re.match(STAMP.rstrip(), line)]


@pytest.fixture
def console():
    c = Console()
    c.wait_tail(r"Device>")
    yield c
    c.close()


def escape(text):
    return re.escape(text)


def enable(console):
    console.send("enable\r")
    console.wait_tail(r"Device#")


def test_question_mark_shows_help_at_once_and_redraws(console):
    console.send("?")
    lines = console.wait_tail(r"", r"Device>")
    start = max(i for i, line in enumerate(lines) if line == "Device>?")
    help_rows = lines[start + 1:-2]
    assert help_rows[0] == "Exec commands:"
    assert any(re.fullmatch(r"  enable +Turn on privileged commands", row) for row in help_rows), help_rows
    assert any(re.fullmatch(r"  show +Show running system information", row) for row in help_rows), help_rows
    assert console.cursor()[1] == len("Device>")

    # After a partial word: the completions on one line, then the typed text again, cursor at its
    # end, and the `?` is not part of the line: finishing the word runs `enable`.
    console.send("en?")
    console.wait_tail(r"Device>en\?", r"enable", r"", r"Device>en")
    assert console.cursor()[1] == len("Device>en")
    console.send("able\r")
    console.wait_tail(r"Device>enable", r"Device#")
    assert "% Invalid" not in console.raw

    # Privileged EXEC has more commands; `show ?` lists the subcommands.
    console.send("show ?")
    lines = console.wait_tail(r"", r"Device#show")
    assert console.cursor()[1] == len("Device#show ")
    start = max(i for i, line in enumerate(lines) if line == "Device#show ?")
    assert any(re.fullmatch(r"  clock +Display the system clock", row) for row in lines[start + 1:]), lines
    console.send("clock\r")
    console.wait_tail(r"Device#show clock", CLOCK, r"Device#")


def test_question_mark_with_cursor_inside_the_line(console):
    console.send("show cl")
    console.send("\x02\x02\x02")          # Ctrl-B three times: cursor under the space
    console.wait(lambda _: console.cursor()[1] == len("Device>show"), "cursor moved left")
    console.send("?")
    lines = console.wait_tail(r"clock", r"", r"Device>show cl")
    assert "Device>show cl?" in lines     # `?` shown after the whole typed text
    assert console.cursor()[1] == len("Device>show cl")
    console.send("ock\r")
    console.wait_tail(r"Device>show clock", CLOCK, r"Device>")


def test_tab_completes_a_unique_prefix_and_rings_otherwise(console):
    console.send("ena")
    console.wait_tail(r"Device>ena")
    console.send("\t")
    console.wait(lambda _: console.cursor()[1] == len("Device>enable "), "completion to 'enable '")
    assert console.lines()[-1] == "Device>enable"
    bells = console.screen.bells
    console.send("\t")                    # nothing left to complete: the bell, line unchanged
    console.wait(lambda _: console.screen.bells > bells, "a bell")
    assert console.lines()[-1] == "Device>enable"
    assert console.cursor()[1] == len("Device>enable ")
    console.send("\r")
    console.wait_tail(r"Device>enable", r"Device#")

    # Word by word: `sh` then `cl`.
    console.send("sh\t")
    console.wait(lambda _: console.cursor()[1] == len("Device#show "), "completion to 'show '")
    console.send("cl\t")
    console.wait(lambda _: console.cursor()[1] == len("Device#show clock "), "completion to 'show clock '")
    console.send("\r")
    console.wait_tail(r"Device#show clock", CLOCK, r"Device#")


def test_arrows_recall_history(console):
    enable(console)
    console.send("show clock\r")
    console.wait_tail(r"Device#show clock", CLOCK, r"Device#")
    console.send("\x1b[A")                # up: the previous command
    console.wait_tail(r"Device#show clock")
    console.send("\x1b[A")                # up again: the one before
    console.wait_tail(r"Device#enable")
    console.send("\x1b[B")                # down: back to the newer one
    console.wait_tail(r"Device#show clock")
    console.send("\r")
    lines = console.wait_tail(r"Device#show clock", CLOCK, r"Device#")
    assert sum(1 for line in lines if line == "Device#show clock") == 2

    # IOS keeps the last 10 lines, as `show history` lists them: after 11 more, the oldest of
    # them is as far back as the arrow goes.
    commands = ["sh clock", "sho clock", "show cl", "show clo", "show cloc", "sh cl", "sh clo", "sho cl",
                "sho clo", "sh cloc", "show history"]
    console.send("\r".join(commands) + "\r")
    lines = console.wait_tail(r"Device#show history", *[r"  " + escape(c) for c in commands[1:]], r"Device#")
    console.send("\x1b[A" * 12)
    console.wait_tail(r"Device#sho clock")


def test_control_z_leaves_config_mode_then_log_after_prompt(console):
    enable(console)
    console.send("configure terminal\r")
    console.wait_tail(r"Enter configuration commands, one per line\.  End with CNTL/Z\.", r"Device\(config\)#")
    console.send("\x1a")
    # IOS: the prompt, then the log line below it, then the prompt again.
    console.wait_tail(r"Device\(config\)#\^Z", r"Device#", CONFIG_I, r"Device#")

    # Ctrl-Z with text typed runs it first.
    console.send("configure terminal\r")
    console.wait_tail(r"Device\(config\)#")
    console.send("hostname R1\x1a")
    console.wait_tail(r"Device\(config\)#hostname R1\^Z", r"R1#", CONFIG_I, r"R1#")
    console.send("\x1b[A")                # the Ctrl-Z line went to the configuration history
    console.wait_tail(r"R1#configure terminal")
    console.send("\r")
    console.wait_tail(r"R1\(config\)#")
    console.send("\x1b[A")
    console.wait_tail(r"R1\(config\)#hostname R1")

    # From a submode too, with the cursor inside the line: the whole line runs.
    console.send("\x15")
    console.wait_tail(r"R1\(config\)#")
    console.send("aaa new-model\raaa server radius dynamic-author\r")
    console.wait_tail(r"R1\(config-locsvr-da-radius\)#")
    console.send("port 3799\x02\x02")
    console.send("\x1a")
    console.wait_tail(r"R1\(config-locsvr-da-radius\)#port 3799\^Z", r"R1#", CONFIG_I, r"R1#")
    console.send("show running-config | include port\r")
    console.wait_tail(r" port 3799", r"R1#")


def test_log_during_a_command_comes_after_the_new_prompt(console):
    enable(console)
    console.send("configure terminal\r")
    console.wait_tail(r"Device\(config\)#")
    console.send("end\r")
    console.wait_tail(r"Device\(config\)#end", r"Device#", CONFIG_I, r"Device#")

    # Also when the next lines were typed ahead (pasted): the log comes right after the prompt.
    console.send("configure terminal\rhostname R2\rend\rshow clock\r")
    lines = console.wait_tail(r"R2#show clock", CLOCK, r"R2#")
    assert lines[-9:-4] == ["Device#configure terminal",
                            "Enter configuration commands, one per line.  End with CNTL/Z.",
                            "Device(config)#hostname R2", "R2(config)#end", "R2#"], lines[-9:]
    assert re.fullmatch(CONFIG_I, lines[-4])


def test_do_runs_exec_commands_in_config_mode(console):
    enable(console)
    console.send("configure terminal\r")
    console.wait_tail(r"Device\(config\)#")
    console.send("do show clock\r")
    console.wait_tail(r"Device\(config\)#do show clock", CLOCK, r"Device\(config\)#")
    console.send("do sh\t")               # Tab and `?` see through `do`
    console.wait(lambda _: console.cursor()[1] == len("Device(config)#do show "), "completion to 'do show '")
    console.send("cl?")
    console.wait_tail(r"Device\(config\)#do show cl\?", r"clock", r"", r"Device\(config\)#do show cl")
    console.send("ock\r")
    console.wait_tail(r"Device\(config\)#do show clock", CLOCK, r"Device\(config\)#")


def test_pod_debug_redraws_the_partial_line(console):
    port = configure_das(console)
    console.send("show cl")
    console.wait_tail(r"Device#show cl")
    last = send_pod(port)
    # The typed line, every debug line below it, then the prompt and the typed text again.
    lines = console.wait_tail(last, r"Device#show cl")
    start = max(i for i, line in enumerate(lines) if re.fullmatch(POD_FIRST, line))
    assert lines[start - 1] == "Device#show cl"
    debug = pod_lines(lines)
    assert len(debug) >= 3 and re.fullmatch(last, debug[-1]), debug
    assert len(set(debug)) == len(debug), "a debug line shown twice"
    assert console.cursor()[1] == len("Device#show cl")
    console.send("ock\r")                 # the partial line is intact
    console.wait_tail(last, r"Device#show clock", CLOCK, r"Device#")


def test_pod_debug_keeps_the_cursor_inside_the_line(console):
    port = configure_das(console)
    console.send("show clock")
    console.send("\x01")                  # Ctrl-A: cursor to the start
    console.wait(lambda _: console.cursor()[1] == len("Device#"), "cursor at start of line")
    last = send_pod(port)
    console.wait_tail(last, r"Device#show clock")
    assert console.cursor()[1] == len("Device#")
    console.send("\x05\r")                # Ctrl-E, Enter
    console.wait_tail(r"Device#show clock", CLOCK, r"Device#")


def test_pod_debug_waits_for_the_end_of_a_key_sequence(console):
    # Esc starts a key sequence (Esc b: back a word). Lines logged in between must neither be
    # taken for part of it (libedit binds Esc ^_ to "copy the previous word") nor be lost.
    port = configure_das(console)
    console.send("show clock\x1b")
    console.wait_tail(r"Device#show clock")
    last = send_pod(port)
    console.pump(0.5)
    assert console.lines()[-1] == "Device#show clock" and not any(
        re.fullmatch(POD_FIRST, line) for line in console.lines()), "\n".join(console.lines()[-5:])
    console.send("b")
    console.wait_tail(last, r"Device#show clock")
    assert console.cursor()[1] == len("Device#show ")

    # An arrow key whose escape sequence arrives in two pieces.
    console.send("\x1b[")
    time.sleep(0.2)
    last = send_pod(port)
    console.pump(0.3)
    console.send("D")                     # left: the cursor moves, nothing is inserted
    lines = console.wait_tail(last, r"Device#show clock")
    assert sum(1 for line in lines if re.fullmatch(POD_FIRST, line)) == 2
    assert console.cursor()[1] == len("Device#show")
    console.send("\x05\r")
    console.wait_tail(r"Device#show clock", CLOCK, r"Device#")


def test_pod_debug_and_help_on_a_wrapped_line():
    c = Console(columns=30)
    try:
        c.wait_tail(r"Device>")
        # Prompts wider than the screen (Device(config-locsvr-da-radius)# has 32 characters).
        port = configure_das(c)
        line = "Device#show " + "x" * 40   # 52 characters: two rows
        c.send(line[len("Device#"):])
        c.wait(lambda _: c.screen.logical_lines()[-1] == line, "the wrapped line")

        def tail_is(*patterns):
            tail = c.screen.logical_lines()[-len(patterns):]
            return len(tail) == len(patterns) and all(re.fullmatch(p, t) for p, t in zip(patterns, tail))

        last = send_pod(port)
        c.wait(lambda _: tail_is(last, escape(line)), "the log below the line, then the line again")
        logical = c.screen.logical_lines()
        start = max(i for i, row in enumerate(logical) if re.fullmatch(POD_FIRST, row))
        assert logical[start - 1] == line
        assert c.cursor() == (len(c.screen.rows) - 1, len(line) % 30)

        # With the cursor on the first of the two rows: redrawn the same way, cursor kept.
        c.send("\x01")                   # Ctrl-A
        c.wait(lambda _: c.cursor()[1] == len("Device#"), "cursor at the start")
        last = send_pod(port)
        c.wait(lambda _: c.cursor()[1] == len("Device#") and re.fullmatch(last, c.screen.logical_lines()[-2])
               and ["".join(row) for row in c.screen.rows[-2:]] == [line[:30], line[30:]],
               "the log, then the line again on two rows, cursor at its start")
        assert c.cursor()[0] == len(c.screen.rows) - 2
        c.send("\x05")                   # Ctrl-E
        c.wait(lambda _: c.cursor() == (len(c.screen.rows) - 1, len(line) % 30), "cursor at the end")
        c.send("?")
        c.wait(lambda _: tail_is(escape(line + "?"), r"% Unrecognized command", escape(line)),
               "help below the wrapped line, then the line again")
    finally:
        c.close()


def test_password_is_not_echoed_and_not_in_history(console):
    port = configure_das(console)
    console.send("configure terminal\r")
    console.wait_tail(r"Device\(config\)#")
    console.send("enable secret s3cr3t\r")
    console.wait_tail(r"Device\(config\)#enable secret s3cr3t", r"Device\(config\)#")
    console.send("end\r")
    console.wait_tail(CONFIG_I, r"Device#")
    console.send("disable\r")
    console.wait_tail(r"Device>")
    start = len(console.raw)
    console.send("enable\r")
    console.wait_tail(r"Device>enable", r"Password:")
    console.send("wrong\r")               # a wrong one: asked again
    console.wait_tail(r"Password:", r"Password:")
    console.send("s3c")
    last = send_pod(port)        # a log line while typing: shown, then the prompt again
    lines = console.wait_tail(last, r"Password:")
    first = max(i for i, line in enumerate(lines) if re.fullmatch(POD_FIRST, line))
    assert lines[first - 1] == "Password:"
    console.send("X\x7fr3t\r")             # Backspace works without echo
    console.wait_tail(last, r"Password:", r"Device#")
    assert "s3c" not in console.raw[start:] and "wrong" not in console.raw[start:]
    console.send("\x1b[A")                # history holds `enable`, not the password
    console.wait_tail(r"Device#enable")


def test_keys_typed_while_a_command_prints_are_not_echoed():
    # IOS keeps keys typed while a command runs until the next prompt. Between lines libedit
    # leaves the tty in cooked mode, where the tty itself would echo them into the output, and
    # Ctrl-Z would stop the process instead of leaving configuration mode. To hold a command
    # running while keys arrive: a running-config too long for the pty's buffer, and nobody
    # reading it, so the console blocks writing it.
    users = "".join(f"username user{i:05d} password 0 pass{i:05d}\n" for i in range(4000))
    c = Console(startup_config=users)
    try:
        c.wait_tail(r"Device>")
        enable(c)
        c.send("terminal length 0\r")    # no --More--: it would take the typed keys
        c.wait_tail(r"Device#")
        c.send("show running-config\r")
        time.sleep(1.0)                   # not reading: the pty fills up and the console waits
        c.send("configure terminal\r")
        c.send("\x1a")
        c.send("show clock\r")
        time.sleep(0.3)
        lines = c.wait_tail(r"Device#configure terminal", r"Enter configuration commands.*", r"Device\(config\)#\^Z",
                            r"Device#", CONFIG_I, r"Device#show clock", CLOCK, r"Device#", timeout=30)
        assert c.raw.count("show clock") == 1 and c.raw.count("configure terminal") == 1, \
            "typed-ahead keys echoed: " + repr(c.raw[c.raw.index("configure terminal") - 200:][:400])
        end = lines.index("Device#configure terminal")
        assert lines[end - 1] == "end" or lines[end - 2:end] == ["end", ""], lines[end - 3:]
        assert sum(1 for line in lines if line.startswith("username user")) == 4000
    finally:
        c.close()


def test_emacs_editing_keys(console):
    console.send("show clock\x17")         # Ctrl-W: deletes the word left of the cursor
    console.wait(lambda _: console.cursor()[1] == len("Device>show "), "Ctrl-W")
    assert console.lines()[-1] == "Device>show"
    console.send("\x15")                   # Ctrl-U: deletes to the start of the line
    console.wait(lambda lines: lines[-1] == "Device>" and console.cursor()[1] == len("Device>"), "Ctrl-U")
    console.send("how clock\x01s\x05\r")   # Ctrl-A, insert, Ctrl-E, Enter
    console.wait_tail(r"Device>show clock", CLOCK, r"Device>")
    console.send("show clock\x01\x0b\r")   # Ctrl-A, Ctrl-K: the line is gone
    console.wait_tail(CLOCK, r"Device>", r"Device>")


@pytest.mark.parametrize("sigint", ["default", "ignored"])
def test_control_c_abandons_the_line_and_never_ends_the_router(sigint):
    # Ctrl-C is an IOS editing key, never a signal: the same whatever SIGINT disposition the
    # emulator inherits (a test run in the background inherits it ignored).
    disposition = signal.SIG_DFL if sigint == "default" else signal.SIG_IGN
    c = Console(preexec_fn=lambda: signal.signal(signal.SIGINT, disposition))
    try:
        c.wait_tail(r"Device>")
        c.send("show")
        c.wait_tail(r"Device>show")
        c.send("\x03")                    # the typed line is abandoned, `^C` echoed
        c.wait_tail(r"Device>show\^C", r"Device>")
        enable(c)
        c.send("configure terminal\r")
        c.wait_tail(r"Device\(config\)#")
        start = len(c.raw)
        c.send("host")
        c.send("\x03")                    # nothing changed: back to EXEC without CONFIG_I
        c.wait_tail(r"Device\(config\)#host\^C", r"Device#")
        c.pump(0.5)
        assert "CONFIG_I" not in c.raw[start:]
        c.send("configure terminal\rhostname R1\r")
        c.wait_tail(r"R1\(config\)#")
        c.send("\x03")                    # a change was made: CONFIG_I as after `end`
        c.wait_tail(r"R1\(config\)#\^C", r"R1#", CONFIG_I,
                    r"R1#")
        c.send("copy running-config startup-config\r")
        c.wait_tail(r"Destination filename \[startup-config\]\?")
        c.send("\x03")                    # a question: the command is abandoned, nothing saved
        c.wait_tail(r"Destination filename \[startup-config\]\? \^C", r"R1#")
        assert Path(c.directory, "startup-config").read_text() == ""
        c.send("show clock\r")
        c.wait_tail(r"R1#show clock", CLOCK, r"R1#")
        assert c.child.isalive()
    finally:
        c.close()


def test_control_d_deletes_under_the_cursor_and_never_ends_the_router(console):
    console.send("\x04\x04")              # an empty line: nothing happens
    console.pump(0.5)
    assert console.child.isalive() and console.lines()[-1] == "Device>"
    console.send("xshow clock\x01\x04")   # Ctrl-A, Ctrl-D: the x under the cursor goes
    console.wait(lambda lines: lines[-1] == "Device>show clock" and console.cursor()[1] == len("Device>"),
                 "the character under the cursor deleted")
    console.send("\x05\x04\r")            # at the end of the line Ctrl-D does nothing
    console.wait_tail(r"Device>show clock", CLOCK, r"Device>")
    console.send("\x1e")                  # Ctrl-^ (Ctrl-Shift-6), IOS's escape: ignored
    console.send("show clock\r")
    console.wait_tail(r"Device>show clock", CLOCK, r"Device>")
    assert console.child.isalive()


def test_non_ascii_characters_reach_the_parser(console):
    console.send("show \u00e9 clock\r")
    console.wait_tail(r"Device>show \u00e9 clock", r" {12}\^", r"% Invalid input detected at '\^' marker\.", r"",
                      r"Device>")
    assert not re.search(CLOCK, console.raw)
    os.write(console.child.child_fd, b"show \xff clock\r")   # not UTF-8: still rejected, not dropped
    console.wait_tail(r"% Invalid input detected at '\^' marker\.", r"", r"Device>")
    assert not re.search(CLOCK, console.raw)


def test_exit_frees_the_console_line_and_lab_quit_ends_the_program():
    c = Console(check_tty=True)
    try:
        c.wait_tail(r"Device>")
        enable(c)
        c.send("configure terminal\r")
        c.wait_tail(r"Device\(config\)#")
        c.send("exit\r")                  # from configuration mode: back to EXEC, not the end
        c.wait_tail(r"Device\(config\)#exit", r"Device#", CONFIG_I, r"Device#")
        c.send("exit\r")                  # the console line is free again and waits for RETURN
        c.wait(lambda lines: lines[-1] == "Press RETURN to get started." and "Device con0 is now available" in lines,
               "the console line's banner")
        c.send("x")                       # only RETURN starts a session
        c.pump(0.5)
        assert c.lines()[-1] == "Press RETURN to get started." and c.child.isalive()
        c.send("\r")
        c.wait_tail(r"Device>")           # a new EXEC session: user mode again
        c.send("lab quit\r")              # the emulator's own way out
        c.wait_tail(r"tty as found, status 0", r"")
    finally:
        c.close()


def test_exec_and_configuration_keep_their_own_history(console):
    enable(console)
    console.send("show clock\r")
    console.wait_tail(r"Device#show clock", CLOCK, r"Device#")
    console.send("configure terminal\r")
    console.wait_tail(r"Device\(config\)#")
    console.send("hostname R1\r")
    console.wait_tail(r"R1\(config\)#")
    console.send("\x1b[A")                # up: the configuration history only
    console.wait_tail(r"R1\(config\)#hostname R1")
    console.send("\x1b[A")
    console.pump(0.3)
    assert console.lines()[-1] == "R1(config)#hostname R1"
    console.send("\x15end\r")
    console.wait_tail(CONFIG_I, r"R1#")
    console.send("\x1b[A")                # back in EXEC: its own history
    console.wait_tail(r"R1#configure terminal")
    console.send("\x1b[A")
    console.wait_tail(r"R1#show clock")
    console.send("\x15show history\r")
    lines = console.wait_tail(r"R1#show history", r"  enable", r"  show clock", r"  configure terminal",
                              r"  show history", r"R1#")
    assert "  hostname R1" not in lines


def test_reload_asks_to_save_unsaved_changes(console):
    enable(console)
    console.send("configure terminal\rhostname R1\rend\r")
    console.wait_tail(CONFIG_I, r"R1#")
    console.send("reload\r")
    console.wait_tail(r"R1#reload", r"System configuration has been modified\. Save\? \[yes/no\]:")
    console.send("maybe\r")
    console.wait_tail(r"% Please answer 'yes' or 'no'\.", r"System configuration has been modified\. Save\? \[yes/no\]:")
    console.send("yes\r")
    console.wait_tail(r"Building configuration\.\.\.", r"\[OK\]", r"Proceed with reload\? \[confirm\]")
    assert "hostname R1" in Path(console.directory, "startup-config").read_text()
    console.send("n")
    console.wait_tail(r"Proceed with reload\? \[confirm\]", r"R1#")
    console.send("reload\r")              # saved: no question this time
    console.wait_tail(r"R1#reload", r"Proceed with reload\? \[confirm\]")
    console.send("\x03")                  # Ctrl-C abandons the reload
    console.wait_tail(r"Proceed with reload\? \[confirm\]", r"R1#")
    assert console.child.isalive()


@pytest.mark.parametrize("ending", ["lab quit", "control-c at the password prompt, then lab quit"])
def test_the_tty_is_left_as_it_was_found(ending):
    c = Console(check_tty=True)
    try:
        c.wait_tail(r"Device>")
        enable(c)
        c.send("configure terminal\renable secret s3cr3t\rend\rdisable\r")
        c.wait_tail(r"Device>")
        c.send("enable\r")
        c.wait_tail(r"Password:")
        if ending == "lab quit":
            c.send("s3cr3t\r")
            c.wait_tail(r"Device#")
        else:
            c.send("\x03")
            c.wait_tail(r"Password:", r"Device>")
        c.send("lab quit\r")
        c.wait_tail(r"tty as found, status 0", r"")
    finally:
        c.close()


MORE = " --More-- "
ERASE = "\b" * len(MORE) + " " * len(MORE) + "\b" * len(MORE)


def full_output(console, command, prompt="Device>"):
    """`command`'s output unpaged (`terminal length 0`), then paging back to the default 24."""
    console.send("terminal length 0\r")
    console.wait_tail(escape(prompt))
    start = len(console.screen.lines())
    console.send(command + "\r")
    console.wait(lambda ls: ls[-1] == prompt and len(ls) > start + 1, f"{command} unpaged", timeout=20)
    lines = console.lines()
    first = max(i for i, line in enumerate(lines) if line == prompt + command)
    console.send("terminal length 24\r")
    console.wait_tail(escape(prompt + "terminal length 24"), escape(prompt))
    return lines[first + 1:-1]


@pytest.fixture
def wide_console():
    """A screen wide enough that no line of `show version` wraps: the pager counts lines."""
    c = Console(columns=200)
    c.wait_tail(r"Device>")
    yield c
    c.close()


def test_more_pages_long_output(wide_console):
    console = wide_console
    expected = full_output(console, "show version")
    assert len(expected) > 2 * 23 + 1, len(expected)
    shown = console.screen.row

    console.send("show version\r")
    console.wait_tail(escape(MORE.rstrip()))
    assert console.raw.endswith(MORE), repr(console.raw[-40:])
    assert console.cursor()[1] == len(MORE)
    lines = console.lines()[shown:]
    first = lines.index("Device>show version")
    # IOS: a screen of 24 lines holds 23 lines of output and the --More-- line.
    assert lines[first + 1:-1] == expected[:23]

    console.send(" ")                     # Space: the next 23 lines, --More-- erased first
    console.wait(lambda ls: console.raw.endswith(ERASE + "\r\n".join(expected[23:46]) + "\r\n" + MORE)
                 or console.raw.endswith(ERASE + "\n".join(expected[23:46]) + "\n" + MORE), "the second page")
    lines = console.lines()[shown:]
    assert lines[first + 1:-1] == expected[:46]
    assert sum(1 for line in lines if "--More--" in line) == 1   # the first one was erased

    console.send("\r")                    # Enter: one more line
    console.wait(lambda ls: ls[-2:] == [expected[46], MORE.rstrip()], "one more line")
    assert console.lines()[shown:][first + 1:-1] == expected[:47]

    console.send("q")                     # q: the rest is dropped, the prompt where --More-- was
    console.wait_tail(escape(expected[46]), r"Device>")
    assert console.raw.endswith(ERASE + "Device>"), repr(console.raw[-60:])
    assert not any(line in console.lines()[shown:] for line in expected[47:] if line), "output after q"
    console.send("show clock\r")          # the key was taken by the pager, not typed
    console.wait_tail(r"Device>show clock", CLOCK, r"Device>")

    # Space to the end: the last page ends with the prompt, no --More--.
    console.send("show version\r")
    console.wait_tail(escape(MORE.rstrip()))
    console.send("   ")
    console.wait_tail(escape(expected[-1]), r"Device>")
    lines = console.lines()
    first = max(i for i, line in enumerate(lines) if line == "Device>show version")
    assert lines[first + 1:-1] == expected

    # Ctrl-C at --More-- stops the output too (and does not interrupt the process).
    console.send("show version\r")
    console.wait_tail(escape(MORE.rstrip()))
    console.send("\x03")
    console.wait_tail(escape(expected[22]), r"Device>")
    assert console.child.isalive()


def test_terminal_length_sets_the_page_and_zero_turns_paging_off(wide_console):
    console = wide_console
    expected = full_output(console, "show version")
    console.send("terminal length 10\r")
    console.wait_tail(r"Device>")
    console.send("show version\r")
    console.wait_tail(escape(expected[8]), escape(MORE.rstrip()))
    lines = console.lines()
    first = max(i for i, line in enumerate(lines) if line == "Device>show version")
    assert lines[first + 1:-1] == expected[:9]
    console.send("q")
    console.wait_tail(escape(expected[8]), r"Device>")

    console.send("terminal length 0\r")
    console.wait_tail(r"Device>")
    start = len(console.raw)
    console.send("show version\r")
    console.wait_tail(escape(expected[-1]), r"Device>")
    assert "--More--" not in console.raw[start:]


def test_more_pages_streamed_output_and_log_waits_for_the_end():
    # A running-config this long is written in chunks while it is produced (the shell's output
    # stream); the pager stops inside them as in a returned output.
    users = [f"username user{i:05d} password 0 pass{i:05d}" for i in range(4000)]
    c = Console(columns=200, startup_config="\n".join(users) + "\n")
    try:
        c.wait_tail(r"Device>")
        port = configure_das(c)
        shown = c.screen.row
        c.send("show running-config\r")
        c.wait_tail(escape(MORE.rstrip()), timeout=20)
        lines = c.lines()[shown:]
        first = lines.index("Device#show running-config")
        page = lines[first + 1:-1]
        assert len(page) == 23 and page[0] == "Building configuration...", page

        c.send(" ")
        c.wait(lambda ls: ls[-1] == MORE.rstrip() and len(ls) - shown - first - 2 == 46, "the second page")
        c.send("\r")
        c.wait(lambda ls: ls[-1] == MORE.rstrip() and len(ls) - shown - first - 2 == 47, "one more line")
        page = c.lines()[shown:][first + 1:-1]
        user_rows = [line for line in page if line.startswith("username ")]
        assert user_rows == users[:len(user_rows)] and user_rows, page

        # A DAS packet while the pager waits inside a streamed chunk is answered once the
        # output is over; its log lines come after the prompt.
        done = {}

        def pod():
            done["last"] = send_pod(port)

        sender = threading.Thread(target=pod)
        sender.start()
        time.sleep(0.5)
        c.send("q")
        sender.join(10)
        assert "last" in done
        lines = c.wait_tail(done["last"], r"Device#", timeout=20)
        end = max(i for i, line in enumerate(lines) if line == "Device#")
        assert sum(1 for line in lines if line.startswith("username ")) == len(user_rows)
        assert lines[end - len(pod_lines(lines)) - 1] == "Device#", lines[-12:]
        c.send("show clock\r")
        c.wait_tail(r"Device#show clock", CLOCK, r"Device#")
    finally:
        c.close()


def test_reload_confirm_takes_one_key(console):
    enable(console)
    console.send("reload\r")
    console.wait_tail(r"Device#reload", r"Proceed with reload\? \[confirm\]")
    console.send("n")                     # one key, no Enter: the reload is cancelled
    console.wait_tail(r"Proceed with reload\? \[confirm\]", r"Device#")
    console.send("reload\r")
    console.wait_tail(r"Device#reload", r"Proceed with reload\? \[confirm\]")
    console.send("y")                     # one key confirms
    console.wait_tail(r"Press RETURN to get started!", r"", r"Device>")


def emulator_pid(console):
    """The emulator's process id under the check_tty wrapper shell (its only child)."""
    shell = console.child.pid
    children = Path(f"/proc/{shell}/task/{shell}/children").read_text().split()
    assert len(children) == 1, children
    return int(children[0])


def test_sigterm_saves_nothing_exits_zero_and_leaves_the_tty_as_found():
    c = Console(check_tty=True)
    try:
        c.wait_tail(r"Device>")
        enable(c)
        c.send("configure terminal\rhostname CHANGED\r")
        c.wait_tail(r"CHANGED\(config\)#")
        os.kill(emulator_pid(c), signal.SIGTERM)
        c.wait_tail(r".*tty as found, status 0", r"")
        assert (Path(c.directory) / "startup-config").read_text() == ""
    finally:
        c.close()


def test_closing_the_terminal_ends_the_console_as_end_of_input_does():
    # The kernel sends SIGHUP to the console's process when its terminal closes: status 0, as
    # at end of input, not death by the signal.
    c = Console()
    try:
        c.wait_tail(r"Device>")
        c.child.close(force=True)
        assert c.child.signalstatus is None and c.child.exitstatus == 0, (c.child.signalstatus, c.child.exitstatus)
    finally:
        c.close()
