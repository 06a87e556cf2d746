/*
 * The PC's CMOS real-time clock (Motorola MC146818A) at ports 0x70/0x71:
 * the wall-clock time in BCD, 24-hour mode, from the host's clock plus an
 * offset the guest sets by writing the time registers.
 */
#ifndef HW_RTC_MC146818_H
#define HW_RTC_MC146818_H

#include "sysemu/memory.h"

#include <stdint.h>
#include <time.h>

struct mc146818 {
    uint8_t index;
    uint8_t cmos[128];          /* the registers and the battery-backed RAM */
    time_t offset;              /* guest time minus host time, in seconds */
};

extern const struct mem_ops mc146818_ops;
void mc146818_init(struct mc146818 *rtc);

#endif
