#!/bin/bash
# Benchmarks: builds the kernels in this folder natively and for the guest,
# runs native, qemu-user and our runner round-robin for RUNS rounds, checks
# every run's checksum against the native one, and prints a markdown table
# of median wall times and ratios, plus the per-run cost of a static hello.
#
#   rootfs-tests/bench/run.sh BUILD_DIR [RUNS]
#   RUNTIME_GUEST=aarch64  benchmark the aarch64 guest instead of riscv64
#   BENCH_SCALE=N          pass N to every kernel (work multiplier, default 1)
#   BENCH_HELLO_RUNS=N     hello runs per batch (default 200)
#   BENCH_TIMEOUT=S        limit for one emulated run (default 600 s)
#   BENCH_KERNELS="a b"    run only these kernels (bb-NAME: a busybox workload)
#   BENCH_BUSYBOX=0        aarch64: leave out the Debian busybox workloads
set -u

here=$(cd "$(dirname "$0")" && pwd)
B=${1:?usage: run.sh BUILD_DIR [RUNS]}
RUNS=${2:-3}
GUEST=${RUNTIME_GUEST:-riscv64}
SCALE=${BENCH_SCALE:-1}
HELLO_RUNS=${BENCH_HELLO_RUNS:-200}
TIMEOUT=${BENCH_TIMEOUT:-600}
KERNELS=${BENCH_KERNELS:-"sha256 crc32 matmul sieve qsort1m interp strsearch nbody"}
# Debian's static busybox, arm64 under the emulators and amd64 natively,
# on generated inputs (rootfs-tests/lib/busybox-arm64.sh fetches both)
BB_WORKLOADS="bb-sha256sum bb-md5sum bb-gzip bb-bzip2 bb-awk bb-sh bb-sort"
CFLAGS="-O2 -static -Wall -fno-strict-aliasing -ffp-contract=off"

case $GUEST in
riscv64) GCC=riscv64-linux-gnu-gcc; GFLAGS=""; QEMU=qemu-riscv64-static ;;
aarch64) GCC=aarch64-linux-gnu-gcc; GFLAGS="-march=armv8-a+crypto+crc"; QEMU=qemu-aarch64-static
    if [ -z "${BENCH_KERNELS:-}" ]; then
        KERNELS="$KERNELS neon_dot neon_blur"
        [ "${BENCH_BUSYBOX:-1}" = 0 ] || KERNELS="$KERNELS $BB_WORKLOADS"
    fi ;;
*) echo "run.sh: RUNTIME_GUEST must be riscv64 or aarch64" >&2; exit 2 ;;
esac
OURS=$B/runtime-$GUEST
OUT=$B/bench
mkdir -p "$OUT/native" "$OUT/$GUEST" "$OUT/out"

die() { echo "run.sh: $*" >&2; exit 1; }
command -v "$GCC" >/dev/null || die "$GCC not installed"
command -v "$QEMU" >/dev/null || die "$QEMU not installed"

# busybox workloads: the binaries and deterministic inputs
if [[ " $KERNELS " == *" bb-"* ]]; then
    [ "$GUEST" = aarch64 ] || die "busybox workloads need RUNTIME_GUEST=aarch64"
    mapfile -t bbs < <(bash "$here/../lib/busybox-arm64.sh" 2>&1)
    BB=${bbs[0]:-} BBN=${bbs[1]:-}
    [ -x "$BB" ] && [ -x "$BBN" ] || die "no Debian busybox: ${bbs[*]}"
    awk 'BEGIN { x = 12345; for (i = 0; i < 250000; i++) { x = (x * 1103515245 + 12345) % 2147483648;
         printf "%08x %d %s line %d\n", x, x % 1000, (x % 3 ? "beta" : "alpha"), i } }' >"$OUT/bb-input.txt"
    printf 'BEGIN { s = 0; for (i = 0; i < 400000; i++) { s += i %% 7; a[i %% 100] = s } print s, a[42] }\n' \
        >"$OUT/bb-loop.awk"
    printf 'i=0; s=0\nwhile [ $i -lt 30000 ]; do i=$((i + 1)); s=$(((s + i * 7) %% 1000003)); done\necho $s\n' \
        >"$OUT/bb-loop.sh"
fi

# bb_args NAME: the applet and arguments of a busybox workload
bb_args() {
    case $1 in
    # the hashes read the 7.5 MB input four times: one pass is over in
    # 20 ms natively, which would time start-up rather than the hash
    bb-sha256sum) echo "sha256sum $OUT/bb-input.txt $OUT/bb-input.txt $OUT/bb-input.txt $OUT/bb-input.txt" ;;
    bb-md5sum) echo "md5sum $OUT/bb-input.txt $OUT/bb-input.txt $OUT/bb-input.txt $OUT/bb-input.txt" ;;
    bb-gzip) echo "gzip -9 -c $OUT/bb-input.txt" ;;
    bb-bzip2) echo "bzip2 -c $OUT/bb-input.txt" ;;
    bb-awk) echo "awk -f $OUT/bb-loop.awk" ;;
    bb-sh) echo "sh $OUT/bb-loop.sh" ;;
    bb-sort) echo "sort $OUT/bb-input.txt" ;;
    bb-true) echo "true" ;;
    esac
}

echo "building kernels (native and $GUEST) into $OUT ..." >&2
for k in $KERNELS hello; do
    [[ $k == bb-* ]] && continue
    src=$here/$k.c
    [ -f "$src" ] || die "no kernel $src"
    gcc $CFLAGS -o "$OUT/native/$k" "$src" -lm || die "native build of $k failed"
    $GCC $CFLAGS $GFLAGS -o "$OUT/$GUEST/$k" "$src" -lm || die "$GUEST build of $k failed"
done

# now_us: wall clock in microseconds, without forking.
now_us() { local t=${EPOCHREALTIME/./}; echo "$t"; }

# runner_cmd WHO KERNEL: the command line for one run.
runner_cmd() {
    if [[ $2 == bb-* ]]; then
        case $1 in
        native) echo "$BBN $(bb_args "$2")" ;;
        qemu) echo "$QEMU $BB $(bb_args "$2")" ;;
        ours) echo "$OURS $BB $(bb_args "$2")" ;;
        esac
        return
    fi
    case $1 in
    native) echo "$OUT/native/$2" ;;
    qemu) echo "$QEMU $OUT/$GUEST/$2" ;;
    ours) echo "$OURS $OUT/$GUEST/$2" ;;
    esac
}

# Is our runner usable at all?  Decide once, with the reason kept.
ours_reason=""
if [ ! -x "$OURS" ]; then
    ours_reason="$OURS not built"
else
    hello_out=$(timeout 60 "$OURS" "$OUT/$GUEST/hello" 2>&1)
    rc=$?
    if [ $rc -ne 0 ] || [ "$hello_out" != hello ]; then
        ours_reason="hello fails under $OURS (status $rc)"
    fi
fi
[ -n "$ours_reason" ] && echo "note: ours: n/a ($ours_reason)" >&2

declare -A times ref fail
mismatch=0

# time_run WHO KERNEL: one timed run, checksum compared with the native one.
time_run() {
    local who=$1 k=$2 t0 t1 rc=0 out="$OUT/out/$1.$2"
    [ -n "${fail[$who.$k]:-}" ] && return
    [ "$who" = ours ] && [ -n "$ours_reason" ] && return
    t0=$(now_us)
    if [[ $k == bb-* ]]; then
        # binary output: compared by digest, taken after the clock stops
        timeout "$TIMEOUT" $(runner_cmd "$who" "$k") >"$out.data" 2>"$out.err" || rc=$?
        t1=$(now_us)
        md5sum <"$out.data" >"$out"
        rm -f "$out.data"
    elif [ "$who" = native ]; then
        $(runner_cmd "$who" "$k") "$SCALE" >"$out" 2>"$out.err" || rc=$?
        t1=$(now_us)
    else
        timeout "$TIMEOUT" $(runner_cmd "$who" "$k") "$SCALE" >"$out" 2>"$out.err" || rc=$?
        t1=$(now_us)
    fi
    if [ $rc -ne 0 ]; then
        fail[$who.$k]="exit status $rc"
        echo "FAIL: $who $k exited with status $rc: $(head -c 300 "$out.err")" >&2
        [ "$who" = ours ] || mismatch=1
        return
    fi
    if [ "$who" = native ] && [ -z "${ref[$k]:-}" ]; then
        ref[$k]=$(cat "$out")
    elif [ "$(cat "$out")" != "${ref[$k]}" ]; then
        fail[$who.$k]="checksum mismatch"
        echo "MISMATCH: $who $k printed '$(head -c 200 "$out")', native printed '${ref[$k]}'" >&2
        mismatch=1
        return
    fi
    times[$who.$k]+="$(( t1 - t0 )) "
}

# hello_batch WHO: HELLO_RUNS back-to-back runs, total microseconds.
# hello_batch WHO NAME: HELLO_RUNS back-to-back runs of hello or
# busybox true, total microseconds.
hello_batch() {
    local who=$1 name=$2 cmd i t0 t1 want=hello
    [ "$name" = bb-true ] && want=""
    [ "$who" = ours ] && [ -n "$ours_reason" ] && return
    [ -n "${fail[$who.$name]:-}" ] && return
    read -ra cmd <<< "$(runner_cmd "$who" "$name")"
    if [ "$("${cmd[@]}")" != "$want" ]; then
        fail[$who.$name]="wrong output"
        echo "MISMATCH: $who $name" >&2
        [ "$who" = ours ] || mismatch=1
        return
    fi
    t0=$(now_us)
    for (( i = 0; i < HELLO_RUNS; i++ )); do
        "${cmd[@]}" >/dev/null
    done
    t1=$(now_us)
    times[$who.$name]+="$(( t1 - t0 )) "
}

for (( r = 1; r <= RUNS; r++ )); do
    echo "round $r/$RUNS ..." >&2
    for k in $KERNELS; do
        for who in native qemu ours; do
            time_run "$who" "$k"
        done
    done
    for who in native qemu ours; do
        hello_batch "$who" hello
        [ -z "${BB:-}" ] || hello_batch "$who" bb-true
    done
done

# median of a list of integers (microseconds), printed in seconds
median_s() {
    echo "$1" | tr ' ' '\n' | grep -v '^$' | sort -n |
        awk '{ v[NR] = $1 } END { if (NR == 0) exit 1;
              m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
              printf "%.3f", m / 1e6 }'
}

cell() {   # cell WHO KERNEL -> median seconds or n/a
    local who=$1 k=$2
    if [ "$who" = ours ] && [ -n "$ours_reason" ]; then
        echo "n/a"
    elif [ -n "${fail[$who.$k]:-}" ]; then
        echo "n/a (${fail[$who.$k]})"
    else
        median_s "${times[$who.$k]:-}" || echo "n/a"
    fi
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else printf "n/a" }'; }

cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')
echo
echo "Guest $GUEST; host: ${cpu:-unknown}, $(nproc) CPUs; median of $RUNS rounds (round-robin), scale $SCALE."
echo "qemu: $($QEMU --version | head -1)"
[ -n "$ours_reason" ] && echo "ours: n/a ($ours_reason)"
echo
echo "| kernel | native s | qemu s | ours s | ours/qemu | ours/native |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
lq=0; ln=0; nq=0; nn=0
for k in $KERNELS; do
    n=$(cell native "$k"); q=$(cell qemu "$k"); o=$(cell ours "$k")
    oq=$(ratio "$o" "$q"); on=$(ratio "$o" "$n")
    echo "| $k | $n | $q | $o | $oq | $on |"
    if [ "$oq" != n/a ]; then lq=$(awk -v s="$lq" -v r="$oq" 'BEGIN { print s + log(r) }'); nq=$((nq + 1)); fi
    if [ "$on" != n/a ]; then ln=$(awk -v s="$ln" -v r="$on" 'BEGIN { print s + log(r) }'); nn=$((nn + 1)); fi
done
gq=n/a; gn=n/a
[ $nq -gt 0 ] && gq=$(awk -v s="$lq" -v n=$nq 'BEGIN { printf "%.2f", exp(s / n) }')
[ $nn -gt 0 ] && gn=$(awk -v s="$ln" -v n=$nn 'BEGIN { printf "%.2f", exp(s / n) }')
echo "| **geometric mean** | | | | $gq | $gn |"
echo
per_run_ms() {   # per_run_ms WHO NAME -> median batch time / HELLO_RUNS in ms
    local who=$1 name=$2 s
    if [ "$who" = ours ] && [ -n "$ours_reason" ]; then echo "n/a"; return; fi
    [ -n "${fail[$who.$name]:-}" ] && { echo "n/a (${fail[$who.$name]})"; return; }
    s=$(median_s "${times[$who.$name]:-}") || { echo "n/a"; return; }
    awk -v s="$s" -v n="$HELLO_RUNS" 'BEGIN { printf "%.3f", s * 1000 / n }'
}
echo "| start-up ($HELLO_RUNS runs/batch) | native ms/run | qemu ms/run | ours ms/run | ours/qemu | ours/native |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
for name in hello ${BB:+bb-true}; do
    hn=$(per_run_ms native $name); hq=$(per_run_ms qemu $name); ho=$(per_run_ms ours $name)
    echo "| $name | $hn | $hq | $ho | $(ratio "$ho" "$hq") | $(ratio "$ho" "$hn") |"
done

if [ $mismatch -ne 0 ]; then
    echo >&2
    echo "run.sh: FAILED: some runs crashed or printed a checksum different from native (see above)" >&2
    exit 1
fi
# our runner failing is reported in the table; make it visible in the status too
for k in $KERNELS; do
    if [ -n "${fail[ours.$k]:-}" ]; then
        echo "run.sh: ours failed on $k (${fail[ours.$k]})" >&2
        exit 1
    fi
done
exit 0
