#!/usr/bin/env bats
# Guest signals and threads (syscall/signal*.c, syscall/thread.c): each
# program in rootfs-tests/abi/ is built natively (static) and for each
# guest twice, static and linked dynamically against the cross toolchain's
# glibc (run with -L /usr/<triple>: the guest's ld.so, libc.so and
# libpthread paths, lazy binding inside signal handlers); every run's
# stdout and exit status must match the native one.
#
#   bats --tap rootfs-tests/abi.bats                  # riscv64 and aarch64
#   ABI_GUESTS=aarch64 bats --tap rootfs-tests/abi.bats
#   ABI_LINK=static bats --tap rootfs-tests/abi.bats  # or dynamic; both by default
#   ABI_GUESTS=riscv64 RUNNER="build/runtime-riscv64 -tier interp" bats ...

setup_file() {
    export ABI_GUESTS=${ABI_GUESTS:-riscv64 aarch64}
    export ABI_LINK=${ABI_LINK:-static dynamic}
    export ABI_OUT=${BUILD:-build}/abi
    local g src name
    mkdir -p "$ABI_OUT/native"
    for src in rootfs-tests/abi/*.c; do
        name=$(basename "$src" .c)
        if [ ! "$ABI_OUT/native/$name" -nt "$src" ]; then
            gcc -O2 -static -pthread -o "$ABI_OUT/native/$name" "$src" || return 1
        fi
        for g in $ABI_GUESTS; do
            mkdir -p "$ABI_OUT/$g" "$ABI_OUT/$g-dyn"
            if [ ! "$ABI_OUT/$g/$name" -nt "$src" ]; then
                "$g-linux-gnu-gcc" -O2 -static -pthread -o "$ABI_OUT/$g/$name" "$src" || return 1
            fi
            if [ ! "$ABI_OUT/$g-dyn/$name" -nt "$src" ]; then
                "$g-linux-gnu-gcc" -O2 -pthread -o "$ABI_OUT/$g-dyn/$name" "$src" || return 1
            fi
        done
    done
}

# compare NAME [ARGS...]: same stdout and exit status natively and under
# each guest's runner, static and dynamic builds
compare() {
    local name=$1 g link
    shift
    local rc_n=0
    timeout -k 5 60 "$ABI_OUT/native/$name" "$@" >"$BATS_TEST_TMPDIR/native.out" 2>/dev/null ||
        rc_n=$?
    # a test that printed nothing proves nothing
    [ -s "$BATS_TEST_TMPDIR/native.out" ]
    for g in $ABI_GUESTS; do
        for link in $ABI_LINK; do
            local runner rc_g=0 exe=$ABI_OUT/$g/$name v=$g
            read -ra runner <<< "${RUNNER:-${BUILD:-build}/runtime-$g}"
            [ -x "${runner[0]}" ] || { echo "runner ${runner[0]} not built" >&2; return 1; }
            if [ "$link" = dynamic ]; then
                exe=$ABI_OUT/$g-dyn/$name v=$g-dyn
                runner+=(-L "/usr/$g-linux-gnu")
            fi
            timeout -k 5 60 "${runner[@]}" "$exe" "$@" \
                >"$BATS_TEST_TMPDIR/$v.out" 2>"$BATS_TEST_TMPDIR/$v.err" || rc_g=$?
            if ! diff -u --label native --label "$v" "$BATS_TEST_TMPDIR/native.out" \
                   "$BATS_TEST_TMPDIR/$v.out" || [ "$rc_n" != "$rc_g" ]; then
                echo "$v: exit status: native $rc_n, guest $rc_g" >&2
                sed "s/^/$v stderr: /" "$BATS_TEST_TMPDIR/$v.err" | head -20 >&2
                return 1
            fi
        done
    done
}

@test "SA_SIGINFO handlers via raise, kill, tgkill, sigqueue; queued real-time signals" {
    compare sig_info
}

@test "setitimer and alarm interrupt a busy loop without syscalls" {
    compare sig_alarm
}

@test "SIGSEGV with si_addr and siglongjmp recovery; SIGILL/SIGTRAP from __builtin_trap" {
    compare sig_fault
}

@test "stack overflow caught on a sigaltstack" {
    compare sig_altstack
}

@test "SA_RESTART vs EINTR on a pipe read; sigsuspend, sigpending, sigtimedwait" {
    compare sig_restart
}

@test "default actions: SIG_IGN, default-ignore, SA_RESETHAND, normal exit" {
    compare sig_default
}

@test "death by SIGTERM: same exit status" {
    compare sig_default term
}

@test "death by abort (SIGABRT): same exit status" {
    compare sig_default abort
}

@test "death by a signal whose handler was reset (SA_RESETHAND)" {
    compare sig_default kill-usr2
}

@test "death by an unhandled SIGSEGV: same exit status" {
    compare sig_default segv
}

@test "pthreads: mutex, condvar, atomics under contention, TLS, pthread_kill" {
    compare threads
}

@test "setegid/seteuid in a threaded program: glibc's signal 33 reaches every guest thread, all agree on the ids" {
    compare thread_setxid
}
