#!/usr/bin/env bats
# A Go program of our own (rootfs-tests/go: goroutines, channels, timers,
# asynchronous preemption, os/signal, os/exec of a native and a foreign
# child, nil-dereference panics, the standard library), cross-compiled with
# Debian's golang-go for GOARCH=arm64 and GOARCH=riscv64 (CGO_ENABLED=0,
# static), run under the runners five times each and compared byte for byte
# with the native build.
# Run from the repository root: bats --tap rootfs-tests/go.bats

setup_file() {
    export BUILD=$(cd "${BUILD:-build}" && pwd)
    export T=$(mktemp -d /tmp/go-bats.XXXXXX)
    command -v go >/dev/null || { echo "golang-go is not installed (make deps)" >"$T/skip"; return 0; }
    # caches outside the clone, offline: the module has no dependencies
    export GOCACHE=${RUNTIME_CACHE:-/var/cache/runtime}/go-build GOPATH=$T/gopath
    export GOFLAGS=-mod=mod GOPROXY=off CGO_ENABLED=0
    mkdir -p "$GOCACHE" 2>/dev/null || export GOCACHE=$T/gocache
    local src=$PWD/rootfs-tests/go
    (cd "$src" && go build -o "$T/native" . && GOARCH=arm64 go build -o "$T/aarch64" . &&
        GOARCH=riscv64 go build -o "$T/riscv64" .) >"$T/build.log" 2>&1 ||
        { echo "go build failed: $(head -c 300 "$T/build.log")" >"$T/skip"; return 0; }
    "$T/native" >"$T/expected"
}

teardown_file() {
    rm -rf "$T"
}

go_runs() {
    local g=$1 i
    [ ! -s "$T/skip" ] || skip "$(cat "$T/skip")"
    [ -x "$BUILD/runtime-$g" ] || skip "build/runtime-$g not built (make all)"
    # the native run must have got through every part
    grep -q '^exec self: exit status 3$' "$T/expected"
    grep -q 'nil pointer dereference' "$T/expected"
    for i in 1 2 3 4 5; do
        run timeout -k 5 60 "$BUILD/runtime-$g" "$T/$g"
        [ "$status" -eq 0 ] || { echo "run $i: exit status $status"; echo "$output"; return 1; }
        diff -u "$T/expected" <(printf '%s\n' "$output") || { echo "run $i differs"; return 1; }
    done
}

@test "Go GOARCH=arm64: goroutines, timers, preemption, os/signal, os/exec, panics: same output as native, 5 runs" {
    go_runs aarch64
}

@test "Go GOARCH=riscv64: goroutines, timers, preemption, os/signal, os/exec, panics: same output as native, 5 runs" {
    go_runs riscv64
}
