/*
 * memory: the memory map the loader passed (hvm_start_info's memmap), then
 * a pattern written to and read back from every byte of RAM above this
 * image, at CPL 3 (lib/ring3.c) where it runs at native speed.  Prints the
 * end of RAM, which the test compares with -m, and the verdict.
 */
#include "guest.h"
#include "ring3.h"

extern char _end[];

struct range {
    uint64_t start, end;
};

static struct range ranges[8];
static int n_ranges;
static uint64_t bad_addr;

static uint64_t pattern(uint64_t a)
{
    return a * 0x9e3779b97f4a7c15ull ^ 0x5555aaaa0f0f3c3cull;
}

static uint64_t user_fill_check(uint64_t unused)
{
    uint64_t bytes = 0;
    for (int i = 0; i < n_ranges; i++)
        for (uint64_t a = ranges[i].start; a < ranges[i].end; a += 8)
            *(volatile uint64_t *)a = pattern(a);
    for (int i = 0; i < n_ranges; i++) {
        for (uint64_t a = ranges[i].start; a < ranges[i].end; a += 8) {
            if (*(volatile uint64_t *)a != pattern(a)) {
                bad_addr = a;
                return 0;
            }
        }
        bytes += ranges[i].end - ranges[i].start;
    }
    return bytes;
}

uint32_t guest_main(struct hvm_start_info *si)
{
    const struct hvm_memmap_table_entry *e = (const void *)(uintptr_t)si->memmap_paddr;
    uint64_t top = 0, image_end = ((uint64_t)_end + 0xfff) & ~0xfffull;
    puts_("memmap entries ");
    put_dec(si->memmap_entries);
    puts_("\n");
    for (uint32_t i = 0; i < si->memmap_entries; i++) {
        puts_(e[i].type == 1 ? "ram " : "reserved ");
        put_hex(e[i].addr >> 32);
        put_hex(e[i].addr);
        puts_(" ");
        put_hex(e[i].size >> 32);
        put_hex(e[i].size);
        puts_("\n");
        uint64_t end = e[i].addr + e[i].size;
        if (e[i].type != 1)
            continue;
        if (end > top)
            top = end;
        uint64_t start = e[i].addr < image_end ? image_end : e[i].addr;
        /* the identity map covers 4 GiB */
        if (end > 0x100000000ull)
            end = 0x100000000ull;
        if (start < end && n_ranges < 8)
            ranges[n_ranges++] = (struct range){ start, end };
    }
    puts_("ram top MiB ");
    put_dec(top >> 20);
    puts_("\n");
    ring3_init();
    uint64_t bytes = ring3_call(user_fill_check, 0);
    if (!bytes) {
        puts_("pattern mismatch at ");
        put_hex(bad_addr);
        puts_("\n");
        return 2;
    }
    puts_("pattern ok KiB ");
    put_dec(bytes >> 10);
    puts_("\n");
    return 0;
}
