/*
 * COM1 output, the debug-exit and power-off ports, command-line lookup.
 * The UART is written without polling LSR: both runtime-system's and
 * QEMU's 16550 transmit at once, and each poll would cost an exit.
 */
#include "guest.h"

#define COM1 0x3f8

void puts_(const char *s)
{
    while (*s)
        outb(COM1, *s++);
}

void put_dec(uint32_t v)
{
    char b[12];
    int i = 11;
    b[i] = 0;
    do {
        b[--i] = '0' + v % 10;
        v /= 10;
    } while (v);
    puts_(b + i);
}

void put_hex(uint32_t v)
{
    char b[9];
    for (int i = 7; i >= 0; i--, v >>= 4)
        b[i] = "0123456789abcdef"[v & 15];
    b[8] = 0;
    puts_(b);
}

void debug_exit(uint32_t v)
{
    outb(0xf4, v);
    for (;;)
        __asm__ volatile("cli; hlt");
}

void poweroff(void)
{
    outw(0x604, 0x2000 | 5 << 10);      /* PM1a_CNT: SLP_EN, SLP_TYP = S5 */
    for (;;)
        __asm__ volatile("cli; hlt");
}

const char *cmdline_arg(const struct hvm_start_info *si, const char *key)
{
    const char *p = (const char *)(uintptr_t)si->cmdline_paddr;
    if (!p)
        return 0;
    while (*p) {
        const char *k = key, *q = p;
        while (*k && *q == *k)
            k++, q++;
        if (!*k && (p == (const char *)(uintptr_t)si->cmdline_paddr || p[-1] == ' '))
            return q;
        p++;
    }
    return 0;
}

uint32_t parse_dec(const char *s)
{
    uint32_t v = 0;
    while (s && *s >= '0' && *s <= '9')
        v = v * 10 + (*s++ - '0');
    return v;
}
