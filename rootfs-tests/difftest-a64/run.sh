#!/usr/bin/env bash
# aarch64 differential tester driver: run the same random A64 streams under
# two or more runners and compare the final X, V, NZCV, FPCR, FPSR and
# scratch-memory state.
#
#   run.sh [--seeds N] [--first-seed S] [--len L] [--class C] [--repeat R]
#          [--keep | --discard] [--avoid-bugs] RUNNER_A RUNNER_B...
#
# A RUNNER is a command line split on spaces ("qemu-aarch64-static -cpu max",
# "build/runtime-aarch64 -tier jit"); the harness and its arguments are
# appended.  RUNNER_A is the reference.  Classes: int mem atomic fp simdi
# simdf crypto mixed.  For the first divergent seed the stream is bisected
# down to the first item whose inclusion makes the runners disagree, and
# that item's instructions are shown; the work directory is then kept
# (--keep: always, --discard: never).  --avoid-bugs steers clear of the
# open bugs of our runner listed in README.md (gen -b).  Exit status: 0 all
# agree, 1 a divergence or a runner failure, 2 a usage or build error.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD:-$root/build}
case $build in /*) ;; *) build=$root/$build ;; esac
out=$build/difftest-a64
seeds=20 first=1 len=1000 class=mixed repeat=1 keep=0 avoid=0
timeout_s=${DIFFTEST_TIMEOUT:-30}     # seconds per run; a stream takes milliseconds
cross=${CROSS:-aarch64-linux-gnu-}
asflags=(-march=armv8.2-a+crypto+crc+rcpc+sha3+fp16)

usage() {
    sed -n '6,7p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case $1 in
        --seeds) seeds=$2; shift 2 ;;
        --first-seed) first=$2; shift 2 ;;
        --len) len=$2; shift 2 ;;
        --class) class=$2; shift 2 ;;
        --repeat) repeat=$2; shift 2 ;;
        --keep) keep=1; shift ;;
        --discard) keep=never; shift ;;
        --avoid-bugs) avoid=1; shift ;;
        --) shift; break ;;
        -*) usage ;;
        *) break ;;
    esac
done
[ $# -ge 2 ] || usage
runners=("$@")
gen_flags=()
[ "$avoid" = 1 ] && gen_flags+=(-b)

die() {
    echo "difftest-a64: $*" >&2
    exit 2
}

# ---- build the generator (host) and the harness (guest) when stale ----
stale() {
    local target=$1 src
    shift
    [ -e "$target" ] || return 0
    for src in "$@"; do
        [ "$src" -nt "$target" ] && return 0
    done
    return 1
}

build_tools() {
    mkdir -p "$out" || die "cannot create $out"
    local gen_src=("$here"/gen_*.c) hdrs=("$here"/gen.h "$here"/stream.h)
    if stale "$out/gen" "${gen_src[@]}" "${hdrs[@]}"; then
        gcc -std=gnu11 -O2 -Wall -Wextra -Werror -o "$out/gen.tmp.$$" "${gen_src[@]}" ||
            die "building the generator failed"
        mv -f "$out/gen.tmp.$$" "$out/gen"
    fi
    command -v "${cross}gcc" >/dev/null ||
        die "${cross}gcc not found (Debian package gcc-aarch64-linux-gnu)"
    local h_src=("$here"/harness.c "$here"/harness_entry.S)
    if stale "$out/harness" "${h_src[@]}" "$here"/stream.h; then
        "${cross}gcc" -std=gnu11 -O2 -static -Wall -Wextra -Werror \
            -o "$out/harness.tmp.$$" "${h_src[@]}" || die "building the harness failed"
        mv -f "$out/harness.tmp.$$" "$out/harness"
    fi
}

build_tools
for r in "${runners[@]}"; do
    read -ra words <<<"$r"
    [ ${#words[@]} -gt 0 ] || die "empty runner"
    command -v "${words[0]}" >/dev/null || {
        echo "difftest-a64: runner not found: ${words[0]}" >&2
        exit 1
    }
done

work=$(mktemp -d "$out/work.XXXXXX") || die "cannot create a work directory"
cleanup() { [ "$keep" = 1 ] || rm -rf "$work"; }
discard=0
[ "$keep" = never ] && discard=1 keep=0
trap cleanup EXIT

# gen SEED BASE [extra gen options]: BASE.bin (header + code) and BASE.s
gen() {
    local s=$1 b=$2
    shift 2
    "$out/gen" -s "$s" -n "$len" -c "$class" -o "$b.hdr" -a "$b.s" "${gen_flags[@]}" "$@" \
        >/dev/null || return 1
    "${cross}as" "${asflags[@]}" -o "$b.o" "$b.s" || return 1
    "${cross}objcopy" -O binary -j .text "$b.o" "$b.code" || return 1
    cat "$b.hdr" "$b.code" >"$b.bin"
}

# run_one RUNNER STREAM OUTFILE: the harness's stdout, plus "EXIT n" if the
# runner did not end normally
run_one() {
    local words rc
    read -ra words <<<"$1"
    timeout "$timeout_s" "${words[@]}" "$out/harness" -r "$repeat" "$2" >"$3" 2>"$3.err"
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "EXIT $rc" >>"$3"
        tail -n 3 "$3.err" | sed 's/^/stderr: /' >>"$3"
    fi
    return 0
}

ok_output() {
    [ "$(tail -n 1 "$1")" = END ]
}

# describe_diff A B MAX: the differing state, one line per register
# ("x5: 0x... (reference) vs 0x..."), at most MAX lines; a run that did not
# finish is described by its own last lines instead
describe_diff() {
    awk -v max="$3" '
        NR == FNR { a[FNR] = $0; n = FNR; next }
        { b[FNR] = $0; m = FNR }
        END {
            if (b[m] != "END") {
                printf "did not finish:"
                for (i = 1; i <= m; i++) if (b[i] ~ /^(SIGNAL|EXIT|stderr)/) printf " %s;", b[i]
                printf "\n"
                exit
            }
            k = n > m ? n : m; d = 0
            for (i = 1; i <= k; i++) {
                if (a[i] == b[i]) continue
                if (++d > max) continue
                split(a[i], x, " "); split(b[i], y, " ")
                if (x[1] == y[1])
                    printf "%s: %s (reference) vs %s\n", x[1], x[2], y[2]
                else
                    printf "line %d: \"%s\" (reference) vs \"%s\"\n", i, a[i], b[i]
            }
            if (d > max) printf "... %d lines differ in all\n", d
        }' "$1" "$2"
}

# agree SEED ITEMS RUNNER_INDEX: do reference and runner agree on a prefix?
agree() {
    gen "$1" "$work/bisect" -k "$2" || die "generator or assembler failed"
    run_one "${runners[0]}" "$work/bisect.bin" "$work/bisect.ref"
    run_one "${runners[$3]}" "$work/bisect.bin" "$work/bisect.out"
    cmp -s "$work/bisect.ref" "$work/bisect.out"
}

# explain SEED RUNNER_INDEX: bisect to the first divergent item and show it
explain() {
    local seed=$1 ri=$2 n lo hi mid
    local full=$work/s$seed
    gen "$seed" "$full" || die "generator failed"
    n=$(grep -c '^\.Li[0-9]*:' "$full.s")
    echo "#   reproduce: $out/gen -s $seed -n $len -c $class ${gen_flags[*]} -o s.hdr -a s.s && ${cross}as ${asflags[*]} -o s.o s.s && ${cross}objcopy -O binary -j .text s.o s.code && cat s.hdr s.code >s.bin && ${runners[$ri]} $out/harness -r $repeat s.bin"
    if agree "$seed" 0 "$ri"; then
        lo=0 hi=$n
        while [ $((hi - lo)) -gt 1 ]; do
            mid=$(((lo + hi) / 2))
            if agree "$seed" "$mid" "$ri"; then lo=$mid; else hi=$mid; fi
        done
        agree "$seed" "$hi" "$ri"
        echo "#   bisected: the first $hi of $n items diverge, the first $lo agree; after item $lo:"
        describe_diff "$work/bisect.ref" "$work/bisect.out" 12 | sed 's/^/#     /'
    else
        echo "#   the runners already disagree on an empty stream:"
        describe_diff "$work/bisect.ref" "$work/bisect.out" 12 | sed 's/^/#     /'
        lo=0
    fi
    # a few items before the culprit, and the culprit marked
    local from=$((lo > 3 ? lo - 3 : 0))
    echo "#   stream around item $lo ('>>' marks it):"
    awk -v from="$from" -v lo="$lo" '
        /^\.Li[0-9]+:/ { i = substr($1, 4, length($1) - 4) + 0 }
        /^\.Lend:/ { i = -1 }
        i >= from && i <= lo { printf "#   %s %s\n", (i == lo ? ">>" : "  "), $0 }' "$full.s" |
        head -n 40
    [ "$discard" = 1 ] && return
    echo "#   full stream: $full.s"
    keep=1
}

fails=0 explained=0
for ((seed = first; seed < first + seeds; seed++)); do
    b=$work/s$seed
    gen "$seed" "$b" || die "generator or assembler failed for seed $seed"
    run_one "${runners[0]}" "$b.bin" "$work/ref.txt"
    if ! ok_output "$work/ref.txt"; then
        echo "# class $class seed $seed: reference runner '${runners[0]}' failed:"
        tail -n 4 "$work/ref.txt" | sed 's/^/#   /'
        fails=$((fails + 1))
        continue
    fi
    for ((i = 1; i < ${#runners[@]}; i++)); do
        run_one "${runners[$i]}" "$b.bin" "$work/out.txt"
        if ! cmp -s "$work/ref.txt" "$work/out.txt"; then
            fails=$((fails + 1))
            echo "# class $class seed $seed: '${runners[$i]}' differs from '${runners[0]}': $(describe_diff "$work/ref.txt" "$work/out.txt" 1 | head -n 1)"
            if [ "$explained" = 0 ]; then
                explained=1
                explain "$seed" "$i"
            fi
        fi
    done
    rm -f "$b".*
done

echo "# difftest-a64: class $class, seeds $first..$((first + seeds - 1)) x $len insns, repeat $repeat${gen_flags[*]:+, gen ${gen_flags[*]}}: $fails divergent run(s)"
[ "$fails" -eq 0 ]
