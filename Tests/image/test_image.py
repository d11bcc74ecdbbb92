"""The OCI image of scripts/image.sh, checked from the host (README, "Container image"): what the
image declares, the OCI archive loaded into an empty store, SSH login and a command, the health
check, a radclient Disconnect-Request answered, and `podman stop` (SIGTERM) ending the router in
under 2 s with what `write memory` saved intact in the volume."""

import json
import shutil
import stat
import subprocess
import tempfile
import time
from pathlib import Path

import pexpect

from conftest import ENV, EXAMPLE_CONFIG, Router, podman

AUDIT_ID = "L2L433010101ZO2L4C0A8CA02ZH11941194ZN3B"


def test_the_image_runs_headless_as_a_non_root_user_with_its_ports_volume_and_health_check(image):
    info = json.loads(podman("image", "inspect", "flexvpn-emu:latest").stdout)[0]
    config = info["Config"]
    assert config["User"] == "10001:10001"
    assert config["Entrypoint"] == ["/usr/local/bin/flexvpn-emu"]
    assert set(config["ExposedPorts"]) == {"2222/tcp", "2323/tcp", "3799/udp", "1700/udp", "500/udp", "4500/udp"}
    assert set(config["Volumes"]) == {"/config"}
    assert config["StopSignal"] == "SIGTERM"
    env = dict(entry.split("=", 1) for entry in config["Env"])
    assert env["FLEXVPN_HEADLESS"] == "1" and env["FLEXVPN_SSH_PORT"] == "2222"
    assert env["FLEXVPN_STARTUP_CONFIG"] == "/config/startup-config"
    assert info["Healthcheck"]["Test"] == ["CMD", "/usr/local/bin/flexvpn-emu", "health"]
    # Both tags name the same image.
    versioned = podman("image", "inspect", "--format", "{{.Id}}", f"flexvpn-emu:{image['version']}").stdout
    assert versioned.strip() == info["Id"]


def test_the_oci_archive_loads_into_an_empty_store_with_its_configuration(image):
    inspected = json.loads(subprocess.run(["skopeo", "inspect", "--config", f"oci-archive:{image['archive']}"],
                                          capture_output=True, text=True, env=ENV, check=True).stdout)
    assert inspected["config"]["Entrypoint"] == ["/usr/local/bin/flexvpn-emu"]
    assert set(inspected["config"]["ExposedPorts"]) == {"2222/tcp", "2323/tcp", "3799/udp", "1700/udp", "500/udp", "4500/udp"}
    config = loaded_config(image["archive"], image["version"])["Config"]
    assert config["User"] == "10001:10001"
    assert config["Entrypoint"] == ["/usr/local/bin/flexvpn-emu"]
    assert set(config["Volumes"]) == {"/config"}


def test_the_docker_archive_loads_with_its_health_check(image):
    loaded = loaded_config(image["docker_archive"], image["version"])
    assert loaded["Config"]["User"] == "10001:10001"
    assert loaded["Healthcheck"]["Test"] == ["CMD", "/usr/local/bin/flexvpn-emu", "health"]


def loaded_config(archive, version):
    """`podman load` of `archive` into a store of its own (the machine's images are not touched);
    the loaded image's configuration."""
    # podman wants a run root of at most 50 characters.
    folder = Path(tempfile.mkdtemp(prefix="fx-", dir="/tmp"))
    try:
        store = ["--root", str(folder / "root"), "--runroot", str(folder / "run"), "--storage-driver", "vfs"]
        loaded = podman(*store, "load", "--input", str(archive))
        assert f"flexvpn-emu:{version}" in loaded.stdout, loaded.stdout
        return json.loads(podman(*store, "image", "inspect", f"flexvpn-emu:{version}").stdout)[0]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_ssh_login_and_a_command(router):
    output, status = router.ssh("show version")
    assert status == 0, output
    assert "Cisco IOS XE Software, Version 17.03.04a" in output, output
    assert "R1 uptime is" in output, output
    client = router.shell()
    client.sendline("show running-config | include hostname")
    client.expect_exact("hostname R1")
    client.expect_exact("R1#")
    client.sendline("exit")
    client.expect(pexpect.EOF)


def test_the_health_check_finds_the_router_answering(router):
    result = podman("healthcheck", "run", router.name, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    output = podman("exec", router.name, "/usr/local/bin/flexvpn-emu", "health").stdout
    assert "ssh 127.0.0.1 port 2222: answers" in output, output
    assert "telnet 127.0.0.1 port 2323: answers" in output, output


def test_the_health_check_fails_when_a_port_does_not_answer(router):
    result = podman("exec", router.name, "/usr/local/bin/flexvpn-emu", "health", "--ssh-port", "2299", check=False)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "ssh 127.0.0.1 port 2299: no answer" in result.stdout


def radclient(port, attributes):
    return subprocess.run(["radclient", "-x", "-r", "1", "-t", "3", f"127.0.0.1:{port}", "disconnect", "cisco"],
                          input=attributes, capture_output=True, text=True, timeout=30)


def test_a_radclient_disconnect_request_from_the_host_is_answered(router):
    output, status = router.ssh(f"lab session connect alice audit-session-id {AUDIT_ID}")
    assert status == 0, output
    output, _ = router.ssh("show aaa sessions")
    assert "User Name: alice" in output, output
    attributes = f'Cisco-AVPair = "audit-session-id={AUDIT_ID}"\n'
    ack = radclient(router.das_port, attributes)
    assert "Received Disconnect-ACK" in ack.stdout, ack.stdout + ack.stderr + router.logs()
    output, _ = router.ssh("show aaa sessions")
    assert "alice" not in output, output
    # Gone: the same request (a new identifier) is refused.
    nak = radclient(router.das_port, attributes)
    assert "Received Disconnect-NAK" in nak.stdout, nak.stdout + nak.stderr
    assert 'Reply-Message = "No Matching Session"' in nak.stdout, nak.stdout


def test_sigterm_ends_the_router_in_under_2_s_with_the_saved_configuration_intact(image):
    router = Router(EXAMPLE_CONFIG.read_text())
    try:
        client = router.shell()
        for line, prompt in [("configure terminal", "R1(config)#"), ("hostname SAVED", "SAVED(config)#"),
                             ("end", "SAVED#"), ("write memory", "[OK]"), ("exit", None)]:
            client.sendline(line)
            if prompt:
                client.expect_exact(prompt)
        client.expect(pexpect.EOF)
        key = router.directory / "ssh_host_ed25519_key"
        key_before = key.read_bytes()
        started = time.monotonic()
        podman("stop", "--time", "10", router.name)
        stopped = time.monotonic() - started
        print(f"\npodman stop (SIGTERM) to exited: {stopped:.2f} s")
        assert stopped < 2.0, f"podman stop took {stopped:.2f} s"
        state = json.loads(podman("inspect", router.name).stdout)[0]["State"]
        assert state["ExitCode"] == 0, state
        saved = (router.directory / "startup-config").read_text()
        assert "hostname SAVED\n" in saved, saved
        assert "username admin privilege 15 secret 9 $9$" in saved, saved
        assert " port 3799\n" in saved, saved
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
        # The same volume starts the saved router, with the same host key.
        router.remove(keep_directory=True)
        again = Router(directory=router.directory)
        try:
            output, _ = again.ssh("show running-config | include hostname")
            assert "hostname SAVED" in output, output
            assert key.read_bytes() == key_before
        finally:
            again.remove(keep_directory=True)
    finally:
        router.remove()


def test_a_scenario_in_the_volume_named_by_its_variable_starts_the_router(image):
    directory = Path(tempfile.mkdtemp(prefix="flexvpn-image-"))
    lines = EXAMPLE_CONFIG.read_text().replace("hostname R1", "hostname SCEN")
    (directory / "lab-scenario").write_text(lines + "lab session connect bob peer 192.168.202.9\n")
    router = Router(directory=directory, environment=["FLEXVPN_SCENARIO=/config/lab-scenario"])
    try:
        output, status = router.ssh("show aaa sessions")
        assert status == 0 and "User Name: bob" in output, output
        output, _ = router.ssh("show running-config | include hostname")
        assert "hostname SCEN" in output, output
    finally:
        router.remove()
