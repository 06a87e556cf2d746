#!/usr/bin/env bash
# make run: run the bundled demo programs under each built runner.
set -uo pipefail
build=$1
failed=0
for guest in riscv64 aarch64; do
    runner=$build/runtime-$guest
    [ -x "$runner" ] || continue
    echo "== $runner"
    for prog in "$build/demo/$guest"/*; do
        [ -x "$prog" ] || continue
        echo "\$ $runner $prog demo"
        "$runner" "$prog" demo
        status=$?
        if [ "$status" -ne 0 ]; then
            echo "(exit status $status)"
            failed=$((failed + 1))
        fi
    done
done
[ "$failed" -eq 0 ]
