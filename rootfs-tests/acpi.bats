#!/usr/bin/env bats
# The ACPI tables of runtime-system's microvm board (hw/x86/acpi.c), dumped
# from guest RAM with RUNTIME_SYSTEM_DUMP_ACPI=DIR after a test guest has been
# loaded, and checked with Debian's acpica-tools as the oracle: every table
# disassembles, checksums hold, the DSDT has \_S5, COM1 and one LNRO0005
# device per virtio-mmio window, the MADT one local APIC per -smp CPU.  What
# Debian's kernel makes of them needs a Linux boot (system.bats, VT-x hosts).

RS=${RS:-$(cd "${BUILD:-build}" && pwd)/runtime-system}
G=${SYSTEM_GUESTS:-$(cd "${BUILD:-build}" && pwd)/system-guests}

setup() {
    [ -x "$RS" ] || skip "runtime-system not built"
    [ -e /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ] || skip "no usable /dev/kvm on this host"
    [ -x "$G/hello" ] || skip "test guests not built (make guest-progs)"
    command -v iasl >/dev/null || skip "iasl not installed (acpica-tools, make deps)"
    T=$(mktemp -d)
}

teardown() {
    [ -n "${T:-}" ] && rm -rf "$T"
}

# dump ARGS...: boot the hello guest with ARGS and leave the tables in $T/acpi
dump() {
    mkdir -p "$T/acpi"
    run env RUNTIME_SYSTEM_DUMP_ACPI="$T/acpi" timeout 60 "$RS" -nographic -no-reboot -kernel "$G/hello" "$@"
    [ "$status" -eq 43 ]
}

# sum8 FILE [N]: the byte sum of the first N bytes (all without N) modulo 256
sum8() {
    head -c "${2:-$(stat -c %s "$1")}" "$1" | od -An -tu1 -v | awk '{ for (i = 1; i <= NF; i++) s += $i } END { print s % 256 }'
}

# disasm NAME: iasl -d without errors or checksum complaints; the listing in $T/acpi/NAME.dsl
disasm() {
    run iasl -d "$T/acpi/$1.dat"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(grep -ciE "error|incorrect checksum|invalid" <<<"$output")" -eq 0 ]
    [ -s "$T/acpi/$1.dsl" ]
}

@test "acpi: RSDP v2 with both checksums, pointing at an XSDT with FADT and MADT" {
    dump
    [ "$(head -c 8 "$T/acpi/RSDP.dat")" = "RSD PTR " ]
    [ "$(od -An -tu1 -j15 -N1 "$T/acpi/RSDP.dat" | tr -d ' ')" -eq 2 ]
    [ "$(sum8 "$T/acpi/RSDP.dat" 20)" -eq 0 ]
    [ "$(sum8 "$T/acpi/RSDP.dat" 36)" -eq 0 ]
    for t in XSDT FACP APIC DSDT; do
        [ "$(sum8 "$T/acpi/$t.dat")" -eq 0 ]
        disasm "$t"
    done
    grep -q "ACPI Table Address   0 : 00000000000E" "$T/acpi/XSDT.dsl"
    grep -q "ACPI Table Address   1 : 00000000000E" "$T/acpi/XSDT.dsl"
}

@test "acpi: FADT is legacy, PM1a control at 0x604 (2 bytes), SCI 9, no SMI command port" {
    dump
    disasm FACP
    f=$T/acpi/FACP.dsl
    grep -qE "PM1A Control Block Address : 00000604" "$f"
    grep -qE "PM1 Control Block Length : 02" "$f"
    grep -qE "SCI Interrupt : 0009" "$f"
    grep -qE "SMI Command Port : 00000000" "$f"
    grep -qE "Hardware Reduced \(V5\) : 0" "$f"
    grep -qE "Revision : 06" "$f"
    grep -qE "\] +FACS Address : 000E" "$f"
}

@test "acpi: DSDT has \\_S5 (SLP_TYP 5), COM1 as PNP0501 at 0x3f8 IRQ 4, no virtio device without -drive" {
    dump
    disasm DSDT
    d=$T/acpi/DSDT.dsl
    grep -A2 'Name (\\_S5, Package' "$d" | grep -q "0x05"
    grep -q 'EisaId ("PNP0501")' "$d"
    grep -A12 'Device (COM1)' "$d" | grep -q "0x03F8"
    grep -A14 'Device (COM1)' "$d" | grep -q "{4}"
    [ "$(grep -c LNRO0005 "$d")" -eq 0 ]
}

@test "acpi: one LNRO0005 per virtio-mmio window, with its window and level interrupt GSI 16+n" {
    for i in 0 1 2; do truncate -s 1M "$T/d$i.img"; done
    dump -drive file="$T/d0.img",if=virtio,format=raw -drive file="$T/d1.img",if=virtio,format=raw \
         -drive file="$T/d2.img",if=virtio,format=raw
    disasm DSDT
    d=$T/acpi/DSDT.dsl
    [ "$(grep -c '"LNRO0005"' "$d")" -eq 3 ]
    for i in 0 1 2; do
        dev=$(grep -A16 "Device (VR0$i)" "$d")
        grep -q "_UID, $([ $i -eq 0 ] && echo Zero || { [ $i -eq 1 ] && echo One || echo 0x02; })" <<<"$dev"
        grep -q "$(printf '0x%08X,         // Address Base' $((0xfeb00000 + i * 0x200)))" <<<"$dev"
        grep -q "0x00000200,         // Address Length" <<<"$dev"
        grep -q "Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive" <<<"$dev"
        grep -q "$(printf '0x%08X,' $((16 + i)))" <<<"$dev"
    done
}

@test "acpi: MADT has one enabled local APIC per -smp CPU, the IOAPIC at 0xfec00000 GSI 0, IRQ0->GSI2" {
    for n in 1 4; do
        dump -smp "$n"
        disasm APIC
        a=$T/acpi/APIC.dsl
        [ "$(grep -c 'Subtable Type : 00 \[Processor Local APIC\]' "$a")" -eq "$n" ]
        grep -q "Local Apic ID : $(printf %02X $((n - 1)))" "$a"
        grep -A6 "Subtable Type : 01 \[I/O APIC\]" "$a" | grep -q "Address : FEC00000"
        grep -A6 "Subtable Type : 01 \[I/O APIC\]" "$a" | grep -q "Interrupt : 00000000"
        grep -A6 "Subtable Type : 02 \[Interrupt Source Override\]" "$a" | grep -q "Interrupt : 00000002"
        rm -rf "$T/acpi"
    done
}
