#!/usr/bin/env python3
"""Run the virtio_net test guest with a UDP socket listening on the host.

usage: udp_guest.py BIND_ADDR RUNTIME_SYSTEM GUEST [runtime-system args...]

Binds BIND_ADDR on a free port, boots GUEST with "udp=PORT debugexit" on its
command line (it ends through isa-debug-exit, status 1, which QEMU's microvm
has too), prints the guest's serial output (not the emulator's stderr), its
exit status, and what the socket received ("received: ..." or "received
nothing").
"""
import socket
import subprocess
import sys

bind, rs, guest, extra = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((bind, 0))
port = s.getsockname()[1]
p = subprocess.run(["timeout", "60", rs, "-nographic", "-no-reboot", "-kernel", guest,
                    "-append", "udp=%d debugexit" % port] + extra, capture_output=True, text=True)
sys.stdout.write(p.stdout)
print("status %d" % p.returncode)
s.settimeout(5)
try:
    data, peer = s.recvfrom(2048)
    print("received: %s" % data.decode(errors="replace"))
except socket.timeout:
    print("received nothing")
