#!/usr/bin/env bash
# scripts/sanitize.sh {address|thread} [swift test arguments…]: the Swift test suite built and
# run under a sanitizer, each in a scratch folder of its own so it never disturbs the plain build:
#   address  the address sanitizer on every module and the undefined-behaviour sanitizer on the C
#            and C++ ones, into .build-asan (memory errors in unsafe pointers, the C shims and
#            libedit calls; Swift's own overflow and bounds checks trap without help)
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
    # swiftc takes -sanitize=address (Swift's own code traps on overflow and out-of-bounds
    # access by itself); the C and C++ code (the libedit shim, BoringSSL, NIO's C shims) also
    # gets clang's undefined-behaviour sanitizer, and the link its runtime.
    flags=(-Xswiftc -sanitize=address -Xcc -fsanitize=address,undefined
           -Xswiftc -Xclang-linker -Xswiftc -fsanitize=undefined)
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
