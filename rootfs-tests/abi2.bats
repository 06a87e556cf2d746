#!/usr/bin/env bats
# The rest of the Linux user ABI (syscall/procfs.c, file and I/O calls,
# ioctls, event fds, sockets, process calls): each program in
# rootfs-tests/abi2/ is built natively and for each guest (static, -O2,
# -pthread), run both ways, and its stdout and exit status must match.
#
#   bats --tap rootfs-tests/abi2.bats                  # riscv64 and aarch64
#   ABI_GUESTS=aarch64 bats --tap rootfs-tests/abi2.bats

setup_file() {
    export ABI_GUESTS=${ABI_GUESTS:-riscv64 aarch64}
    export ABI_OUT=${BUILD:-build}/abi2
    local g src name
    mkdir -p "$ABI_OUT/native"
    for src in rootfs-tests/abi2/*.c; do
        name=$(basename "$src" .c)
        if [ ! "$ABI_OUT/native/$name" -nt "$src" ]; then
            gcc -O2 -static -pthread -Wall -o "$ABI_OUT/native/$name" "$src" -lutil || return 1
        fi
        for g in $ABI_GUESTS; do
            mkdir -p "$ABI_OUT/$g"
            if [ ! "$ABI_OUT/$g/$name" -nt "$src" ]; then
                "$g-linux-gnu-gcc" -O2 -static -pthread -Wall -o "$ABI_OUT/$g/$name" "$src" \
                    -lutil || return 1
            fi
        done
    done
}

# compare NAME [ARGS...]: same stdout and exit status natively and under
# each guest's runner (the program's working directory is a fresh temp dir)
compare() {
    local name=$1 g top=$PWD
    shift
    local rc_n=0
    mkdir -p "$BATS_TEST_TMPDIR/native.d"
    (cd "$BATS_TEST_TMPDIR/native.d" &&
        ABI2_MARK=hello timeout -k 5 60 "$top/$ABI_OUT/native/$name" "$@") \
        >"$BATS_TEST_TMPDIR/native.out" 2>/dev/null || rc_n=$?
    # a test that printed nothing proves nothing
    [ -s "$BATS_TEST_TMPDIR/native.out" ]
    for g in $ABI_GUESTS; do
        local runner rc_g=0
        read -ra runner <<< "${RUNNER:-${BUILD:-build}/runtime-$g}"
        [ -x "${runner[0]}" ] || { echo "runner ${runner[0]} not built" >&2; return 1; }
        runner[0]=$(realpath "${runner[0]}")
        mkdir -p "$BATS_TEST_TMPDIR/$g.d"
        (cd "$BATS_TEST_TMPDIR/$g.d" &&
            ABI2_MARK=hello timeout -k 5 60 "${runner[@]}" "$top/$ABI_OUT/$g/$name" "$@") \
            >"$BATS_TEST_TMPDIR/$g.out" 2>"$BATS_TEST_TMPDIR/$g.err" || rc_g=$?
        if ! diff -u "$BATS_TEST_TMPDIR/native.out" "$BATS_TEST_TMPDIR/$g.out" ||
           [ "$rc_n" != "$rc_g" ]; then
            echo "$g: exit status: native $rc_n, guest $rc_g" >&2
            sed "s/^/$g stderr: /" "$BATS_TEST_TMPDIR/$g.err" | head -20 >&2
            return 1
        fi
    done
}

@test "/proc/self: cmdline, environ, auxv, maps (runner hidden), stat, cpuinfo match the program" {
    compare proc_self a "b c"
}

@test "files: fcntl locks across processes, statx, statfs, the *at family, getdents64, memfd, splice family, xattrs" {
    compare files
}

@test "events: poll/ppoll/select/pselect6, epoll incl. epoll_pwait2 (event layout), eventfd, timerfd, signalfd, inotify" {
    compare events
}

@test "tty ioctls on a pty: TIOCGPTN/TIOCSPTLCK, TCGETS/TCSETS*, winsize, FIONREAD, FIONBIO, FIOCLEX, TCFLSH, TIOCSCTTY/TIOCGPGRP/TIOCSPGRP/TIOCNOTTY, unknown is ENOTTY" {
    compare tty
}

@test "sockets: SCM_RIGHTS, SCM_CREDENTIALS, SO_PEERCRED, TCP and UDP loopback, sendmmsg/recvmmsg, socket options" {
    compare sockets
}

@test "processes: wait4/waitid, prctl, personality, rlimits, rusage, sessions, sysinfo, capget, affinity/getcpu, SysV IPC" {
    compare procs
}
