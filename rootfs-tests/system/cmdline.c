/*
 * cmdline: what the loader handed over in hvm_start_info: the command
 * line, and each module (the -initrd) with its size and a byte sum the
 * test recomputes on the host.  Ends with exit=N from the command line.
 */
#include "guest.h"

uint32_t guest_main(struct hvm_start_info *si)
{
    puts_("cmdline: ");
    puts_(si->cmdline_paddr ? (const char *)(uintptr_t)si->cmdline_paddr : "(none)");
    puts_("\nmodules: ");
    put_dec(si->nr_modules);
    puts_("\n");
    const struct hvm_modlist_entry *mod = (const void *)(uintptr_t)si->modlist_paddr;
    for (uint32_t i = 0; i < si->nr_modules; i++) {
        const uint8_t *p = (const uint8_t *)(uintptr_t)mod[i].paddr;
        uint32_t sum = 0;
        for (uint32_t j = 0; j < (uint32_t)mod[i].size; j++)
            sum += p[j];
        puts_("initrd: size ");
        put_dec(mod[i].size);
        puts_(" sum ");
        put_dec(sum);
        puts_(" first ");
        put_hex(p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24);
        puts_("\n");
    }
    const char *e = cmdline_arg(si, "exit=");
    return e ? parse_dec(e) : 0;
}
