#!/usr/bin/env bash
# scripts/sanitize.sh {address|thread} [swift test arguments…]: the Swift test suite built and
# run under a sanitizer, each in a scratch folder of its own so it never disturbs the plain build:
#   address  -sanitize=address,undefined into .build-asan (memory errors, undefined behaviour:
#            overflow traps are Swift's own; the sanitizers cover the C shims, libedit calls and
#            unsafe pointers)
#   thread   -sanitize=thread into .build-tsan (data races between the engine's loop, the DAS,
#            the accounting timers, the console and vty line threads, the SSH and telnet servers)
# A report makes the test that caused it fail (halt_on_error) and the script exit non-zero.
# Extra arguments go to `swift test` (`--filter VtySessionTests`).
set -uo pipefail
cd "$(dirname "$0")/.."

kind=${1:-}
shift || true
case "$kind" in
address)
    scratch=.build-asan
    flags=(-Xswiftc -sanitize=address,undefined -Xcc -fsanitize=address,undefined)
    # Leaks are not checked: the console and vty threads are detached and outlive a test by design.
    export ASAN_OPTIONS=detect_leaks=0:halt_on_error=1:abort_on_error=1
    export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
    ;;
thread)
    scratch=.build-tsan
    flags=(-Xswiftc -sanitize=thread -Xcc -fsanitize=thread)
    export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/scripts/tsan.supp"
    ;;
*)
    echo "usage: scripts/sanitize.sh {address|thread} [swift test arguments]" >&2
    exit 2
    ;;
esac
# Swift's backtracer would wait on a crashing test; the sanitizer prints the stack itself.
export SWIFT_BACKTRACE=enable=no

swift build --build-tests --scratch-path "$scratch" "${flags[@]}" || exit 1
swift test --skip-build --disable-swift-testing --scratch-path "$scratch" "${flags[@]}" "$@"
