#!/usr/bin/env bats
# runtime-system's QMP and human monitor, driven by a standard-library Python
# client (monitor/client.py) the way libvirt or a test harness drives QEMU:
# a test guest (system/mon_idle: a banner on COM1, then halted) is started
# paused with -S, queried, continued, stopped, reset, powered down and quit,
# and every answer and event must have QEMU's shape and come in order.

RS=${RS:-$(cd "${BUILD:-build}" && pwd)/runtime-system}
GUESTS=${SYSTEM_GUESTS:-$(cd "${BUILD:-build}" && pwd)/system-guests}
CLIENT="python3 $BATS_TEST_DIRNAME/monitor/client.py"

setup() {
    [ -x "$RS" ] || skip "runtime-system not built"
    [ -e /dev/kvm ] || skip "no /dev/kvm on this host"
    [ -r /dev/kvm ] && [ -w /dev/kvm ] || skip "/dev/kvm not accessible to this user"
    command -v python3 >/dev/null || skip "python3 missing"
    T=$(mktemp -d)
    PID=
}

teardown() {
    # SIGTERM is taken by the main loop; a hung run gets SIGKILL after 2 s
    if [ -n "${PID:-}" ]; then
        kill "$PID" 2>/dev/null || true
        for _ in $(seq 20); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$PID" 2>/dev/null || true
    fi
    if [ -n "${T:-}" ]; then rm -rf "$T"; fi
}

# start ARGS...: runtime-system in the background (fd 3 closed: bats waits on it)
start() {
    "$RS" "$@" >"$T/out" 2>"$T/err" 3>&- &
    PID=$!
}

# finish: wait for runtime-system to end by itself (10 s at most); sets status
finish() {
    local i
    for i in $(seq 100); do
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$PID" 2>/dev/null && { echo "runtime-system still running"; return 1; }
    wait "$PID"
    status=$?
    PID=
}

# wait_file FILE TEXT: until FILE contains TEXT (5 s)
wait_file() {
    local i
    for i in $(seq 50); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "no '$2' in $1: $(cat "$1" 2>/dev/null)"
    return 1
}

@test "QMP: greeting, negotiation, status, cpus, block, cont/stop/reset/powerdown, errors; events in order" {
    start -kernel "$GUESTS/mon_idle" -S -serial file:"$T/serial" -qmp unix:"$T/qmp.sock",server,wait=off
    run $CLIENT qmp "$T/qmp.sock" \
        exec query-status exec qmp_capabilities exec qmp_capabilities \
        exec query-status exec query-cpus-fast exec query-block \
        exec cont event RESUME exec query-status \
        exec stop event STOP exec query-status \
        exec human-monitor-command '{"command-line": "info status"}' \
        exec system_reset event RESET exec cont event RESUME \
        exec frobnicate exec stop '{"now": true}' raw '{"execute": ]' \
        events exec system_powerdown event POWERDOWN event SHUTDOWN eof
    echo "$output"
    [ "$status" -eq 0 ]
    greeting='^greeting [{]"QMP": [{]"capabilities": \[\], "version": [{]"package": "[^"]*", "qemu": [{]"major": [0-9]+, "micro": [0-9]+, "minor": [0-9]+[}][}][}][}]$'
    [[ "${lines[0]}" =~ $greeting ]]
    [ "${lines[1]}" = "error CommandNotFound: Expecting capabilities negotiation with 'qmp_capabilities'" ]
    [ "${lines[2]}" = "return {}" ]
    [ "${lines[3]}" = "error CommandNotFound: Capabilities negotiation is already complete, command ignored" ]
    [ "${lines[4]}" = 'return {"running": false, "singlestep": false, "status": "prelaunch"}' ]
    # the vCPU's thread-id is a thread of runtime-system
    [[ "${lines[5]}" =~ ^return\ \[\{\"cpu-index\":\ 0,\ \"props\":\ \{\"core-id\":\ 0,\ \"socket-id\":\ 0,\ \"thread-id\":\ 0\},\ \"qom-path\":\ \"/machine/unattached/device\[0\]\",\ \"target\":\ \"x86_64\",\ \"thread-id\":\ ([0-9]+)\}\]$ ]]
    [ "${lines[6]}" = "return []" ]
    [ "${lines[7]}" = "return {}" ]
    [ "${lines[8]}" = "event RESUME null" ]
    [ "${lines[9]}" = 'return {"running": true, "singlestep": false, "status": "running"}' ]
    [ "${lines[10]}" = "return {}" ]
    [ "${lines[11]}" = "event STOP null" ]
    [ "${lines[12]}" = 'return {"running": false, "singlestep": false, "status": "paused"}' ]
    [ "${lines[13]}" = 'return "VM status: paused\r\n"' ]
    [ "${lines[14]}" = "return {}" ]
    [ "${lines[15]}" = 'event RESET {"guest": false, "reason": "host-qmp-system-reset"}' ]
    [ "${lines[16]}" = "return {}" ]
    [ "${lines[17]}" = "event RESUME null" ]
    [ "${lines[18]}" = "error CommandNotFound: The command frobnicate has not been found" ]
    [ "${lines[19]}" = "error GenericError: Parameter 'now' is unexpected" ]
    [[ "${lines[20]}" == "error GenericError: JSON parse error, "* ]]
    # nothing else arrived: no event twice, none out of order
    [ "${lines[21]}" = "events " ]
    # this board has no ACPI: the power button turns the machine off
    [ "${lines[22]}" = "return {}" ]
    [ "${lines[23]}" = "event POWERDOWN null" ]
    [[ "${lines[24]}" =~ ^event\ SHUTDOWN\ \{\"guest\":\ false,\ \"reason\":\ \"host-[a-z-]+\"\}$ ]]
    [ "${lines[25]}" = "eof" ]
    finish
    [ "$status" -eq 0 ]
    # the guest ran after cont, and again after the reset
    [ "$(grep -c '^mon_idle: up' "$T/serial")" -eq 2 ]
}

@test "QMP: the vCPU's thread-id is one of runtime-system's threads" {
    start -kernel "$GUESTS/mon_idle" -S -serial null -qmp unix:"$T/qmp.sock",server,wait=off
    run $CLIENT qmp "$T/qmp.sock" exec qmp_capabilities exec query-cpus-fast
    [ "$status" -eq 0 ]
    tid=$(echo "${lines[2]}" | grep -o '"thread-id": [0-9]*}]' | grep -o '[0-9][0-9]*')
    [ -n "$tid" ] && [ -d "/proc/$PID/task/$tid" ]
    [ "$tid" != "$PID" ]
}

@test "QMP: a guest power-off ends with SHUTDOWN guest-shutdown and exit status 0" {
    start -kernel "$GUESTS/hello" -append poweroff -S -serial file:"$T/serial" \
        -qmp unix:"$T/qmp.sock",server,wait=off
    run $CLIENT qmp "$T/qmp.sock" exec qmp_capabilities exec cont event RESUME event SHUTDOWN eof
    echo "$output"
    [ "$status" -eq 0 ]
    [ "${lines[3]}" = "event RESUME null" ]
    [ "${lines[4]}" = 'event SHUTDOWN {"guest": true, "reason": "guest-shutdown"}' ]
    [ "${lines[5]}" = "eof" ]
    finish
    [ "$status" -eq 0 ]
    grep -q "hello from a runtime-system test guest" "$T/serial"
}

@test "QMP: a client that reconnects gets a new greeting and negotiates again; quit" {
    start -kernel "$GUESTS/mon_idle" -S -serial null -qmp unix:"$T/qmp.sock",server,wait=off
    run $CLIENT qmp "$T/qmp.sock" exec qmp_capabilities exec query-status
    [ "$status" -eq 0 ]
    run $CLIENT qmp "$T/qmp.sock" exec query-status exec qmp_capabilities exec quit event SHUTDOWN eof
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "greeting "* ]]
    [ "${lines[1]}" = "error CommandNotFound: Expecting capabilities negotiation with 'qmp_capabilities'" ]
    [ "${lines[2]}" = "return {}" ]
    [ "${lines[3]}" = "return {}" ]
    [ "${lines[4]}" = 'event SHUTDOWN {"guest": false, "reason": "host-qmp-quit"}' ]
    [ "${lines[5]}" = "eof" ]
    finish
    [ "$status" -eq 0 ]
}

@test "HMP over -monitor unix: info status/cpus/registers/mtree/version, cont, stop, unknown command, quit" {
    start -kernel "$GUESTS/mon_idle" -S -serial file:"$T/serial" -monitor unix:"$T/mon.sock",server,wait=off
    run $CLIENT hmp "$T/mon.sock" "info status" "cont" "info status" "info cpus" "info registers" \
        "stop" "info status" "info mtree" "info version" "frobnicate" "info frob" "quit"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "> info status" ]
    [ "${lines[1]}" = "VM status: paused (prelaunch)" ]
    [ "${lines[2]}" = "> cont" ]
    [ "${lines[3]}" = "> info status" ]
    [ "${lines[4]}" = "VM status: running" ]
    [[ "${lines[6]}" =~ ^\*\ CPU\ #0:\ thread_id=[0-9]+$ ]]
    [[ "$output" =~ RIP=[0-9a-f]{16} ]]
    [[ "$output" =~ RAX=[0-9a-f]{16}\ RBX=[0-9a-f]{16} ]]
    [[ "$output" == *"> stop"$'\n'"> info status"$'\n'"VM status: paused"$'\n'* ]]
    [[ "$output" == *"address-space: memory"* ]]
    [[ "$output" == *"(prio 0, i/o): serial"* ]]
    [[ "$output" =~ \>\ info\ version$'\n'[0-9]+\.[0-9]+\.[0-9]+\  ]]
    [[ "$output" == *"> frobnicate"$'\n'"unknown command: 'frobnicate'"$'\n'* ]]
    [[ "$output" == *"unknown command: 'info frob'"* ]]
    [ "${lines[${#lines[@]}-2]}" = "> quit" ]
    [ "${lines[${#lines[@]}-1]}" = "eof" ]
    finish
    [ "$status" -eq 0 ]
    wait_file "$T/serial" "mon_idle: up"
}

@test "-serial mon:unix:...,server (waiting for its client): the guest's output there, C-a c to the monitor" {
    start -kernel "$GUESTS/mon_idle" -serial mon:unix:"$T/ser.sock",server
    run python3 - "$T/ser.sock" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
for _ in range(100):
    try:
        s.connect(sys.argv[1]); break
    except OSError:
        time.sleep(0.05)
s.settimeout(10)
buf = b""
def until(tok):
    global buf
    while tok not in buf:
        d = s.recv(4096)
        if not d: break
        buf += d
    i = buf.find(tok)
    got, buf = buf[:i + len(tok)], buf[i + len(tok):]
    return got.decode(errors="replace")
print(repr(until(b"mon_idle: up")))
s.sendall(b"\x01c")
print(repr(until(b"(qemu) ")))
s.sendall(b"info status\r")
print(repr(until(b"(qemu) ")))
s.sendall(b"quit\r")
PY
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == *"mon_idle: up"* ]]
    [[ "${lines[1]}" == *"monitor - type 'help' for more information"* ]]
    [[ "${lines[2]}" == *"info status\\r\\nVM status: running\\r\\n(qemu) "* ]]
    finish
    [ "$status" -eq 0 ]
}

@test "bad -qmp/-monitor/-serial specs: one line naming the option, exit status 1" {
    run "$RS" -kernel "$GUESTS/mon_idle" -serial null -qmp telnet:1234
    [ "$status" -eq 1 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == "runtime-system: -qmp telnet:1234: chardev 'compat_monitor1': unknown back-end 'telnet'"* ]]
    run "$RS" -kernel "$GUESTS/mon_idle" -serial stdio -monitor stdio
    [ "$status" -eq 1 ]
    [ "$output" = "runtime-system: cannot use stdio by multiple character devices" ]
    run "$RS" -kernel "$GUESTS/mon_idle" -monitor unix:"$T/no/such/dir/m.sock",server,wait=off
    [ "$status" -eq 1 ]
    [[ "$output" == "runtime-system: -monitor unix:$T/no/such/dir/m.sock,server,wait=off: "*"No such file or directory" ]]
}

@test "default mon:stdio on a terminal: raw mode, C-a c to the monitor, C-a h, C-a x quits, terminal restored" {
    run python3 - "$RS" "$GUESTS/mon_idle" <<'PY'
import os, pty, select, sys, termios, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "-kernel", sys.argv[2], "-nographic"])
buf = b""
def until(tok, t=10):
    global buf
    end = time.time() + t
    while tok not in buf and time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                d = os.read(fd, 4096)
            except OSError:
                break
            if not d:
                break
            buf += d
    i = buf.find(tok)
    if i < 0:
        print("MISSING %r in %r" % (tok, buf)); sys.exit(1)
    got, buf = buf[:i + len(tok)], buf[i + len(tok):]
    return got
until(b"mon_idle: up")
attrs = termios.tcgetattr(fd)
print("raw" if not attrs[3] & (termios.ICANON | termios.ECHO | termios.ISIG) else "cooked")
os.write(fd, b"\x01h")
print("help" if b"C-a x    exit emulator" in until(b"C-a C-a") else "nohelp")
os.write(fd, b"\x01c")
until(b"(qemu) ")
os.write(fd, b"info status\r")
print(repr(until(b"(qemu) ")))
os.write(fd, b"\x01x")
print(repr(until(b"Terminated")))
_, st = os.waitpid(pid, 0)
print("exit", os.waitstatus_to_exitcode(st))
try:
    # a new pty starts cooked (ICANON, ECHO, ISIG): that is what must be back
    cooked = termios.ICANON | termios.ECHO | termios.ISIG
    print("restored" if termios.tcgetattr(fd)[3] & cooked == cooked else "not restored")
except termios.error as e:
    print("tcgetattr:", e)
PY
    echo "$output"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "raw" ]
    [ "${lines[1]}" = "help" ]
    # the terminal's own output processing adds a \r before each \r\n, as with QEMU
    [[ "${lines[2]}" == *"info status\\r\\r\\nVM status: running\\r\\r\\n(qemu) '" ]]
    [[ "${lines[3]}" == *"QEMU: Terminated'" ]]
    [ "${lines[4]}" = "exit 0" ]
    [ "${lines[5]}" = "restored" ]
}

@test "-serial pty: announced like QEMU, the guest's banner readable on the pty after cont" {
    start -kernel "$GUESTS/mon_idle" -S -serial pty -qmp unix:"$T/qmp.sock",server,wait=off
    wait_file "$T/err" "char device redirected to"
    line=$(head -n 1 "$T/err")
    [[ "$line" =~ ^char\ device\ redirected\ to\ (/dev/pts/[0-9]+)\ \(label\ serial0\)$ ]]
    pts=${BASH_REMATCH[1]}
    run python3 - "$pts" "$T/qmp.sock" "$BATS_TEST_DIRNAME/monitor/client.py" <<'PY'
import os, subprocess, sys, time, tty
fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY)
tty.setraw(fd)
subprocess.run([sys.executable, sys.argv[3], "qmp", sys.argv[2], "exec", "qmp_capabilities",
                "exec", "cont"], check=True, stdout=subprocess.DEVNULL)
buf = b""
end = time.time() + 10
while b"mon_idle: up" not in buf and time.time() < end:
    os.set_blocking(fd, False)
    try:
        buf += os.read(fd, 4096)
    except BlockingIOError:
        time.sleep(0.05)
print(repr(buf))
PY
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"mon_idle: up"* ]]
    run $CLIENT qmp "$T/qmp.sock" exec qmp_capabilities exec quit eof
    finish
    [ "$status" -eq 0 ]
}

@test "-serial stdio into a pipe nobody reads: the output is dropped, no SIGPIPE, the guest still powers off" {
    run python3 - "$RS" "$GUESTS/hello" <<'PY'
import os, subprocess, sys
r, w = os.pipe()
os.close(r)         # every write to stdout now fails with EPIPE
p = subprocess.run([sys.argv[1], "-kernel", sys.argv[2], "-append", "poweroff", "-serial", "stdio"],
                   stdin=subprocess.DEVNULL, stdout=w, stderr=subprocess.PIPE, timeout=20)
print("status", p.returncode, p.stderr.decode().strip())
PY
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$output" = "status 0 " ]
}

@test "-smp 2: query-cpus-fast and info cpus list both vCPUs with their own threads" {
    start -kernel "$GUESTS/mon_idle" -smp 2 -S -serial null -qmp unix:"$T/qmp.sock",server,wait=off
    run $CLIENT qmp "$T/qmp.sock" exec qmp_capabilities exec query-cpus-fast \
        exec human-monitor-command '{"command-line": "info cpus"}'
    echo "$output"
    [ "$status" -eq 0 ]
    cpus=${lines[2]}
    [[ "$cpus" == *'"cpu-index": 0, "props": {"core-id": 0, "socket-id": 0, "thread-id": 0}, "qom-path": "/machine/unattached/device[0]"'* ]]
    [[ "$cpus" == *'"cpu-index": 1, "props": {"core-id": 0, "socket-id": 1, "thread-id": 0}, "qom-path": "/machine/unattached/device[1]"'* ]]
    tids=$(echo "$cpus" | grep -o '"thread-id": [0-9]*}' | grep -o '[0-9][0-9]*' | grep -v '^0$' | sort -u)
    [ "$(echo "$tids" | wc -l)" -eq 2 ]
    for t in $tids; do [ -d "/proc/$PID/task/$t" ]; done
    t0=$(echo "$tids" | head -n 1); t1=$(echo "$tids" | tail -n 1)
    [[ "${lines[3]}" =~ ^return\ \"\*\ CPU\ #0:\ thread_id=($t0|$t1)\\r\\n\ \ CPU\ #1:\ thread_id=($t0|$t1)\\r\\n\"$ ]]
    run $CLIENT qmp "$T/qmp.sock" exec qmp_capabilities exec quit eof
    finish
    [ "$status" -eq 0 ]
}
