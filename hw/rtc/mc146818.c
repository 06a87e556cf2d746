/*
 * MC146818A RTC (Motorola data sheet, "Address map" and registers A-D).
 * The time registers are computed from the host's UTC clock at each read,
 * so the guest never sees an update in progress (UIP stays 0).  Periodic,
 * alarm and update interrupts are not modelled: enabling them in register
 * B is logged under -d unimp.
 */
#include "hw/rtc/mc146818.h"
#include "sysemu/log.h"

#include <string.h>

enum {
    RTC_SEC = 0x00, RTC_MIN = 0x02, RTC_HOUR = 0x04, RTC_WDAY = 0x06, RTC_MDAY = 0x07,
    RTC_MONTH = 0x08, RTC_YEAR = 0x09, RTC_A = 0x0a, RTC_B = 0x0b, RTC_C = 0x0c, RTC_D = 0x0d,
    RTC_CENTURY = 0x32,
};
#define B_24H   0x02
#define B_BIN   0x04    /* binary instead of BCD */
#define B_SET   0x80    /* the guest is setting the clock */
#define B_IRQS  0x70    /* periodic, alarm, update-ended interrupt enables */

static int to_reg(const struct mc146818 *rtc, int v)
{
    return rtc->cmos[RTC_B] & B_BIN ? v : (v / 10) << 4 | v % 10;
}

static int from_reg(const struct mc146818 *rtc, int v)
{
    return rtc->cmos[RTC_B] & B_BIN ? v : (v >> 4) * 10 + (v & 15);
}

/* the time registers from the host clock */
static void rtc_latch(struct mc146818 *rtc)
{
    time_t now = time(NULL) + rtc->offset;
    struct tm tm;
    gmtime_r(&now, &tm);
    int hour = tm.tm_hour;
    if (!(rtc->cmos[RTC_B] & B_24H))
        hour = (hour % 12 ? hour % 12 : 12) | (hour >= 12 ? 0x80 : 0);     /* the PM flag stays binary */
    rtc->cmos[RTC_SEC] = to_reg(rtc, tm.tm_sec);
    rtc->cmos[RTC_MIN] = to_reg(rtc, tm.tm_min);
    rtc->cmos[RTC_HOUR] = (hour & 0x80) | to_reg(rtc, hour & 0x7f);
    rtc->cmos[RTC_WDAY] = to_reg(rtc, tm.tm_wday + 1);
    rtc->cmos[RTC_MDAY] = to_reg(rtc, tm.tm_mday);
    rtc->cmos[RTC_MONTH] = to_reg(rtc, tm.tm_mon + 1);
    rtc->cmos[RTC_YEAR] = to_reg(rtc, tm.tm_year % 100);
    rtc->cmos[RTC_CENTURY] = to_reg(rtc, (tm.tm_year + 1900) / 100);
}

/* the guest set the clock: keep the difference to the host's */
static void rtc_set(struct mc146818 *rtc)
{
    struct tm tm = {
        .tm_sec = from_reg(rtc, rtc->cmos[RTC_SEC]),
        .tm_min = from_reg(rtc, rtc->cmos[RTC_MIN]),
        .tm_hour = from_reg(rtc, rtc->cmos[RTC_HOUR] & 0x7f),
        .tm_mday = from_reg(rtc, rtc->cmos[RTC_MDAY]),
        .tm_mon = from_reg(rtc, rtc->cmos[RTC_MONTH]) - 1,
        .tm_year = from_reg(rtc, rtc->cmos[RTC_CENTURY]) * 100 + from_reg(rtc, rtc->cmos[RTC_YEAR]) - 1900,
    };
    if (!(rtc->cmos[RTC_B] & B_24H))
        tm.tm_hour = tm.tm_hour % 12 + (rtc->cmos[RTC_HOUR] & 0x80 ? 12 : 0);
    rtc->offset = timegm(&tm) - time(NULL);
}

static uint64_t rtc_read(void *opaque, uint64_t off, unsigned size)
{
    struct mc146818 *rtc = opaque;
    if (off == 0)
        return 0xff;
    uint8_t i = rtc->index;
    if (i <= RTC_YEAR || i == RTC_CENTURY) {
        if (!(rtc->cmos[RTC_B] & B_SET))
            rtc_latch(rtc);
    } else if (i == RTC_C) {
        uint8_t v = rtc->cmos[RTC_C];
        rtc->cmos[RTC_C] = 0;       /* reading C acknowledges */
        return v;
    }
    return rtc->cmos[i];
}

static void rtc_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    struct mc146818 *rtc = opaque;
    if (off == 0) {
        rtc->index = val & 0x7f;    /* bit 7 masks NMIs on a PC */
        return;
    }
    uint8_t i = rtc->index;
    switch (i) {
    case RTC_A:
        rtc->cmos[i] = val & 0x7f;  /* UIP is read-only */
        break;
    case RTC_B:
        if (val & B_IRQS)
            sysemu_log(LOG_UNIMP, "rtc: interrupts (register B 0x%02x) are not modelled", (unsigned)val);
        if ((rtc->cmos[RTC_B] & B_SET) && !(val & B_SET)) {
            rtc->cmos[RTC_B] = val;
            rtc_set(rtc);
        } else {
            if ((val & B_SET) && !(rtc->cmos[RTC_B] & B_SET))
                rtc_latch(rtc);     /* the guest edits the current time */
            rtc->cmos[RTC_B] = val;
        }
        break;
    case RTC_C:
    case RTC_D:
        break;                      /* read-only */
    default:
        rtc->cmos[i] = val;
        if ((i <= RTC_YEAR || i == RTC_CENTURY) && !(rtc->cmos[RTC_B] & B_SET))
            rtc_set(rtc);           /* a write without SET takes effect at once */
    }
}

const struct mem_ops mc146818_ops = { .read = rtc_read, .write = rtc_write };

void mc146818_init(struct mc146818 *rtc)
{
    memset(rtc, 0, sizeof(*rtc));
    rtc->cmos[RTC_A] = 0x26;        /* 32.768 kHz time base, 1024 Hz rate */
    rtc->cmos[RTC_B] = B_24H;       /* BCD, 24-hour, no interrupts */
    rtc->cmos[RTC_D] = 0x80;        /* valid RAM and time: the battery is fine */
}
