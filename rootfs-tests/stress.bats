#!/usr/bin/env bats
# Contention and signal-delivery stress (rootfs-tests/stress/): 16 guest
# threads on every atomic primitive of the guest, 100 runs per guest, all
# exact; all 33 real-time signals blocked, queued, taken and caught in
# order, static and dynamic builds (qemu-user, which keeps two of them for
# itself, fails that one).  Outputs compared with the native x86-64 build
# of the same source.  150 forks beside busy threads under -strace -D:
# no child hangs on a lock, every line of the shared log whole.
# Run from the repository root: bats --tap rootfs-tests/stress.bats

setup_file() {
    export BUILD=$(cd "${BUILD:-build}" && pwd)
    export T=$(mktemp -d /tmp/stress-bats.XXXXXX)
    local p
    for p in atomic_stress rt_signals; do
        gcc -O2 -o "$T/$p-native" "rootfs-tests/stress/$p.c" -lpthread
        aarch64-linux-gnu-gcc -O2 -static -o "$T/$p-aarch64" "rootfs-tests/stress/$p.c" -lpthread
        riscv64-linux-gnu-gcc -O2 -static -o "$T/$p-riscv64" "rootfs-tests/stress/$p.c" -lpthread
        "$T/$p-native" >"$T/$p.expected"
    done
    aarch64-linux-gnu-gcc -O2 -o "$T/rt_signals-aarch64-dyn" rootfs-tests/stress/rt_signals.c -lpthread
    riscv64-linux-gnu-gcc -O2 -o "$T/rt_signals-riscv64-dyn" rootfs-tests/stress/rt_signals.c -lpthread
}

teardown_file() {
    rm -rf "$T"
}

need() {
    [ -x "$BUILD/runtime-$1" ] || skip "build/runtime-$1 not built (make all)"
    [ -x "$T/atomic_stress-$1" ] || skip "$1-linux-gnu-gcc could not build the programs"
}

# stress_runs GUEST: 100 runs, every one exact and equal to the native output
stress_runs() {
    local g=$1 i bad=0
    need "$g"
    grep -q WRONG "$T/atomic_stress.expected" && return 1
    for i in $(seq 100); do
        if ! "$BUILD/runtime-$g" "$T/atomic_stress-$g" >"$T/out.$g" 2>&1 ||
            ! cmp -s "$T/out.$g" "$T/atomic_stress.expected"; then
            bad=$((bad + 1))
            echo "run $i:"; diff "$T/atomic_stress.expected" "$T/out.$g"
        fi
    done
    echo "$bad of 100 runs wrong"
    [ "$bad" -eq 0 ]
}

@test "aarch64: 16 threads, LDXR/STXR and LDAXR/STLXR (W, X), LDXP/STXP, LDAXP/STLXP, LDADD(AL), CAS(AL) loops, SWPA lock, LDUMAXAL, LDSMAXAL, C11: exact in 100 of 100 runs" {
    stress_runs aarch64
}

@test "riscv64: 16 threads, LR/SC (.w, .d, plain and aq/rl), AMOADD.W/.D, CAS loops, AMOSWAP lock, AMOMAXU, AMOMAX, C11: exact in 100 of 100 runs" {
    stress_runs riscv64
}

# rt_signals GUEST [dyn]
rt_signals() {
    local g=$1
    need "$g"
    if [ "${2:-}" = dyn ]; then
        run "$BUILD/runtime-$g" -L "/usr/$g-linux-gnu" "$T/rt_signals-$g-dyn"
    else
        run "$BUILD/runtime-$g" "$T/rt_signals-$g"
    fi
    diff -u --label native --label "$g" "$T/rt_signals.expected" - <<<"$output"
    [ "$status" -eq 0 ]
}

@test "aarch64: all 33 real-time signals blocked, queued, pending, taken, caught with their siginfo lowest first, routed to the thread that accepts them" {
    rt_signals aarch64
}

@test "riscv64: all 33 real-time signals blocked, queued, pending, taken, caught with their siginfo lowest first, routed to the thread that accepts them" {
    rt_signals riscv64
}

@test "aarch64, dynamic (-L): all 33 real-time signals" {
    rt_signals aarch64 dyn
}

@test "riscv64, dynamic (-L): all 33 real-time signals" {
    rt_signals riscv64 dyn
}

# fork_threads GUEST: rootfs-tests/progs/fork_threads.c (also in progs.bats)
# 5 times with -strace -D: every thread and every child logs each call, so
# the log's lock is nearly always taken by someone when a fork happens, and
# each line of the shared log must come out whole
fork_threads_traced() {
    local g=$1 i
    need "$g"
    local prog=$BUILD/guest/$g/fork_threads
    [ -x "$prog" ] || skip "$prog not built (make guest-progs)"
    for i in 1 2 3 4 5; do
        rm -f "$T/ft.log"
        run timeout 120 "$BUILD/runtime-$g" -strace -D "$T/ft.log" "$prog"
        echo "run $i: $output"
        [ "$status" -eq 0 ]
        [ "$output" = "children: 150 exited 7, 0 otherwise" ]
        # 151 processes' lines: clone and exit_group of each child are there
        [ "$(grep -cE '^[0-9]+ exit_group\(7\)$' "$T/ft.log")" -eq 150 ]
        if grep -vE '^[0-9]+ [a-z_0-9]+\(.*\)( = .*)?$' "$T/ft.log" | head -5 | grep .; then
            return 1
        fi
    done
}

@test "aarch64: 150 forks while four threads map, unmap, change dispositions and write, under -strace -D: no child hangs, every log line whole, 5 runs" {
    fork_threads_traced aarch64
}

@test "riscv64: 150 forks while four threads map, unmap, change dispositions and write, under -strace -D: no child hangs, every log line whole, 5 runs" {
    fork_threads_traced riscv64
}
