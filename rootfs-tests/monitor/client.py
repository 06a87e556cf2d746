#!/usr/bin/env python3
"""A QMP and HMP client for monitor.bats (standard library only).

  client.py qmp SOCKET STEP...   STEP is one of
      exec NAME [ARGS_JSON]  send {"execute": NAME, "arguments": ARGS, "id": N};
                             print "return JSON" or "error CLASS: DESC"
      raw TEXT               send TEXT as is; print the answer the same way
      send TEXT              send TEXT as is, wait for nothing
      answer                 print the next answer
      event NAME             wait for event NAME (events are queued as they
                             arrive, in order); print "event NAME DATA_JSON"
      events                 print the names of the events queued so far
      eof                    wait until runtime-system closes the socket
  client.py hmp SOCKET LINE...   send each line to the human monitor, print
                             its output (without the echo) after "> LINE"

The greeting is printed first ("greeting JSON").  Every message must end in
"\\r\\n" and every event must carry a {seconds, microseconds} timestamp, or
the client exits with status 2 naming the fault.
"""
import json
import socket
import sys
import time

TIMEOUT = 10


def fail(msg):
    print("FAULT: " + msg, flush=True)
    sys.exit(2)


class Conn:
    def __init__(self, path):
        self.s = None
        deadline = time.time() + TIMEOUT
        while True:
            try:
                self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.s.connect(path)
                break
            except OSError:
                self.s.close()
                if time.time() > deadline:
                    fail("cannot connect to " + path)
                time.sleep(0.05)
        self.s.settimeout(TIMEOUT)
        self.buf = b""

    def read_until(self, token):
        while token not in self.buf:
            try:
                data = self.s.recv(65536)
            except socket.timeout:
                fail("timeout waiting for %r (have %r)" % (token, self.buf[-200:]))
            if not data:
                return None
            self.buf += data
        i = self.buf.index(token) + len(token)
        out, self.buf = self.buf[:i], self.buf[i:]
        return out

    def send(self, text):
        self.s.sendall(text.encode())


def qmp(path, steps):
    c = Conn(path)
    events = []
    next_id = [0]

    def message():
        line = c.read_until(b"\r\n")
        if line is None:
            return None
        try:
            m = json.loads(line)
        except ValueError:
            fail("not JSON: %r" % line)
        if "event" in m:
            ts = m.get("timestamp", {})
            if sorted(ts) != ["microseconds", "seconds"]:
                fail("event without a timestamp: %r" % line)
            if abs(ts["seconds"] + ts["microseconds"] / 1e6 - time.time()) > 60:
                fail("event timestamp is not now: %r" % line)
        return m

    def answer():
        while True:
            m = message()
            if m is None:
                fail("connection closed before an answer")
            if "event" in m:
                events.append(m)
                continue
            return m

    def show(m, want_id):
        if want_id is not None and m.get("id") != want_id:
            fail("id %r not echoed: %r" % (want_id, m))
        if "return" in m:
            print("return " + json.dumps(m["return"], sort_keys=True))
        elif "error" in m:
            print("error %s: %s" % (m["error"]["class"], m["error"]["desc"]))
        else:
            fail("neither return nor error: %r" % m)

    print("greeting " + json.dumps(message(), sort_keys=True))
    i = 0
    while i < len(steps):
        op = steps[i]
        i += 1
        if op == "exec":
            name = steps[i]
            i += 1
            req = {"execute": name}
            if i < len(steps) and steps[i].startswith("{"):
                req["arguments"] = json.loads(steps[i])
                i += 1
            next_id[0] += 1
            req["id"] = next_id[0]
            c.send(json.dumps(req))
            show(answer(), next_id[0])
        elif op == "raw":
            c.send(steps[i])
            i += 1
            show(answer(), None)
        elif op == "send":
            c.send(steps[i])
            i += 1
        elif op == "answer":
            show(answer(), None)
        elif op == "event":
            name = steps[i]
            i += 1
            while not any(e["event"] == name for e in events):
                m = message()
                if m is None:
                    fail("connection closed while waiting for " + name)
                if "event" not in m:
                    fail("unexpected answer while waiting for %s: %r" % (name, m))
                events.append(m)
            k = next(j for j, e in enumerate(events) if e["event"] == name)
            e = events.pop(k)
            print("event %s %s" % (name, json.dumps(e.get("data"), sort_keys=True)))
        elif op == "events":
            print("events " + " ".join(e["event"] for e in events))
        elif op == "eof":
            while True:
                m = message()
                if m is None:
                    break
                if "event" in m:
                    events.append(m)
            print("eof")
        else:
            fail("unknown step " + op)
        sys.stdout.flush()


def hmp(path, lines):
    c = Conn(path)
    if c.read_until(b"(qemu) ") is None:
        fail("no prompt")
    for line in lines:
        c.send(line + "\r")
        out = c.read_until(b"(qemu) ")
        if out is None:
            print("> " + line)
            print("eof")
            return
        text = out.decode(errors="replace")
        echo = line + "\r\n"
        if not text.startswith(echo):
            fail("command not echoed: %r" % text)
        print("> " + line)
        sys.stdout.write(text[len(echo):-len("(qemu) ")].replace("\r\n", "\n"))
        sys.stdout.flush()


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("qmp", "hmp"):
        print(__doc__)
        sys.exit(1)
    (qmp if sys.argv[1] == "qmp" else hmp)(sys.argv[2], sys.argv[3:])
