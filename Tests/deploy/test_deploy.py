"""The deploy files, checked without running them (containerlab and Kubernetes do not run here):
the containerlab topology against the JSON schema kept beside it, the Kubernetes manifests with
kubernetes-validate (strict: an unknown field fails), and what the schemas cannot see — every
startup-config loads into the emulator without a rejected line, every FLEXVPN_ variable is one the
binary knows, the ports are the image's."""

import copy
import ipaddress
import os
import re
import subprocess
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CLAB = ROOT / "deploy" / "containerlab"
KUBE = ROOT / "deploy" / "kubernetes"
BINARY = os.environ.get("FLEXVPN_TERMINAL_BINARY", str(ROOT / ".build" / "debug" / "flexvpn-emu"))
IMAGE_PORTS = {"2222/tcp", "2323/tcp", "3799/udp", "1700/udp", "500/udp", "4500/udp"}
# The Kubernetes release whose schemas the manifests are checked against (kubernetes-validate's wheel).
KUBERNETES_VERSION = "1.32.0"


def topology():
    return yaml.safe_load((CLAB / "flexvpn.clab.yml").read_text())


def schema():
    import json
    return json.loads((CLAB / "clab.schema.json").read_text())


def manifests():
    for path in sorted(KUBE.glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            if document:
                yield path.name, document


def known_variables():
    help_text = subprocess.run([BINARY, "--help"], capture_output=True, text=True, check=True).stdout
    return set(re.findall(r"^(FLEXVPN_[A-Z_]+) ", help_text, re.MULTILINE))


def loads_cleanly(startup_config, tmp_path, hostname):
    """Runs the emulator on a copy of `startup_config`: nothing is reported before the first
    prompt (a rejected line would be), and the running-config has what the file says."""
    path = tmp_path / "startup-config"
    path.write_text(startup_config)
    result = subprocess.run([BINARY, "--startup-config", str(path)], capture_output=True, text=True,
                            input="enable\ncisco\nshow running-config\n", timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{hostname}>enable\n"), result.stdout
    return result.stdout


# MARK: containerlab

def test_the_containerlab_topology_matches_its_schema():
    jsonschema.Draft202012Validator.check_schema(schema())
    jsonschema.Draft202012Validator(schema()).validate(topology())


@pytest.mark.parametrize("mutation", ["misspelt node key", "node without kind", "bad address", "bad port"])
def test_the_schema_refuses_a_broken_topology(mutation):
    broken = copy.deepcopy(topology())
    r1 = broken["topology"]["nodes"]["r1"]
    if mutation == "misspelt node key":
        r1["bind"] = r1.pop("binds")
    elif mutation == "node without kind":
        del r1["kind"]
    elif mutation == "bad address":
        r1["mgmt-ipv4"] = "172.20.20.300"
    else:
        r1["ports"] = ["2211:2222/tcpp"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema()).validate(broken)


def test_the_containerlab_lab_is_wired_as_the_seeds_lab(tmp_path):
    lab = topology()
    nodes = lab["topology"]["nodes"]
    subnet = ipaddress.ip_network(lab["mgmt"]["ipv4-subnet"])
    routers = {name: node for name, node in nodes.items() if node.get("image", "").startswith("flexvpn-emu:")}
    assert len(routers) >= 2
    assert {node["labels"]["flexvpn.role"] for node in nodes.values()} == {"router", "radius", "client"}
    radius = next(node for node in nodes.values() if node["labels"]["flexvpn.role"] == "radius")
    known = known_variables()
    defaults = lab["topology"]["kinds"]["linux"]["env"]
    for name, node in nodes.items():
        assert ipaddress.ip_address(node["mgmt-ipv4"]) in subnet, name
        for bind in node.get("binds", []):
            assert (CLAB / bind.split(":")[0]).exists(), f"{name}: {bind}"
    for name, node in routers.items():
        env = {**defaults, **node["env"]}
        assert set(env) <= known, set(env) - known
        for mapping in node["ports"]:
            assert mapping.split(":")[1] in IMAGE_PORTS, mapping
        folder = next(bind.split(":")[0] for bind in node["binds"] if bind.endswith(":/config"))
        config = (CLAB / folder / "startup-config").read_text()
        running = loads_cleanly(config, tmp_path, f"R{name[1:]}")
        # The RADIUS node is the router's DAC and RADIUS server.
        assert f" client {radius['mgmt-ipv4']} server-key cisco\n" in running, running
        assert f" address ipv4 {radius['mgmt-ipv4']} auth-port 1812 acct-port 1813\n" in running, running
        assert " port 3799\n" in running and "3799/udp" in IMAGE_PORTS
    swanctl = (CLAB / "strongswan" / "swanctl.conf").read_text()
    assert f"remote_addrs = {routers['r1']['mgmt-ipv4']}" in swanctl


# MARK: Kubernetes

def test_the_kubernetes_manifests_validate_strictly():
    seen = set()
    for name, document in manifests():
        # Raises kubernetes_validate.ValidationError on a bad document; returns the schemas' version.
        checked = kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
        assert checked == "1.32", f"{name}: checked against {checked}"
        seen.add(document["kind"])
    assert {"StatefulSet", "Service", "ConfigMap", "PersistentVolumeClaim"} <= seen


def test_kubernetes_validate_refuses_a_misspelt_field():
    statefulset = next(document for _, document in manifests() if document["kind"] == "StatefulSet")
    broken = copy.deepcopy(statefulset)
    broken["spec"]["template"]["spec"]["containers"][0]["volumeMount"] = broken["spec"]["template"]["spec"]["containers"][0].pop("volumeMounts")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def test_the_statefulset_runs_the_image_with_its_config_volume_reports_and_startup_config(tmp_path):
    documents = dict(((document["kind"], document["metadata"]["name"]), document) for _, document in manifests())
    statefulset = documents[("StatefulSet", "flexvpn-router")]
    pod = statefulset["spec"]["template"]["spec"]
    router = next(c for c in pod["containers"] if c["name"] == "router")
    assert router["image"] == "flexvpn-emu:latest"
    assert pod["securityContext"]["runAsUser"] == 10001 and pod["securityContext"]["fsGroup"] == 10001
    ports = {f"{p['containerPort']}/{p['protocol'].lower()}" for p in router["ports"]}
    assert ports <= IMAGE_PORTS
    env = {e["name"] for e in router["env"] if e["name"].startswith("FLEXVPN_")}
    assert env <= known_variables(), env - known_variables()
    mounts = {m["mountPath"]: m["name"] for m in router["volumeMounts"]}
    assert mounts["/config"] in {t["metadata"]["name"] for t in statefulset["spec"]["volumeClaimTemplates"]}
    reports = next(v for v in pod["volumes"] if v["name"] == mounts["/reports"])
    assert ("PersistentVolumeClaim", reports["persistentVolumeClaim"]["claimName"]) in documents
    # The governing Service exists, and every Service selects pods of this StatefulSet.
    assert ("Service", statefulset["spec"]["serviceName"]) in documents
    for (kind, name), document in documents.items():
        if kind == "Service":
            selector = document["spec"]["selector"]
            assert selector.get("app.kubernetes.io/name") == "flexvpn-emu" \
                or selector.get("statefulset.kubernetes.io/pod-name", "").startswith("flexvpn-router-"), name
            for port in document["spec"]["ports"]:
                assert port["targetPort"] in {p["name"] for p in router["ports"]}, (name, port)
    # The ConfigMap's startup-config is the one the init container seeds, and it loads cleanly.
    seed = next(v for v in pod["volumes"] if v["name"] == "seed")
    config_map = documents[("ConfigMap", seed["configMap"]["name"])]
    running = loads_cleanly(config_map["data"]["startup-config"], tmp_path, "R1")
    assert " port 3799\n" in running, running
    assert "transport input all" in running, running


# MARK: the image's example

def test_the_image_example_startup_config_loads_cleanly(tmp_path):
    running = loads_cleanly((ROOT / "deploy" / "image" / "startup-config.example").read_text(), tmp_path, "R1")
    assert " client 127.0.0.1 server-key cisco\n" in running and " port 3799\n" in running, running
