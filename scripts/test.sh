#!/usr/bin/env bash
# The whole test suite: installs the tools it needs, builds, then runs every stage even when an
# earlier one fails — the terminal tests (pytest, in a real pty), the same terminal tests with
# the clock on the 1st of a month and across a new year (libfaketime), the transcripts replayed
# through the built binary, the Swift tests, the deploy files' schema checks, the container
# image, every fuzz target briefly, the Swift tests again under the thread sanitizer — and prints
# each stage's verdict at the end.
# Exits non-zero if any stage failed.
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --test || { echo "install-deps failed"; exit 1; }
# Python tools live in the virtual environment install-deps made.
export PATH="$PWD/.venv/bin:$PATH"

names=()
verdicts=()
failed=0
# Each stage's output is also kept, so the verdicts can name the tests that failed (a CI log is
# often read from its end only).
stage_logs=$(mktemp -d)
trap 'rm -rf "$stage_logs"' EXIT

stage() {
    local name=$1
    shift
    echo
    echo "== $name"
    local log="$stage_logs/${#names[@]}"
    if "$@" 2>&1 | tee "$log"; then
        verdicts+=("passed")
    else
        verdicts+=("FAILED (exit $?)")
        failed=1
    fi
    names+=("$name")
}

# pytest exits 5 when it collected nothing: that is a failure here too.
terminal_tests() { python -m pytest -q -rfE Tests/terminal Tests/parsers Tests/remote Tests/labs; }
# One FreeRADIUS for the run (Tests/radius/conftest.py), the emulator against it.
radius_tests() { python -m pytest -q -rfE Tests/radius; }
# The console's clock starts from the machine's: the pty tests again on a single-digit day and
# over a year's end (`show clock` pads no day; log stamps pad it to two).
# The faketime wrapper names its shared memory and semaphore after its pid
# (/dev/shm/faketime_shm_PID, sem.faketime_sem_PID) and leaves them behind when it is killed; a
# later wrapper given the same pid then refuses to start ("sem_open: File exists"). Those of
# processes that are gone are removed first.
clean_faketime_leftovers() {
    local f pid
    for f in /dev/shm/faketime_shm_* /dev/shm/sem.faketime_sem_*; do
        [ -e "$f" ] || continue
        pid=${f##*_}
        kill -0 "$pid" 2>/dev/null || rm -f "$f"
    done
}
dated_terminal_tests() {
    local when
    for when in "2027-01-01 00:00:00" "2026-12-31 23:59:30"; do
        echo "-- clock from $when"
        clean_faketime_leftovers
        # The two signal tests stay out: under the `faketime` wrapper the signals would reach the
        # wrapper, not the emulator (they check no date).
        FLEXVPN_FAKETIME="$when" python -m pytest -q -rfE Tests/terminal \
            -k "not test_sigterm_saves_nothing and not test_closing_the_terminal" || return 1
    done
}

if stage "build" swift build --build-tests; then
    stage "terminal, parser, remote-access and training-lab tests (pytest: pexpect in a pty, ntc-templates, telnet, ssh, netmiko, scrapli, Ansible, NAPALM, radclient)" terminal_tests
    stage "RADIUS lifecycle against a real FreeRADIUS 3.2 (pytest: authorization, accounting, policy Disconnect, radclient CoA, tshark)" radius_tests
    stage "terminal tests with the clock on Jan 1 and Dec 31 (faketime)" dated_terminal_tests
    stage "IKEv2 interop tests (pytest: strongSwan's charon and swanctl, radclient)" python -m pytest -q -rfE Tests/ike
    stage "transcripts" .build/debug/flexvpn-emu replay Transcripts
    stage "swift tests" swift test --skip-build --disable-swift-testing
    stage "deploy files: containerlab topology against its schema, Kubernetes manifests (kubernetes-validate)" \
        python -m pytest -q -rfE Tests/deploy
    # Builds the image (static release binary, podman build), then checks containers of it from the
    # host; fails, never skips, when podman cannot run.
    stage "container image (podman: build, SSH login, radclient disconnect, SIGTERM, OCI archive)" \
        python -m pytest -q -rfE -s Tests/image
    stage "fuzz targets (libFuzzer, 20 s each, fixed seed)" env FLEXVPN_FUZZ_SEED=1 scripts/fuzz.sh all 20
    # The kill-during-save test (1,000 runs of the binary, killed) runs in "swift tests" above: under
    # the sanitizer it takes 11 minutes of the stage's 14 and has no threads of its own to check.
    stage "swift tests under the thread sanitizer (scripts/sanitize.sh thread)" \
        scripts/sanitize.sh thread --skip FaultTests.testKillDuringSaveLeavesTheOldTextOrTheNewWhole
fi

echo
echo "== verdicts"
passed=0
for i in "${!names[@]}"; do
    printf '%-72s %s\n' "${names[$i]}" "${verdicts[$i]}"
    [ "${verdicts[$i]}" = "passed" ] && passed=$((passed + 1))
done
for i in "${!names[@]}"; do
    [ "${verdicts[$i]}" = "passed" ] && continue
    echo
    echo "== what failed in: ${names[$i]}"
    # pytest's -rfE summary, XCTest's failures, the compiler's errors, the replay's mismatches.
    grep -E '^(FAILED|ERROR) |: error: |Test Case .* failed|^--- ' "$stage_logs/$i" | head -40
done
echo "stages: $passed passed, $(( ${#names[@]} - passed )) failed"
exit $failed
