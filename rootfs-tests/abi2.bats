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
            # and dynamically linked, run with -L /usr/<g>-linux-gnu
            mkdir -p "$ABI_OUT/$g-dyn"
            if [ ! "$ABI_OUT/$g-dyn/$name" -nt "$src" ]; then
                "$g-linux-gnu-gcc" -O2 -pthread -Wall -o "$ABI_OUT/$g-dyn/$name" "$src" \
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
        local prog=$top/$ABI_OUT/$g/$name
        if [ -n "${ABI2_DYNAMIC:-}" ]; then
            prog=$top/$ABI_OUT/$g-dyn/$name
            runner+=(-L "/usr/$g-linux-gnu")
        fi
        mkdir -p "$BATS_TEST_TMPDIR/$g.d"
        (cd "$BATS_TEST_TMPDIR/$g.d" &&
            ABI2_MARK=hello timeout -k 5 60 "${runner[@]}" "$prog" "$@") \
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

@test "dynamically linked (-L /usr/<guest>-linux-gnu): /proc/self, files, events, sockets, processes" {
    ABI2_DYNAMIC=1 compare proc_self a "b c"
    ABI2_DYNAMIC=1 compare files
    ABI2_DYNAMIC=1 compare events
    ABI2_DYNAMIC=1 compare sockets
    ABI2_DYNAMIC=1 compare procs
}

# ---- real software: Debian's arm64 coreutils (dynamic, glibc) against the
# host's amd64 coreutils of the same version, in the same directory ----

# deb_setup [full]: build the sysroot from Debian's packages when it is not
# cached yet (ABI2_FETCH=0 turns that off); skip, with the reason, only when
# it cannot be had
deb_setup() {
    local probe=usr/bin/sort
    DEB_ROOT=${RUNTIME_CACHE:-/var/cache/runtime}/sysroot-arm64
    if [ "${1:-}" = full ]; then
        DEB_ROOT=$DEB_ROOT-full
        probe=bin/dash
    fi
    local why="ABI2_FETCH=0"
    if [ ! -x "$DEB_ROOT/$probe" ] && [ "${ABI2_FETCH:-1}" = 1 ]; then
        why=$(rootfs-tests/abi2/debian-arm64.sh ${1:-} 2>&1 >/dev/null | head -1)
    fi
    [ -x "$DEB_ROOT/$probe" ] ||
        skip "no Debian arm64 sysroot in $DEB_ROOT: ${why:-not built}"
    case " $ABI_GUESTS " in *" aarch64 "*) ;; *) skip "aarch64 not among ABI_GUESTS" ;; esac
    DEB_RUNNER=$(realpath "${BUILD:-build}/runtime-aarch64")
    DEB_DIR=$BATS_TEST_TMPDIR/work
    mkdir -p "$DEB_DIR"
    # deterministic inputs
    seq 1 3000 | awk '{ printf "%d line %x %s\n", ($1 * 7919) % 3001, $1 * 31, ($1 % 3) ? "b" : "a" }' \
        >"$DEB_DIR/in.txt"
    printf 'alpha\nbeta\ngamma\n' >"$DEB_DIR/small.txt"
    cp rootfs-tests/abi2/stdlib.py "$DEB_DIR/"
}

# deb_compare TOOL ARGS...: /usr/bin/TOOL natively and the sysroot's TOOL
# under the runner, same stdout+stderr and exit status (a fresh copy of
# the inputs each time, so tools that write see the same files)
deb_compare() {
    local tool=$1 gtool ntool rc_n=0 rc_g=0
    shift
    # the host's Debian tools, not whatever PATH finds first
    ntool=/usr/bin/$tool
    [ -x "$ntool" ] || ntool=/bin/$tool
    gtool=$DEB_ROOT/usr/bin/$tool
    [ -x "$gtool" ] || gtool=$DEB_ROOT/bin/$tool
    rm -rf "$DEB_DIR.n" "$DEB_DIR.g"
    cp -a "$DEB_DIR" "$DEB_DIR.n"
    cp -a "$DEB_DIR" "$DEB_DIR.g"
    (cd "$DEB_DIR.n" && timeout -k 5 120 "$ntool" "$@") >"$BATS_TEST_TMPDIR/n.out" 2>&1 || rc_n=$?
    (cd "$DEB_DIR.g" && timeout -k 5 120 "$DEB_RUNNER" -L "$DEB_ROOT" "$gtool" "$@") \
        >"$BATS_TEST_TMPDIR/g.out" 2>&1 || rc_g=$?
    # error messages name the program: the guest's is the sysroot path
    sed -i "s|$gtool|$tool|g; s|$DEB_DIR.g|DIR|g" "$BATS_TEST_TMPDIR/g.out"
    sed -i "s|$ntool|$tool|g; s|$DEB_DIR.n|DIR|g" "$BATS_TEST_TMPDIR/n.out"
    # and what a tool wrote must match too
    (cd "$DEB_DIR.n" && find . -printf '%p %s %M\n' | sort && cat -- * 2>/dev/null | md5sum) \
        >>"$BATS_TEST_TMPDIR/n.out"
    (cd "$DEB_DIR.g" && find . -printf '%p %s %M\n' | sort && cat -- * 2>/dev/null | md5sum) \
        >>"$BATS_TEST_TMPDIR/g.out"
    if ! diff -u "$BATS_TEST_TMPDIR/n.out" "$BATS_TEST_TMPDIR/g.out" >&2 || [ "$rc_n" != "$rc_g" ]; then
        echo "$tool $*: exit status native $rc_n, guest $rc_g" >&2
        return 1
    fi
}

@test "debian arm64 coreutils: sort, uniq, wc, md5sum, sha256sum, sha512sum, cksum, base64, od" {
    deb_setup
    deb_compare sort -n in.txt
    deb_compare sort -t' ' -k3,3 -k1,1nr in.txt
    deb_compare sort --parallel=2 -S 64K in.txt
    deb_compare uniq -c small.txt
    deb_compare wc in.txt small.txt
    deb_compare md5sum in.txt small.txt
    deb_compare sha256sum in.txt
    deb_compare sha512sum in.txt
    deb_compare cksum in.txt
    deb_compare base64 in.txt
    deb_compare od -Ax -tx1z -N64 in.txt
}

@test "debian arm64 coreutils: text tools (head, tail, cut, tr, paste, join, nl, tac, fold, expand, split)" {
    deb_setup
    deb_compare head -n 5 in.txt
    deb_compare tail -c 100 in.txt
    deb_compare cut -d' ' -f1,3 in.txt
    deb_compare tr a-z A-Z small.txt
    deb_compare paste small.txt small.txt
    deb_compare nl small.txt
    deb_compare tac small.txt
    deb_compare fold -w 7 in.txt
    deb_compare split -n 3 in.txt part.
    deb_compare join small.txt small.txt
}

@test "-strace of debian arm64 ls -l: every line 'PID name(args) = result', names, paths and flags decoded, same syscalls as native strace" {
    deb_setup
    command -v strace >/dev/null || skip "strace is not installed (make deps)"
    mkdir -p "$DEB_DIR/listed" && touch "$DEB_DIR/listed/one" "$DEB_DIR/listed/two"
    local log=$BATS_TEST_TMPDIR/strace.log
    (cd "$DEB_DIR" && "$DEB_RUNNER" -strace -D "$log" -L "$DEB_ROOT" "$DEB_ROOT/bin/ls" -l listed) \
        >"$BATS_TEST_TMPDIR/g.out"
    (cd "$DEB_DIR" && strace -f -qq -o "$BATS_TEST_TMPDIR/native.log" /bin/ls -l listed) \
        >"$BATS_TEST_TMPDIR/n.out"
    # the program's own output is untouched by the log
    diff -u "$BATS_TEST_TMPDIR/n.out" "$BATS_TEST_TMPDIR/g.out"
    # every line is a complete call with its result; only exit_group has none
    ! grep -vE '^[0-9]+ [a-z0-9_]+\(.*\) = (-?[0-9]+|0x[0-9a-f]+|-1 E[A-Z0-9]+ \(.*\))$' "$log" |
        grep -vE '^[0-9]+ exit_group\([0-9]+\)$'
    # no unnamed syscall, no bare errno number
    ! grep -E '^[0-9]+ syscall_[0-9]+\(|errno=' "$log"
    # paths quoted, flags by name
    grep -qE '^[0-9]+ openat\(AT_FDCWD,"listed",O_RDONLY\|O_NONBLOCK\|O_DIRECTORY\|O_CLOEXEC,00\) = [0-9]+$' "$log"
    grep -qE '^[0-9]+ statx\(AT_FDCWD,"listed/one",AT_SYMLINK_NOFOLLOW' "$log"
    grep -qE '^[0-9]+ mmap\(NULL,[0-9]+,PROT_READ,MAP_PRIVATE,[0-9]+,0\) = 0x' "$log"
    grep -qE ' = -1 ENOENT \(No such file or directory\)$' "$log"
    # the same syscalls as the native run, up to the architectures' known
    # differences: arm64 has no access/arch_prctl and reads ELF headers with
    # read, not pread64; we have no guest vDSO, so clock_gettime is a real
    # call; strace sees the execve that precedes our first guest call
    names() { grep -oE '^[0-9]+ +[a-z0-9_]+' "$1" | awk '{ print $2 }' | sort -u; }
    local only_ours only_native
    only_ours=$(comm -23 <(names "$log") <(names "$BATS_TEST_TMPDIR/native.log") |
        grep -vxE 'faccessat|clock_gettime' || true)
    only_native=$(comm -13 <(names "$log") <(names "$BATS_TEST_TMPDIR/native.log") |
        grep -vxE 'access|arch_prctl|execve|pread64' || true)
    echo "only ours: $only_ours / only native: $only_native"
    [ -z "$only_ours" ] && [ -z "$only_native" ]
}

@test "debian arm64 coreutils: files (ls -la, stat, cp -a, mv, ln, readlink, du, df, touch, chmod, mkdir -p, rm -r)" {
    deb_setup
    touch -d '2020-02-02 12:00:00' "$DEB_DIR/small.txt"
    mkdir -p "$DEB_DIR/sub/deeper"
    ln -s ../small.txt "$DEB_DIR/sub/link"
    deb_compare ls -la --time-style=long-iso sub
    deb_compare ls -lR --time-style=+%s
    deb_compare stat -c '%n %s %a %F %Y' small.txt sub sub/link
    deb_compare stat -L -c '%n %s' sub/link
    deb_compare cp -av small.txt copy.txt
    deb_compare mv -v small.txt moved.txt
    deb_compare ln -sv in.txt newlink
    deb_compare readlink -f sub/link
    deb_compare du -ab sub
    deb_compare touch -d '2001-01-01' small.txt
    deb_compare chmod -v 0600 small.txt
    deb_compare mkdir -pv a/b/c
    deb_compare rm -rv sub
    deb_compare df -P --output=fstype,target .
    # "/" itself is not looked up in the sysroot (chdir("/") is not either)
    deb_compare ls /
}

@test "debian arm64 coreutils: environment and numbers (date, factor, seq, expr, printf, numfmt, env, id, nproc, timeout)" {
    deb_setup
    deb_compare date -u -d @1234567890 '+%F %T %A %j'
    TZ=UTC deb_compare date -d '2024-02-29 + 1 year'
    deb_compare factor 1234567890123 600851475143
    deb_compare seq -f '%.3f' 0 0.25 2
    deb_compare expr 12345 \* 6789
    deb_compare printf '%08.3f|%x|%s\n' 3.14159 255 word
    deb_compare numfmt --to=iec 123456789
    deb_compare env -i A=1 B=2 env
    deb_compare id -u
    deb_compare nproc
    deb_compare timeout 0.2 sleep 3
    deb_compare sleep 0.05
    deb_compare true
    deb_compare false
}

@test "debian arm64 bash: traps, subshells, command substitution, coproc, pipelines of arm64 tools" {
    deb_setup full
    deb_compare bash -c 'trap "echo exit trap" EXIT; trap "echo got usr1" USR1; kill -USR1 $$
        (echo sub $((6 * 7)); exit 3); echo "rc=$?"
        f() { local x=$1; echo "${x^^}"; }; f abc
        x=$(exit 7) || echo "cmdsub=$?"
        set -e; false || echo caught
        ( sleep 0.05 & wait $! ); echo waited
        coproc cat; echo hi >&"${COPROC[1]}"; exec {COPROC[1]}>&-; read -r y <&"${COPROC[0]}"; echo "coproc $y"
        while read -r w; do echo "[$w]"; done < small.txt
        printf "%s\n" {a..e} | paste -sd,
        echo $((2 ** 62)) ${#BASH_VERSINFO[@]}'
    deb_compare bash -c 'sort -t" " -k2,2 -k1,1n in.txt | head -20 | tr a-z A-Z | md5sum
        cut -d" " -f1 in.txt | sort -n | uniq | wc -l
        ulimit -n 100; ulimit -n
        trap "echo term caught; exit 4" TERM; kill -TERM $$; echo not reached'
    deb_compare bash -c 'gzip -9nc in.txt | gzip -dc | md5sum
        xz -T1 -6c in.txt | md5sum
        xz -c in.txt | xz -dc | sha1sum
        tar --mtime=@0 --owner=0 --group=0 --sort=name -cf - in.txt small.txt | md5sum
        tar -cJf a.txz in.txt small.txt && tar -tJf a.txz && tar -xJOf a.txz | md5sum
        diff small.txt <(sed s/beta/BETA/ small.txt); echo "diff=$?"
        grep -c " a$" in.txt; grep -E "^1[0-9]{2} " in.txt | head -3
        sed -n "s/line/LINE/p;5q" in.txt
        find . -type f -name "*.txt" | sort'
}

@test "debian arm64 sqlite3, openssl, gawk, bzip2: scripts, digests, cipher round trip, compressed bytes" {
    deb_setup full
    local t
    for t in sqlite3 openssl gawk bzip2; do
        [ -x "/usr/bin/$t" ] || [ -x "/bin/$t" ] || skip "native $t is not installed (make deps)"
    done
    deb_compare sqlite3 -batch :memory: "
        create table t(id integer primary key, name text, v real);
        with recursive c(x) as (select 1 union all select x + 1 from c where x < 10000)
            insert into t select x, 'n' || (x % 97), x / 7.0 from c;
        create table g(name text, w int);
        insert into g select distinct name, length(name) from t;
        select count(*), sum(id), printf('%.4f', avg(v)), min(name), max(name) from t;
        select g.w, count(*), printf('%.2f', sum(t.v)) from t join g using(name) group by g.w;
        select json_object('n', count(*), 'top', (select name from t order by v desc limit 1)) from t;
        select group_concat(name, ',') from (select distinct name from t order by name limit 8);
        create index i on t(name); select count(*) from t where name = 'n42';"
    deb_compare sqlite3 -batch db.sqlite "create table k(a, b); insert into k values (1, 'x'), (2, 'y');"
    deb_compare sqlite3 -batch db.sqlite ".dump"
    deb_compare openssl dgst -sha256 in.txt
    deb_compare openssl dgst -sha512 -r in.txt
    deb_compare openssl dgst -md5 in.txt
    deb_compare openssl dgst -sha3-256 small.txt
    deb_compare openssl base64 -in small.txt
    deb_compare bash -c 'openssl enc -aes-256-cbc -K 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f -iv 0f0e0d0c0b0a09080706050403020100 -in in.txt -out in.enc && md5sum in.enc &&
        openssl enc -d -aes-256-cbc -K 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f -iv 0f0e0d0c0b0a09080706050403020100 -in in.enc | cmp - in.txt && echo round-trip'
    deb_compare gawk '{ n[$3]++; s += $1 } END { PROCINFO["sorted_in"] = "@ind_str_asc"; for (k in n) printf "%s %d\n", k, n[k]; printf "%.3f\n", s / NR }' in.txt
    deb_compare gawk 'BEGIN { while (("sort -n in.txt | head -3" | getline l) > 0) print "got", l; x = "a-b-c"; gsub(/-/, "+", x); split("3 1 2", a); asort(a); print x, a[1] a[2] a[3], toupper(substr("hello", 2, 3)), 2 ** 40 }'
    deb_compare bash -c 'bzip2 -9c in.txt | md5sum; bzip2 -c in.txt | bzip2 -dc | md5sum; bzip2 -c in.txt > in.bz2; bzip2 -t in.bz2 && echo ok'
    deb_compare bash -c 'cat in.txt in.txt in.txt in.txt > big.txt; for c in "gzip -9n" "bzip2 -9" "xz -T1 -6"; do $c -c big.txt | md5sum; $c -c big.txt | ${c%% *} -dc | cmp - big.txt && echo "$c ok"; done; rm big.txt'
}

@test "debian arm64 perl: regexes, hashes, pack, fork, pipes, sprintf" {
    deb_setup full
    deb_compare perl -e '$_ = "abc123def456"; my @n = /(\d+)/g; print "@n\n";
        (my $s = "Hello World") =~ s/(\w+)/\u\L$1/g; print "$s\n";
        my %h; $h{$_ % 7}++ for 1..1000; print join(",", map {"$_=$h{$_}"} sort keys %h), "\n";
        print unpack("H*", pack("NnCd<", 0xdeadbeef, 513, 7, 1.5)), "\n";
        printf "%.10g %e %x\n", atan2(1, 1) * 4, 1e300 * 1e5, 255;
        if (my $p = fork) { waitpid($p, 0); print "child exit ", $? >> 8, "\n" } else { exit 9 }
        pipe(R, W); if (!fork) { close R; print W "from child\n"; exit } close W; print scalar <R>;
        print join(" ", sort { $a <=> $b } map { $_ * $_ % 17 } 1..20), "\n"'
    deb_compare perl -ne 'print if /^(\d)\1+ /; END { print "$.\n" }' in.txt
}

@test "debian arm64 python3.11: threading, multiprocessing, subprocess, signal, mmap, select, socketpair, ctypes, sqlite3, json, decimal" {
    deb_setup full
    deb_compare python3.11 stdlib.py
}

@test "layouts: every ioctl.def row and the structs syscall/ passes through agree between x86-64 and the guest" {
    local g out
    "$ABI_OUT/native/layouts" >"$BATS_TEST_TMPDIR/native.out"
    for g in $ABI_GUESTS; do
        out=$BATS_TEST_TMPDIR/$g.out
        "${BUILD:-build}/runtime-$g" "$ABI_OUT/$g/layouts" >"$out"
        # identical apart from the structs syscall/ converts
        diff -u <(grep -v '^converted' "$BATS_TEST_TMPDIR/native.out") <(grep -v '^converted' "$out")
        # and those do differ, or the conversion would be dead code
        ! diff -q <(grep '^converted' "$BATS_TEST_TMPDIR/native.out") <(grep '^converted' "$out") >/dev/null
        # each table row: guest number as the guest's headers say, host number as x86-64's
        while read -r gnum name hnum; do
            grep -qx "ioctl $name $gnum" "$out" ||
                { echo "$g: ioctl.def $name guest $gnum, headers: $(grep " $name " "$out")" >&2; return 1; }
            grep -qx "ioctl $name $hnum" "$BATS_TEST_TMPDIR/native.out" ||
                { echo "ioctl.def $name host $hnum, x86-64 headers disagree" >&2; return 1; }
        done < <(grep '^IOCTL(' syscall/generic/ioctl.def | sed 's/IOCTL(//; s/,//g; s/)//')
    done
}
