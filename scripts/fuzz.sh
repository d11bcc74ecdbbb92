#!/usr/bin/env bash
# scripts/fuzz.sh [TARGET|all] [SECONDS]: builds the libFuzzer targets of Fuzz/ (address
# sanitizer on) and runs one or all of them for SECONDS each (default 60), from the seed corpus
# in Fuzz/Corpus/TARGET plus what earlier runs found (.build-fuzz/corpus/TARGET). Prints one line
# per target — executions, coverage (libFuzzer's cov and ft), crashes — and exits non-zero if any
# target crashed, leaked past its memory limit or timed out; the input that did it is kept in
# .build-fuzz/crashes/TARGET/ and the run's log in .build-fuzz/logs/TARGET.log.
#
# Reproduce a crash: .build-fuzz/debug/TARGET .build-fuzz/crashes/TARGET/crash-…
#
# FLEXVPN_FUZZ_SANITIZER=none builds without the address sanitizer (coverage and libFuzzer's
# comparison tracing only) into .build-fuzz/without-asan/: about three times the executions, for long
# runs of targets whose code is Swift only (a trap is what they find; memory errors need unsafe
# code). The test suite's brief pass and the default keep the sanitizer.
#
# FLEXVPN_FUZZ_CONFIG=release builds the targets optimised (-O, still with the address sanitizer
# and coverage) into .build-fuzz/release/: several times the executions per second, for the long
# runs. FLEXVPN_FUZZ_SEED=N fixes libFuzzer's seed. FLEXVPN_FUZZ_RUNS=N stops each target after N
# executions (-runs) instead of SECONDS. FLEXVPN_FUZZ_TIMEOUT=S: an input running longer than S
# seconds is a failure (default 10; long runs under `nice -n 19` on a busy machine use more, since
# libFuzzer counts wall-clock time and a starved process can stall for seconds).
set -uo pipefail
cd "$(dirname "$0")/.."

all=(FuzzRADIUSDecoder FuzzDAS FuzzConsoleLine FuzzTranscript FuzzStartupConfig FuzzScenario FuzzLabFile FuzzIKE
     FuzzTelnet FuzzVtyLine)
which=${1:-all}
seconds=${2:-60}
scratch=.build-fuzz
config=${FLEXVPN_FUZZ_CONFIG:-debug}
if [[ "$config" != debug && "$config" != release ]]; then
    echo "FLEXVPN_FUZZ_CONFIG must be debug or release" >&2
    exit 2
fi
case "${FLEXVPN_FUZZ_SANITIZER:-address}" in
address) sanitize=fuzzer,address build=$scratch ;;
none) sanitize=fuzzer build=$scratch/without-asan ;;
*)
    echo "FLEXVPN_FUZZ_SANITIZER must be address or none" >&2
    exit 2
    ;;
esac

case "$which" in
all) targets=("${all[@]}") ;;
*)
    targets=()
    for t in "${all[@]}"; do
        # `DAS` or `FuzzDAS`
        if [[ "$t" == "$which" || "$t" == "Fuzz$which" ]]; then targets=("$t"); fi
    done
    if [[ ${#targets[@]} -eq 0 ]]; then
        echo "no fuzz target $which (one of: ${all[*]}, all)" >&2
        exit 2
    fi
    ;;
esac
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [[ "$seconds" -lt 1 ]]; then
    echo "SECONDS must be a whole number of seconds, at least 1" >&2
    exit 2
fi

mkdir -p "$scratch/logs"
# Every Swift module (the emulator's too) gets libFuzzer's coverage and the address sanitizer.
# lld: gold fails on the fuzzer runtime's symbols.
for t in "${targets[@]}"; do
    if ! swift build --package-path Fuzz -c "$config" --scratch-path "$build" \
        -Xswiftc -sanitize=$sanitize -Xswiftc -parse-as-library -Xswiftc -use-ld=lld \
        --product "$t" >"$scratch/logs/build-$t.log" 2>&1; then
        grep -v 'ld.gold: warning' "$scratch/logs/build-$t.log" | tail -30
        echo "building $t failed"
        exit 1
    fi
done

# The console target writes the grammar's keywords as a libFuzzer dictionary; the vty line's
# adds the keys a terminal sends and telnet's negotiation (Fuzz/Dictionaries).
dictionary=$scratch/console.dict
if [[ " ${targets[*]} " == *" FuzzConsoleLine "* || " ${targets[*]} " == *" FuzzVtyLine "* ]]; then
    if [[ ! -x "$build/$config/FuzzConsoleLine" ]]; then
        swift build --package-path Fuzz -c "$config" --scratch-path "$build" \
            -Xswiftc -sanitize=$sanitize -Xswiftc -parse-as-library -Xswiftc -use-ld=lld \
            --product FuzzConsoleLine >"$scratch/logs/build-FuzzConsoleLine.log" 2>&1 || exit 1
    fi
    FLEXVPN_FUZZ_DICTIONARY=$dictionary "$build/$config/FuzzConsoleLine" || exit 1
    cat "$dictionary" Fuzz/Dictionaries/vty-keys.dict Fuzz/Dictionaries/telnet.dict >"$scratch/vty.dict"
fi

# Leak checking is off: each input builds a fresh router and the shell and device refer to each
# other, which the sanitizer reports at exit; the targets look for traps and memory errors.
export ASAN_OPTIONS=detect_leaks=0
# Swift's backtracer would wait on a crashing fuzzer; libFuzzer prints the stack itself.
export SWIFT_BACKTRACE=enable=no

failed=0
printf '%-20s %12s %8s %8s %8s\n' target executions cov ft crashes
for t in "${targets[@]}"; do
    corpus=$scratch/corpus/$t
    crashes=$scratch/crashes/$t
    mkdir -p "$corpus" "$crashes"
    args=(-max_total_time="$seconds" -timeout="${FLEXVPN_FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 -print_final_stats=1
          -artifact_prefix="$crashes/")
    # FLEXVPN_FUZZ_SEED: the same mutations on every run (the test suite's brief pass uses one, so
    # its verdict does not depend on luck; long runs by hand keep libFuzzer's random seed).
    if [[ -n "${FLEXVPN_FUZZ_SEED:-}" ]]; then args+=(-seed="$FLEXVPN_FUZZ_SEED"); fi
    if [[ -n "${FLEXVPN_FUZZ_RUNS:-}" ]]; then args+=(-runs="$FLEXVPN_FUZZ_RUNS"); fi
    case "$t" in
    FuzzRADIUSDecoder) args+=(-max_len=4096) ;;
    FuzzConsoleLine) args+=(-max_len=2048 -dict="$dictionary") ;;
    FuzzTelnet) args+=(-max_len=1024 -dict=Fuzz/Dictionaries/telnet.dict) ;;
    # Each input runs a whole vty session on a pty: short inputs, and a hung line is a failure.
    FuzzVtyLine) args+=(-max_len=512 -dict="$scratch/vty.dict") ;;
    *) args+=(-max_len=8192) ;;
    esac
    log=$scratch/logs/$t.log
    timeout $((seconds + 300)) "$build/$config/$t" "${args[@]}" "$corpus" "Fuzz/Corpus/$t" >"$log" 2>&1
    status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    last=$(grep -E '^#[0-9]+' "$log" | grep -o 'cov: [0-9]* ft: [0-9]*' | tail -1)
    cov=$(echo "$last" | awk '{print $2}')
    ft=$(echo "$last" | awk '{print $4}')
    found=$(find "$crashes" -type f | wc -l)
    printf '%-20s %12s %8s %8s %8s\n' "$t" "${runs:-?}" "${cov:-?}" "${ft:-?}" "$found"
    if [[ $status -ne 0 || $found -ne 0 ]]; then
        failed=1
        echo "-- $t failed (exit $status); its log, $log, ends:"
        grep -E 'ERROR|Fatal error|Test unit written|SUMMARY|==[0-9]+==' "$log" | head -20
    fi
done
exit $failed
