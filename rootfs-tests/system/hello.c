/*
 * hello: a banner on COM1, then the exit the command line asks for:
 * "exit=N" through isa-debug-exit (status 2N+1), "poweroff" through the PM
 * port (status 0), "reset" through a triple fault (an empty IDT),
 * "kbdreset" through the i8042, "cf9reset" through port 0xcf9, and by
 * default exit=21 (status 43).
 */
#include "guest.h"

uint32_t guest_main(struct hvm_start_info *si)
{
    puts_("hello from a runtime-system test guest\n");
    if (si->magic != 0x336ec578) {
        puts_("bad start info magic\n");
        return 1;
    }
    if (cmdline_arg(si, "poweroff"))
        poweroff();
    if (cmdline_arg(si, "reset")) {
        static const struct { uint16_t limit; uint32_t base; } __attribute__((packed)) empty = { 0, 0 };
        __asm__ volatile("lidt %0; int3" ::"m"(empty));
    }
    if (cmdline_arg(si, "kbdreset"))
        outb(0x64, 0xfe);
    if (cmdline_arg(si, "cf9reset"))
        outb(0xcf9, 0x06);
    const char *e = cmdline_arg(si, "exit=");
    return e ? parse_dec(e) : 21;
}
