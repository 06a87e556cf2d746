#!/usr/bin/env bats
# FEAT_SHA512 and FEAT_SHA3 (rootfs-tests/crypto-a64/sha512_sha3.c): each
# instruction on 4000 pseudo-random operand sets, digests compared with
# qemu-aarch64-static -cpu max; AT_HWCAP advertises both; the SM3/SM4
# encodings next to them are still undefined (SIGILL), as we do not
# implement them.
# Run from the repository root: bats --tap rootfs-tests/crypto-a64.bats

setup_file() {
    export BUILD=$(cd "${BUILD:-build}" && pwd)
    export T=$(mktemp -d /tmp/crypto-a64-bats.XXXXXX)
    aarch64-linux-gnu-gcc -O2 -static -march=armv8.2-a+sha3 -o "$T/sha512_sha3" \
        rootfs-tests/crypto-a64/sha512_sha3.c 2>"$T/cc.err" || true
}

teardown_file() {
    rm -rf "$T"
}

setup() {
    [ -x "$BUILD/runtime-aarch64" ] || skip "build/runtime-aarch64 not built (make all)"
    [ -x "$T/sha512_sha3" ] || skip "cross compiler failed: $(head -c 200 "$T/cc.err")"
    command -v qemu-aarch64-static >/dev/null || skip "qemu-aarch64-static is not installed"
}

@test "SHA512H/H2/SU0/SU1, RAX1, EOR3, BCAX, XAR: same results as qemu-aarch64-static -cpu max; HWCAP_SHA3 and HWCAP_SHA512 set" {
    qemu-aarch64-static -cpu max "$T/sha512_sha3" >"$T/qemu.out"
    run "$BUILD/runtime-aarch64" "$T/sha512_sha3"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(grep -c digest "$T/qemu.out")" -eq 10 ]
    [ "$output" = "$(cat "$T/qemu.out")" ]
    [ "${lines[0]}" = "hwcap sha3 1 sha512 1" ]
}

@test "/proc/cpuinfo lists sha3 and sha512 among the features" {
    run "$BUILD/runtime-aarch64" /var/cache/runtime/busybox-arm64/bin/busybox cat /proc/cpuinfo
    [ "$status" -eq 0 ] || skip "no arm64 busybox cached (rootfs-tests/lib/busybox-arm64.sh)"
    grep -m1 '^Features' <<<"$output" | grep -qw sha3
    grep -m1 '^Features' <<<"$output" | grep -qw sha512
}

@test "SM3SS1 and SM4E (not implemented) raise SIGILL" {
    printf '.globl _start\n_start:\n .inst 0xce400000\n' >"$T/sm3.s"     # sm3ss1 v0.4s, v0.4s, v0.4s, v0.4s
    printf '.globl _start\n_start:\n .inst 0xcec08400\n' >"$T/sm4.s"     # sm4e v0.4s, v0.4s
    for p in sm3 sm4; do
        aarch64-linux-gnu-gcc -nostdlib -static -o "$T/$p" "$T/$p.s"
        run "$BUILD/runtime-aarch64" "$T/$p"
        echo "$p: $status $output"
        [ "$status" -eq $((128 + 4)) ]
    done
}
