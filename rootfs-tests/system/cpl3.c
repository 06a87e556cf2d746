/*
 * cpl3: drop to ring 3, run real work there ("iters=N" rounds of work.h),
 * and come back through a #GP (lib/ring3.c).  Prints the privilege level the code saw
 * and the result, which the test compares with the same function built
 * natively (oracle/work.c).
 */
#include "guest.h"
#include "ring3.h"
#include "work.h"

static uint64_t user_cpl(uint64_t unused)
{
    uint16_t cs;
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    return cs & 3;
}

static uint64_t user_work(uint64_t n)
{
    return work(n);
}

uint32_t guest_main(struct hvm_start_info *si)
{
    uint32_t n = parse_dec(cmdline_arg(si, "iters="));
    ring3_init();
    puts_("cpl ");
    put_dec(ring3_call(user_cpl, 0));
    puts_("\nwork ");
    put_dec(n);
    puts_(" = ");
    put_dec(ring3_call(user_work, n));
    puts_("\n");
    return 0;
}
