#!/usr/bin/env bats
# The libFuzzer harness over the qcow2 parsers (imgutil/tests/fuzz_qcow2.c):
# seeds are small images of every layout qemu-img makes; `make check` runs
# a short pass over them, `make check-long` fuzzes for a minute.  A crash,
# a sanitizer report, a leak or a hang fails the test; the input that did it
# is kept as build/fuzz/crash-* (rerun: build/fuzz/fuzz_qcow2 FILE).

B=$(cd "${BUILD:-build}" && pwd)
F=$B/fuzz/fuzz_qcow2

setup_file() {
    command -v qemu-img >/dev/null || { echo "qemu-img missing: run make deps" >&2; return 1; }
    export T=$(mktemp -d)
    mkdir "$T/seeds" "$T/new"
    head -c 3000 /dev/urandom > "$T/d.raw"
    truncate -s 64k "$T/d.raw"
    local i=0 o
    for o in cluster_size=512 cluster_size=512,compat=0.10 cluster_size=512,refcount_bits=1 \
             cluster_size=1024,refcount_bits=64 cluster_size=16k,extended_l2=on \
             cluster_size=512,lazy_refcounts=on; do
        qemu-img convert -O qcow2 -o "$o" "$T/d.raw" "$T/seeds/s$i.qcow2"
        i=$((i + 1))
    done
    qemu-img convert -c -O qcow2 -o cluster_size=512 "$T/d.raw" "$T/seeds/compressed.qcow2"
    qemu-img create -q -f qcow2 -o cluster_size=512 "$T/seeds/snap.qcow2" 64k
    qemu-io -c 'write -P 1 0 4k' -c 'write -z 8k 4k' "$T/seeds/snap.qcow2" >/dev/null
    qemu-img snapshot -c s1 "$T/seeds/snap.qcow2"
    qemu-io -c 'write -P 2 0 2k' "$T/seeds/snap.qcow2" >/dev/null
    qemu-img create -q -f qcow2 -o cluster_size=512 "$T/seeds/bitmaps.qcow2" 64k
    qemu-img bitmap --add -g 512 "$T/seeds/bitmaps.qcow2" b0
}

teardown_file() {
    rm -rf "$T"
}

# fuzz ARGS...: run the harness; fail on any finding, and unless it really ran
fuzz() {
    [ -x "$F" ] || skip "$F not built (needs clang and libclang-rt-14-dev: make deps)"
    run "$F" -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$B/fuzz/crash-" \
        "$@" "$T/new" "$T/seeds"
    echo "$output" | tail -n 30
    [ "$status" -eq 0 ]
    [[ "$output" == *"Done "*" runs in "* ]]
}

@test "fuzz_qcow2: every seed and 3000 mutations of them run clean" {
    fuzz -runs=3000 -seed=1
}

@test "fuzz_qcow2: 60 seconds of fuzzing find nothing (make check-long)" {
    [ -n "${RUNTIME_CHECK_LONG:-}" ] || skip "fuzzing for a minute runs in make check-long"
    fuzz -max_total_time=60
}
