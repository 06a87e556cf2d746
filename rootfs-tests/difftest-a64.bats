#!/usr/bin/env bats
# Differential tests on random A64 instruction streams (rootfs-tests/
# difftest-a64/): the final X, V, NZCV, FPCR, FPSR state and a scratch-memory
# checksum must be identical (1) under Debian's qemu-aarch64-static -cpu max
# and under our runner in its default tier, and (2) under our runner with
# -tier interp and with -tier jit.  One test per instruction class; the
# qemu comparisons run 13 seeds x 2000 instructions per class (9 classes:
# 234 000 instructions), the interp/jit ones 6 seeds x 2000.
#
#   bats --tap rootfs-tests/difftest-a64.bats
#   DIFFTEST_SEEDS=100 bats --tap rootfs-tests/difftest-a64.bats     # longer
#   DIFFTEST_A64_KNOWN_BUGS=1 bats ...   # also generate the open bugs (README)
#
# The runner is a required product: its tests fail when it is missing.
# Only the comparisons against QEMU are skipped when QEMU is not installed.

setup() {
    root=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
    build=${BUILD:-build}
    case $build in /*) ;; *) build=$root/$build ;; esac
    export BUILD=$build
    runner=${DIFFTEST_RUNNER:-$build/runtime-aarch64}
    qemu=${DIFFTEST_QEMU:-qemu-aarch64-static}
    seeds=${DIFFTEST_SEEDS:-13}
    jit_seeds=${DIFFTEST_JIT_SEEDS:-6}
    driver=$root/rootfs-tests/difftest-a64/run.sh
    avoid=(--avoid-bugs)
    if [ "${DIFFTEST_A64_KNOWN_BUGS:-0}" = 1 ]; then avoid=(); fi
}

need_runner() {
    [ -x "$runner" ] || {
        echo "runner $runner is missing: build it with 'make build/runtime-aarch64'" >&2
        return 1
    }
}

need_qemu() {
    command -v "$qemu" >/dev/null || skip "$qemu is not installed (Debian package qemu-user-static)"
}

# difftest ARGS...: run the driver, show its report, pass only on exit 0
difftest() {
    run "$driver" "$@"
    echo "$output"
    [ "$status" -eq 0 ]
}

vs_qemu() {
    need_qemu
    need_runner
    difftest "${avoid[@]}" --seeds "$seeds" --len 2000 --class "$1" "$qemu -cpu max" "$runner"
}

interp_vs_jit() {
    need_runner
    difftest "${avoid[@]}" --seeds "$jit_seeds" --first-seed 500 --len 2000 --class "$1" \
        "$runner -tier interp" "$runner -tier jit"
}

@test "difftest-a64 self-check: qemu agrees with itself on every class" {
    need_qemu
    for c in int mem atomic fp simdi simdf crypto mixed fp16; do
        difftest --discard --seeds 1 --len 1000 --class "$c" "$qemu -cpu max" "$qemu -cpu max"
    done
}

@test "difftest-a64 self-check: a flipped register, vector or memory byte is reported" {
    need_qemu
    run "$driver" --discard --seeds 1 --class mixed "$qemu -cpu max" "env DIFFTEST_CORRUPT=13 $qemu -cpu max"
    echo "$output"
    [ "$status" -eq 1 ]
    [[ "$output" == *"x13: "*" (reference) vs "* ]]
    run "$driver" --discard --seeds 1 --class simdi "$qemu -cpu max" "env DIFFTEST_CORRUPT=32 $qemu -cpu max"
    echo "$output"
    [ "$status" -eq 1 ]
    [[ "$output" == *"v0: "*" (reference) vs "* ]]
    run "$driver" --discard --seeds 1 --class mem "$qemu -cpu max" "env DIFFTEST_CORRUPT=31 $qemu -cpu max"
    echo "$output"
    [ "$status" -eq 1 ]
    [[ "$output" == *"mem: "*" (reference) vs "* ]]
}

@test "difftest-a64 self-check: a runner that lacks an instruction is bisected to it" {
    need_qemu
    # a Cortex-A53 has no LSE atomics: the first one raises SIGILL
    run "$driver" --discard --seeds 1 --class atomic "$qemu -cpu max" "$qemu -cpu cortex-a53"
    echo "$output"
    [ "$status" -eq 1 ]
    [[ "$output" == *"bisected: the first "* ]]
    [[ "$output" == *"SIGNAL 4"* ]]
    [[ "$output" == *">> "*"ld"* || "$output" == *">> "*"st"* || "$output" == *">> "*"cas"* || "$output" == *">> "*"swp"* ]]
}

@test "difftest-a64 self-check: fp16 streams need FEAT_FP16" {
    need_qemu
    # a Cortex-A57 is ARMv8.0: the first half-precision instruction raises SIGILL
    run "$driver" --discard --seeds 1 --class fp16 "$qemu -cpu max" "$qemu -cpu cortex-a57"
    echo "$output"
    [ "$status" -eq 1 ]
    [[ "$output" == *"SIGNAL 4"* ]]
}

@test "qemu vs runtime-aarch64: integer data processing, branches" { vs_qemu int; }
@test "qemu vs runtime-aarch64: loads/stores, pairs, structures" { vs_qemu mem; }
@test "qemu vs runtime-aarch64: exclusives, acquire/release, LSE atomics" { vs_qemu atomic; }
@test "qemu vs runtime-aarch64: scalar FP, conversions, FPCR" { vs_qemu fp; }
@test "qemu vs runtime-aarch64: AdvSIMD integer and permutes" { vs_qemu simdi; }
@test "qemu vs runtime-aarch64: AdvSIMD floating point" { vs_qemu simdf; }
@test "qemu vs runtime-aarch64: AES, SHA-1, SHA-256, SHA-512, SHA-3, PMULL, CRC32" { vs_qemu crypto; }
@test "qemu vs runtime-aarch64: mixed" { vs_qemu mixed; }
@test "qemu vs runtime-aarch64: half precision (FEAT_FP16), scalar and AdvSIMD" { vs_qemu fp16; }

@test "qemu vs runtime-aarch64: mixed, each stream run 30 times in one process" {
    need_qemu
    need_runner
    difftest "${avoid[@]}" --seeds 3 --first-seed 1000 --len 1000 --repeat 30 --class mixed \
        "$qemu -cpu max" "$runner"
}

@test "runtime-aarch64 -tier interp vs -tier jit: integer, branches" { interp_vs_jit int; }
@test "runtime-aarch64 -tier interp vs -tier jit: loads/stores" { interp_vs_jit mem; }
@test "runtime-aarch64 -tier interp vs -tier jit: atomics" { interp_vs_jit atomic; }
@test "runtime-aarch64 -tier interp vs -tier jit: scalar FP" { interp_vs_jit fp; }
@test "runtime-aarch64 -tier interp vs -tier jit: AdvSIMD integer" { interp_vs_jit simdi; }
@test "runtime-aarch64 -tier interp vs -tier jit: AdvSIMD FP" { interp_vs_jit simdf; }
@test "runtime-aarch64 -tier interp vs -tier jit: crypto, CRC" { interp_vs_jit crypto; }
@test "runtime-aarch64 -tier interp vs -tier jit: mixed" { interp_vs_jit mixed; }
@test "runtime-aarch64 -tier interp vs -tier jit: half precision" { interp_vs_jit fp16; }
