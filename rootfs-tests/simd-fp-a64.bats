#!/usr/bin/env bats
# AdvSIMD and scalar FP arithmetic exactly as Arm defines it, where the
# runner takes host shortcuts (whole-vector SSE, the lazy FPSR): every
# result's bits and FPSR of 185,892 cases (rootfs-tests/simd-fp-a64/
# vecfp_exact.c: NaNs in each operand, default NaNs, denormals, overflow,
# results that round to the smallest normal from below in products, FMAs
# and FCVT to single, FZ, DN and every rounding mode, signalling NaNs in
# the unused half of 64-bit vectors) compared with qemu-aarch64-static
# -cpu max, under both tiers.
# Run from the repository root: bats --tap rootfs-tests/simd-fp-a64.bats

setup_file() {
    export BUILD=$(cd "${BUILD:-build}" && pwd)
    export T=$(mktemp -d /tmp/simd-fp-a64-bats.XXXXXX)
    aarch64-linux-gnu-gcc -O2 -static -o "$T/vecfp_exact" \
        rootfs-tests/simd-fp-a64/vecfp_exact.c 2>"$T/cc.err" || true
    if command -v qemu-aarch64-static >/dev/null && [ -x "$T/vecfp_exact" ]; then
        qemu-aarch64-static -cpu max "$T/vecfp_exact" >"$T/qemu.out"
    fi
}

teardown_file() {
    rm -rf "$T"
}

setup() {
    [ -x "$BUILD/runtime-aarch64" ] || skip "build/runtime-aarch64 not built (make all)"
    [ -x "$T/vecfp_exact" ] || skip "cross compiler failed: $(head -c 200 "$T/cc.err")"
    command -v qemu-aarch64-static >/dev/null || skip "qemu-aarch64-static is not installed"
}

# compare TIER
compare() {
    run "$BUILD/runtime-aarch64" -tier "$1" "$T/vecfp_exact"
    [ "$status" -eq 0 ]
    # the oracle ran them all, and saw each FPSR cumulative bit at least once
    grep -qx '185892 cases, fpsr bits seen 9f' "$T/qemu.out"
    diff -u "$T/qemu.out" - <<<"$output" | head -40
    [ "$output" = "$(cat "$T/qemu.out")" ]
}

@test "FADD/FSUB/FMUL/FDIV/FMLA/FMLS vector and by element, scalar FMUL/FNMUL/FDIV/FMADD/FMSUB/FNMSUB, FCVT/FCVTN to single, FMAX/FMIN/FMAXNM/FMINNM/FCMEQ/FCMGE/FCMGT, SCVTF/FCVTZS/FSQRT: bits and FPSR as qemu-aarch64-static, JIT" {
    compare jit
}

@test "the same cases under -tier interp" {
    compare interp
}
