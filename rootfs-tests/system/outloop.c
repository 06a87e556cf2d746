/*
 * outloop: the benchmark guest.  "n=N" port writes to 0x80 (no device
 * there, so every one is a full exit to the VMM and back), then a line on
 * COM1 and isa-debug-exit 0 (status 1).  Started with n=0 it measures the
 * time to the first serial byte.
 */
#include "guest.h"

uint32_t guest_main(struct hvm_start_info *si)
{
    uint32_t n = parse_dec(cmdline_arg(si, "n="));
    for (uint32_t i = 0; i < n; i++)
        outb(0x80, i);
    puts_("outloop done\n");
    return 0;
}
