#!/usr/bin/env bash
# Installs what flexvpn-emu needs on Debian: libedit-dev to build; with --image also what
# scripts/image.sh needs (podman, runc, skopeo, and the static archives a static binary links:
# libedit's libbsd, libmd and libtinfo); with --test all of that, the real RADIUS peers and tools
# the test suite talks to (apt-get), and the Python test tools in a virtual environment, .venv/
# in the repository. Skips what is already there. Needs root or sudo for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libedit-dev)
python_packages=()
if [ "${1:-}" = "--image" ] || [ "${1:-}" = "--test" ]; then
    # runc: podman's default crun cannot run on hosts with hybrid cgroups.
    packages+=(podman runc skopeo libbsd-dev libmd-dev libncurses-dev)
fi
if [ "${1:-}" = "--test" ]; then
    # faketime: the terminal tests also run with the clock on the 1st of a month.
    # telnet, openssh-client: the remote-access tests drive real telnet and ssh clients to the
    # vty lines (and ssh-keygen makes their throwaway keys).
    packages+=(freeradius-utils freeradius tshark faketime python3 python3-venv telnet openssh-client)
    # strongSwan's charon and swanctl: the real IKEv2 client of Tests/ike/ (extauth: EAP-MSCHAPv2;
    # extra: eap-identity, to answer the EAP Identity request of `query-identity`).
    packages+=(strongswan-charon strongswan-swanctl libcharon-extauth-plugins libcharon-extra-plugins)
    # ip and nsenter/unshare: Tests/ike/test_float.py's network namespace (loopback up, port 500 free).
    packages+=(iproute2 util-linux)
    # scrapli's system transport runs OpenSSH's ssh; its asyncssh transport needs asyncssh.
    # scrapli before 2026: the IOSXEDriver API (the 2026 rewrite has another).
    python_packages+=(pyrad pexpect pytest textfsm ntc_templates netmiko "scrapli<2026" asyncssh)
    # Ansible (the `ansible` package bundles the cisco.ios and ansible.netcommon collections;
    # network_cli connects with ansible-pylibssh) and NAPALM's ios driver.
    python_packages+=(ansible ansible-pylibssh napalm)
    # The deploy files' schema checks: containerlab's topology against the JSON schema in
    # deploy/containerlab/, the Kubernetes manifests with kubernetes-validate (its wheel carries
    # the Kubernetes schemas, so it works offline).
    python_packages+=(jsonschema pyyaml kubernetes-validate)
    # The training-lab tests validate lab reports against their JSON schema (jsonschema, above)
    # and read lab files for their reference solutions (pyyaml).
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "installing (apt-get): ${missing[*]}"
    $sudo apt-get update -qq
    # env after sudo: sudo would drop a variable set before it, and tshark would ask a question.
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ${#python_packages[@]} -gt 0 ]; then
    if [ ! -x .venv/bin/python ]; then
        echo "making the Python virtual environment .venv"
        python3 -m venv .venv
    fi
    need=()
    for p in "${python_packages[@]}"; do
        # `name<version`: the module is the name; the scrapli check asks for the old API.
        module="${p%%[<>=]*}"
        [ "$module" = scrapli ] && module="scrapli.driver.core"
        [ "$module" = ansible ] && module="ansible_collections.cisco.ios"
        [ "$module" = ansible-pylibssh ] && module="pylibsshext"
        [ "$module" = pyyaml ] && module="yaml"
        [ "$module" = kubernetes-validate ] && module="kubernetes_validate"
        .venv/bin/python -c "import $module" 2>/dev/null || need+=("$p")
    done
    if [ ${#need[@]} -gt 0 ]; then
        echo "installing (pip, into .venv): ${need[*]}"
        .venv/bin/python -m pip install --quiet --disable-pip-version-check "${need[@]}"
    fi
fi
