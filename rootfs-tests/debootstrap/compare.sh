#!/bin/bash
# Time the arm64 bookworm minbase second stage under runtime-aarch64 and
# under Debian's qemu-aarch64-static, one after the other, each from a fresh
# copy of the cached first stage (stage1.sh), and print one line per
# runner: "NAME rc=N wall=SECONDS cpu=SECONDS".  Needs root.
#   compare.sh [runtime] [qemu]     (default: both)
set -u
here=$(cd "$(dirname "$0")" && pwd)
tarball=$("$here/stage1.sh") || exit $?
work=$(mktemp -d /tmp/debootstrap-compare.XXXXXX)
trap 'rm -rf "$work"' EXIT
[ $# -gt 0 ] || set -- runtime qemu
for h in "$@"; do
    mkdir "$work/$h" && tar -C "$work/$h" -xf "$tarball" || exit 1
    # cpu = user + system time of every process of the run, which the
    # load of other jobs on the machine changes much less than wall time
    TIMEFORMAT='%R %U %S'
    { time "$here/second-stage.sh" "$h" "$work/$h" >"$work/$h.log" 2>&1; } 2>"$work/$h.time"
    rc=$?
    read -r wall user sys <"$work/$h.time"
    echo "$h rc=$rc wall=${wall}s cpu=$(echo "$user + $sys" | bc)s"
    [ $rc -eq 0 ] || tail -n 5 "$work/$h.log" | sed 's/^/    /'
    rm -rf "$work/$h"
done
