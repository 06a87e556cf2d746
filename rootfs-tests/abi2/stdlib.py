# CPython's standard library over the guest ABI: threads, processes,
# signals, memory maps, sockets, ctypes, sqlite3, compression, hashing.
# Prints only what is the same on every architecture.
import bz2, ctypes, decimal, hashlib, json, lzma, mmap, multiprocessing, os, select
import signal, socket, sqlite3, struct, subprocess, sys, threading, time, zlib


def square(x):
    return x * x


def threads():
    lock = threading.Lock()
    cond = threading.Condition()
    total = [0]
    ready = []

    def work(n):
        for _ in range(2000):
            with lock:
                total[0] += n
        with cond:
            ready.append(n)
            cond.notify_all()

    ts = [threading.Thread(target=work, args=(i,)) for i in range(1, 9)]
    for t in ts:
        t.start()
    with cond:
        cond.wait_for(lambda: len(ready) == 8, timeout=30)
    for t in ts:
        t.join()
    print("threads:", total[0], sorted(ready))


def processes():
    with multiprocessing.Pool(3) as p:
        print("pool:", p.map(square, range(10)))
    q = multiprocessing.Queue()
    pr = multiprocessing.Process(target=q.put, args=("via queue",))
    pr.start()
    print("process:", q.get(timeout=30))
    pr.join()
    print("exitcode:", pr.exitcode)
    r = subprocess.run(["sh", "-c", "echo out; echo err >&2; exit 3"], capture_output=True)
    print("subprocess:", r.returncode, r.stdout, r.stderr)
    r = subprocess.run(["sort", "-r"], input=b"a\nc\nb\n", capture_output=True)
    print("pipe through sort:", r.stdout)


def signals():
    got = []
    signal.signal(signal.SIGUSR1, lambda s, f: got.append("usr1"))
    signal.signal(signal.SIGALRM, lambda s, f: got.append("alrm"))
    os.kill(os.getpid(), signal.SIGUSR1)
    signal.setitimer(signal.ITIMER_REAL, 0.05)
    time.sleep(0.5)
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR2])
    os.kill(os.getpid(), signal.SIGUSR2)
    print("signals:", got, signal.SIGUSR2 in signal.sigpending())
    print("sigwait:", signal.sigwait([signal.SIGUSR2]) == signal.SIGUSR2)


def memory_and_io():
    m = mmap.mmap(-1, 8192)
    m[4096:4101] = b"hello"
    print("mmap:", m[4096:4101], m.find(b"llo"))
    a, b = socket.socketpair()
    a.sendall(b"ping")
    r, w, _ = select.select([b], [b], [], 1)
    print("select:", r == [b], w == [b], b.recv(4))
    p = select.poll()
    p.register(b, select.POLLIN)
    print("poll empty:", p.poll(0))
    ep = select.epoll()
    ep.register(b.fileno(), select.EPOLLIN)
    a.send(b"x")
    print("epoll:", [(fd == b.fileno(), ev) for fd, ev in ep.poll(1)])


def libraries():
    libc = ctypes.CDLL(None)
    print("ctypes:", libc.getpid() == os.getpid(), libc.strlen(b"seven!!"))
    buf = ctypes.create_string_buffer(32)
    libc.snprintf(buf, 32, b"%d-%s", 42, b"x")
    print("ctypes snprintf:", buf.value)
    db = sqlite3.connect(":memory:")
    db.execute("create table t (k integer primary key, v text)")
    db.executemany("insert into t (v) values (?)", [(str(i * i),) for i in range(500)])
    print("sqlite3:", db.execute("select count(*), sum(length(v)), max(k) from t").fetchone())
    print("json:", json.dumps({"b": [1, 2.5, None], "a": "\u00e9"}, sort_keys=True))
    decimal.getcontext().prec = 40
    print("decimal:", decimal.Decimal(2).sqrt(), decimal.Decimal("1.1") * 3)
    print("struct:", struct.pack("<iqd", -2, 1 << 40, 0.5).hex())
    data = b"".join(str(i).encode() for i in range(5000))
    print("zlib:", zlib.crc32(data), len(zlib.decompress(zlib.compress(data, 9))))
    print("lzma:", lzma.decompress(lzma.compress(data)) == data)
    print("bz2:", bz2.decompress(bz2.compress(data)) == data)
    print("sha256:", hashlib.sha256(data).hexdigest())
    print("md5:", hashlib.md5(data).hexdigest())
    print("float:", repr(1 / 3), (0.1 + 0.2).hex(), 2.0 ** 0.5)


if __name__ == "__main__":
    threads()
    processes()
    signals()
    memory_and_io()
    libraries()
    sys.stdout.flush()
