/*
 * linuxboot: a "kernel" for the Linux boot protocol path of runtime-system
 * (hw/x86/bzimage.c), packed as a bzImage by mkbzimage.c.  It prints what a
 * Linux kernel reads from boot_params: which entry ran, the copied setup
 * header, the loader type, the command line, the e820 map and the initrd.
 */
#include "guest.h"

extern uint32_t entry_bits;

static uint32_t get32(const uint8_t *bp, int off)
{
    return bp[off] | bp[off + 1] << 8 | bp[off + 2] << 16 | (uint32_t)bp[off + 3] << 24;
}

static uint64_t get64(const uint8_t *bp, int off)
{
    return get32(bp, off) | (uint64_t)get32(bp, off + 4) << 32;
}

uint32_t linux_main(const uint8_t *bp)
{
    puts_("entry ");
    put_dec(entry_bits);
    puts_(" boot_params ");
    put_hex((uint32_t)(uintptr_t)bp);
    puts_("\nheader ");
    char magic[5] = { bp[0x202], bp[0x203], bp[0x204], bp[0x205], 0 };
    puts_(magic);
    puts_(" version ");
    put_hex(bp[0x206] | bp[0x207] << 8);
    puts_(" loader ");
    put_hex(bp[0x210]);
    puts_(" code32_start ");
    put_hex(get32(bp, 0x214));
    puts_("\ncmdline: ");
    puts_((const char *)(uintptr_t)get32(bp, 0x228));
    puts_("\ne820");
    uint64_t top = 0;
    for (int i = 0; i < bp[0x1e8]; i++) {
        const uint8_t *e = bp + 0x2d0 + 20 * i;
        uint64_t addr = get64(e, 0), size = get64(e, 8);
        puts_(get32(e, 16) == 1 ? " ram:" : " reserved:");
        put_hex(addr);
        puts_("+");
        put_hex(size);
        if (get32(e, 16) == 1 && addr + size > top)
            top = addr + size;
    }
    puts_("\nram top MiB ");
    put_dec(top >> 20);
    uint32_t rd = get32(bp, 0x218), rd_size = get32(bp, 0x21c), sum = 0;
    for (uint32_t i = 0; i < rd_size; i++)
        sum += ((const uint8_t *)(uintptr_t)rd)[i];
    puts_("\ninitrd size ");
    put_dec(rd_size);
    puts_(" sum ");
    put_dec(sum);
    puts_(rd % 4096 == 0 ? " page-aligned\n" : " unaligned\n");
    return 0;
}

/* start.S's PVH entry, linked in for enter_long_mode: not the way this image is meant to start */
uint32_t guest_main(void)
{
    puts_("linuxboot: entered through PVH, not the Linux boot protocol\n");
    return 2;
}
