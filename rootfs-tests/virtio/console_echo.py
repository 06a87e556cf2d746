#!/usr/bin/env python3
"""Talk to the virtio_console test guest through a unix-socket chardev.

usage: console_echo.py LINE COMMAND...

Runs COMMAND (an emulator with the guest) after replacing @SOCK@ in its
arguments by a fresh socket path, waits for "console ready" on its COM1
(stdout), connects to the socket, sends LINE and a newline, and reads the
answer until a newline.  Prints the guest's serial output, "socket: " and
what came back (repr, or "nothing"), and "status N" for the emulator.
"""
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

line, cmd = sys.argv[1], sys.argv[2:]
tmp = tempfile.mkdtemp()
sock = os.path.join(tmp, "console.sock")
cmd = [a.replace("@SOCK@", sock) for a in cmd]
p = subprocess.Popen(["timeout", "60"] + cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
out = []
ready = threading.Event()


def reader():
    for l in p.stdout:
        out.append(l.decode(errors="replace"))
        if l.startswith(b"console ready"):
            ready.set()
    ready.set()     # the guest ended without getting ready: do not wait longer


threading.Thread(target=reader, daemon=True).start()
answer = b""
if ready.wait(60) and p.poll() is None:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    for _ in range(100):        # QEMU may print before it listens
        try:
            s.connect(sock)
            break
        except OSError:
            time.sleep(0.1)
    s.sendall(line.encode() + b"\n")
    s.settimeout(30)
    try:
        while not answer.endswith(b"\n"):
            b = s.recv(256)
            if not b:
                break
            answer += b
    except (socket.timeout, OSError):
        pass
    s.close()
status = p.wait()
time.sleep(0.1)
sys.stdout.write("".join(out))
print("socket: %s" % (repr(answer.decode(errors="replace")) if answer else "nothing"))
print("status %d" % status)
try:
    os.unlink(sock)
except OSError:
    pass
os.rmdir(tmp)
