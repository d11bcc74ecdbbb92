#!/usr/bin/env bash
# Starts the flexvpn-emu console; arguments go to flexvpn-emu (`scripts/start.sh --help`).
# Builds the release binary, .build/release/flexvpn-emu, first when it is missing or older than
# the sources (quietly: the build's lines are shown only if it fails), so the router's own
# output is the first thing on the screen.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh >&2
binary=.build/release/flexvpn-emu
if [ ! -x "$binary" ] || [ -n "$(find Package.swift Sources -newer "$binary" -print -quit)" ]; then
    echo "flexvpn-emu: building $binary (the first time takes a few minutes)..." >&2
    log=$(mktemp)
    if ! swift build -c release --product flexvpn-emu >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        exit 1
    fi
    rm -f "$log"
    touch "$binary"   # an up-to-date build may leave the binary's time as it was
fi
exec "$binary" "$@"
