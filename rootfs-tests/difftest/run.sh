#!/usr/bin/env bash
# Differential tester driver: run the same random RV64GC streams under two
# or more runners and compare the final register, fcsr and memory state.
#
#   run.sh [--seeds N] [--first-seed S] [--len L] [--class C] [--repeat R]
#          [--keep | --discard] [--qemu-quirks | --no-qemu-quirks] RUNNER_A RUNNER_B...
#
# A RUNNER is a command line split on spaces ("qemu-riscv64-static",
# "build/runtime-riscv64 -tier jit"); the harness and its arguments are
# appended.  RUNNER_A is the reference.  Classes: int m a fd c zb mixed.
# For the first divergent seed the stream is bisected down to the first item
# whose inclusion makes the runners disagree, and that part of the stream is
# disassembled; the work directory is then kept (--keep: always, --discard:
# never).  When a runner's command mentions qemu, the generator avoids
# operand patterns on which qemu-user 7.2 is known to be wrong (see gen -q);
# --qemu-quirks / --no-qemu-quirks force that either way.  Exit status: 0 all agree, 1 a divergence or a runner failure,
# 2 a usage or build error.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD:-$root/build}
case $build in /*) ;; *) build=$root/$build ;; esac
out=$build/difftest
seeds=20 first=1 len=1000 class=mixed repeat=1 keep=0 quirks=auto
timeout_s=${DIFFTEST_TIMEOUT:-30}     # seconds per run; a stream takes milliseconds

usage() {
    sed -n '4,6p' "$0" | sed 's/^# \{0,1\}//' >&2
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
        --qemu-quirks) quirks=1; shift ;;
        --no-qemu-quirks) quirks=0; shift ;;
        --) shift; break ;;
        -*) usage ;;
        *) break ;;
    esac
done
[ $# -ge 2 ] || usage
runners=("$@")
if [ "$quirks" = auto ]; then
    quirks=0
    case " ${runners[*]}" in *qemu*) quirks=1 ;; esac
fi
gen_flags=()
[ "$quirks" = 1 ] && gen_flags=(-q)

die() {
    echo "difftest: $*" >&2
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
    local h_src=("$here"/harness.c "$here"/harness_entry.S)
    if stale "$out/harness" "${h_src[@]}" "$here"/stream.h; then
        command -v riscv64-linux-gnu-gcc >/dev/null ||
            die "riscv64-linux-gnu-gcc not found (Debian package gcc-riscv64-linux-gnu)"
        riscv64-linux-gnu-gcc -std=gnu11 -O2 -static -Wall -Wextra -Werror \
            -o "$out/harness.tmp.$$" "${h_src[@]}" || die "building the harness failed"
        mv -f "$out/harness.tmp.$$" "$out/harness"
    fi
}

build_tools
for r in "${runners[@]}"; do
    read -ra words <<<"$r"
    [ ${#words[@]} -gt 0 ] || die "empty runner"
    command -v "${words[0]}" >/dev/null || {
        echo "difftest: runner not found: ${words[0]}" >&2
        exit 1
    }
done

work=$(mktemp -d "$out/work.XXXXXX") || die "cannot create a work directory"
cleanup() { [ "$keep" = 1 ] || rm -rf "$work"; }
discard=0
[ "$keep" = never ] && discard=1 keep=0
trap cleanup EXIT

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

# ok_output FILE: the reference run must have finished cleanly
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

gen() { # gen SEED OUTFILE [extra gen options]
    local s=$1 f=$2
    shift 2
    "$out/gen" -s "$s" -n "$len" -c "$class" -o "$f" "${gen_flags[@]}" "$@" >/dev/null
}

# agree SEED ITEMS RUNNER_INDEX: do reference and runner agree on a prefix?
agree() {
    local f=$work/bisect.bin
    gen "$1" "$f" -k "$2" || die "generator failed"
    run_one "${runners[0]}" "$f" "$work/bisect.ref"
    run_one "${runners[$3]}" "$f" "$work/bisect.out"
    cmp -s "$work/bisect.ref" "$work/bisect.out"
}

# explain SEED RUNNER_INDEX: bisect to the first divergent item and show it
explain() {
    local seed=$1 ri=$2 n lo hi mid
    local full=$work/s$seed.bin
    gen "$seed" "$full" -m "$work/s$seed.map" -a "$work/s$seed.s" || die "generator failed"
    n=$(wc -l <"$work/s$seed.map")
    echo "#   reproduce: $out/gen -s $seed -n $len -c $class ${gen_flags[*]} -o s.bin && ${runners[$ri]} $out/harness -r $repeat s.bin"
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
    if ! command -v riscv64-linux-gnu-as >/dev/null || ! command -v riscv64-linux-gnu-objdump >/dev/null; then
        echo "#   (no riscv64 binutils: cannot disassemble)"
        return
    fi
    riscv64-linux-gnu-as -march=rv64gc_zba_zbb_zbs -o "$work/s$seed.o" "$work/s$seed.s" &&
        riscv64-linux-gnu-objdump -d "$work/s$seed.o" >"$work/s$seed.dis" || return
    # window: a few items before the culprit, and the culprit marked
    local from=$((lo > 4 ? lo - 4 : 0)) c_off c_len w_off
    read -r _ w_off _ < <(sed -n "$((from + 1))p" "$work/s$seed.map")
    read -r _ c_off c_len < <(sed -n "$((lo + 1))p" "$work/s$seed.map")
    [ -n "${c_off:-}" ] || { c_off=$(tail -n 1 "$work/s$seed.map" | awk '{print $2 + $3}'); c_len=0; w_off=$c_off; }
    echo "#   stream disassembly around item $lo (stream offset 0x$(printf %x "$c_off"), '>>' marks it):"
    awk -v lo="$w_off" -v cs="$c_off" -v ce="$((c_off + c_len))" '
        function hex(s,   i, v) {
            v = 0
            for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
            return v
        }
        /^ *[0-9a-f]+:\t/ {
            off = hex(substr($1, 1, length($1) - 1))
            if (off >= lo && off < ce) printf "#   %s %s\n", (off >= cs ? ">>" : "  "), $0
        }' "$work/s$seed.dis" | head -n 40
    [ "$discard" = 1 ] && return
    echo "#   full disassembly: $work/s$seed.dis"
    keep=1
}

fails=0 explained=0
for ((seed = first; seed < first + seeds; seed++)); do
    f=$work/s$seed.bin
    gen "$seed" "$f" || die "generator failed for seed $seed"
    run_one "${runners[0]}" "$f" "$work/ref.txt"
    if ! ok_output "$work/ref.txt"; then
        echo "# class $class seed $seed: reference runner '${runners[0]}' failed:"
        tail -n 4 "$work/ref.txt" | sed 's/^/#   /'
        fails=$((fails + 1))
        continue
    fi
    for ((i = 1; i < ${#runners[@]}; i++)); do
        run_one "${runners[$i]}" "$f" "$work/out.txt"
        if ! cmp -s "$work/ref.txt" "$work/out.txt"; then
            fails=$((fails + 1))
            echo "# class $class seed $seed: '${runners[$i]}' differs from '${runners[0]}': $(describe_diff "$work/ref.txt" "$work/out.txt" 1 | head -n 1)"
            if [ "$explained" = 0 ]; then
                explained=1
                explain "$seed" "$i"
            fi
        fi
    done
done

echo "# difftest: class $class, seeds $first..$((first + seeds - 1)) x $len insns, repeat $repeat${gen_flags:+, qemu quirks avoided}: $fails divergent run(s)"
[ "$fails" -eq 0 ]
