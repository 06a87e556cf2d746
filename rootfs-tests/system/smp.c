/*
 * smp: the boot processor wakes the others through its local APIC with
 * INIT and start-up IPIs (Intel SDM vol. 3A, 8.4.4.1: INIT, SIPI, SIPI)
 * aimed at a real-mode trampoline at 0x8000; each AP switches to
 * protected mode, takes a stack, enters long mode as the BSP did (start.S),
 * prints its APIC id and counts itself in.
 * How many to expect comes from the board's MultiProcessor table (Intel MP
 * spec 1.4), or from "cpus=N" on the command line; the BSP waits until that
 * many have counted in, or "wait=N" x 10^9 TSC ticks, and prints how many
 * did; the count is also the exit value.
 */
#include "guest.h"

#define LAPIC 0xfee00000u
#define TRAMPOLINE 0x8000u

extern char tramp_start[], tramp_end[];
volatile uint32_t ap_count;
volatile uint32_t print_lock;
uint32_t ap_next_stack;
uint8_t ap_stacks[16][1024] __attribute__((aligned(16)));

__asm__(
    "   .text\n"
    "   .code16\n"
    "   .globl tramp_start, tramp_end\n"
    "tramp_start:\n"
    "   cli\n"
    "   xor %ax, %ax\n"
    "   mov %ax, %ds\n"
    "   lgdtl 0x8000 + (tramp_gdtr - tramp_start)\n"
    "   mov %cr0, %eax\n"
    "   or $1, %eax\n"
    "   mov %eax, %cr0\n"
    "   ljmpl $0x10, $ap_entry32\n"
    "   .balign 8\n"
    "tramp_gdt:\n"
    "   .quad 0, 0, 0x00cf9b000000ffff, 0x00cf93000000ffff\n"
    "tramp_gdtr:\n"
    "   .word 31\n"
    "   .long 0x8000 + (tramp_gdt - tramp_start)\n"
    "tramp_end:\n"
    "   .code32\n"
    "ap_entry32:\n"
    "   mov $0x18, %ax\n"
    "   mov %ax, %ds\n"
    "   mov %ax, %es\n"
    "   mov %ax, %ss\n"
    "   mov $1, %eax\n"
    "   lock xadd %eax, ap_next_stack\n"
    "   and $15, %eax\n"
    "   inc %eax\n"
    "   shl $10, %eax\n"
    "   lea ap_stacks(%eax), %esp\n"
    "   mov $ap_entry64, %ebp\n"
    "   jmp enter_long_mode\n"
    "   .code64\n"
    "ap_entry64:\n"
    "   call ap_main\n"
    "1: cli\n"
    "   hlt\n"
    "   jmp 1b\n");

static inline uint32_t lapic_read(uint32_t reg) { return *(volatile uint32_t *)(uintptr_t)(LAPIC + reg); }
static inline void lapic_write(uint32_t reg, uint32_t v) { *(volatile uint32_t *)(uintptr_t)(LAPIC + reg) = v; }

static void lock(void)
{
    while (__atomic_exchange_n(&print_lock, 1, __ATOMIC_ACQUIRE))
        __asm__ volatile("pause");
}

static void unlock(void)
{
    __atomic_store_n(&print_lock, 0, __ATOMIC_RELEASE);
}

void ap_main(void)
{
    uint32_t id = lapic_read(0x20) >> 24, a = 1, b, c = 0, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    lock();
    puts_("ap ");
    put_dec(id);
    /* CPUID's initial APIC id must name the same processor as its local APIC */
    puts_(b >> 24 == id ? " up\n" : " up, but CPUID says another APIC id\n");
    unlock();
    __atomic_fetch_add(&ap_count, 1, __ATOMIC_SEQ_CST);
}

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

/* enabled processors in the MP table, or 0 when there is none (or it is corrupt) */
static uint32_t mptable_cpus(void)
{
    for (uintptr_t a = 0xf0000; a < 0x100000; a += 16) {
        const uint8_t *f = (const uint8_t *)a;
        if (f[0] != '_' || f[1] != 'M' || f[2] != 'P' || f[3] != '_')
            continue;
        uint8_t sum = 0;
        for (int i = 0; i < 16; i++)
            sum += f[i];
        const uint8_t *t = (const uint8_t *)(uintptr_t)(f[4] | f[5] << 8 | f[6] << 16 | (uint32_t)f[7] << 24);
        if (sum || !t || t[0] != 'P' || t[1] != 'C' || t[2] != 'M' || t[3] != 'P')
            return 0;
        uint32_t len = t[4] | t[5] << 8, n = t[34] | t[35] << 8, cpus = 0;
        for (uint32_t i = 0; i < len; i++)
            sum += t[i];
        if (sum)
            return 0;
        const uint8_t *e = t + 44;
        for (uint32_t i = 0; i < n; i++) {
            if (e[0] == 0) {
                cpus += e[3] & 1;
                e += 20;
            } else {
                e += 8;
            }
        }
        return cpus;
    }
    return 0;
}

uint32_t guest_main(struct hvm_start_info *si)
{
    uint32_t want = mptable_cpus();
    puts_("mptable cpus ");
    put_dec(want);
    puts_("\n");
    if (cmdline_arg(si, "cpus="))
        want = parse_dec(cmdline_arg(si, "cpus="));
    uint8_t *dst = (uint8_t *)(uintptr_t)TRAMPOLINE;
    for (char *p = tramp_start; p < tramp_end; p++)
        *dst++ = *p;
    lock();
    puts_("bsp ");
    put_dec(lapic_read(0x20) >> 24);
    puts_(" starting aps\n");
    unlock();
    lapic_write(0xf0, lapic_read(0xf0) | 0x100);        /* software-enable the LAPIC */
    lapic_write(0x300, 0x000c4500);                     /* INIT, all excluding self */
    lapic_write(0x300, 0x000c4600 | TRAMPOLINE >> 12);  /* SIPI */
    lapic_write(0x300, 0x000c4600 | TRAMPOLINE >> 12);
    /* "wait=N": give up after N x 10^9 TSC ticks (default 20, long enough for a loaded host) */
    uint64_t limit = (cmdline_arg(si, "wait=") ? parse_dec(cmdline_arg(si, "wait=")) : 20) * 1000000000ull;
    uint64_t t0 = rdtsc();
    while (ap_count + 1 < want && rdtsc() - t0 < limit)
        __asm__ volatile("pause");
    lock();
    puts_("cpus ");
    put_dec(ap_count + 1);
    puts_("\n");
    unlock();
    return ap_count + 1;        /* exit status 2n+1 */
}
