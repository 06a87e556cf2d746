#!/bin/bash
# Fetch Debian's busybox-static for arm64 and amd64 into a cache outside the
# clone and unpack each (idempotent; nothing here is ever committed):
#   $RUNTIME_CACHE/busybox-arm64/bin/busybox, $RUNTIME_CACHE/busybox-amd64/bin/busybox
# RUNTIME_CACHE defaults to /var/cache/runtime.  Prints the two paths on
# success; on failure prints one line with the reason and exits 1.
set -u
cache=${RUNTIME_CACHE:-/var/cache/runtime}
fail() { echo "busybox-arm64.sh: $*" >&2; exit 1; }

mkdir -p "$cache" 2>/dev/null || fail "cannot create $cache"
have() { [ -x "$cache/busybox-$1/bin/busybox" ]; }

fetch() {
    local arch=$1 deb
    have "$arch" && return 0
    deb=$(ls "$cache"/busybox-static_*_"$arch".deb 2>/dev/null | head -1)
    if [ -z "$deb" ]; then
        if [ "$arch" != "$(dpkg --print-architecture)" ] &&
           ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
            dpkg --add-architecture "$arch" 2>/dev/null ||
                fail "cannot add dpkg architecture $arch (need root)"
            apt-get update -qq >/dev/null 2>&1 || fail "apt-get update failed (no network?)"
        fi
        (cd "$cache" && apt-get download -qq "busybox-static:$arch" >/dev/null 2>&1) ||
            { apt-get update -qq >/dev/null 2>&1 &&
              (cd "$cache" && apt-get download -qq "busybox-static:$arch" >/dev/null 2>&1); } ||
            fail "apt-get download busybox-static:$arch failed (no network?)"
        deb=$(ls "$cache"/busybox-static_*_"$arch".deb 2>/dev/null | head -1)
        [ -n "$deb" ] || fail "busybox-static:$arch .deb not found after download"
    fi
    rm -rf "$cache/busybox-$arch.tmp"
    dpkg-deb -x "$deb" "$cache/busybox-$arch.tmp" || fail "dpkg-deb -x $deb failed"
    rm -rf "$cache/busybox-$arch"
    mv "$cache/busybox-$arch.tmp" "$cache/busybox-$arch"
    have "$arch" || fail "$deb has no bin/busybox"
}

fetch arm64
fetch amd64
echo "$cache/busybox-arm64/bin/busybox"
echo "$cache/busybox-amd64/bin/busybox"
