#!/usr/bin/env bats
# Guest execve/execveat under the user-mode runner, without binfmt_misc:
# the programs in rootfs-tests/exec/ are built for riscv64 (run through
# build/runtime-riscv64) and for x86-64 (run natively) into two twin
# directories, and every snippet must print the same thing and exit the
# same way in both (paths of the two directories are written DIR).  A guest
# program that execs a guest program, a native one, #! scripts with native
# and guest interpreters; errno of failed execs; fork/vfork/posix_spawn/
# system(); -strace, -D, -0 and RUNTIME_* across exec; and Debian's arm64
# busybox (rootfs-tests/lib/busybox-arm64.sh) running pipelines.
# Run from the repository root: bats --tap rootfs-tests/exec.bats

setup_file() {
    export RUNNER="$PWD/build/runtime-riscv64" RUNNER_A64="$PWD/build/runtime-aarch64"
    export D="$BATS_FILE_TMPDIR/exec"
    local src="$PWD/rootfs-tests/exec" d p
    mkdir -p "$D/rv" "$D/nat" "$D/root/bin"
    for p in exec_run exec_show mini_sh; do
        riscv64-linux-gnu-gcc -O2 -static -Wall -Wextra -Werror -o "$D/rv/$p" "$src/$p.c" || return 1
        gcc -O2 -Wall -Wextra -Werror -o "$D/nat/$p" "$src/$p.c" || return 1
    done
    # dynamic guest builds, run with -L /usr/riscv64-linux-gnu
    for p in exec_run exec_show; do
        riscv64-linux-gnu-gcc -O2 -Wall -Wextra -Werror -o "$D/rv/$p.dyn" "$src/$p.c" || return 1
    done
    for d in rv nat; do
        printf '#!/bin/sh\necho "sh: $0 [$*]"; exit 4\n' > "$D/$d/native.sh"
        # blanks around the argument are trimmed, the ones inside kept
        printf '#! %s/exec_show  -x  y  \t \nnot read\n' "$D/$d" > "$D/$d/guest.sh"
        printf '#!%s/guest.sh one\n' "$D/$d" > "$D/$d/nested.sh"
        printf '#!./exec_show\n' > "$D/$d/relinterp.sh"
        printf '#!\n' > "$D/$d/empty.sh"
        printf 'no interpreter line\n' > "$D/$d/text.sh"
        printf '#!/nonexistent/interp\n' > "$D/$d/missing.sh"
        chmod +x "$D/$d"/*.sh
        cp "$D/$d/exec_show" "$D/$d/noexec"
        chmod -x "$D/$d/noexec"
    done
    # a sysroot whose /bin/sh is a guest program, for system() under -L
    cp "$D/rv/mini_sh" "$D/root/bin/sh"
    cp "$D/rv/exec_show" "$D/root/bin/exec_show"
}

setup() {
    [ -x "$RUNNER" ] || { echo "build/runtime-riscv64 not built (make)" >&2; return 1; }
}

# run_in DIR OUT CMD...: in DIR with a small fixed environment and no
# descriptor above 2; OUT gets stdout (DIR written as "DIR") then the status
run_in() {
    local dir=$1 out=$2 st=0
    shift 2
    (
        for fd in $(ls /proc/$BASHPID/fd); do
            [ "$fd" -gt 2 ] && eval "exec $fd>&-"
        done
        cd "$dir" && exec env -i E0=outer PATH=/usr/bin:/bin /usr/bin/timeout -k 5 60 "$@"
    ) > "$out.raw" 2>"$out.err" || st=$?
    sed "s|$dir|DIR|g" "$out.raw" > "$out"
    echo "exit=$st" >> "$out"
}

# same ARGS...: "exec_run ARGS" as a guest and natively print the same
same() {
    run_in "$D/rv" "$BATS_TEST_TMPDIR/rv" "$RUNNER" ./exec_run "$@"
    run_in "$D/nat" "$BATS_TEST_TMPDIR/nat" ./exec_run "$@"
    if ! cmp -s "$BATS_TEST_TMPDIR/nat" "$BATS_TEST_TMPDIR/rv"; then
        echo "native vs guest:"
        diff "$BATS_TEST_TMPDIR/nat" "$BATS_TEST_TMPDIR/rv" | head -30
        sed -n 1,10p "$BATS_TEST_TMPDIR/rv.err"
        return 1
    fi
    out=$(cat "$BATS_TEST_TMPDIR/rv")
}

# expect TEXT: the last output of `same` has this line
expect() {
    grep -qxF -- "$1" <<<"$out" || { echo "missing line: $1"; echo "$out" | head -30; return 1; }
}

@test "guest execs guest: argv, envp and descriptors arrive exactly" {
    same execve ./exec_show zero "a b" "" "  c  "
    expect "argc=4"
    expect "argv[0]=<zero>"
    expect "argv[2]=<>"
    expect "argv[3]=<  c  >"
    expect "env[1]=<E2=with space>"
    expect "env[3]=<EQ=a=b>"
    expect "exit=3"
    # the descriptor opened with O_CLOEXEC is gone, the other one stays
    [ "$(grep -c '^fds: 3$' <<<"$out")" = 1 ]
}

@test "dynamic guest execs dynamic guest: -L carries over, PT_INTERP found in the sysroot" {
    [ -d /usr/riscv64-linux-gnu/lib ] || { echo "no /usr/riscv64-linux-gnu (libc6-dev-riscv64-cross)"; return 1; }
    run_in "$D/rv" "$BATS_TEST_TMPDIR/rv" "$RUNNER" -L /usr/riscv64-linux-gnu ./exec_run.dyn \
        vfork ./exec_show.dyn zero "a b"
    run_in "$D/nat" "$BATS_TEST_TMPDIR/nat" ./exec_run vfork ./exec_show zero "a b"
    diff "$BATS_TEST_TMPDIR/nat" "$BATS_TEST_TMPDIR/rv"
    grep -qxF "argv[1]=<a b>" "$BATS_TEST_TMPDIR/rv"
    grep -qxF "vfork: exit 3" "$BATS_TEST_TMPDIR/rv"
}

@test "guest execs a native program (/bin/echo)" {
    same execve /bin/echo echo hello "two words"
    expect "hello two words"
    expect "exit=0"
}

@test "#! script with a native interpreter (/bin/sh)" {
    same execve ./native.sh zero a b
    expect "sh: ./native.sh [a b]"
    expect "exit=4"
}

@test "#! script with a guest interpreter: name, one trimmed argument, script path" {
    same execve ./guest.sh zero a b
    expect "argv[0]=<DIR/exec_show>"
    expect "argv[1]=<-x  y>"
    expect "argv[2]=<./guest.sh>"
    expect "argv[3]=<a>"
    expect "argc=5"
    expect "exit=3"
}

@test "#! script whose interpreter is a script; relative interpreter" {
    same execve ./nested.sh zero a
    expect "argv[2]=<DIR/guest.sh>"
    expect "argv[3]=<one>"
    expect "argv[4]=<./nested.sh>"
    same execve ./relinterp.sh zero q
    expect "argv[0]=<./exec_show>"
    expect "argv[1]=<./relinterp.sh>"
}

@test "execve errors: ENOENT, EACCES, ENOTDIR, ENOEXEC come from the kernel" {
    same execve ./nonexist zero
    expect "execve: ENOENT"
    same execve ./noexec zero
    expect "execve: EACCES"
    same execve /tmp zero
    expect "execve: EACCES"
    same execve ./exec_show/x zero
    expect "execve: ENOTDIR"
    same execve ./text.sh zero
    expect "execve: ENOEXEC"
    same execve ./empty.sh zero
    expect "execve: ENOEXEC"
    same execve ./missing.sh zero
    expect "execve: ENOENT"
}

@test "execveat: relative to a directory fd, AT_EMPTY_PATH, /proc/self/exe" {
    same execveat-dir . exec_show zero a
    expect "argv[1]=<a>"
    expect "exit=3"
    # a script through a close-on-exec directory fd: its /dev/fd/N/name
    # would be gone in the interpreter, so the kernel says ENOENT
    same execveat-dir . guest.sh zero a
    expect "execveat-dir: ENOENT"
    same fexecve ./exec_show zero b
    expect "argv[1]=<b>"
    expect "exit=3"
    same execve /proc/self/exe again x y
    expect "self argv[0]=<again>"
    expect "self argv[2]=<y>"
    expect "exit=5"
}

@test "fork, vfork, posix_spawn, posix_spawnp of a guest program" {
    for m in fork vfork spawn; do
        same $m ./exec_show zero "$m"
        expect "argv[1]=<$m>"
        expect "$m: exit 3"
    done
    # $PATH search: the first directory does not have it
    run_in "$D/rv" "$BATS_TEST_TMPDIR/rv" env PATH="/nonexistent:$D/rv" "$RUNNER" \
        ./exec_run spawnp exec_show zero p
    run_in "$D/nat" "$BATS_TEST_TMPDIR/nat" env PATH="/nonexistent:$D/nat" ./exec_run \
        spawnp exec_show zero p
    cmp "$BATS_TEST_TMPDIR/nat" "$BATS_TEST_TMPDIR/rv"
    grep -qxF "spawnp: exit 3" "$BATS_TEST_TMPDIR/rv"
}

@test "system(): native /bin/sh; with -L, the sysroot's guest /bin/sh runs a guest program" {
    same system 'echo "hi there"; exit 6'
    expect "hi there"
    expect "system: exit 6"
    # /bin/sh and /bin/exec_show exist only in the sysroot, as guest programs
    run_in "$D/rv" "$BATS_TEST_TMPDIR/rv" "$RUNNER" -L ../root ./exec_run system \
        "/bin/exec_show a b"
    grep -qxF "system: exit 3" "$BATS_TEST_TMPDIR/rv"
    grep -qxF "exit=0" "$BATS_TEST_TMPDIR/rv"
    # what exec_show prints when given the same argv and environment
    run_in "$D/nat" "$BATS_TEST_TMPDIR/nat" ./exec_run execve-env ./exec_show /bin/exec_show a b
    diff <(grep -E '^(argc|argv|env)' "$BATS_TEST_TMPDIR/nat") \
        <(grep -E '^(argc|argv|env)' "$BATS_TEST_TMPDIR/rv")
    grep -qxF "argv[0]=</bin/exec_show>" "$BATS_TEST_TMPDIR/rv"
}

@test "-strace shows the execve line, and the new program is traced too" {
    run_in "$D/rv" "$BATS_TEST_TMPDIR/rv" "$RUNNER" -strace ./exec_run execve ./exec_show zero
    grep -qxF "exit=3" "$BATS_TEST_TMPDIR/rv"
    grep -Eq '^[0-9]+ execve\("\./exec_show",0x[0-9a-f]+\)$' "$BATS_TEST_TMPDIR/rv.err"
    grep -Eq '^[0-9]+ exit_group\(3\)$' "$BATS_TEST_TMPDIR/rv.err"
    # a failed exec ends its line with the errno
    run_in "$D/rv" "$BATS_TEST_TMPDIR/rv" "$RUNNER" -strace ./exec_run execve ./nonexist zero
    grep -Eq '^[0-9]+ execve\("\./nonexist",0x[0-9a-f]+\) = -1 ENOENT ' "$BATS_TEST_TMPDIR/rv.err"
}

@test "-D log is shared with the exec'd runner; -0 is not inherited; RUNTIME_* inherited, not seen" {
    local log="$BATS_TEST_TMPDIR/log"
    run_in "$D/rv" "$BATS_TEST_TMPDIR/rv" "$RUNNER" -strace -D log.txt ./exec_run fork \
        ./exec_show zero
    mv "$D/rv/log.txt" "$log"
    grep -qxF "fork: exit 3" "$BATS_TEST_TMPDIR/rv"
    # the parent's lines before the exec survive, the child's follow
    grep -Eq '^[0-9]+ openat\(AT_FDCWD,"/dev/null"' "$log"
    grep -Eq '^[0-9]+ execve\("\./exec_show",0x[0-9a-f]+\)$' "$log"
    grep -Eq '^[0-9]+ exit_group\(3\)$' "$log"
    grep -Eq '^[0-9]+ exit_group\(0\)$' "$log"

    run_in "$D/rv" "$BATS_TEST_TMPDIR/rv" "$RUNNER" -0 custom ./exec_run execve ./exec_show zero
    grep -qxF "argv[0]=<zero>" "$BATS_TEST_TMPDIR/rv"

    run_in "$D/rv" "$BATS_TEST_TMPDIR/rv" env RUNTIME_STRACE=1 "$RUNNER" ./exec_run \
        execve-env ./exec_show zero
    grep -qxF "exit=3" "$BATS_TEST_TMPDIR/rv"
    if grep RUNTIME_ "$BATS_TEST_TMPDIR/rv"; then return 1; fi
    grep -qxF "env[0]=<E0=outer>" "$BATS_TEST_TMPDIR/rv"
    grep -Eq '^[0-9]+ exit_group\(3\)$' "$BATS_TEST_TMPDIR/rv.err"
}

@test "arm64 busybox: sh pipelines exec applets through /proc/self/exe and #! scripts" {
    local paths
    [ -x "$RUNNER_A64" ] || { echo "build/runtime-aarch64 not built (make)" >&2; return 1; }
    paths=$(RUNTIME_CACHE=${RUNTIME_CACHE:-/var/cache/runtime} bash -c \
        'for a in arm64 amd64; do b=$RUNTIME_CACHE/busybox-$a/bin/busybox; [ -x $b ] || exit 1; echo $b; done') ||
        skip "busybox not fetched (bash rootfs-tests/lib/busybox-arm64.sh fetches it)"
    local arm=$(sed -n 1p <<<"$paths") x86=$(sed -n 2p <<<"$paths") bb
    local snippet='echo a | tr a b; echo x | sort; ./bb.sh 1 "2 3"; x=$(echo hello | wc -c); echo $x
                   env -i A=1 printenv A; ls /nonexistent 2>&1; echo st=$?'
    for bb in arm x86; do
        mkdir -p "$BATS_TEST_TMPDIR/$bb"
        printf '#!%s sh\necho "script: $0 $# $*"; echo 3 1 2 | tr " " "\\n" | sort -n\n' \
            "${!bb}" > "$BATS_TEST_TMPDIR/$bb/bb.sh"
        chmod +x "$BATS_TEST_TMPDIR/$bb/bb.sh"
    done
    run_in "$BATS_TEST_TMPDIR/arm" "$BATS_TEST_TMPDIR/arm.out" "$RUNNER_A64" "$arm" sh -c "$snippet"
    run_in "$BATS_TEST_TMPDIR/x86" "$BATS_TEST_TMPDIR/x86.out" "$x86" sh -c "$snippet"
    diff "$BATS_TEST_TMPDIR/x86.out" "$BATS_TEST_TMPDIR/arm.out"
    grep -qxF "script: ./bb.sh 2 1 2 3" "$BATS_TEST_TMPDIR/arm.out"
    grep -qxF "b" "$BATS_TEST_TMPDIR/arm.out"
}
