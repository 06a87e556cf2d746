#!/usr/bin/env bats
# A cross-compiled CMake project (rootfs-tests/cmake) whose ctest suite runs
# its guest test programs under our runners: first through
# CMAKE_CROSSCOMPILING_EMULATOR (the way cross builds run test suites), then
# through a binfmt_misc handler registered in a private user + mount namespace
# (rootfs-tests/binfmt/in-ns.sh) with no emulator setting at all.  The
# project's own tests check their results (known CRC vectors, chunking
# invariants, thread results equal to a serial run, uname -m of the guest).
# Run from the repository root: bats --tap rootfs-tests/cmake.bats

setup_file() {
    export BUILD=$(cd "${BUILD:-build}" && pwd)
    export SRC="$PWD/rootfs-tests/cmake" NS="$PWD/rootfs-tests/binfmt/in-ns.sh"
    export T=$(mktemp -d /tmp/cmake-bats.XXXXXX)
}

teardown_file() {
    rm -rf "$T"
}

setup() {
    command -v cmake >/dev/null || skip "cmake is not installed (make deps)"
    command -v ctest >/dev/null || skip "ctest is not installed (make deps)"
}

# configure GUEST DIR [cmake args...]: configure and build the project for GUEST
configure() {
    local guest=$1 dir=$2
    shift 2
    command -v "$guest-linux-gnu-gcc" >/dev/null || skip "$guest-linux-gnu-gcc is not installed"
    cmake -S "$SRC" -B "$dir" -DCMAKE_TOOLCHAIN_FILE="$SRC/toolchain-$guest.cmake" \
        -DCROSSCHECK_EXPECT_MACHINE="$guest" "$@" >"$dir.log" 2>&1 &&
        cmake --build "$dir" -j2 >>"$dir.log" 2>&1 || { cat "$dir.log"; return 1; }
}

# all_passed: ctest's summary in $output says all 7 tests passed
all_passed() {
    grep -q "100% tests passed, 0 tests failed out of 7" <<<"$output"
}

emulated_suite() {
    local guest=$1 dir=$T/emu-$1
    [ -x "$BUILD/runtime-$guest" ] || skip "build/runtime-$guest not built (make all)"
    configure "$guest" "$dir" \
        "-DCMAKE_CROSSCOMPILING_EMULATOR=$BUILD/runtime-$guest;-L;/usr/$guest-linux-gnu"
    # every test command goes through the runner
    [ "$(grep -c '^add_test(' "$dir/CTestTestfile.cmake")" -eq 7 ]
    [ "$(grep '^add_test(' "$dir/CTestTestfile.cmake" | grep -vc "runtime-$guest")" -eq 0 ]
    run bash -c "cd '$dir' && ctest --output-on-failure"
    echo "$output"
    [ "$status" -eq 0 ]
    all_passed
}

@test "aarch64: ctest through CMAKE_CROSSCOMPILING_EMULATOR=runtime-aarch64;-L;/usr/aarch64-linux-gnu" {
    emulated_suite aarch64
}

@test "riscv64: ctest through CMAKE_CROSSCOMPILING_EMULATOR=runtime-riscv64;-L;/usr/riscv64-linux-gnu" {
    emulated_suite riscv64
}

@test "a guest test that fails is reported failed by ctest through the emulator" {
    [ -x "$BUILD/runtime-aarch64" ] || skip "build/runtime-aarch64 not built (make all)"
    local dir=$T/emu-wrong
    # expecting the host's machine name: the guest must not say it
    configure aarch64 "$dir" -DCROSSCHECK_EXPECT_MACHINE=x86_64 \
        "-DCMAKE_CROSSCOMPILING_EMULATOR=$BUILD/runtime-aarch64;-L;/usr/aarch64-linux-gnu"
    run bash -c "cd '$dir' && ctest"
    echo "$output"
    [ "$status" -ne 0 ]
    grep -q "86% tests passed, 1 tests failed out of 7" <<<"$output"
    grep -q "cli_machine" <<<"$output"
}

@test "aarch64: the same ctest suite through binfmt_misc, no emulator setting" {
    [ -x "$BUILD/runtime-binfmt" ] && [ -x "$BUILD/runtime-aarch64" ] ||
        skip "runtime-binfmt or runtime-aarch64 not built (make all)"
    local dir=$T/binfmt-a64
    configure aarch64 "$dir"
    ! grep -q runtime- "$dir/CTestTestfile.cmake"
    # the dynamic guest programs find their loader and libc through
    # RUNTIME_LD_PREFIX, as QEMU_LD_PREFIX does for qemu-user
    run "$NS" '"$BUILD/runtime-binfmt" --install aarch64 --persistent >/dev/null || exit 1
        cd "'"$dir"'" && RUNTIME_LD_PREFIX=/usr/aarch64-linux-gnu ctest --output-on-failure
        rc=$?
        "$BUILD/runtime-binfmt" --uninstall aarch64 >/dev/null
        exit $rc'
    if [ "$status" -eq 77 ]; then
        skip "$(grep -m1 '^in-ns.sh:' <<<"$output")"
    fi
    echo "$output"
    [ "$status" -eq 0 ]
    all_passed
}
