#!/usr/bin/env bats
# virtio-blk and virtio-net under runtime-system -accel kvm, driven by the
# project's test guests (rootfs-tests/system/virtio_*.c).  The oracles are
# the image files themselves (checksums computed here, qemu-img converting
# qcow2 back to raw) and, for the network, frames seen on a host tap
# interface.  The device logic itself is unit-tested without KVM in
# hw/virtio/tests/ (make check runs those).

RS=${RS:-$(cd "${BUILD:-build}" && pwd)/runtime-system}
G=${SYSTEM_GUESTS:-$(cd "${BUILD:-build}" && pwd)/system-guests}

setup() {
    [ -x "$RS" ] || skip "runtime-system not built"
    T=$(mktemp -d)
}

teardown() {
    [ -n "${T:-}" ] && rm -rf "$T"
}

need_kvm() {
    [ -e /dev/kvm ] || skip "no /dev/kvm on this host"
    [ -r /dev/kvm ] && [ -w /dev/kvm ] || skip "/dev/kvm not accessible to this user"
    [ -x "$G/virtio_blk" ] || skip "test guests not built (make guest-progs)"
}

rs() {
    run timeout 60 "$RS" -nographic -no-reboot "$@"
}

# sector0_fnv FILE: FNV-1a (32-bit) of the first 512 bytes, as the guest prints it
sector0_fnv() {
    python3 -c 'import sys
h = 2166136261
for b in open(sys.argv[1], "rb").read(512):
    h = ((h ^ b) * 16777619) & 0xffffffff
print("%08x" % h)' "$1"
}

# sector1_is_pattern FILE: sector 1 holds the guest's pattern (i*7+3)
sector1_is_pattern() {
    python3 -c 'import sys
d = open(sys.argv[1], "rb").read(1024)[512:]
sys.exit(0 if d == bytes((i * 7 + 3) & 255 for i in range(512)) else 1)' "$1"
}

# same_but_sector1 A B: the files differ at most in sector 1
same_but_sector1() {
    cmp -s <(head -c 512 "$1") <(head -c 512 "$2") && cmp -s <(tail -c +1025 "$1") <(tail -c +1025 "$2")
}

make_disk() {
    head -c $((2 << 20)) /dev/urandom > "$T/disk.raw"
    cp "$T/disk.raw" "$T/orig.raw"
}

@test "virtio-blk raw: the guest reads sector 0's checksum and its write to sector 1 reaches the file" {
    need_kvm
    make_disk
    rs -kernel "$G/virtio_blk" -drive "file=$T/disk.raw,format=raw,if=virtio"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "capacity 4096" ]
    [ "${lines[1]}" = "read status 0 sector0 fnv1a $(sector0_fnv "$T/orig.raw")" ]
    [ "${lines[2]}" = "write status 0" ]
    [ "${lines[3]}" = "readback status 0 pattern" ]
    [ "${lines[4]}" = "flush status 0" ]
    sector1_is_pattern "$T/disk.raw"
    same_but_sector1 "$T/disk.raw" "$T/orig.raw"
}

@test "virtio-blk qcow2: the same through a qcow2 image made by qemu-img, which reads the write back" {
    need_kvm
    command -v qemu-img >/dev/null || skip "qemu-img missing (make deps)"
    make_disk
    qemu-img convert -f raw -O qcow2 "$T/orig.raw" "$T/disk.qcow2"
    rs -kernel "$G/virtio_blk" -drive "file=$T/disk.qcow2,format=qcow2,id=d0,if=none" -device virtio-blk-device,drive=d0
    [ "$status" -eq 0 ]
    [ "${lines[1]}" = "read status 0 sector0 fnv1a $(sector0_fnv "$T/orig.raw")" ]
    [ "${lines[3]}" = "readback status 0 pattern" ]
    qemu-img check -q "$T/disk.qcow2"
    qemu-img convert -f qcow2 -O raw "$T/disk.qcow2" "$T/back.raw"
    sector1_is_pattern "$T/back.raw"
    same_but_sector1 "$T/back.raw" "$T/orig.raw"
}

@test "virtio-blk snapshot=on: the guest sees its write, the file (raw and qcow2) does not change" {
    need_kvm
    make_disk
    rs -kernel "$G/virtio_blk" -drive "file=$T/disk.raw,format=raw,snapshot=on"
    [ "$status" -eq 0 ]
    [ "${lines[2]}" = "write status 0" ]
    [ "${lines[3]}" = "readback status 0 pattern" ]
    cmp "$T/disk.raw" "$T/orig.raw"
    if command -v qemu-img >/dev/null; then
        qemu-img convert -f raw -O qcow2 "$T/orig.raw" "$T/disk.qcow2"
        sum=$(md5sum < "$T/disk.qcow2")
        rs -kernel "$G/virtio_blk" -drive "file=$T/disk.qcow2,format=qcow2,snapshot=on"
        [ "$status" -eq 0 ]
        [ "${lines[3]}" = "readback status 0 pattern" ]
        [ "$(md5sum < "$T/disk.qcow2")" = "$sum" ]
    fi
    # no overlay left behind
    ! ls "${TMPDIR:-/var/tmp}"/runtime-snapshot.* 2>/dev/null | grep -q .
}

@test "virtio-blk readonly=on: the write fails with IOERR (status 1), the file is unchanged" {
    need_kvm
    make_disk
    rs -kernel "$G/virtio_blk" -drive "file=$T/disk.raw,format=raw,readonly=on"
    [ "$status" -eq 0 ]
    [ "${lines[1]}" = "read status 0 sector0 fnv1a $(sector0_fnv "$T/orig.raw")" ]
    [ "${lines[2]}" = "write status 1" ]
    [ "${lines[3]}" = "readback status 0 other" ]
    cmp "$T/disk.raw" "$T/orig.raw"
}

@test "virtio options: bad -drive, -device and -netdev give one line and status 1" {
    bad() {
        run "$RS" -nographic "$@"
        [ "$status" -eq 1 ] || { echo "status $status for $*: $output"; return 1; }
        [ "${#lines[@]}" -eq 1 ] || { echo "not one line: $output"; return 1; }
        [[ "$output" == "runtime-system: "* ]] || { echo "got: $output"; return 1; }
    }
    bad -drive "file=$T/missing.img,format=raw"
    [[ "$output" == *"missing.img"*"No such file"* ]]
    touch "$T/x.img"
    bad -drive "file=$T/x.img,format=nosuch"
    [[ "$output" == *"Unknown driver 'nosuch'"* ]]
    bad -drive "file=$T/x.img,if=ide"
    bad -drive "file=$T/x.img,cache=sometimes"
    bad -drive "file=$T/x.img,if=none,id=a" -device virtio-blk-device,drive=b
    [[ "$output" == *"can't find value 'b'"* ]]
    bad -device virtio-blk-pci,drive=a
    [[ "$output" == *"'virtio-blk-pci' is not a valid device model name"* ]]
    bad -netdev bridge,id=n0
    bad -netdev tap,id=n0,script=/etc/qemu-ifup
    bad -netdev "tap,id=n0,fd=0" -device virtio-net-device,netdev=n1
    bad -netdev "tap,id=n0,fd=0" -device virtio-net-device,netdev=n0,mac=52:54:00
}

@test "virtio-net -netdev user: slirp answers the guest's ARP for 10.0.2.2, its UDP datagram reaches a host socket" {
    need_kvm
    [ -x "$(dirname "$RS")/runtime-slirp" ] || skip "runtime-slirp not built (libslirp-dev missing)"
    run python3 "$BATS_TEST_DIRNAME/virtio/udp_guest.py" 127.0.0.1 "$RS" "$G/virtio_net" \
        -netdev user,id=n0 -device virtio-net-device,netdev=n0
    echo "$output"
    [ "${lines[0]}" = "mac 52:54:00:12:34:56" ]
    [ "${lines[1]}" = "arp 10.0.2.2 is-at 52:55:0a:00:02:02" ]
    [ "${lines[2]}" = "udp sent" ]
    [ "${lines[3]}" = "status 1" ]
    [ "${lines[4]}" = "received: hello from the virtio-net test guest" ]
}

@test "virtio-net -netdev tap: the host kernel answers ARP and receives the UDP datagram (private network namespace)" {
    need_kvm
    [ "$(id -u)" -eq 0 ] || skip "creating a tap interface needs root"
    [ -c /dev/net/tun ] || skip "no /dev/net/tun"
    command -v unshare >/dev/null && command -v ip >/dev/null || skip "unshare or ip missing"
    unshare -n true 2>/dev/null || skip "cannot create a network namespace here"
    # everything below lives in a new network namespace: the host's interfaces are not touched
    run unshare -n sh -c '
        ip tuntap add dev rtvtap0 mode tap && ip addr add 10.0.2.2/24 dev rtvtap0 && ip link set rtvtap0 up &&
        ip link set lo up &&
        exec python3 "$1" 10.0.2.2 "$2" "$3" -netdev tap,id=n0,ifname=rtvtap0,script=no \
            -device virtio-net-device,netdev=n0,mac=52:54:00:aa:bb:cc' sh \
        "$BATS_TEST_DIRNAME/virtio/udp_guest.py" "$RS" "$G/virtio_net"
    echo "$output"
    [ "${lines[0]}" = "mac 52:54:00:aa:bb:cc" ]
    # the kernel's own MAC for the tap interface, whatever it picked
    [[ "${lines[1]}" =~ ^arp\ 10\.0\.2\.2\ is-at\ [0-9a-f:]{17}$ ]]
    [ "${lines[2]}" = "udp sent" ]
    [ "${lines[3]}" = "status 1" ]
    [ "${lines[4]}" = "received: hello from the virtio-net test guest" ]
}

@test "virtio-blk interrupt: the completion reaches the guest through the I/O APIC pin of the device's slot" {
    need_kvm
    make_disk
    head -c 1M /dev/zero > "$T/first.raw"
    rs -kernel "$G/virtio_irq" -drive "file=$T/disk.raw,format=raw"
    [ "$status" -eq 0 ]
    [ "$output" = "slot 0 irqs 1 isr 1 used 1 status 0 sector0 fnv1a $(sector0_fnv "$T/orig.raw")" ]
    # the disk in slot 1 interrupts on pin 17: a guest listening on pin 16 would wait for ever
    rs -kernel "$G/virtio_irq" -append second -drive "file=$T/first.raw,format=raw" -drive "file=$T/disk.raw,format=raw"
    [ "$status" -eq 0 ]
    [ "$output" = "slot 1 irqs 1 isr 1 used 1 status 0 sector0 fnv1a $(sector0_fnv "$T/orig.raw")" ]
}

@test "oracle: virtio_blk and virtio_net say the same under qemu-system-x86_64 -M microvm, and leave the same disk" {
    need_kvm
    command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 missing: run make deps"
    # QEMU's virtio-mmio is legacy (version 1) unless told otherwise; its warnings go to stderr
    q() {
        timeout 60 qemu-system-x86_64 -M microvm -accel kvm -m 64 -nographic -no-reboot -nodefaults \
            -serial stdio -device isa-debug-exit,iobase=0xf4 -global virtio-mmio.force-legacy=false "$@" 2>/dev/null
    }
    make_disk
    local opts
    for opts in "" ",readonly=on" ",snapshot=on"; do
        cp "$T/orig.raw" "$T/q.raw"
        cp "$T/orig.raw" "$T/r.raw"
        run q -kernel "$G/virtio_blk" -append debugexit \
            -drive "file=$T/q.raw,format=raw,if=none,id=d0$opts" -device virtio-blk-device,drive=d0
        local qs=$status qo=$output
        rs -m 64 -kernel "$G/virtio_blk" -append debugexit \
            -drive "file=$T/r.raw,format=raw,if=none,id=d0$opts" -device virtio-blk-device,drive=d0
        echo "drive$opts: ours $status [$output], qemu $qs [$qo]"
        [ "$status" -eq 1 ] && [ "$qs" -eq 1 ]
        [ "$output" = "$qo" ]
        cmp "$T/q.raw" "$T/r.raw"
    done
    if [ -x "$(dirname "$RS")/runtime-slirp" ]; then
        run python3 "$BATS_TEST_DIRNAME/virtio/udp_guest.py" 127.0.0.1 qemu-system-x86_64 "$G/virtio_net" \
            -M microvm -accel kvm -m 64 -nodefaults -serial stdio -device isa-debug-exit,iobase=0xf4 \
            -global virtio-mmio.force-legacy=false -netdev user,id=n0 -device virtio-net-device,netdev=n0
        local qo=$output
        run python3 "$BATS_TEST_DIRNAME/virtio/udp_guest.py" 127.0.0.1 "$RS" "$G/virtio_net" \
            -netdev user,id=n0 -device virtio-net-device,netdev=n0
        echo "net: ours [$output], qemu [$qo]"
        [ "$output" = "$qo" ]
    fi
}

@test "runtime-slirp: --help, and run by hand a bad option is one line on stderr, status 1" {
    local helper
    helper=$(dirname "$RS")/runtime-slirp
    [ -x "$helper" ] || skip "runtime-slirp not built (libslirp-dev missing)"
    run "$helper" --help
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "usage: runtime-slirp "* ]]
    run "$helper" --net 10.0.2.0/99 3>&-
    [ "$status" -eq 1 ]
    [ "$output" = "runtime-slirp: net=10.0.2.0/99: bad prefix length" ]
}
