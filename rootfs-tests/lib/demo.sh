#!/usr/bin/env bash
# make run: run the bundled demo programs under each built runner.
set -euo pipefail
build=$1
for runner in "$build"/runtime-*; do
    [ -x "$runner" ] || continue
    guest=${runner##*/runtime-}
    echo "== $runner"
    for prog in "$build/demo/$guest"/*; do
        [ -x "$prog" ] || continue
        echo "\$ ${runner#./} ${prog} demo"
        "$runner" "$prog" demo
    done
done
