"""Training labs end to end: every bundled lab's reference solution (console lines into the real
binary, radclient from this machine where the lab asks for it) grades 100%; a partial attempt
grades exactly what it did; a malformed lab file starts nothing; reports validate against the
schema in the repository; `labs report` output is pinned; the class script serves a lab over SSH.
"""

import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BINARY = os.environ.get("FLEXVPN_TERMINAL_BINARY", str(ROOT / ".build" / "debug" / "flexvpn-emu"))
SCHEMA = json.loads((ROOT / "Sources" / "Shell" / "Lab" / "lab-report.schema.json").read_text())
BUNDLED = ROOT / "Sources" / "Shell" / "Lab" / "Bundled"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ENV = dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8")
PROMPT = re.compile(r"[A-Za-z0-9_.\-@/:]+(\([A-Za-z0-9_.\-@/:+]*\))?[#>]$")


def das_address():
    """A loopback address of its own, so the lab's DAS port never meets another test's."""
    return f"127.0.{random.randint(2, 250)}.{random.randint(2, 250)}"


class PipedLab:
    """The emulator in a lab, its console piped: lines in, the transcript out."""

    def __init__(self, lab, directory, student="alice", extra=()):
        self.report = Path(directory) / "report.json"
        self.das = das_address()
        self.process = subprocess.Popen(
            [BINARY, "--lab", str(lab), "--lab-report", str(self.report), "--student", student,
             "--das-address", self.das, "--startup-config", str(Path(directory) / "startup-config"), *extra],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
        self.output = ""
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.wait_prompt(0)

    def _read(self):
        while True:
            chunk = self.process.stdout.read1(4096)
            if not chunk:
                return
            with self.lock:
                self.output += chunk.decode("utf-8", "replace")

    def wait_prompt(self, start, timeout=20.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                tail = self.output[start:]
            if PROMPT.search(tail):
                return
            time.sleep(0.02)
        raise AssertionError(f"no prompt; output so far:\n{self.output[-2000:]}")

    def type(self, text):
        for line in text.strip("\n").split("\n"):
            with self.lock:
                start = len(self.output)
            self.process.stdin.write((line + "\n").encode())
            self.process.stdin.flush()
            # The echo of the line, then its output, then the next prompt.
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                with self.lock:
                    tail = self.output[start:]
                if line in tail and PROMPT.search(tail.split(line, 1)[1]):
                    break
                time.sleep(0.02)
            else:
                raise AssertionError(f"no prompt after {line!r}:\n{self.output[-2000:]}")

    def radclient(self, attributes, port, secret, code="disconnect"):
        run = subprocess.run(["radclient", "-x", "-r", "1", "-t", "3", f"{self.das}:{port}", code, secret],
                             input=attributes + "\n", capture_output=True, text=True, timeout=30)
        return run.stdout

    def finish(self):
        self.process.stdin.close()
        assert self.process.wait(timeout=20) == 0, self.process.stderr.read().decode()
        self.reader.join(timeout=5)
        return json.loads(self.report.read_text())


def run_solution(name, directory):
    lab = PipedLab(name, directory)
    steps = yaml.safe_load((BUNDLED / f"{name}.yaml").read_text())["solution"]
    replies = []
    for step in steps:
        if "console" in step:
            lab.type(step["console"])
        else:
            r = step["radclient"]
            replies.append(lab.radclient(r["attributes"], r["port"], r["secret"], r.get("code", "disconnect")))
    lab.type("lab check")
    return lab, replies


@pytest.fixture
def folder():
    path = tempfile.mkdtemp(prefix="flexvpn-labs-")
    yield Path(path)
    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.parametrize("name", ["das-setup", "reauthenticate", "new-policy", "free-resources", "troubleshoot"])
def test_reference_solution_grades_full(name, folder):
    lab, replies = run_solution(name, folder)
    assert "%LAB-5-LAB_COMPLETE" in lab.output
    # Written on every change, before the end.
    during = json.loads(lab.report.read_text())
    assert during["points"] == during["max_points"] and not during["final"]
    report = lab.finish()
    jsonschema.validate(report, SCHEMA)
    assert report["final"] and report["lab"] == name and report["student"] == "alice"
    assert report["points"] == report["max_points"] > 0
    assert all(task["state"] == "passed" for task in report["tasks"])
    if name == "reauthenticate":
        # The real radclient's view: ACK, then the seeds' NAK for the session that is gone.
        assert "Received Disconnect-ACK" in replies[0]
        assert "Received Disconnect-NAK" in replies[1] and 'Reply-Message = "No Matching Session"' in replies[1]
        assert "pskuser2.g1.engdt.com" not in lab.output.rsplit("show aaa sessions", 1)[1]


def test_partial_attempt_grades_exactly_the_tasks_done(folder):
    lab = PipedLab("reauthenticate", folder)
    lab.type("enable\nshow aaa sessions")
    # The wrong session id: NAK, nothing disconnected; then pskuser4 instead of pskuser2.
    nak = lab.radclient('Cisco-AVPair = "audit-session-id=NOSUCHSESSION"', 3799, "cisco")
    assert "Received Disconnect-NAK" in nak
    ack = lab.radclient('User-Name = "pskuser4.g2.engdt.com"', 3799, "cisco")
    assert "Received Disconnect-ACK" in ack
    report = lab.finish()
    jsonschema.validate(report, SCHEMA)
    assert [t["state"] for t in report["tasks"]] == ["passed", "open", "waiting"]
    assert report["points"] == 20


def test_new_policy_partial_attempt_grades_exactly_the_tasks_done(folder):
    lab = PipedLab("new-policy", folder)
    # radclient ends pskuser3's session; the client comes back through the profile with the RADIUS
    # server's new policy, but the student never looks at it: the check task stays open.
    lab.type("enable")
    ack = lab.radclient('User-Name = "pskuser3.g1.engdt.com"', 3799, "cisco")
    assert "Received Disconnect-ACK" in ack
    # `show ip local pool` is not one of the commands the check task asks for.
    lab.type("lab clock advance 5\nshow ip local pool")
    report = lab.finish()
    jsonschema.validate(report, SCHEMA)
    assert [t["state"] for t in report["tasks"]] == ["passed", "open", "passed"]
    assert report["points"] == 60
    # The reconnect took its address from the pool the server's new policy names.
    assert re.search(r"NEW-POOL +10\.99\.1\.1 +10\.99\.1\.254 +253 +1 +0", lab.output), lab.output[-800:]


def test_wrong_key_is_silent_and_grades_nothing(folder):
    lab = PipedLab("reauthenticate", folder)
    lab.type("enable\nshow aaa user 41")
    out = lab.radclient('User-Name = "pskuser2.g1.engdt.com"', 3799, "wrongkey")
    assert "Received" not in out
    lab.type("lab check")
    assert "Lab reauthenticate: 0 of 3 tasks passed, 0 of 100 points" in lab.output
    report = lab.finish()
    assert report["points"] == 0 and report["tasks"][0]["attempts"] == 1


def test_timed_event_on_the_real_clock_grades_without_the_student(folder):
    """A lab on the host's clock: its event fires from the engine's timer 1 s after the start,
    the task passes with no command typed, and the report says so before the program ends."""
    lab_file = folder / "timed.yaml"
    lab_file.write_text("""title: Timed
story: A client connects after a second.
scenario: |
  hostname R1
  end
events:
  - at: 1
    run: lab session connect bob peer 192.168.202.9
tasks:
  - title: bob is connected
    checks:
      - session-exists: {user: bob, peer: 192.168.202.9}
""")
    lab = PipedLab(lab_file, folder)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if lab.report.exists() and json.loads(lab.report.read_text())["points"] == 1:
            break
        time.sleep(0.1)
    report = json.loads(lab.report.read_text())
    assert report["tasks"][0]["state"] == "passed" and report["tasks"][0]["passed_after_seconds"] >= 1
    assert "%LAB-5-TASK_PASSED: Task 1 (bob is connected) passed, 1 points (1 of 1)" in lab.output
    final = lab.finish()
    jsonschema.validate(final, SCHEMA)
    assert final["lab"] == "timed" and final["final"]


def test_malformed_lab_file_starts_nothing(folder):
    bad = folder / "broken.yaml"
    bad.write_text("title: Broken\nstory: x\nscenario: seed-example\ntasks:\n  - title: A\n    checks:\n"
                   "      - sessions-vanish: {user: bob}\n")
    run = subprocess.run([BINARY, "--lab", str(bad), "--lab-report", str(folder / "r.json")],
                         input="", capture_output=True, text=True, timeout=30, env=ENV)
    assert run.returncode != 0
    assert f"{bad}:7: unknown check 'sessions-vanish'" in run.stderr
    assert run.stdout == ""
    assert not (folder / "r.json").exists()
    check = subprocess.run([BINARY, "labs", "check", str(bad), "das-setup"], capture_output=True, text=True, env=ENV)
    assert check.returncode == 1
    assert check.stdout.splitlines() == [f"{bad}:7: unknown check 'sessions-vanish' (the checks are: config-has, "
                                         "config-lacks, config-saved, session-exists, session-gone, das-reply, "
                                         "stop-sent, command-used, show-matches)",
                                         "das-setup: ok, 4 tasks, 100 points"]


def test_labs_lists_the_bundled_labs():
    out = subprocess.run([BINARY, "labs"], capture_output=True, text=True, check=True, env=ENV).stdout
    assert [line.split()[0] for line in out.splitlines()] == ["das-setup", "reauthenticate", "new-policy",
                                                              "free-resources", "troubleshoot"]
    schema = subprocess.run([BINARY, "labs", "schema"], capture_output=True, text=True, check=True, env=ENV).stdout
    assert json.loads(schema) == SCHEMA


@pytest.mark.parametrize("flag,expected", [(None, "class.txt"), ("--csv", "class.csv"), ("--junit", "class.junit.xml")])
def test_labs_report_is_pinned(flag, expected):
    reports = sorted(FIXTURES.glob("*.json"))
    for path in reports:
        jsonschema.validate(json.loads(path.read_text()), SCHEMA)
    args = [BINARY, "labs", "report", *map(str, reports)] + ([flag] if flag else [])
    out = subprocess.run(args, capture_output=True, text=True, check=True, env=ENV).stdout
    assert out == (FIXTURES / expected).read_text()


def test_class_script_serves_one_router_per_student(folder):
    import asyncio

    import asyncssh

    base = random.randint(20000, 40000)
    env = dict(ENV, FLEXVPN_BINARY=BINARY, BASE_PORT=str(base))
    started = subprocess.run([str(ROOT / "scripts" / "class.sh"), "start", "reauthenticate", str(folder), "ann", "ben"],
                             capture_output=True, text=True, env=env, timeout=60)
    try:
        assert started.returncode == 0, started.stderr
        roster = (folder / "roster.txt").read_text().splitlines()
        assert len(roster) == 2
        passwords = {line.split()[0]: line.split()[6] for line in roster}

        async def session(user, port, commands):
            deadline = time.monotonic() + 20
            while True:
                try:
                    conn = await asyncssh.connect("127.0.0.1", port, username=user, password=passwords[user],
                                                  known_hosts=None)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    await asyncio.sleep(0.2)
            async with conn:
                return [(await conn.run(c)).stdout for c in commands]

        ann = asyncio.run(session("ann", base, ["show lab"]))
        assert "Lab reauthenticate: Enforce reauthentication" in ann[0]
        # ben, at `#` over SSH despite the lab's AAA, looks the session up, then disconnects it
        # with radclient from this machine to his router's own DAS address (router 2: 127.0.1.2).
        ben = asyncio.run(session("ben", base + 1, ["show aaa user 41"]))
        assert "L2L433010101ZO2L4C0A8CA02ZH119404ZP37" in ben[0]
        reply = subprocess.run(["radclient", "-x", "-r", "1", "-t", "3", "127.0.1.2:3799", "disconnect", "cisco"],
                               input='User-Name = "pskuser2.g1.engdt.com"\n', capture_output=True, text=True,
                               timeout=30).stdout
        assert "Received Disconnect-ACK" in reply
        ben = asyncio.run(session("ben", base + 1, ["lab check"]))
        assert "Lab reauthenticate: 2 of 3 tasks passed, 70 of 100 points" in ben[0]
    finally:
        stopped = subprocess.run([str(ROOT / "scripts" / "class.sh"), "stop", str(folder)],
                                 capture_output=True, text=True, env=env, timeout=60)
    assert stopped.returncode == 0, stopped.stderr
    assert stopped.stdout.splitlines()[1].split()[:3] == ["ann", "reauthenticate", "0/100"]
    assert stopped.stdout.splitlines()[2].split()[:3] == ["ben", "reauthenticate", "70/100"]
    for student, points in (("ann", 0), ("ben", 70)):
        report = json.loads((folder / "reports" / f"{student}.json").read_text())
        jsonschema.validate(report, SCHEMA)
        assert report["final"] and report["student"] == student and report["points"] == points
