"""The interactive console on a real pseudo-terminal: libedit line editing with IOS habits.

Runs a console binary under pexpect and replays its output on a small virtual screen (below), so
the assertions read what a person would see, whatever cursor movements libedit chose.

Binary: $FLEXVPN_TERMINAL_BINARY, else .build/debug/terminal-demo (a tiny IOS-like shell on the
real TerminalConsole, Tests/terminal/Demo). Once flexvpn-emu starts the TerminalConsole when its
standard input is a terminal, the default becomes .build/debug/flexvpn-emu and
`trigger_async_log` must make that binary log a line (see there).
Build first: `swift build --product terminal-demo` (or the product).
Run: `python3 -m pytest Tests/terminal -q`.
"""

import os
import re
import signal
import time
from pathlib import Path

import pexpect
import pytest

ROOT = Path(__file__).resolve().parents[2]
BINARY = os.environ.get("FLEXVPN_TERMINAL_BINARY", str(ROOT / ".build" / "debug" / "terminal-demo"))
IS_DEMO = Path(BINARY).name == "terminal-demo"

STAMP = r"\*?[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d\.\d{3}: "
CONFIG_I = STAMP + r"%SYS-5-CONFIG_I: Configured from console by console"
ASYNC_LOG = STAMP + r"%LINK-3-UPDOWN: Interface Tunnel0, changed state to up"
CLOCK = r"\*?\d\d:\d\d:\d\d\.\d{3} .+"   # `show clock`


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
    def __init__(self, columns=100):
        assert Path(BINARY).is_file(), f"{BINARY} is missing: build it first (see this file's docstring)"
        self.screen = Screen(columns)
        self.raw = ""
        env = dict(os.environ, TERM="xterm", LANG="C.UTF-8", LC_ALL="C.UTF-8")
        self.child = pexpect.spawn(BINARY, env=env, dimensions=(24, columns),
                                   encoding="utf-8", codec_errors="replace", timeout=10)

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
            self.pump(0.1)
            if condition(self.lines()):
                self.pump(0.2)
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


def trigger_async_log(console):
    """Makes the device log `%LINK-3-UPDOWN ...` while the user types (ASYNC_LOG). The demo does
    it on SIGUSR1. For flexvpn-emu: replace with a real event (for example a RADIUS packet to its
    DAS port on 127.0.0.1 with `debug aaa pod` on) and adjust ASYNC_LOG to the line it prints."""
    if not IS_DEMO:
        raise NotImplementedError("no asynchronous-log trigger for " + BINARY)
    console.child.kill(signal.SIGUSR1)


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
    assert console.cursor()[1] == len("Device>")

    # After a partial word: the completions on one line, then the typed text again, cursor at its
    # end, and the `?` is not part of the line: finishing the word runs `enable`.
    console.send("en?")
    console.wait_tail(r"Device>en\?", r"enable", r"", r"Device>en")
    assert console.cursor()[1] == len("Device>en")
    console.send("able\r")
    console.wait_tail(r"Device>enable", r"Device#")
    assert "% Invalid" not in console.raw


def test_question_mark_with_cursor_inside_the_line(console):
    console.send("show cl")
    console.send("\x02\x02\x02")          # Ctrl-B three times: cursor under the space
    console.wait(lambda _: console.cursor()[1] == len("Device>show"), "cursor moved left")
    console.send("?")
    lines = console.wait_tail(r"", r"Device>show cl")
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
    console.send("\r")
    console.wait_tail(r"Device>enable", r"Device#")


def test_arrows_recall_history(console):
    enable(console)
    console.send("show clock\r")
    console.wait_tail(r"Device#show clock", r".+", r"Device#")
    console.send("\x1b[A")                # up: the previous command
    console.wait_tail(r"Device#show clock")
    console.send("\x1b[A")                # up again: the one before
    console.wait_tail(r"Device#enable")
    console.send("\x1b[B")                # down: back to the newer one
    console.wait_tail(r"Device#show clock")
    console.send("\r")
    lines = console.wait_tail(r"Device#show clock", r".+", r"Device#")
    assert sum(1 for line in lines if line == "Device#show clock") == 2


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
    console.send("\x1b[A")                # the Ctrl-Z line went to the history
    console.wait_tail(r"R1#hostname R1")


def test_log_during_a_command_comes_after_the_new_prompt(console):
    enable(console)
    console.send("configure terminal\r")
    console.wait_tail(r"Device\(config\)#")
    console.send("end\r")
    console.wait_tail(r"Device\(config\)#end", r"Device#", CONFIG_I, r"Device#")


def test_async_log_redraws_the_partial_line(console):
    console.send("show cl")
    console.wait_tail(r"Device>show cl")
    trigger_async_log(console)
    console.wait_tail(r"Device>show cl", ASYNC_LOG, r"Device>show cl")
    assert console.cursor()[1] == len("Device>show cl")
    console.send("ock\r")                 # the partial line is intact
    console.wait_tail(ASYNC_LOG, r"Device>show clock", CLOCK, r"Device>")


def test_async_log_keeps_the_cursor_inside_the_line(console):
    console.send("show clock")
    console.send("\x01")                  # Ctrl-A: cursor to the start
    console.wait(lambda _: console.cursor()[1] == len("Device>"), "cursor at start of line")
    trigger_async_log(console)
    console.wait_tail(ASYNC_LOG, r"Device>show clock")
    assert console.cursor()[1] == len("Device>")
    console.send("\x05\r")                # Ctrl-E, Enter
    console.wait_tail(r"Device>show clock", CLOCK, r"Device>")


def test_async_log_and_help_on_a_wrapped_line():
    c = Console(columns=30)
    try:
        c.wait_tail(r"Device>")
        line = "Device>show " + "x" * 40   # 52 characters: two rows
        c.send(line[len("Device>"):])
        c.wait(lambda _: c.screen.logical_lines()[-1] == line, "the wrapped line")

        def tail_is(*patterns):
            tail = c.screen.logical_lines()[-len(patterns):]
            return len(tail) == len(patterns) and all(re.fullmatch(p, t) for p, t in zip(patterns, tail))

        trigger_async_log(c)
        c.wait(lambda _: tail_is(escape(line), ASYNC_LOG, escape(line)),
               "the line, the log below it, the line again")
        assert c.cursor() == (len(c.screen.rows) - 1, len(line) % 30)
        c.send("?")
        c.wait(lambda _: tail_is(escape(line + "?"), r"% Unrecognized command", escape(line)),
               "help below the wrapped line, then the line again")
    finally:
        c.close()


def test_password_is_not_echoed_and_not_in_history(console):
    enable(console)
    console.send("configure terminal\r")
    console.wait_tail(r"Device\(config\)#")
    console.send("enable secret s3cr3t\r")
    console.wait_tail(r"Device\(config\)#")
    console.send("end\r")
    console.wait_tail(CONFIG_I, r"Device#")
    console.send("disable\r")
    console.wait_tail(r"Device>")
    start = len(console.raw)
    console.send("enable\r")
    console.wait_tail(r"Password:")
    console.send("wrong\r")               # a wrong one: asked again
    console.wait_tail(r"Password:", r"Password:")
    console.send("s3c")
    trigger_async_log(console)            # a log line while typing: shown, then the prompt again
    console.wait_tail(r"Password:", ASYNC_LOG, r"Password:")
    console.send("X\x7fr3t\r")             # Backspace works without echo
    lines = console.wait_tail(r"Password:", r"Device#")
    assert "s3c" not in console.raw[start:] and "wrong" not in console.raw[start:]
    console.send("\x1b[A")                # history holds `enable`, not the password
    console.wait_tail(r"Device#enable")


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


def test_control_c_interrupts_the_process(console):
    console.send("show")
    console.wait_tail(r"Device>show")
    console.send("\x03")
    console.child.expect(pexpect.EOF, timeout=10)   # the process ends (the demo by SIGINT itself;
    console.child.close()                           # a product may catch it and exit cleanly)
    assert console.child.signalstatus == signal.SIGINT or console.child.exitstatus == 0


def test_control_d_on_an_empty_line_ends_the_session(console):
    console.send("\x04")
    console.child.expect(pexpect.EOF, timeout=10)
    console.child.close()
    assert console.child.exitstatus == 0


def test_exit_ends_the_session(console):
    console.send("exit\r")
    console.child.expect(pexpect.EOF, timeout=10)
    console.child.close()
    assert console.child.exitstatus == 0
