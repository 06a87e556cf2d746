#!/bin/bash
# Assemble a Debian arm64 sysroot from real packages in a cache outside
# the clone; nothing here is ever committed.  Idempotent.  Prints the
# sysroot path on success; on failure one line with the reason, exit 1.
#   debian-arm64.sh        coreutils and the libraries it links:
#                          RUNTIME_CACHE (default /var/cache/runtime)/sysroot-arm64
#   debian-arm64.sh full   that plus bash, perl, python3.11 and its standard
#                          library, grep, sed, findutils, tar, gzip, xz, diffutils,
#                          sqlite3, openssl, gawk, bzip2, dash as /bin/sh:
#                          .../sysroot-arm64-full
#   debian-arm64.sh node   that plus nodejs and its libraries: .../sysroot-arm64-node
#   debian-arm64.sh cpython  full plus libpython3.11-testsuite: .../sysroot-arm64-cpython
set -u
cache=${RUNTIME_CACHE:-/var/cache/runtime}
root=$cache/sysroot-arm64
debs=$cache/debs-arm64
pkgs="coreutils libc6 libacl1 libattr1 libcap2 libgmp10 libselinux1 libssl3 libpcre2-8-0"
probe=usr/bin/sort
if [ "${1:-}" = full ] || [ "${1:-}" = cpython ]; then
    root=$cache/sysroot-arm64-full
    pkgs="$pkgs bash libtinfo6 grep sed findutils tar gzip xz-utils liblzma5 diffutils perl-base
          python3.11-minimal libpython3.11-minimal libpython3.11-stdlib zlib1g libexpat1 libffi8
          libsqlite3-0 libbz2-1.0 libncursesw6 libreadline8 libuuid1 libcrypt1 libdb5.3 libgdbm6
          libmd0 libgcc-s1 sqlite3 openssl gawk libmpfr6 libsigsegv2 bzip2 dash"
    # dash is the guest's /bin/sh: without it #! /bin/sh scripts and
    # system() fall back to the host's shell, which cannot exec arm64 programs
    probe=bin/dash
    if [ "$1" = cpython ]; then
        # CPython's own regression tests (Architecture: all)
        root=$cache/sysroot-arm64-cpython
        pkgs_all="libpython3.11-testsuite"
        probe="usr/lib/python3.11/test/regrtest.py bin/dash"
    fi
elif [ "${1:-}" = node ]; then
    root=$cache/sysroot-arm64-node
    pkgs="$pkgs nodejs libnode108 libuv1 libbrotli1 libc-ares2 libicu72 libnghttp2-14
          libstdc++6 libgcc-s1 zlib1g"
    # the JavaScript that Debian's node loads from /usr/share/nodejs
    pkgs_all="node-acorn node-cjs-module-lexer node-undici"
    probe=usr/bin/node
fi
fail() { echo "debian-arm64.sh: $*" >&2; exit 1; }

cached=1
for f in $probe; do [ -x "$root/$f" ] || cached=0; done
if [ $cached = 1 ] && [ -e "$root/lib/ld-linux-aarch64.so.1" ] &&
    { [ "${1:-}" != node ] || [ -d "$root/usr/share/nodejs/cjs-module-lexer" ]; }; then
    echo "$root"
    exit 0
fi
mkdir -p "$debs" 2>/dev/null || fail "cannot create $debs"
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    dpkg --add-architecture arm64 2>/dev/null || fail "cannot add dpkg architecture arm64 (need root)"
    apt-get update -qq >/dev/null 2>&1 || fail "apt-get update failed (no network?)"
fi
for p in $pkgs; do
    ls "$debs/${p}_"*_arm64.deb >/dev/null 2>&1 && continue
    (cd "$debs" && apt-get download -qq "$p:arm64" >/dev/null 2>&1) ||
        fail "apt-get download $p:arm64 failed (no network?)"
done
for p in ${pkgs_all:-}; do
    ls "$debs/${p}_"*_all.deb >/dev/null 2>&1 && continue
    (cd "$debs" && apt-get download -qq "$p" >/dev/null 2>&1) ||
        fail "apt-get download $p failed (no network?)"
done
rm -rf "$root.tmp"
mkdir -p "$root.tmp"
for d in "$debs"/*_arm64.deb "$debs"/*_all.deb; do
    [ -e "$d" ] || continue
    dpkg-deb -x "$d" "$root.tmp" || fail "dpkg-deb -x $d failed"
done
rm -rf "$root"
mv "$root.tmp" "$root"
echo "$root"
