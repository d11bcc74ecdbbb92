"""NAT-T's float on the real ports: the router's responder on UDP 500 (and so 4500), strongSwan
forced to encapsulate (`encap = yes`: it fakes the NAT), so it sends IKE_SA_INIT to 500 and the
rest to 4500 with the non-ESP marker. Port 500 is the machine's, so the router and this second
charon run in a network namespace the test makes (`unshare -n`, loopback up): nothing leaves it
and no other router or charon meets them. It is the run's only other charon (unavoidable: the
session's charon lives outside the namespace). This charon also loads `kernel-libipsec` (ESP in
user space over a TUN device, UDP-encapsulated only, which NAT-T is): unlike the session's, it
can install a CHILD_SA, so it rekeys one."""

import re

import pytest

from conftest import Charon, NetworkNamespace, Router, connection, wait_for

FLOAT_CONF = ("\nconnections {{\n"
              + connection("float", "float@lab", encap=True)
              + connection("floatchild", "floatchild@lab", proposals="aes256gcm16-prfsha256-ecp256", encap=True,
                           children={"net": "aes256-sha256"})
              + """}}
secrets {{
  ike-1 {{
    secret = "{psk}"
  }}
}}
""")


@pytest.fixture(scope="module")
def namespace():
    ns = NetworkNamespace()
    yield ns
    ns.stop()


@pytest.fixture(scope="module")
def router500(namespace):
    r = Router(ike_port=500, netns=namespace.pid)
    yield r
    r.stop()


@pytest.fixture(scope="module")
def charon500(namespace, router500):
    c = Charon(500, netns=namespace.pid, connections=FLOAT_CONF, extra_plugins=["kernel-libipsec"],
               install=True)
    yield c
    c.stop()


def test_the_client_floats_to_4500_and_the_router_follows(router500, charon500):
    router500.run("debug crypto ikev2")
    result = charon500.swanctl("--initiate", "--ike", "float", "--timeout", "15")
    assert "established between" in result.stdout, result.stdout + charon500.log()[-3000:]
    log = charon500.log()
    # IKE_SA_INIT to 500, then IKE_AUTH to 4500.
    assert re.search(r"sending packet: from 127\.0\.0\.1\[\d+\] to 127\.0\.0\.1\[500\]", log), log
    assert re.search(r"sending packet: from 127\.0\.0\.1\[\d+\] to 127\.0\.0\.1\[4500\]", log), log
    shown = router500.run("show crypto ikev2 sa")
    assert re.search(r"127\.0\.0\.1/4500\s+127\.0\.0\.1/\d+\s+none/none\s+READY", shown), shown
    console = router500.console()
    assert re.search(r"Received Packet \[From 127\.0\.0\.1:\d+/To 127\.0\.0\.1:500/VRF i0:f0\]", console), console
    assert re.search(r"Received Packet \[From 127\.0\.0\.1:\d+/To 127\.0\.0\.1:4500/VRF i0:f0\]", console), console
    assert "NAT-T is detected" in router500.run("show crypto ikev2 sa detailed")
    assert "float@lab" in router500.run("show crypto session detail")
    # Our Delete goes to where the client floated to, from 4500 with the marker: strongSwan hears it.
    router500.run("clear crypto session")
    wait_for(lambda: "received DELETE for IKE_SA float" in charon500.log(), what="strongSwan hearing our Delete")
    wait_for(lambda: "ESTABLISHED" not in charon500.list_sas("float"), what="the client's SA gone")
    wait_for(lambda: router500.run("show clock") and "Processing ACK to informational exchange" in router500.console(),
             what="the Delete's answer")
    router500.run("undebug all")


def test_strongswan_rekeys_its_child_sa(router500, charon500):
    router500.run("debug crypto ikev2")
    try:
        result = charon500.swanctl("--initiate", "--ike", "floatchild", "--child", "net", "--timeout", "15", check=False)
        assert re.search(r"CHILD_SA net\{\d+\} established", result.stdout), result.stdout + charon500.log()[-3000:]
        session = router500.run("show crypto ikev2 session detailed")
        assert "CHILD count:1" in session, session
        old = re.search(r"ESP spi in/out: 0x([0-9A-F]{8})/0x([0-9A-F]{8})", session).groups()
        log_before = len(charon500.log())
        charon500.swanctl("--rekey", "--child", "net")
        # REKEY_SA answered, the new child installed, the old one deleted by strongSwan.
        wait_for(lambda: re.search(r"parsed CREATE_CHILD_SA response \d+ \[ SA No TSi TSr \]", charon500.log()[log_before:]),
                 what="our answer to the child's rekey")
        wait_for(lambda: re.search(r"parsed INFORMATIONAL response \d+ \[ D \]", charon500.log()[log_before:]),
                 what="our answer to the old child's Delete")
        session = router500.run("show crypto ikev2 session detailed")
        assert "CHILD count:1" in session, session
        new = re.search(r"ESP spi in/out: 0x([0-9A-F]{8})/0x([0-9A-F]{8})", session).groups()
        assert new[0] != old[0] and new[1] != old[1], (old, new)
        sas = charon500.list_sas("floatchild")
        assert new[0].lower() in sas and new[1].lower() in sas, sas + str(new)
        # The IPsec SA table shows the new child: its SPIs, the negotiated ESP transform, UDP
        # encapsulation (NAT-T) and the plaintext MTU that leaves in a 1500-octet path.
        ipsec = router500.run("show crypto ipsec sa")
        inbound, outbound = int(new[0], 16), int(new[1], 16)
        assert f"      spi: 0x{inbound:X}({inbound})" in ipsec, ipsec
        assert f"     current outbound spi: 0x{outbound:X}({outbound})" in ipsec, ipsec
        assert f"0x{int(old[0], 16):X}(" not in ipsec, ipsec
        assert ipsec.count("        transform: esp-256-aes esp-sha256-hmac ,") == 2, ipsec
        assert ipsec.count("        in use settings ={Tunnel UDP-Encaps, }") == 2, ipsec
        assert "     plaintext mtu 1422, path mtu 1500, ip mtu 1500, ip mtu idb GigabitEthernet1" in ipsec, ipsec
        assert re.search(r"   remote ident \(addr/mask/prot/port\): \(10\.99\.0\.\d+/255\.255\.255\.255/0/0\)", ipsec), ipsec
        assert "   local  ident (addr/mask/prot/port): (0.0.0.0/0.0.0.0/0/0)" in ipsec, ipsec
        console = router500.console()
        assert "Rekeying child SA: old ESP spi in/out 0x" + old[0] + "/0x" + old[1] in console
        assert "floatchild@lab" in router500.run("show aaa sessions")
        charon500.swanctl("--terminate", "--ike", "floatchild", "--timeout", "15")
        wait_for(lambda: "floatchild@lab" not in router500.run("show aaa sessions"), what="the session to end")
    finally:
        router500.run("undebug all")
