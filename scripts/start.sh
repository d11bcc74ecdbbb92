#!/usr/bin/env bash
# Builds flexvpn-emu (release) and starts its console; arguments go to flexvpn-emu.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh >&2
swift build -c release --product flexvpn-emu >&2
exec .build/release/flexvpn-emu "$@"
