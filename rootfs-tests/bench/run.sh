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
#   BENCH_KERNELS="a b"    run only these kernels
set -u

here=$(cd "$(dirname "$0")" && pwd)
B=${1:?usage: run.sh BUILD_DIR [RUNS]}
RUNS=${2:-3}
GUEST=${RUNTIME_GUEST:-riscv64}
SCALE=${BENCH_SCALE:-1}
HELLO_RUNS=${BENCH_HELLO_RUNS:-200}
TIMEOUT=${BENCH_TIMEOUT:-600}
KERNELS=${BENCH_KERNELS:-"sha256 crc32 matmul sieve qsort1m interp strsearch nbody"}
CFLAGS="-O2 -static -Wall -fno-strict-aliasing -ffp-contract=off"

case $GUEST in
riscv64) GCC=riscv64-linux-gnu-gcc; GFLAGS=""; QEMU=qemu-riscv64-static ;;
aarch64) GCC=aarch64-linux-gnu-gcc; GFLAGS="-march=armv8-a+crypto+crc"; QEMU=qemu-aarch64-static ;;
*) echo "run.sh: RUNTIME_GUEST must be riscv64 or aarch64" >&2; exit 2 ;;
esac
OURS=$B/runtime-$GUEST
OUT=$B/bench
mkdir -p "$OUT/native" "$OUT/$GUEST" "$OUT/out"

die() { echo "run.sh: $*" >&2; exit 1; }
command -v "$GCC" >/dev/null || die "$GCC not installed"
command -v "$QEMU" >/dev/null || die "$QEMU not installed"

echo "building kernels (native and $GUEST) into $OUT ..." >&2
for k in $KERNELS hello; do
    src=$here/$k.c
    [ -f "$src" ] || die "no kernel $src"
    gcc $CFLAGS -o "$OUT/native/$k" "$src" -lm || die "native build of $k failed"
    $GCC $CFLAGS $GFLAGS -o "$OUT/$GUEST/$k" "$src" -lm || die "$GUEST build of $k failed"
done

# now_us: wall clock in microseconds, without forking.
now_us() { local t=${EPOCHREALTIME/./}; echo "$t"; }

# runner_cmd WHO KERNEL: the command line for one run.
runner_cmd() {
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
    if [ "$who" = native ]; then
        $(runner_cmd "$who" "$k") "$SCALE" >"$out" 2>"$out.err" || rc=$?
    else
        timeout "$TIMEOUT" $(runner_cmd "$who" "$k") "$SCALE" >"$out" 2>"$out.err" || rc=$?
    fi
    t1=$(now_us)
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
hello_batch() {
    local who=$1 cmd i t0 t1
    [ "$who" = ours ] && [ -n "$ours_reason" ] && return
    [ -n "${fail[$who.hello]:-}" ] && return
    read -ra cmd <<< "$(runner_cmd "$who" hello)"
    if [ "$("${cmd[@]}")" != hello ]; then
        fail[$who.hello]="wrong output"
        echo "MISMATCH: $who hello" >&2
        [ "$who" = ours ] || mismatch=1
        return
    fi
    t0=$(now_us)
    for (( i = 0; i < HELLO_RUNS; i++ )); do
        "${cmd[@]}" >/dev/null
    done
    t1=$(now_us)
    times[$who.hello]+="$(( t1 - t0 )) "
}

for (( r = 1; r <= RUNS; r++ )); do
    echo "round $r/$RUNS ..." >&2
    for k in $KERNELS; do
        for who in native qemu ours; do
            time_run "$who" "$k"
        done
    done
    for who in native qemu ours; do
        hello_batch "$who"
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
per_run_ms() {   # per_run_ms WHO -> median batch time / HELLO_RUNS in ms
    local who=$1 s
    if [ "$who" = ours ] && [ -n "$ours_reason" ]; then echo "n/a"; return; fi
    [ -n "${fail[$who.hello]:-}" ] && { echo "n/a (${fail[$who.hello]})"; return; }
    s=$(median_s "${times[$who.hello]:-}") || { echo "n/a"; return; }
    awk -v s="$s" -v n="$HELLO_RUNS" 'BEGIN { printf "%.3f", s * 1000 / n }'
}
hn=$(per_run_ms native); hq=$(per_run_ms qemu); ho=$(per_run_ms ours)
echo "| static hello ($HELLO_RUNS runs/batch) | native ms/run | qemu ms/run | ours ms/run | ours/qemu | ours/native |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
echo "| hello | $hn | $hq | $ho | $(ratio "$ho" "$hq") | $(ratio "$ho" "$hn") |"

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
