"""Automation clients against the vty lines over SSH, unmodified: Ansible (cisco.ios over
ansible.netcommon.network_cli), NAPALM's `ios` driver, ntc-templates on output read from a live
vty, and two clients at once (one monitoring `debug aaa pod` while radclient disconnects a
session and the other configures).

Each test starts .build/debug/flexvpn-emu (or $FLEXVPN_TERMINAL_BINARY) headless with SSH on a
free port (conftest.SSHRouter). Ansible starts once per run: one playbook, several tasks.
Build first: `swift build --product flexvpn-emu`. Run: `python3 -m pytest Tests/remote -q`.
"""

import json
import socket
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from conftest import ENV, SSHRouter, command, free_port

ROUTER = """hostname R1
enable secret cisco
username admin privilege 15 secret cisco
username oper password 0 operpass
line vty 0 4
 login local
 transport input ssh
"""

# As the README shows them (the port is the router's).
INVENTORY = """[routers]
r1 ansible_host=127.0.0.1 ansible_port={port} ansible_user=admin ansible_password=cisco

[operators]
r1-oper ansible_host=127.0.0.1 ansible_port={port} ansible_user=oper ansible_password=operpass

[operators:vars]
ansible_become=true
ansible_become_method=enable
ansible_become_password=cisco

[all:vars]
ansible_connection=ansible.netcommon.network_cli
ansible_network_os=cisco.ios.ios
ansible_host_key_checking=false
ansible_python_interpreter="{{{{ ansible_playbook_python }}}}"
"""

PLAYBOOK = """- name: Facts and show commands
  hosts: routers
  gather_facts: false
  tasks:
    - name: Facts (gather_subset min)
      cisco.ios.ios_facts:
        gather_subset: min
    - name: Show commands
      cisco.ios.ios_command:
        commands:
          - show version
          - show clock
          - show users
          - show aaa sessions

- name: The seeds' DAS configuration, twice (the second run changes nothing)
  hosts: routers
  gather_facts: false
  tasks:
    - name: AAA on
      cisco.ios.ios_config:
        lines:
          - aaa new-model
    - name: The dynamic-author block
      cisco.ios.ios_config:
        parents: aaa server radius dynamic-author
        lines:
          - client 192.168.0.5 server-key cisco
          - port 1812
        save_when: modified
    - name: AAA on, again
      cisco.ios.ios_config:
        lines:
          - aaa new-model
    - name: The dynamic-author block, again
      cisco.ios.ios_config:
        parents: aaa server radius dynamic-author
        lines:
          - client 192.168.0.5 server-key cisco
          - port 1812
        save_when: modified

- name: A privilege-1 user becomes privileged with enable
  hosts: operators
  gather_facts: false
  tasks:
    - name: Privilege after become
      cisco.ios.ios_command:
        commands:
          - show privilege
"""


def ansible_playbook():
    return str(Path(sys.executable).with_name("ansible-playbook"))


def test_ansible_ios_facts_command_and_config_idempotent():
    router = SSHRouter(ROUTER)
    folder = tempfile.mkdtemp(prefix="flexvpn-ansible-")
    try:
        (Path(folder) / "inventory.ini").write_text(INVENTORY.format(port=router.port))
        (Path(folder) / "playbook.yml").write_text(PLAYBOOK)
        env = dict(ENV, ANSIBLE_STDOUT_CALLBACK="ansible.posix.json", ANSIBLE_NOCOLOR="1",
                   ANSIBLE_LOCAL_TEMP=str(Path(folder) / "tmp"), ANSIBLE_HOME=str(Path(folder) / "home"),
                   ANSIBLE_PERSISTENT_CONTROL_PATH_DIR=str(Path(folder) / "pc"),
                   ANSIBLE_CONFIG=str(Path(folder) / "none.cfg"))
        result = subprocess.run([ansible_playbook(), "-i", "inventory.ini", "playbook.yml"], cwd=folder, env=env,
                                capture_output=True, text=True, timeout=240)
        assert result.stdout.strip().startswith("{"), result.stdout + result.stderr
        report = json.loads(result.stdout)
        tasks = {task["task"]["name"]: next(iter(task["hosts"].values()))
                 for play in report["plays"] for task in play["tasks"]}
        for host in ("r1", "r1-oper"):
            assert report["stats"][host]["failures"] == 0 and report["stats"][host]["unreachable"] == 0, \
                json.dumps(tasks, indent=1)[:6000]

        facts = tasks["Facts (gather_subset min)"]["ansible_facts"]
        assert facts["ansible_net_hostname"] == "R1"
        assert facts["ansible_net_iostype"] == "IOS-XE"
        assert facts["ansible_net_system"] == "ios"
        assert facts["ansible_net_version"].startswith("17.")
        assert facts["ansible_net_image"].startswith("bootflash:")
        assert facts["ansible_net_serialnum"]

        shows = tasks["Show commands"]["stdout"]
        assert "Cisco IOS XE Software" in shows[0]
        assert "admin" in shows[2] and "vty 0" in shows[2]
        assert "Total sessions since last reload: 0" in shows[3]

        first = tasks["The dynamic-author block"]
        assert first["changed"] is True
        assert first["updates"] == ["aaa server radius dynamic-author", "client 192.168.0.5 server-key cisco",
                                    "port 1812"]
        assert tasks["AAA on"]["changed"] is True
        # The second run finds every line in the running-config: no change, nothing sent.
        for name in ("AAA on, again", "The dynamic-author block, again"):
            assert tasks[name]["changed"] is False, tasks[name]
            assert tasks[name].get("updates", []) == []
        # become (enable, answering `Password:` with the enable secret) from privilege 1.
        assert tasks["Privilege after become"]["stdout"] == ["Current privilege level is 15"]
        # save_when: modified wrote the startup-config.
        saved = router.startup.read_text()
        assert "aaa server radius dynamic-author\n client 192.168.0.5 server-key cisco\n port 1812\n" in saved
    finally:
        router.stop()
        shutil.rmtree(folder, ignore_errors=True)


def test_napalm_ios_get_facts_get_config_and_cli():
    from napalm import get_network_driver   # installed by scripts/install-deps.sh --test; never skipped
    router = SSHRouter(ROUTER + "ip domain name lab.example\n")
    try:
        driver = get_network_driver("ios")
        device = driver(hostname="127.0.0.1", username="admin", password="cisco", timeout=30,
                        optional_args={"port": router.port, "secret": "cisco"})
        device.open()
        try:
            facts = device.get_facts()
            assert facts["hostname"] == "R1"
            assert facts["fqdn"] == "R1.lab.example"                      # from `show hosts`
            assert facts["vendor"] == "Cisco"
            assert facts["model"] == "CSR1000V"
            assert "Version 17." in facts["os_version"]
            assert facts["serial_number"] not in ("", "Unknown")
            assert facts["uptime"] >= 0
            assert facts["interface_list"] == ["GigabitEthernet1", "Loopback0"]

            config = device.get_config()
            assert "hostname R1" in config["running"]
            assert "line vty 0 4" in config["running"]
            assert "hostname R1" in config["startup"]
            assert config["candidate"] == ""

            out = device.cli(["show clock", "show privilege"])
            assert "Current privilege level is 15" in out["show privilege"]
            assert ":" in out["show clock"]
            assert "% Invalid input detected at '^' marker." in device.cli(["show nonsense"])["show nonsense"]
        finally:
            device.close()
    finally:
        router.stop()


def test_ntc_templates_parse_show_users_version_and_inventory_from_a_live_vty():
    import netmiko   # netmiko's use_textfsm reads ntc-templates' cisco_ios templates
    router = SSHRouter(ROUTER + "username oper password 0 operpass\n")
    try:
        watcher = router.spawn("oper", "operpass", prompt="R1>")
        device = netmiko.ConnectHandler(device_type="cisco_xe", host="127.0.0.1", port=router.port,
                                        username="admin", password="cisco", fast_cli=False)
        try:
            users = device.send_command("show users", use_textfsm=True)
            assert isinstance(users, list), users
            # The template keeps IOS's marker and absolute line number in LINE: the asking line
            # (netmiko's, vty 1 = line 2) is starred.
            by_line = {u["line"]: u for u in users}
            assert set(by_line) == {"1 vty 0", "*  2 vty 1"}, users
            assert by_line["1 vty 0"]["user"] == "oper"
            assert by_line["*  2 vty 1"]["user"] == "admin"
            assert {u["location"] for u in users} == {"127.0.0.1"}
            assert {u["hosts"] for u in users} == {"idle"}

            version = device.send_command("show version", use_textfsm=True)
            assert isinstance(version, list) and len(version) == 1, version
            record = version[0]
            assert record["hostname"] == "R1"
            assert record["version"].startswith("17.")
            assert record["hardware"] == ["CSR1000V"]
            assert record["config_register"] == "0x2102"
            assert record["serial"] and record["serial"][0]

            inventory = device.send_command("show inventory", use_textfsm=True)
            assert [(i["name"], i["pid"]) for i in inventory] == [
                ("Chassis", "CSR1000V"), ("module R0", "CSR1000V"), ("module F0", "CSR1000V")], inventory
            # The chassis's serial number is show version's processor board ID.
            assert inventory[0]["sn"] == record["serial"][0]
        finally:
            device.disconnect()
        watcher.sendline("exit")
    finally:
        router.stop()


def test_two_clients_one_monitors_pod_debug_while_the_other_configures():
    das_port = free_port(socket.SOCK_DGRAM)
    router = SSHRouter(ROUTER + f"""aaa new-model
aaa authorization exec default local
aaa server radius dynamic-author
 client 127.0.0.1 server-key cisco
 port {das_port}
""")
    try:
        watcher = router.spawn()
        command(watcher, "terminal monitor")
        assert "AAA POD packet processing debugging is on" in command(watcher, "debug aaa pod")
        out = command(watcher, "lab session connect alice audit-session-id L2L433010101ZO2L4C0A8CA02ZH11941194ZN3B")
        assert "session up" in out
        other = router.spawn()
        other.send("configure terminal\r")
        other.expect_exact("R1(config)#")
        other.send("hostname R2")              # half typed when the POD comes
        radclient = subprocess.run(
            ["radclient", "-x", "-r", "1", "-t", "3", f"127.0.0.1:{das_port}", "disconnect", "cisco"],
            input='Cisco-AVPair = "audit-session-id=L2L433010101ZO2L4C0A8CA02ZH11941194ZN3B"\n',
            capture_output=True, text=True, timeout=20)
        assert "Received Disconnect-ACK" in radclient.stdout, radclient.stdout + radclient.stderr
        watcher.expect(r"POD: 127\.0\.0\.1 request queued")
        watcher.expect(r"audit-session-id\(819\) 39 L2L433010101ZO2L4C0A8CA02ZH11941194ZN3B")
        watcher.expect(r"POD: Sending ACK from port %d to 127\.0\.0\.1/\d+" % das_port)
        other.send("\r")
        other.expect_exact("R2(config)#")
        assert "POD:" not in other.before        # the configuring line does not monitor
        other.send("end\r")
        other.expect_exact("R2#")
        users = command(other, "show users", prompt="R2#")
        rows = [line for line in users.splitlines() if " vty " in line]
        assert len(rows) == 2, users
        assert all("admin" in row and "127.0.0.1" in row for row in rows), users
        assert sum(row.startswith("*") for row in rows) == 1, users
        # The watcher saw the change of hostname, and the session is gone.
        watcher.send("\r")
        watcher.expect_exact("R2#")
        assert "alice" not in command(watcher, "show aaa sessions", prompt="R2#")
    finally:
        router.stop()
