#!/bin/sh
# Differential check of the AdvSIMD/crypto front-end: build neon_ops (from
# gen_neon.py) for aarch64, run it under qemu-aarch64-static and under
# runtime-aarch64, and diff.  Usage: run_neon.sh [build-dir]  (from repo root)
set -e
B=${1:-build}
out=$B/isa/aarch64/tests/guest
mkdir -p "$out"
python3 isa/aarch64/tests/guest/gen_neon.py > "$out/neon_ops.c"
aarch64-linux-gnu-gcc -O1 -static -march=armv8-a+crypto -o "$out/neon_ops" "$out/neon_ops.c"
qemu-aarch64-static -cpu max "$out/neon_ops" > "$out/neon.qemu"
"$B/runtime-aarch64" "$out/neon_ops" > "$out/neon.ours"
if diff "$out/neon.qemu" "$out/neon.ours" > "$out/neon.diff"; then
    echo "neon_ops: $(wc -l < "$out/neon.qemu") lines identical to qemu"
else
    echo "neon_ops: differs from qemu, see $out/neon.diff"; head -20 "$out/neon.diff"; exit 1
fi
