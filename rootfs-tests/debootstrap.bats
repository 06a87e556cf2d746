#!/usr/bin/env bats
# Multi-arch root filesystem build: an arm64 Debian bookworm minbase made
# by "debootstrap --foreign" on the host (rootfs-tests/debootstrap/stage1.sh,
# cached in /var/cache/runtime), then "chroot DIR /debootstrap/debootstrap
# --second-stage" run by runtime-aarch64 through a binfmt_misc handler with
# the F flag, registered in a private user + mount + pid namespace
# (rootfs-tests/debootstrap/second-stage.sh), so the host's handlers are
# never touched.  The result is checked with dpkg and apt inside the chroot.
# About two minutes with the packages cached, so `make check` runs it;
# RUNTIME_CHECK_QUICK=1 reports it skipped instead.
# Run from the repository root: bats --tap rootfs-tests/debootstrap.bats

setup_file() {
    export BUILD=${BUILD:-build}
    export BUILD=$(cd "$BUILD" && pwd)
    export HERE="$PWD/rootfs-tests/debootstrap"
    export T=$(mktemp -d /tmp/debootstrap-bats.XXXXXX)
    export ROOT="$T/root"
    [ -z "${RUNTIME_CHECK_QUICK:-}" ] || return 0
    [ -x "$BUILD/runtime-aarch64" ] && [ -x "$BUILD/runtime-binfmt" ] || return 0
    local tarball
    if ! tarball=$("$HERE/stage1.sh" 2>"$T/stage1.err"); then
        echo "$(grep -m1 '^stage1.sh:' "$T/stage1.err")" >"$T/skip"
        return 0
    fi
    mkdir "$ROOT" && tar -C "$ROOT" -xf "$tarball" 2>"$T/tar.err" ||
        { echo "cannot unpack $tarball: $(head -c 200 "$T/tar.err")" >"$T/skip"; return 0; }
    # the packages the second stage must leave installed
    cat "$ROOT/debootstrap/required" "$ROOT/debootstrap/base" 2>/dev/null |
        tr ' ' '\n' | sed '/^$/d' | sort -u >"$T/packages"
    local start=$(date +%s%N) rc
    "$HERE/second-stage.sh" runtime "$ROOT" >"$T/stage2.out" 2>&1
    rc=$?
    echo $(( ($(date +%s%N) - start) / 1000000 )) >"$T/stage2.ms"
    echo $rc >"$T/stage2.rc"
    if [ $rc -eq 77 ]; then
        echo "$(grep -m1 '^in-ns.sh:\|^second-stage.sh:' "$T/stage2.out")" >"$T/skip"
    elif [ $rc -eq 0 ]; then
        "$HERE/second-stage.sh" runtime "$ROOT" --check >"$T/check.out" 2>&1
    fi
}

teardown_file() {
    rm -rf "$T"
}

setup() {
    [ -z "${RUNTIME_CHECK_QUICK:-}" ] ||
        skip "RUNTIME_CHECK_QUICK is set (the debootstrap build takes about two minutes)"
    [ -x "$BUILD/runtime-aarch64" ] && [ -x "$BUILD/runtime-binfmt" ] ||
        skip "the runner and runtime-binfmt are not built (make all)"
    [ ! -s "$T/skip" ] || skip "$(cat "$T/skip")"
}

# the lines of check.out between "== NAME" and the next section
section() {
    sed -n "/^== $1\$/,/^== /p" "$T/check.out" | sed '1d;/^== /d'
}

need_stage2() {
    [ "$(cat "$T/stage2.rc")" = 0 ] || skip "the second stage failed (first test)"
}

@test "debootstrap --second-stage of arm64 bookworm minbase through runtime-aarch64 (F handler) exits 0" {
    echo "# second stage: $(($(cat "$T/stage2.ms") / 1000)) s wall" >&3
    tail -n 30 "$T/stage2.out"
    [ -s "$T/packages" ]
    [ "$(cat "$T/stage2.rc")" = 0 ]
    grep -q '^I: Base system installed successfully\.$' "$T/stage2.out"
    # debootstrap removes its own scripts only when everything is configured
    [ ! -e "$ROOT/debootstrap" ]
}

@test "dpkg inside the chroot lists every debootstrap package as installed" {
    need_stage2
    cat "$T/check.out"
    local p missing=0
    while read -r p; do
        grep -qx "$p install ok installed" < <(section status) ||
            { echo "not installed: $p"; missing=$((missing + 1)); }
        grep -q "^ii  $p[ :]" < <(section list) ||
            { echo "not ii in dpkg -l: $p"; missing=$((missing + 1)); }
    done <"$T/packages"
    [ $missing -eq 0 ]
    # and nothing half-installed besides
    ! section status | grep -v ' install ok installed$'
    [ "$(section uname)" = aarch64 ]
}

@test "dpkg --verify inside the chroot finds every installed file intact" {
    need_stage2
    section verify
    [ "$(section verify | tail -n 1)" = "verify-rc=0" ]
    # dpkg --verify prints one line per file that differs
    [ "$(section verify | wc -l)" -eq 1 ]
    # and the host's own dpkg, reading the same database, agrees
    run dpkg --root="$ROOT" --verify
    [ "$status" -eq 0 ] && [ -z "$output" ]
}

@test "apt-get --version inside the chroot" {
    need_stage2
    section apt
    [ "$(section apt | tail -n 1)" = "apt-rc=0" ]
    [[ "$(section apt | head -n 1)" =~ ^apt\ [0-9][0-9.~a-z+]*\ \(arm64\)$ ]]
}
