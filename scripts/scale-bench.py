#!/usr/bin/env python3
"""How many headless routers, each with 100 VPN sessions, one machine runs, and their memory each:
started as processes of the static binary and as containers of flexvpn-emu:latest
(README, "Running many"). Prints figures; asserts nothing.

    scripts/image.sh                                 # the image and the static binary
    scripts/scale-bench.py --processes 50 --containers 20

(On the project's machines podman needs CONTAINERS_CONF=Tests/image/containers.conf.)

Each router starts from a scenario (a startup-config opening SSH, then 100 `lab session connect`
lines), headless, SSH on a port of 127.0.0.1 of its own. Once every router answers on its SSH port
(the time until then is the start time), the benchmark waits a few seconds, then reads for each
router its resident set (RSS) and proportional set (PSS: the binary's pages shared between
routers counted once) from /proc/PID/smaps_rollup, its CPU time over an idle interval, and the
machine's MemAvailable at the start, which divided by the PSS gives the memory bound. For
containers it adds each one's conmon (podman's monitor process). Only loopback and the
containers' own network namespaces carry packets.
"""

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SESSIONS = 100
ENV = dict(os.environ)


def scenario(das_port):
    lines = ["hostname R1", "username admin privilege 15 secret cisco", "aaa new-model",
             "aaa authentication login default local", "aaa authorization exec default local",
             "aaa server radius dynamic-author", " client 127.0.0.1 server-key cisco", f" port {das_port}",
             "line vty 0 4", " transport input ssh", "end"]
    lines += [f"lab session connect user{n}.bench peer 10.0.{n // 250}.{n % 250 + 1}" for n in range(SESSIONS)]
    return "\n".join(lines) + "\n"


def free_ports(count, kind=socket.SOCK_STREAM):
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, kind)
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            return s.recv(8).startswith(b"SSH-2.0")
    except OSError:
        return False


def wait_all(ports, started, timeout=300):
    ready = {}
    while len(ready) < len(ports) and time.monotonic() - started < timeout:
        for port in ports:
            if port not in ready and answers(port):
                ready[port] = time.monotonic() - started
        time.sleep(0.05)
    missing = [port for port in ports if port not in ready]
    if missing:
        sys.exit(f"routers on ports {missing} never answered")
    return ready


def mem_available_kib():
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1])
    raise RuntimeError("no MemAvailable")


def memory_kib(pid):
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        fields[name] = int(value.split()[0])
    return fields["Rss"], fields["Pss"]


def threads(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid):
    parts = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")


def report(kind, pids, extra_pids, ready, available_kib, idle_seconds):
    time.sleep(3)
    cpu_start = {pid: cpu_seconds(pid) for pid in pids}
    time.sleep(idle_seconds)
    cpu = sum(cpu_seconds(pid) - cpu_start[pid] for pid in pids) / idle_seconds
    rss = [memory_kib(pid)[0] for pid in pids]
    pss = [memory_kib(pid)[1] for pid in pids]
    extra = [memory_kib(pid)[1] for pid in extra_pids]
    count = len(pids)
    # What one more router costs: its PSS (and its conmon's); the kernel's socket and namespace
    # memory is not in it.
    each = statistics.median(pss) + (statistics.median(extra) if extra else 0)
    starts = sorted(ready.values())
    print(f"\n{kind}: {count} routers, {SESSIONS} sessions each, all answering SSH")
    print(f"  from the first start to SSH answering (started one after another, without waiting): "
          f"median {statistics.median(starts):.2f} s, all {starts[-1]:.2f} s")
    print(f"  router RSS each: median {statistics.median(rss) / 1024:.1f} MiB (min {min(rss) / 1024:.1f}, max {max(rss) / 1024:.1f})")
    print(f"  router PSS each: median {statistics.median(pss) / 1024:.1f} MiB")
    print(f"  threads each: median {statistics.median(threads(pid) for pid in pids)}")
    if extra:
        print(f"  conmon PSS each: median {statistics.median(extra) / 1024:.2f} MiB")
    print(f"  idle CPU, all routers together: {cpu * 100:.2f} % of one core ({cpu * 100 / count:.3f} % each)")
    print(f"  memory bound: {int(available_kib * 0.9 / each)} routers in 90 % of the "
          f"{available_kib / 1048576:.1f} GiB available at start, at {each / 1024:.1f} MiB each")


def run_processes(count, binary, idle_seconds):
    folder = Path(tempfile.mkdtemp(prefix="flexvpn-scale-"))
    ssh_ports = free_ports(count)
    das_ports = free_ports(count, socket.SOCK_DGRAM)
    processes = []
    before = mem_available_kib()
    started = time.monotonic()
    try:
        for n in range(count):
            directory = folder / f"r{n}"
            directory.mkdir()
            (directory / "scenario").write_text(scenario(das_ports[n]))
            processes.append(subprocess.Popen(
                [binary, "--headless", "--ssh-port", str(ssh_ports[n]), "--scenario", str(directory / "scenario"),
                 "--startup-config", str(directory / "startup-config")],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL))
        ready = wait_all(ssh_ports, started)
        report("processes", [p.pid for p in processes], [], ready, before, idle_seconds)
    finally:
        for p in processes:
            p.terminate()
        for p in processes:
            p.wait()
        shutil.rmtree(folder, ignore_errors=True)


def podman(*args):
    return subprocess.run(["podman", *args], capture_output=True, text=True, env=ENV, check=True).stdout.strip()


def run_containers(count, idle_seconds):
    folder = Path(tempfile.mkdtemp(prefix="flexvpn-scale-"))
    ssh_ports = free_ports(count)
    names = [f"flexvpn-scale-{os.getpid()}-{n}" for n in range(count)]
    before = mem_available_kib()
    started = time.monotonic()
    try:
        for n, name in enumerate(names):
            directory = folder / f"r{n}"
            directory.mkdir()
            (directory / "scenario").write_text(scenario(3799))
            podman("run", "--detach", "--read-only", "--name", name, "--volume", f"{directory}:/config:U",
                   "--env", "FLEXVPN_SCENARIO=/config/scenario", "--env", "FLEXVPN_TELNET_PORT=0",
                   "--publish", f"127.0.0.1:{ssh_ports[n]}:2222/tcp", "flexvpn-emu:latest")
        ready = wait_all(ssh_ports, started)
        pids = [int(podman("inspect", "--format", "{{.State.Pid}}", name)) for name in names]
        conmons = [int(podman("inspect", "--format", "{{.State.ConmonPid}}", name)) for name in names]
        report("containers", pids, conmons, ready, before, idle_seconds)
    finally:
        subprocess.run(["podman", "rm", "--force", "--time", "0", *names], capture_output=True, env=ENV)
        shutil.rmtree(folder, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=50, help="routers started as processes (0: none)")
    parser.add_argument("--containers", type=int, default=20, help="routers started as containers (0: none)")
    parser.add_argument("--idle-seconds", type=float, default=10, help="the idle interval CPU is measured over")
    parser.add_argument("--binary", help="the flexvpn-emu to start as processes (default: the image's static build)")
    arguments = parser.parse_args()
    binary = arguments.binary or subprocess.run(
        ["swift", "build", "-c", "release", "--scratch-path", str(ROOT / ".build-image"), "--show-bin-path"],
        capture_output=True, text=True, check=True, cwd=ROOT).stdout.strip() + "/flexvpn-emu"
    print(f"machine: {os.cpu_count()} cores, MemAvailable {mem_available_kib() / 1048576:.1f} GiB, "
          f"load average {os.getloadavg()[0]:.1f}")
    if arguments.processes:
        run_processes(arguments.processes, binary, arguments.idle_seconds)
    if arguments.containers:
        run_containers(arguments.containers, arguments.idle_seconds)


if __name__ == "__main__":
    main()
