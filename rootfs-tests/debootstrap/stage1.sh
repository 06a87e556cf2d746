#!/bin/bash
# Print the path of a tarball holding the first stage of an arm64 bookworm
# minbase debootstrap (debootstrap --foreign), making it on first use: the
# .debs are kept in $CACHE/debootstrap-cache and the unpacked first stage in
# $CACHE/debootstrap-arm64-bookworm-stage1.tar, outside the clone, so that
# later runs download nothing.  Needs root (device nodes) the first time.
#   stage1.sh [MIRROR]    (default http://deb.debian.org/debian)
# Exit 77 with "stage1.sh: why" on stderr when it cannot be made.
set -u
mirror=${1:-http://deb.debian.org/debian}
cache=${RUNTIME_CACHE:-/var/cache/runtime}
tarball=$cache/debootstrap-arm64-bookworm-stage1.tar
skip() { echo "stage1.sh: $*" >&2; exit 77; }

if [ -s "$tarball" ]; then
    echo "$tarball"
    exit 0
fi
command -v debootstrap >/dev/null || skip "debootstrap is not installed (make deps)"
[ "$(id -u)" = 0 ] || skip "the first stage needs root to create device nodes"
mkdir -p "$cache/debootstrap-cache" || skip "cannot create $cache"
dir=$(mktemp -d "$cache/stage1.XXXXXX") || skip "mktemp failed"
trap 'rm -rf "$dir" "$tarball.part"' EXIT
if ! debootstrap --arch=arm64 --variant=minbase --foreign \
        --cache-dir="$cache/debootstrap-cache" bookworm "$dir" "$mirror" \
        >"$dir.log" 2>&1; then
    tail -n 3 "$dir.log" >&2
    skip "debootstrap --foreign failed (log: $dir.log)"
fi
rm -f "$dir.log"
tar -C "$dir" -cf "$tarball.part" . && mv "$tarball.part" "$tarball" ||
    skip "cannot write $tarball"
echo "$tarball"
