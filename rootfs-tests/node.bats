#!/usr/bin/env bats
# Debian bookworm's arm64 nodejs (V8 with its JIT tiers, which write code,
# flush the instruction cache with DC CVAU/IC IVAU and run it) under
# runtime-aarch64: rootfs-tests/node/jit.js (hot loops, deoptimisation,
# irregexp, JSON, typed arrays, BigInt, promises), node/wasm.js
# (WebAssembly) and node/threads.js (worker threads, each an isolate with
# its own JIT, and the libuv pool).  Oracles: the host's own node when there
# is one, and the guest node with --jitless (V8's interpreter only; it has
# no WebAssembly).  The sysroot comes from Debian's packages
# (rootfs-tests/abi2/debian-arm64.sh node), cached outside the clone.
# Run from the repository root: bats --tap rootfs-tests/node.bats

setup_file() {
    export BUILD=$(cd "${BUILD:-build}" && pwd)
    export T=$(mktemp -d /tmp/node-bats.XXXXXX)
    export JS=$PWD/rootfs-tests/node/jit.js
    if ! ROOT=$(rootfs-tests/abi2/debian-arm64.sh node 2>"$T/fetch.err"); then
        echo "no arm64 nodejs sysroot: $(head -1 "$T/fetch.err")" >"$T/skip"
    fi
    export ROOT
}

teardown_file() {
    rm -rf "$T"
}

setup() {
    [ ! -s "$T/skip" ] || skip "$(cat "$T/skip")"
    [ -x "$BUILD/runtime-aarch64" ] || skip "build/runtime-aarch64 not built (make all)"
}

guest_node() {
    (cd "$T" && timeout -k 5 300 "$BUILD/runtime-aarch64" -L "$ROOT" "$ROOT/usr/bin/node" "$@" "$JS")
}

# guest_node_js SCRIPT: the guest node on another script of rootfs-tests/node
guest_node_js() {
    (cd "$T" && timeout -k 5 300 "$BUILD/runtime-aarch64" -L "$ROOT" "$ROOT/usr/bin/node" "$1")
}

@test "arm64 node with its JIT prints what node --jitless prints under the same runner" {
    guest_node >"$T/jit.out"
    guest_node --jitless >"$T/jitless.out" 2>/dev/null
    # every section ran
    [ "$(wc -l <"$T/jit.out")" -eq 13 ]
    grep -q '^async order: p1,p2,p3,micro,timeout$' "$T/jit.out"
    diff -u "$T/jitless.out" "$T/jit.out"
}

@test "arm64 node with its JIT prints what the host's native node prints" {
    command -v node >/dev/null || skip "no native node on this host to compare with"
    [ -s "$T/jit.out" ] || guest_node >"$T/jit.out"
    node "$JS" >"$T/native.out"
    diff -u "$T/native.out" "$T/jit.out"
}

@test "arm64 node runs WebAssembly (Liftoff and TurboFan code, out-of-bounds traps, memory.grow) as the host's native node does" {
    command -v node >/dev/null || skip "no native node on this host to compare with (--jitless has no WebAssembly)"
    local wasm=$PWD/rootfs-tests/node/wasm.js
    guest_node_js "$wasm" >"$T/wasm.out"
    node "$wasm" >"$T/wasm-native.out"
    # the traps happened and were caught
    grep -Eq '^wasm: [0-9]+ [1-9][0-9]* deadbeef 131072$' "$T/wasm.out"
    diff -u "$T/wasm-native.out" "$T/wasm.out"
}

@test "arm64 node with worker threads (several isolates compiling at once), the libuv pool (fs, zlib, crypto) and timers prints what --jitless and the host's node print" {
    local js=$PWD/rootfs-tests/node/threads.js
    guest_node_js "$js" >"$T/threads.out"
    grep -q ' same as main$' "$T/threads.out"
    [ "$(wc -l <"$T/threads.out")" -eq 5 ]
    (cd "$T" && timeout -k 5 300 "$BUILD/runtime-aarch64" -L "$ROOT" "$ROOT/usr/bin/node" --jitless "$js") \
        >"$T/threads-jitless.out" 2>/dev/null
    diff -u "$T/threads-jitless.out" "$T/threads.out"
    command -v node >/dev/null || return 0
    node "$js" >"$T/threads-native.out"
    diff -u "$T/threads-native.out" "$T/threads.out"
}
