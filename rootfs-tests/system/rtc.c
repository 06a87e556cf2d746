/*
 * rtc: the CMOS clock (ports 0x70/0x71) as a PC kernel reads it: wait for
 * no update in progress, read until two reads agree, decode BCD or binary
 * and 12/24-hour per register B.  Prints the date and the Unix time, which
 * the test compares with the host's; then sets the year to 2001 the way
 * hwclock does (SET bit in register B) and reads it back.
 */
#include "guest.h"

static uint8_t cmos(uint8_t reg)
{
    outb(0x70, reg);
    return inb(0x71);
}

static void cmos_write(uint8_t reg, uint8_t v)
{
    outb(0x70, reg);
    outb(0x71, v);
}

static uint32_t dec(uint8_t v, uint8_t b)
{
    return b & 4 ? v : (v >> 4) * 10 + (v & 15);
}

struct rtc_time {
    uint32_t sec, min, hour, mday, mon, year;
};

static void rtc_read(struct rtc_time *t)
{
    uint8_t r[7], again[7];
    do {
        while (cmos(0x0a) & 0x80)
            ;
        r[0] = cmos(0), r[1] = cmos(2), r[2] = cmos(4), r[3] = cmos(7), r[4] = cmos(8), r[5] = cmos(9);
        r[6] = cmos(0x32);
        again[0] = cmos(0);
    } while (again[0] != r[0]);
    uint8_t b = cmos(0x0b);
    t->sec = dec(r[0], b);
    t->min = dec(r[1], b);
    t->hour = dec(r[2] & 0x7f, b);
    if (!(b & 2))
        t->hour = t->hour % 12 + (r[2] & 0x80 ? 12 : 0);
    t->mday = dec(r[3], b);
    t->mon = dec(r[4], b);
    t->year = dec(r[6], b) * 100 + dec(r[5], b);
}

/* days since 1970-01-01 of a proleptic Gregorian date */
static uint32_t days(uint32_t y, uint32_t m, uint32_t d)
{
    y -= m <= 2;
    uint32_t era = y / 400, yoe = y - era * 400;
    uint32_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    uint32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void put2(uint32_t v)
{
    if (v < 10)
        puts_("0");
    put_dec(v);
}

uint32_t guest_main(struct hvm_start_info *si)
{
    struct rtc_time t;
    rtc_read(&t);
    puts_("rtc ");
    put_dec(t.year);
    puts_("-");
    put2(t.mon);
    puts_("-");
    put2(t.mday);
    puts_(" ");
    put2(t.hour);
    puts_(":");
    put2(t.min);
    puts_(":");
    put2(t.sec);
    puts_(" epoch ");
    put_dec(days(t.year, t.mon, t.mday) * 86400 + t.hour * 3600 + t.min * 60 + t.sec);
    puts_("\n");

    uint8_t b = cmos(0x0b);
    cmos_write(0x0b, b | 0x80);
    cmos_write(0x09, b & 4 ? 1 : 0x01);
    cmos_write(0x32, b & 4 ? 20 : 0x20);
    cmos_write(0x0b, b);
    rtc_read(&t);
    puts_("after set year ");
    put_dec(t.year);
    puts_("\n");
    return 0;
}
