#!/usr/bin/env bats
# runtime-system under KVM with the project's own test guests
# (rootfs-tests/system/*.c, PVH ELF images): serial output and exit status,
# what the loader hands over (command line, initrd, memory map), -smp with
# AP start-up, all of -m RAM, real work at CPL 3 against a native oracle,
# and the errors a user can cause.  The guests do little at CPL 0: under the
# PVM flavour of KVM on the project's machines CPL 0 is ~1,700x slower.
# A Linux boot of the x86-64 fixture needs hardware virtualization and is
# skipped, with the reason, where /proc/cpuinfo has neither vmx nor svm.

RS=${RS:-$(cd "${BUILD:-build}" && pwd)/runtime-system}
G=${SYSTEM_GUESTS:-$(cd "${BUILD:-build}" && pwd)/system-guests}
FIXTURES=${FIXTURES:-$BATS_TEST_DIRNAME/../../shared/fixtures}

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
}

# rs ARGS...: runtime-system with a time limit; a guest gone astray must not hang make check
rs() {
    run timeout 60 "$RS" -nographic -no-reboot "$@"
}

@test "hello: banner on COM1, isa-debug-exit status (v<<1)|1" {
    need_kvm
    rs -kernel "$G/hello"
    [ "$status" -eq 43 ]
    [ "${lines[0]}" = "hello from a runtime-system test guest" ]
    rs -kernel "$G/hello" -append "exit=3"
    [ "$status" -eq 7 ]
    [ "${lines[0]}" = "hello from a runtime-system test guest" ]
}

@test "hello: power-off through the PM port ends the run with status 0" {
    need_kvm
    rs -kernel "$G/hello" -append poweroff
    [ "$status" -eq 0 ]
    [ "$output" = "hello from a runtime-system test guest" ]
}

@test "hello: a triple fault under -no-reboot ends the run with status 0" {
    need_kvm
    rs -kernel "$G/hello" -append reset
    [ "$status" -eq 0 ]
    [ "$output" = "hello from a runtime-system test guest" ]
}

@test "hello: i8042 and 0xcf9 resets end the run under -no-reboot; without it the guest boots again" {
    need_kvm
    rs -kernel "$G/hello" -append kbdreset
    [ "$status" -eq 0 ]
    [ "$output" = "hello from a runtime-system test guest" ]
    rs -kernel "$G/hello" -append cf9reset
    [ "$status" -eq 0 ]
    [ "$output" = "hello from a runtime-system test guest" ]
    # a reboot reloads the kernel and starts over: the banner again, until we stop it
    "$RS" -nographic -serial "file:$T/com1" -kernel "$G/hello" -append kbdreset 3>&- &
    local pid=$! i
    for i in $(seq 100); do
        [ "$(wc -l < "$T/com1" 2>/dev/null || echo 0)" -ge 3 ] && break
        sleep 0.1
    done
    kill "$pid"
    wait "$pid" || true
    [ "$(head -n 3 "$T/com1" | uniq -c | sed 's/^ *//')" = "3 hello from a runtime-system test guest" ]
}

@test "/dev/kvm missing or not permitted: one line saying so" {
    [ "$(id -u)" -eq 0 ] || skip "needs root to hide /dev/kvm in a mount namespace"
    command -v unshare >/dev/null || skip "unshare missing"
    run unshare -m bash -c "mount -t tmpfs none /dev && exec '$RS' -nographic -kernel '$G/hello'"
    [ "$status" -eq 1 ]
    [[ "$output" == "runtime-system: /dev/kvm: no such device"* ]]
    [ "${#lines[@]}" -eq 1 ]
    [ -e /dev/kvm ] || skip "no /dev/kvm to refuse"
    command -v setpriv >/dev/null || skip "setpriv missing"
    run setpriv --reuid=65534 --regid=65534 --clear-groups "$RS" -serial none -kernel "$G/hello"
    [ "$status" -eq 1 ]
    [ "$output" = "runtime-system: /dev/kvm: permission denied (add the user to the kvm group)" ]
}

@test "-serial file: COM1 into a file" {
    need_kvm
    rs -serial "file:$T/com1" -kernel "$G/hello" -append poweroff
    [ "$status" -eq 0 ]
    [ "$(cat "$T/com1")" = "hello from a runtime-system test guest" ]
}

@test "serial_irq: COM1 raises IRQ 4 through the in-kernel PIC for THR empty and received data" {
    need_kvm
    run bash -c "(printf 'hello\\n'; sleep 0.3; printf 'world\\nq') |
        timeout 20 '$RS' -nographic -no-reboot -serial stdio -kernel '$G/serial_irq'"
    [ "$status" -eq 1 ]
    [ "${lines[0]}" = "ready" ]
    [ "${lines[1]}" = "echo HELLO" ]
    [ "${lines[2]}" = "echo WORLD" ]
    [[ "${lines[3]}" == "irqs "*" thre 1" ]]
}

@test "cmdline: -append and -initrd reach the guest through hvm_start_info" {
    need_kvm
    head -c 5000 /dev/urandom > "$T/initrd"
    local sum first
    sum=$(od -An -tu1 -v "$T/initrd" | awk '{for (i = 1; i <= NF; i++) s += $i} END {print s % 4294967296}')
    first=$(od -An -tx4 -N4 "$T/initrd" | tr -d ' ')
    rs -kernel "$G/cmdline" -initrd "$T/initrd" -append "one two=2 exit=4"
    [ "$status" -eq 9 ]
    [ "${lines[0]}" = "cmdline: one two=2 exit=4" ]
    [ "${lines[1]}" = "modules: 1" ]
    [ "${lines[2]}" = "initrd: size 5000 sum $sum first $first" ]
    rs -kernel "$G/cmdline"
    [ "$status" -eq 1 ]
    [ "${lines[0]}" = "cmdline: " ]
    [ "${lines[1]}" = "modules: 0" ]
}

@test "smp: -smp 4, 3 and 2 start their APs through INIT/SIPI, each reports its APIC id" {
    need_kvm
    rs -smp 4 -kernel "$G/smp"
    [ "$status" -eq 9 ]         # (4 << 1) | 1
    [ "${lines[0]}" = "mptable cpus 4" ]
    [ "${lines[1]}" = "bsp 0 starting aps" ]
    [ "$(printf '%s\n' "${lines[@]}" | grep '^ap ' | sort | tr '\n' ,)" = "ap 1 up,ap 2 up,ap 3 up," ]
    [ "${lines[-1]}" = "cpus 4" ]
    rs -smp 3 -kernel "$G/smp"
    [ "$status" -eq 7 ]
    [ "${lines[0]}" = "mptable cpus 3" ]
    [ "${lines[-1]}" = "cpus 3" ]
    rs -smp 2 -kernel "$G/smp"
    [ "$status" -eq 5 ]
    [ "${lines[0]}" = "mptable cpus 2" ]
    [ "$(printf '%s\n' "${lines[@]}" | grep '^ap ')" = "ap 1 up" ]
    [ "${lines[-1]}" = "cpus 2" ]
    rs -kernel "$G/smp"
    [ "$status" -eq 3 ]
    [ "${lines[0]}" = "mptable cpus 1" ]
    [ "${lines[-1]}" = "cpus 1" ]
}

@test "smp: with -smp 2 only one AP answers (the guest is told to wait for 4, then gives up)" {
    need_kvm
    rs -smp 2 -kernel "$G/smp" -append "cpus=4 wait=4"
    [ "$status" -eq 5 ]
    [ "${lines[0]}" = "mptable cpus 2" ]
    [ "$(printf '%s\n' "${lines[@]}" | grep -c '^ap ')" -eq 1 ]
    [ "${lines[-1]}" = "cpus 2" ]
}

@test "memory: the memory map ends at -m and every byte of RAM holds a pattern" {
    need_kvm
    rs -m 64 -kernel "$G/memory"
    [ "$status" -eq 1 ]
    [[ "$output" == *"ram top MiB 64"* ]]
    [[ "$output" == *"ram 0000000000100000 0000000003f00000"* ]]
    [[ "$output" == *"pattern ok KiB "* ]]
    rs -m 96M -kernel "$G/memory"
    [ "$status" -eq 1 ]
    [[ "$output" == *"ram top MiB 96"* ]]
    [[ "$output" == *"pattern ok KiB "* ]]
}

@test "cpl3: work at CPL 3 runs at native speed and matches the native build" {
    need_kvm
    local n=100000000 want
    want=$("$G/work-native" $n)
    local t0=$(date +%s%N)
    rs -kernel "$G/cpl3" -append "iters=$n"
    local ms=$((($(date +%s%N) - t0) / 1000000))
    [ "$status" -eq 1 ]
    [ "${lines[0]}" = "cpl 3" ]
    [ "${lines[1]}" = "work $n = $want" ]
    # 10^8 rounds take ~0.3 s natively; emulated CPL 0 would need minutes
    [ "$ms" -lt 20000 ]
}

@test "rtc: the CMOS clock is within 2 s of the host's, and the guest can set it (as under QEMU)" {
    need_kvm
    local host
    host=$(date +%s)
    rs -kernel "$G/rtc"
    [ "$status" -eq 1 ]
    [[ "${lines[0]}" =~ ^rtc\ [0-9]{4}-[0-9]{2}-[0-9]{2}\ [0-9]{2}:[0-9]{2}:[0-9]{2}\ epoch\ ([0-9]+)$ ]]
    local guest=${BASH_REMATCH[1]} d
    d=$((guest - host))
    [ "${d#-}" -le 2 ]
    [ "${lines[0]:4:19}" = "$(date -u -d @"$guest" '+%Y-%m-%d %H:%M:%S')" ]
    [ "${lines[1]}" = "after set year 2001" ]
    command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 missing: the oracle half is not run"
    run bash -c "timeout 20 qemu-system-x86_64 -M microvm,rtc=on -accel kvm -m 64 -nographic -no-reboot -nodefaults \
        -serial stdio -device isa-debug-exit,iobase=0xf4 -kernel '$G/rtc' 2>/dev/null"
    [ "$status" -eq 1 ]
    [ "${lines[1]}" = "after set year 2001" ]
}

@test "oracle: the guests say the same under qemu-system-x86_64 -M microvm -accel kvm" {
    need_kvm
    command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 missing: run make deps"
    # its warnings about CPUID bits the host lacks go to stderr, which run would mix in
    q() {
        timeout 60 qemu-system-x86_64 -M microvm -accel kvm -m 64 -nographic -no-reboot -nodefaults \
            -serial stdio -device isa-debug-exit,iobase=0xf4 "$@" 2>/dev/null
    }
    head -c 3000 /dev/urandom > "$T/initrd"
    local args
    for args in "hello -append exit=3" "cmdline -initrd $T/initrd -append a=b" "cpl3 -append iters=1000000"; do
        set -- $args
        local g=$1
        shift
        run q -kernel "$G/$g" "$@"
        local qs=$status qo=$output
        rs -m 64 -kernel "$G/$g" "$@"
        echo "$g: ours $status [$output], qemu $qs [$qo]"
        [ "$status" -eq "$qs" ]
        [ "$output" = "$qo" ]
    done
    # QEMU describes its CPUs in ACPI, not an MP table: compare what the APs report
    run q -smp 4 -kernel "$G/smp" -append cpus=4
    local qs=$status qo=$(printf '%s\n' "${lines[@]}" | grep -v mptable | sort)
    rs -smp 4 -kernel "$G/smp" -append cpus=4
    echo "smp: ours $status [$output], qemu $qs [$qo]"
    [ "$status" -eq "$qs" ]
    [ "$(printf '%s\n' "${lines[@]}" | grep -v mptable | sort)" = "$qo" ]
    # and the memory maps differ in their reserved holes: compare the end of RAM and the pattern
    run q -kernel "$G/memory"
    qo=$(printf '%s\n' "${lines[@]}" | grep -E '^(ram top|pattern)')
    rs -m 64 -kernel "$G/memory"
    [ "$(printf '%s\n' "${lines[@]}" | grep -E '^(ram top|pattern)')" = "$qo" ]
}

@test "errors: missing kernel, no kernel, ELF without PVH note, bad options: one line, status 1" {
    run "$RS" -kernel "$T/nothing"
    [ "$status" -eq 1 ]
    [ "$output" = "runtime-system: $T/nothing: No such file or directory" ]
    need_kvm
    run "$RS" -kernel /etc/passwd
    [ "$status" -eq 1 ]
    [ "$output" = "runtime-system: /etc/passwd: not a kernel this board can boot (neither a PVH ELF nor a Linux bzImage)" ]
    run "$RS" -kernel "$G/work-native"
    [ "$status" -eq 1 ]
    [[ "$output" == "runtime-system: $G/work-native: an ELF file without a PVH entry note"* ]]
    [ "${#lines[@]}" -eq 1 ]
    run "$RS" -kernel "$G/hello" -initrd "$T/nothing"
    [ "$status" -eq 1 ]
    [ "$output" = "runtime-system: $T/nothing: No such file or directory" ]
}

@test "errors: -M, -accel, -m, -smp and unknown options" {
    run "$RS" -M pc-i440fx-9.9
    [ "$status" -eq 1 ]
    [ "$output" = "runtime-system: -M pc-i440fx-9.9: unknown machine (-M help lists them)" ]
    run "$RS" -accel tcg -kernel "$G/hello"
    [ "$status" -eq 1 ]
    [ "$output" = "runtime-system: -accel tcg: not yet supported for this board (microvm runs under kvm only)" ]
    run "$RS" -machine microvm,accel=hax
    [ "$status" -eq 1 ]
    [ "$output" = "runtime-system: -accel hax: unknown accelerator (kvm or tcg)" ]
    run "$RS" -m 64T -kernel "$G/hello"
    [ "$status" -eq 1 ]
    [[ "$output" == "runtime-system: -m 67108864 MiB: more than the host's "*" MiB of memory" ]]
    run "$RS" -m lots
    [ "$status" -eq 1 ]
    [ "$output" = "runtime-system: -m lots: not a memory size" ]
    run "$RS" -smp 0
    [ "$status" -eq 1 ]
    [ "$output" = "runtime-system: -smp 0: expected a number from 1 to 64" ]
    run "$RS" -cpu qemu64
    [ "$status" -eq 1 ]
    [ "$output" = "runtime-system: -cpu qemu64: unknown CPU model (host or max: the guest sees KVM's supported CPUID)" ]
    run "$RS" -frobnicate
    [ "$status" -eq 1 ]
    [ "$output" = "runtime-system: -frobnicate: unknown option (see --help)" ]
    run "$RS" -kernel
    [ "$status" -eq 1 ]
    [ "$output" = "runtime-system: -kernel needs an argument" ]
}

@test "-M help, --help and --version" {
    run "$RS" -M help
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "Supported machines are:" ]
    [[ "${lines[1]}" == "microvm "*"(default)" ]]
    run "$RS" --help
    [ "$status" -eq 0 ]
    [[ "$output" == *"-kernel FILE"* ]]
    run "$RS" --version
    [ "$status" -eq 0 ]
    [[ "$output" == "runtime-system version "* ]]
}

@test "bzImage: boot_params as the kernel reads them, through the 64-bit and the 32-bit entry" {
    need_kvm
    head -c 4321 /dev/urandom > "$T/initrd"
    local sum v
    sum=$(od -An -tu1 -v "$T/initrd" | awk '{for (i = 1; i <= NF; i++) s += $i} END {print s % 4294967296}')
    for v in 64 32; do
        rs -m 80 -kernel "$G/bzimage-$v" -initrd "$T/initrd" -append "console=ttyS0 root=/dev/vda quiet"
        [ "$status" -eq 1 ]
        [ "${lines[0]}" = "entry $v boot_params 00007000" ]
        [ "${lines[1]}" = "header HdrS version 0000020$([ $v = 64 ] && echo c || echo a) loader 000000ff code32_start 00100000" ]
        [ "${lines[2]}" = "cmdline: console=ttyS0 root=/dev/vda quiet" ]
        [ "${lines[3]}" = "e820 ram:00000000+0009fc00 reserved:0009fc00+00060400 ram:00100000+04f00000" ]
        [ "${lines[4]}" = "ram top MiB 80" ]
        [ "${lines[5]}" = "initrd size 4321 sum $sum page-aligned" ]
    done
}

@test "bzImage: the boot protocol's 64-bit entry state, seen with -S and info registers" {
    need_kvm
    [ -r "$FIXTURES/bzImage-x86_64" ] || skip "no bzImage-x86_64 in $FIXTURES"
    # under PVM the kernel cannot get far in useful time: this checks the loader, not the boot
    run bash -c "(sleep 0.5; echo 'info registers'; sleep 0.5; echo quit) |
        timeout 20 '$RS' -S -monitor stdio -serial none -m 256 -kernel '$FIXTURES/bzImage-x86_64' \
            -initrd '$FIXTURES/initramfs-x86_64.cpio.gz' -append console=ttyS0"
    [ "$status" -eq 0 ]
    [[ "$output" == *"RSI=0000000000007000 "* ]]                # boot_params
    [[ "$output" == *"RIP=0000000000100200 "* ]]                # startup_64: 1 MiB + 0x200
    [[ "$output" == *"CS =0010 0000000000000000 ffffffff 00a09b00"* ]]    # __BOOT_CS, 64-bit
    [[ "$output" == *"DS =0018 "* ]]                            # __BOOT_DS
    [[ "$output" == *"CR0=80050033 "* ]]                        # paging on
    [[ "$output" == *"EFER=0000000000000500"* ]]                # long mode active
    run timeout 20 "$RS" -serial none -m 32 -kernel "$FIXTURES/bzImage-x86_64"
    [ "$status" -eq 1 ]
    [[ "$output" == "runtime-system: $FIXTURES/bzImage-x86_64: the kernel needs "*" MiB of RAM from 0x100000 on; give the machine more -m" ]]
}

@test "Linux: the x86-64 fixture boots to its self-check with a virtio-blk disk, and powers off (needs VT-x or AMD-V)" {
    need_kvm
    grep -qwE 'vmx|svm' /proc/cpuinfo ||
        skip "no vmx or svm in /proc/cpuinfo: KVM here is software (PVM), a kernel does not boot in useful time"
    [ -r "$FIXTURES/bzImage-x86_64" ] || skip "no bzImage-x86_64 in $FIXTURES"
    local sum
    # sector 0 of the disk as the guest must read it through virtio-blk
    sum=$(qemu-img convert -f qcow2 -O raw "$FIXTURES/disk-ext4.qcow2" "$T/disk.raw" &&
        head -c 512 "$T/disk.raw" | sha256sum | cut -d' ' -f1)
    cp "$FIXTURES/disk-ext4.qcow2" "$T/disk.qcow2"
    run timeout 120 "$RS" -nographic -no-reboot -m 512 -kernel "$FIXTURES/bzImage-x86_64" \
        -initrd "$FIXTURES/initramfs-x86_64.cpio.gz" -append "console=ttyS0 panic=-1 rt.mount=1" \
        -drive "file=$T/disk.qcow2,format=qcow2,if=virtio,snapshot=on"
    echo "$output"
    [[ "$output" == *"Linux version"* ]]
    [[ "$output" == *"RT-ARCH: x86_64"* ]]
    [[ "$output" == *"RT-VDA-SECTOR0-SHA256: $sum"* ]]
    [[ "$output" == *"RT-MOUNT: ok ext4"* ]]
    [[ "$output" == *"RT-SELFCHECK-DONE"* ]]
    [[ "$output" == *"RT-POWEROFF"* ]]
    [ "$status" -eq 0 ]
    # snapshot=on: the image is as it was
    cmp "$FIXTURES/disk-ext4.qcow2" "$T/disk.qcow2"
}
