#!/usr/bin/env bash
# Installs what flexvpn-emu needs on Debian: libedit-dev to build; with --test also the real
# RADIUS peers and tools the test suite talks to. Skips what is already there.
set -euo pipefail

packages=(libedit-dev)
python_packages=()
if [ "${1:-}" = "--test" ]; then
    packages+=(freeradius-utils freeradius tshark python3-pip)
    python_packages+=(pyrad pexpect pytest textfsm ntc_templates)
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "installing: ${missing[*]}"
    $sudo apt-get update -qq
    # env after sudo: sudo would drop a variable set before it, and tshark would ask a question.
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ${#python_packages[@]} -gt 0 ]; then
    need=()
    for p in "${python_packages[@]}"; do
        python3 -c "import $p" 2>/dev/null || need+=("$p")
    done
    if [ ${#need[@]} -gt 0 ]; then
        echo "installing (pip): ${need[*]}"
        python3 -m pip install --quiet --disable-pip-version-check "${need[@]}" 2>/dev/null \
            || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "${need[@]}"
    fi
fi
