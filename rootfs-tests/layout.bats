#!/usr/bin/env bats
# The guest's address-space layout (syscall/mmap_layout.c): properties every
# 64-bit Linux with the top-down layout has, printed by
# rootfs-tests/layout/mmap_layout.c and compared with its native x86-64 run,
# static and dynamic, on both guests; riscv64 mappings also stay inside the
# Sv39 space the loader lays the program out in.
# Run from the repository root: bats --tap rootfs-tests/layout.bats

setup_file() {
    export BUILD=$(cd "${BUILD:-build}" && pwd)
    export T=$(mktemp -d /tmp/layout-bats.XXXXXX)
    local src=rootfs-tests/layout/mmap_layout.c
    gcc -O2 -o "$T/native" "$src" -lpthread
    for g in aarch64 riscv64; do
        $g-linux-gnu-gcc -O2 -static -o "$T/$g-static" "$src" -lpthread &&
            $g-linux-gnu-gcc -O2 -o "$T/$g-dynamic" "$src" -lpthread ||
            echo "$g" >>"$T/cc-failed"
    done
    "$T/native" >"$T/native.out"
}

teardown_file() {
    rm -rf "$T"
}

layout() {
    local g=$1 kind=$2
    [ -x "$BUILD/runtime-$g" ] || skip "build/runtime-$g not built (make all)"
    ! grep -qx "$g" "$T/cc-failed" 2>/dev/null || skip "$g-linux-gnu-gcc failed"
    run "$BUILD/runtime-$g" -L "/usr/$g-linux-gnu" "$T/$g-$kind"
    echo "$output"
    [ "$status" -eq 0 ]
    # the native run itself must hold every property, or the oracle is wrong
    ! grep -q ': NO$' "$T/native.out"
    [ "$output" = "$(cat "$T/native.out")" ]
}

@test "aarch64 static: mmaps top-down below the stack gap, hints, thread stacks, maps" { layout aarch64 static; }
@test "aarch64 dynamic: the same with ld.so and libc mapped" { layout aarch64 dynamic; }
@test "riscv64 static: mmaps top-down below the stack gap, hints, thread stacks, maps" { layout riscv64 static; }
@test "riscv64 dynamic: the same with ld.so and libc mapped" { layout riscv64 dynamic; }

@test "riscv64: every mmap result stays inside Sv39 (below 2^38)" {
    [ -x "$BUILD/runtime-riscv64" ] || skip "build/runtime-riscv64 not built (make all)"
    run "$BUILD/runtime-riscv64" -L /usr/riscv64-linux-gnu -strace "$T/riscv64-dynamic"
    [ "$status" -eq 0 ]
    local addrs a n=0
    addrs=$(grep -E '^[0-9]+ mmap\(' <<<"$output" | grep -oE '= 0x[0-9a-f]+$' | cut -c3-)
    for a in $addrs; do
        n=$((n + 1))
        (( a < 0x4000000000 )) || { echo "mmap returned $a"; return 1; }
    done
    echo "$n mmaps"
    [ "$n" -ge 5 ]
}
