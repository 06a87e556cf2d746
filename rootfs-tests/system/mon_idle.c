/*
 * mon_idle: the guest monitor.bats drives over QMP and HMP.  It prints a
 * banner on COM1 and then halts with interrupts off, so it stays alive
 * (costing no host CPU) until the monitor stops, resets or quits the
 * machine; a reset brings the banner again.
 */
#include "guest.h"

uint32_t guest_main(struct hvm_start_info *si)
{
    puts_("mon_idle: up\n");
    for (;;)
        __asm__ volatile("cli; hlt");
}
