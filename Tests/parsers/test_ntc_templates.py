"""The emulator's `show crypto session detail` parsed by ntc-templates, as automation does."""
import os
import subprocess
import tempfile

from ntc_templates.parse import parse_output

BINARY = os.environ.get("FLEXVPN_BINARY", os.path.join(os.path.dirname(__file__), "..", "..", ".build", "debug", "flexvpn-emu"))


def run(commands):
    with tempfile.TemporaryDirectory() as folder:
        result = subprocess.run(
            [BINARY, "--scenario", "seed-example", "--startup-config", os.path.join(folder, "startup-config")],
            input="".join(c + "\n" for c in commands), capture_output=True, text=True, timeout=60, check=True)
    return result.stdout


def command_output(transcript, command):
    """The text a command printed: from after its echoed line to the next prompt."""
    lines = transcript.split("\n")
    start = next(i for i, line in enumerate(lines) if line.endswith("#" + command)) + 1
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("Device#"))
    return "\n".join(lines[start:end]) + "\n"


def test_show_crypto_session_detail_parses_with_ntc_templates():
    transcript = run(["enable", "terminal length 0", "show crypto session detail"])
    records = parse_output(platform="cisco_ios", command="show crypto session detail",
                           data=command_output(transcript, "show crypto session detail"))
    # The seed scenario's three sessions, each with its interface, peer and status.
    assert len(records) == 3, records
    assert [r["interface"] for r in records] == ["Virtual-Access1", "Virtual-Access2", "Virtual-Access3"]
    assert {r["session_status"] for r in records} == {"UP-ACTIVE"}
    assert [r["peer"] for r in records] == ["192.168.202.2", "192.168.202.2", "192.168.202.4"]
    assert [r["phase1_id"] for r in records][1:] == ["pskuser2.g1.engdt.com", "pskuser4.g2.engdt.com"]
    assert {r["remote_port"] for r in records} == {"4500"}


def test_a_cleared_session_is_gone_from_the_parse():
    transcript = run(["enable", "clear crypto session remote 192.168.202.4", "show crypto session detail"])
    records = parse_output(platform="cisco_ios", command="show crypto session detail",
                           data=command_output(transcript, "show crypto session detail"))
    assert [r["peer"] for r in records] == ["192.168.202.2", "192.168.202.2"]


def test_show_ip_interface_brief_parses_with_ntc_templates():
    transcript = run(["enable", "terminal length 0", "show ip interface brief"])
    records = parse_output(platform="cisco_ios", command="show ip interface brief",
                           data=command_output(transcript, "show ip interface brief"))
    # GigabitEthernet1 with the NAS address, Loopback0, one Virtual-Access per seed session.
    assert [r["interface"] for r in records] == ["GigabitEthernet1", "Loopback0", "Virtual-Access1",
                                                 "Virtual-Access2", "Virtual-Access3"], records
    assert records[0]["ip_address"] == "192.168.202.1"
    assert {r["status"] for r in records} == {"up"} and {r["proto"] for r in records} == {"up"}


def test_show_interfaces_parses_with_ntc_templates():
    transcript = run(["enable", "terminal length 0", "show interfaces"])
    records = parse_output(platform="cisco_ios", command="show interfaces",
                           data=command_output(transcript, "show interfaces"))
    by_name = {r["interface"]: r for r in records}
    assert list(by_name) == ["GigabitEthernet1", "Loopback0", "Virtual-Access1", "Virtual-Access2",
                             "Virtual-Access3"], records
    assert by_name["GigabitEthernet1"]["ip_address"] == "192.168.202.1"
    assert by_name["GigabitEthernet1"]["prefix_length"] == "24"
    assert by_name["GigabitEthernet1"]["mac_address"] == by_name["GigabitEthernet1"]["bia"]
    assert by_name["Loopback0"]["hardware_type"] == "Loopback"
    assert {r["link_status"] for r in records} == {"up"}


def test_show_crypto_ipsec_sa_detail_parses_with_ntc_templates():
    transcript = run(["enable", "terminal length 0", "lab session traffic all packets-in 7 packets-out 3",
                      "show crypto ipsec sa detail", "show crypto ipsec sa"])
    records = parse_output(platform="cisco_ios", command="show crypto ipsec sa detail",
                           data=command_output(transcript, "show crypto ipsec sa detail"))
    # The seed scenario's three sessions: an inbound and an outbound ESP SA each.
    assert len(records) == 6, records
    assert [r["interface"] for r in records] == ["Virtual-Access1"] * 2 + ["Virtual-Access2"] * 2 + ["Virtual-Access3"] * 2
    assert [r["current_peer"] for r in records][::2] == ["192.168.202.2", "192.168.202.2", "192.168.202.4"]
    assert [r["sa_orientation"] for r in records] == ["inbound", "outbound"] * 3
    assert {r["sa_status"] for r in records} == {"ACTIVE(ACTIVE)"}
    assert {r["pkts_encaps"] for r in records} == {"3"} and {r["pkts_decaps"] for r in records} == {"7"}
    assert {r["sa_transform"] for r in records} == {"esp-aes esp-sha-hmac"}
    assert {r["plaintext_mtu"] for r in records} == {"1438"}
    # The outbound SA is the current outbound SPI; the short form shows the same SPIs.
    for inbound, outbound in zip(records[::2], records[1::2]):
        assert outbound["sa_spi_hex"] == inbound["current_outbound_spi_hex"]
        assert inbound["sa_spi_hex"] != outbound["sa_spi_hex"]
    plain = command_output(transcript, "show crypto ipsec sa")
    assert all(f"spi: {r['sa_spi_hex']}({r['sa_spi_dec']})" in plain for r in records), plain


def test_show_ip_route_parses_with_ntc_templates():
    transcript = run(["enable", "configure terminal", "ip route 0.0.0.0 0.0.0.0 192.168.202.254",
                      "ip route 172.16.0.0 255.255.0.0 192.168.202.10", "end", "terminal length 0", "show ip route"])
    records = parse_output(platform="cisco_ios", command="show ip route",
                           data=command_output(transcript, "show ip route"))
    routes = {(r["network"], r["prefix_length"]): r for r in records}
    assert routes[("0.0.0.0", "0")]["protocol"] == "S" and routes[("0.0.0.0", "0")]["nexthop_ip"] == "192.168.202.254"
    assert routes[("172.16.0.0", "16")]["nexthop_ip"] == "192.168.202.10"
    assert routes[("192.168.202.0", "24")]["protocol"] == "C"
    assert routes[("192.168.202.1", "32")]["protocol"] == "L"
    assert routes[("51.1.1.1", "32")]["nexthop_if"] == "Loopback0"


def test_show_interfaces_description_parses_with_ntc_templates():
    transcript = run(["enable", "configure terminal", "interface Loopback3", "description tunnel pool", "shutdown",
                      "interface GigabitEthernet1", "description uplink to the lab LAN", "end", "terminal length 0",
                      "show interfaces description"])
    records = parse_output(platform="cisco_ios", command="show interfaces description",
                           data=command_output(transcript, "show interfaces description"))
    ports = {r["port"]: r for r in records}
    assert list(ports) == ["Gi1", "Lo0", "Lo3", "Vi1", "Vi2", "Vi3"], records
    assert ports["Gi1"]["description"] == "uplink to the lab LAN" and ports["Gi1"]["status"] == "up"
    assert ports["Lo3"]["status"] == "admin down" and ports["Lo3"]["protocol"] == "down"
    assert ports["Lo3"]["description"] == "tunnel pool" and ports["Vi1"]["description"] == ""

