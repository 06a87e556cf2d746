#!/usr/bin/env bats
# Differential tests on random RV64GC instruction streams (rootfs-tests/
# difftest/): the final x/f/fcsr state and a scratch-memory checksum must be
# identical (1) under Debian's qemu-riscv64-static and under our runner in
# its default tier, and (2) under our runner with -tier interp and with
# -tier jit.  One test per instruction class, 15 seeds x 1000 instructions
# each, so every comparison covers 105 000 instructions.
#
#   bats --tap rootfs-tests/difftest.bats
#   DIFFTEST_SEEDS=100 bats --tap rootfs-tests/difftest.bats     # longer
#
# The runner is a required product: its tests fail when it is missing.
# Only the comparisons against QEMU are skipped when QEMU is not installed.

setup() {
    root=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
    build=${BUILD:-build}
    case $build in /*) ;; *) build=$root/$build ;; esac
    export BUILD=$build
    runner=${DIFFTEST_RUNNER:-$build/runtime-riscv64}
    qemu=${DIFFTEST_QEMU:-qemu-riscv64-static}
    seeds=${DIFFTEST_SEEDS:-15}
    driver=$root/rootfs-tests/difftest/run.sh
}

need_runner() {
    [ -x "$runner" ] || {
        echo "runner $runner is missing: build it with 'make'" >&2
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
    difftest --seeds "$seeds" --len 1000 --class "$1" "$qemu" "$runner"
}

interp_vs_jit() {
    need_runner
    difftest --seeds "$seeds" --len 1000 --class "$1" "$runner -tier interp" "$runner -tier jit"
}

@test "difftest self-check: qemu agrees with itself on every class" {
    need_qemu
    for c in int m a fd c zb mixed; do
        difftest --discard --seeds 3 --len 1000 --class "$c" "$qemu" "$qemu"
    done
}

@test "difftest self-check: a flipped register or memory byte is reported" {
    need_qemu
    run "$driver" --discard --seeds 2 --class mixed "$qemu" "env DIFFTEST_CORRUPT=13 $qemu"
    echo "$output"
    [ "$status" -eq 1 ]
    [[ "$output" == *"x13: "*" (reference) vs "* ]]
    run "$driver" --discard --seeds 1 --class fd "$qemu" "env DIFFTEST_CORRUPT=32 $qemu"
    echo "$output"
    [ "$status" -eq 1 ]
    [[ "$output" == *"mem: "*" (reference) vs "* ]]
}

@test "difftest self-check: a runner that lacks an instruction is bisected to it" {
    need_qemu
    run "$driver" --discard --seeds 1 --class zb "$qemu" "$qemu -cpu rv64,zbb=false"
    echo "$output"
    [ "$status" -eq 1 ]
    [[ "$output" == *"bisected: the first "* ]]
    [[ "$output" == *"SIGNAL 4"* ]]
    [[ "$output" == *">> "* ]]
}

@test "qemu vs runtime-riscv64: RV64I integer, loads/stores, branches" { vs_qemu int; }
@test "qemu vs runtime-riscv64: M (div/rem by zero, INT_MIN/-1)" { vs_qemu m; }
@test "qemu vs runtime-riscv64: A (AMOs, lr/sc)" { vs_qemu a; }
@test "qemu vs runtime-riscv64: F and D, fflags/frm/fcsr" { vs_qemu fd; }
@test "qemu vs runtime-riscv64: compressed" { vs_qemu c; }
@test "qemu vs runtime-riscv64: Zba/Zbb/Zbs" { vs_qemu zb; }
@test "qemu vs runtime-riscv64: mixed" { vs_qemu mixed; }

@test "qemu vs runtime-riscv64: mixed, each stream run 40 times in one process" {
    need_qemu
    need_runner
    difftest --seeds 5 --first-seed 1000 --len 1000 --repeat 40 --class mixed "$qemu" "$runner"
}

@test "runtime-riscv64 -tier interp vs -tier jit: RV64I integer, loads/stores, branches" { interp_vs_jit int; }
@test "runtime-riscv64 -tier interp vs -tier jit: M" { interp_vs_jit m; }
@test "runtime-riscv64 -tier interp vs -tier jit: A" { interp_vs_jit a; }
@test "runtime-riscv64 -tier interp vs -tier jit: F and D" { interp_vs_jit fd; }
@test "runtime-riscv64 -tier interp vs -tier jit: compressed" { interp_vs_jit c; }
@test "runtime-riscv64 -tier interp vs -tier jit: Zba/Zbb/Zbs" { interp_vs_jit zb; }
@test "runtime-riscv64 -tier interp vs -tier jit: mixed" { interp_vs_jit mixed; }
