"""NAT-T's float on the real ports: the router's responder on UDP 500 (and so 4500), strongSwan
forced to encapsulate (`encap = yes`: it fakes the NAT), so it sends IKE_SA_INIT to 500 and the
rest to 4500 with the non-ESP marker. Port 500 is the machine's, so the router and this second
charon run in a network namespace the test makes (`unshare -n`, loopback up): nothing leaves it
and no other router or charon meets them. It is the run's only other charon (unavoidable: the
session's charon lives outside the namespace)."""

import re

import pytest

from conftest import Charon, NetworkNamespace, Router, wait_for

FLOAT_CONF = """
connections {{
  float {{
    remote_addrs = 127.0.0.1
    local_addrs = 127.0.0.1
    remote_port = {port}
    version = 2
    mobike = no
    encap = yes
    proposals = aes256-sha512-ecp256
    vips = 0.0.0.0
    childless = force
    local {{
      auth = psk
      id = float@lab
    }}
    remote {{
      auth = psk
      id = flexvpn.lab
    }}
  }}
}}
secrets {{
  ike-1 {{
    secret = "{psk}"
  }}
}}
"""


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
    c = Charon(500, netns=namespace.pid, connections=FLOAT_CONF)
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
