#!/usr/bin/env bash
# The whole test suite: installs the tools it needs, builds, runs the terminal tests (pytest,
# in a real pty), replays every transcript through the built binary, then the Swift tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
swift build --build-tests
echo "== terminal and parser tests (pytest: pexpect in a pty, ntc-templates)"
python3 -m pytest -q Tests/terminal Tests/parsers
echo "== transcripts"
.build/debug/flexvpn-emu replay Transcripts
echo "== swift tests"
swift test --skip-build --disable-swift-testing
