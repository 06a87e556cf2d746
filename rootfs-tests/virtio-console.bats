#!/usr/bin/env bats
# virtio-console and virtio-rng under runtime-system -accel kvm, driven by
# the virtio_console test guest (rootfs-tests/system/virtio_console.c): a
# line sent into a unix-socket chardev comes back behind "echo: ", and the
# rng's 16-byte answers are counted and compared.  The oracle is
# qemu-system-x86_64 -M microvm running the same guest with the same
# options.  The device logic is unit-tested without KVM in
# hw/virtio/tests/test_virtio_console_rng.c.

RS=${RS:-$(cd "${BUILD:-build}" && pwd)/runtime-system}
G=${SYSTEM_GUESTS:-$(cd "${BUILD:-build}" && pwd)/system-guests}
ECHO="$BATS_TEST_DIRNAME/virtio/console_echo.py"

setup() {
    [ -x "$RS" ] || skip "runtime-system not built"
    T=$(mktemp -d)
    # a line the guest cannot know in advance
    LINE="line $$ $RANDOM $(date +%N)"
}

teardown() {
    [ -n "${T:-}" ] && rm -rf "$T"
}

need_kvm() {
    [ -e /dev/kvm ] || skip "no /dev/kvm on this host"
    [ -r /dev/kvm ] && [ -w /dev/kvm ] || skip "/dev/kvm not accessible to this user"
    [ -x "$G/virtio_console" ] || skip "test guests not built (make guest-progs)"
}

CONSOLE=(-chardev "socket,id=c0,path=@SOCK@,server=on,wait=off" -device virtio-serial-device
         -device virtconsole,chardev=c0)

@test "virtio-console: a line sent into the unix-socket chardev comes back with the guest's prefix; virtio-rng gives 16 varied bytes" {
    need_kvm
    run python3 "$ECHO" "$LINE" "$RS" -nographic -no-reboot -kernel "$G/virtio_console" "${CONSOLE[@]}" \
        -device virtio-rng-device
    echo "$output"
    [[ "$output" == *"console ready"* ]]
    [[ "$output" == *"socket: 'echo: $LINE\\n'"* ]]
    [[ "$output" == *"console echoed $(( ${#LINE} + 1 )) bytes"* ]]
    [[ "$output" =~ rng\ bytes\ 16\ and\ 16\ distinct\ ([0-9]+)\ differ\ yes ]]
    # 16 random bytes with fewer than 8 distinct values: about 1e-11
    [ "${BASH_REMATCH[1]}" -ge 8 ]
    [[ "$output" == *"status 0"* ]]
}

@test "virtio-rng: -object rng-random,filename= is the source: a file of 16 equal bytes is read once, then answers are empty" {
    need_kvm
    printf 'AAAAAAAAAAAAAAAA' > "$T/entropy"
    run python3 "$ECHO" "$LINE" "$RS" -nographic -no-reboot -kernel "$G/virtio_console" "${CONSOLE[@]}" \
        -object "rng-random,id=r0,filename=$T/entropy" -device virtio-rng-device,rng=r0
    echo "$output"
    [[ "$output" == *"rng bytes 16 and 0 distinct 1 differ yes"* ]]
    [[ "$output" == *"socket: 'echo: $LINE\\n'"* ]]
    [[ "$output" == *"status 0"* ]]
}

@test "virtio-console: without the virtio-serial-device, virtconsole brings its own; rng-builtin is getrandom()" {
    need_kvm
    run python3 "$ECHO" "$LINE" "$RS" -nographic -no-reboot -kernel "$G/virtio_console" \
        -chardev "socket,id=c0,path=@SOCK@,server=on,wait=off" -device virtconsole,chardev=c0 \
        -object rng-builtin,id=r0 -device virtio-rng-device,rng=r0
    echo "$output"
    [[ "$output" =~ rng\ bytes\ 16\ and\ 16\ distinct\ [0-9]+\ differ\ yes ]]
    [[ "$output" == *"socket: 'echo: $LINE\\n'"* ]]
    [[ "$output" == *"status 0"* ]]
}

@test "oracle: the virtio_console guest says and echoes the same under qemu-system-x86_64 -M microvm" {
    need_kvm
    command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 missing: run make deps"
    # both end through isa-debug-exit (status 1); the count of distinct random bytes may differ
    run python3 "$ECHO" "$LINE" "$RS" -nographic -no-reboot -kernel "$G/virtio_console" -append debugexit \
        "${CONSOLE[@]}" -device virtio-rng-device
    local ours=$(sed 's/distinct [0-9]*/distinct N/' <<< "$output")
    run python3 "$ECHO" "$LINE" qemu-system-x86_64 -M microvm -accel kvm -m 64 -nographic -no-reboot -nodefaults \
        -serial stdio -device isa-debug-exit,iobase=0xf4 -global virtio-mmio.force-legacy=false \
        -kernel "$G/virtio_console" -append debugexit "${CONSOLE[@]}" -device virtio-rng-device
    local qemu=$(sed 's/distinct [0-9]*/distinct N/' <<< "$output")
    echo "ours: [$ours]"
    echo "qemu: [$qemu]"
    [[ "$ours" == *"socket: 'echo: $LINE\\n'"* ]]
    [ "$ours" = "$qemu" ]
}

@test "virtio-console on -chardev file: the guest's banner lands in the file, as under qemu-system-x86_64" {
    need_kvm
    run timeout 60 "$RS" -nographic -no-reboot -kernel "$G/virtio_console" -append banner \
        -chardev "file,id=c0,path=$T/ours.txt" -device virtio-serial-device -device virtconsole,chardev=c0
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"console banner written"* ]]
    [ "$(cat "$T/ours.txt")" = "banner from the virtio console" ]
    command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 missing: run make deps (ours checked)"
    timeout 60 qemu-system-x86_64 -M microvm -accel kvm -m 64 -nographic -no-reboot -nodefaults \
        -serial null -device isa-debug-exit,iobase=0xf4 -global virtio-mmio.force-legacy=false \
        -kernel "$G/virtio_console" -append "banner debugexit" \
        -chardev "file,id=c0,path=$T/qemu.txt" -device virtio-serial-device -device virtconsole,chardev=c0 \
        2>/dev/null || true
    cmp "$T/ours.txt" "$T/qemu.txt"
}

@test "bad -chardev / virtconsole / virtio-rng options: one line naming the option, status 1" {
    bad() {
        run "$RS" -nographic -kernel /dev/null "$@"
        echo "$* -> $status: $output"
        [ "$status" -eq 1 ]
        [ "${#lines[@]}" -eq 1 ]
    }
    bad -device virtconsole,chardev=nope
    [[ "$output" == *"can't find value 'nope'"* ]]
    bad -device virtconsole
    [[ "$output" == *"chardev property not set"* ]]
    bad -chardev socket,id=c0
    [[ "$output" == *"missing path="* ]]
    bad -chardev socket,id=c0,host=localhost,port=4444
    [[ "$output" == *"TCP sockets are not supported"* ]]
    bad -chardev vc,id=c0
    [[ "$output" == *"'vc' is not a valid char driver name"* ]]
    bad -chardev null,id=a -chardev null,id=a
    [[ "$output" == *"duplicate"* ]]
    bad -chardev null,id=a -device virtconsole,chardev=a -device virtconsole,chardev=a
    [[ "$output" == *"in use"* ]]
    bad -device virtio-rng-device,rng=r9
    [[ "$output" == *"can't find value 'r9'"* ]]
    bad -object rng-egd,id=r0
    [[ "$output" == *"unknown object type"* ]]
    bad -object rng-random,filename=/dev/urandom
    [[ "$output" == *"'id' is missing"* ]]
}
