#!/usr/bin/env python3
"""runtime-system against qemu-system-x86_64 -M microvm -accel kvm on the same
PVH test guest (rootfs-tests/system/outloop.c), interleaved, median of ROUNDS:

  first byte   from the exec of the VMM to the first byte on COM1 (n=0)
  I/O exit     (wall(n=N) - wall(n=0)) / N for N port writes to 0x80, each a
               full exit to the VMM and back

usage: system_kvm.py [BUILD] [ROUNDS] [N]
"""
import os
import statistics
import subprocess
import sys
import time

build = sys.argv[1] if len(sys.argv) > 1 else "build"
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 7
n = int(sys.argv[3]) if len(sys.argv) > 3 else 100000
guest = os.path.join(build, "system-guests", "outloop")

vmms = {
    "runtime-system": [os.path.join(build, "runtime-system"), "-m", "64", "-nographic", "-no-reboot",
                       "-serial", "stdio", "-kernel", guest],
    "qemu-system-x86_64": ["qemu-system-x86_64", "-M", "microvm", "-accel", "kvm", "-m", "64",
                           "-nographic", "-no-reboot", "-nodefaults", "-serial", "stdio",
                           "-device", "isa-debug-exit,iobase=0xf4", "-kernel", guest],
}


def run(cmd, iters):
    """(seconds to the first serial byte, seconds to the end) of one run"""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd + ["-append", "n=%d" % iters], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    first = p.stdout.read(1)
    t1 = time.perf_counter()
    rest = p.stdout.read()
    status = p.wait()
    t2 = time.perf_counter()
    if first + rest != b"outloop done\n" or status != 1:
        sys.exit("%s: unexpected output %r or status %d" % (cmd[0], first + rest, status))
    return t1 - t0, t2 - t0


results = {name: {"first": [], "exit": []} for name in vmms}
for r in range(rounds):
    for name, cmd in vmms.items():
        first, base = run(cmd, 0)
        _, loaded = run(cmd, n)
        results[name]["first"].append(first)
        results[name]["exit"].append((loaded - base) / n)

ours, qemu = results["runtime-system"], results["qemu-system-x86_64"]
print("| metric (median of %d) | runtime-system | qemu-system-x86_64 -M microvm | ratio |" % rounds)
print("| --- | --- | --- | --- |")
for key, label, scale, unit in (("first", "start to first serial byte", 1e3, "ms"),
                                ("exit", "port-I/O exit round trip (%d outs)" % n, 1e6, "us")):
    a, b = statistics.median(ours[key]), statistics.median(qemu[key])
    print("| %s | %.2f %s | %.2f %s | %.2f |" % (label, a * scale, unit, b * scale, unit, a / b))
