#!/usr/bin/env bash
# A class on one machine: one headless router per student, each running the same lab, with SSH on
# its own port, its DAS on its own loopback address, and its report in one folder.
#
#   scripts/class.sh start LAB DIR STUDENT...   start the routers (LAB: a bundled name or a lab file)
#   scripts/class.sh report DIR [--csv|--junit] the class's table, from DIR/reports
#   scripts/class.sh stop DIR                   stop every router (each writes its final report)
#
# Environment: BASE_PORT (default 2201: the first student's SSH port, then 2202, ...),
# LISTEN (default 127.0.0.1; 0.0.0.0 lets students in from other machines), FLEXVPN_BINARY
# (default .build/release/flexvpn-emu, built when missing).
# DIR/roster.txt lists each student's SSH address, user, password and DAS address. Router N's
# DAS listens on 127.0.1.N (the lab's port), so radclient from the class machine reaches it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
binary="${FLEXVPN_BINARY:-$root/.build/release/flexvpn-emu}"

usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

build_if_missing() {
    [ -x "$binary" ] && return
    echo "class: building $binary..." >&2
    (cd "$root" && swift build -c release --product flexvpn-emu >/dev/null)
}

start() {
    [ $# -ge 3 ] || usage
    local lab=$1 dir=$2
    shift 2
    build_if_missing
    "$binary" labs check "$lab" >/dev/null || { "$binary" labs check "$lab"; exit 1; }
    mkdir -p "$dir/reports"
    dir="$(cd "$dir" && pwd)"
    local port=${BASE_PORT:-2201} listen=${LISTEN:-127.0.0.1} n=1
    : >"$dir/roster.txt"
    for student in "$@"; do
        [[ "$student" =~ ^[A-Za-z][A-Za-z0-9_.-]{0,31}$ ]] || { echo "class: '$student': a login is a letter, then letters, digits, _ . -" >&2; exit 2; }
        local home="$dir/$student"
        mkdir -p "$home"
        local password
        password=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
        # The student's login and the vty lines; the lab's state loads on top of this. The vty
        # lines' privilege level 15 lands the student at `#` with or without the lab's AAA.
        cat >"$home/startup-config" <<CONFIG
banner motd #
Training lab: type show lab for the exercise, lab check to grade it, lab hint for help.
#
enable secret $password
username $student privilege 15 secret $password
line vty 0 4
 privilege level 15
 login local
 transport input ssh
CONFIG
        "$binary" --headless --lab "$lab" --student "$student" --lab-report "$dir/reports/$student.json" \
            --startup-config "$home/startup-config" --listen-address "$listen" --ssh-port "$port" \
            --das-address "127.0.1.$n" >"$home/log" 2>&1 &
        echo $! >"$home/pid"
        printf '%-16s ssh -p %-5s %s@%s   password %s   DAS 127.0.1.%s\n' "$student" "$port" "$student" \
            "$listen" "$password" "$n" >>"$dir/roster.txt"
        port=$((port + 1))
        n=$((n + 1))
    done
    cat "$dir/roster.txt"
}

stop() {
    [ $# -eq 1 ] || usage
    local dir=$1 pidfile pid
    for pidfile in "$dir"/*/pid; do
        [ -f "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        kill -TERM "$pid" 2>/dev/null || true
        # The router writes its final report on the way out.
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        rm -f "$pidfile"
    done
    report "$dir"
}

report() {
    [ $# -ge 1 ] || usage
    local dir=$1
    shift
    "$binary" labs report "$@" "$dir/reports"
}

case "${1:-}" in
    start) shift; start "$@" ;;
    stop) shift; stop "$@" ;;
    report) shift; report "$@" ;;
    *) usage ;;
esac
