/*
 * A 64-bit TSS for the trap stack, an IDT with a #GP gate, and the switch
 * to CPL 3 with iretq (Intel SDM vol. 3A, 6.14 and 7.7).  The way back is
 * a hardware exception: the user code runs hlt, a privileged instruction,
 * and the #GP lands in ring3_trap.  Under KVM's PVM neither int $0x80 (a
 * triple fault: software interrupts are not emulated) nor syscall (it
 * stayed at CPL 3) come back, while exception delivery through the IDT
 * works, as it must for any guest kernel.
 */
#include "ring3.h"

struct tss64 {
    uint32_t reserved0;
    uint64_t rsp0, rsp1, rsp2, reserved1, ist[7], reserved2;
    uint16_t reserved3, iomap;
} __attribute__((packed));

extern uint64_t gdt64_tss[2];
static uint64_t idt[0x81 * 2] __attribute__((aligned(16)));
static struct tss64 tss __attribute__((aligned(16)));
static uint8_t trap_stack[4096] __attribute__((aligned(16)));
static uint8_t user_stack[16384] __attribute__((aligned(16)));

uint64_t ring3_saved_rsp;
uint64_t (*ring3_fn)(uint64_t);
uint64_t ring3_arg;

void ring3_trap(void);
uint64_t ring3_enter(uint64_t user_rsp);

__asm__(
    "   .text\n"
    /* ring3_enter(user_rsp): keep the callee-saved registers, iretq to ring3_user */
    "   .globl ring3_enter\n"
    "ring3_enter:\n"
    "   push %rbp\n"
    "   push %rbx\n"
    "   push %r12\n"
    "   push %r13\n"
    "   push %r14\n"
    "   push %r15\n"
    "   mov %rsp, ring3_saved_rsp\n"
    "   pushq $0x1b\n"          /* ss: user data | 3 */
    "   push %rdi\n"            /* rsp */
    "   pushq $0x2\n"           /* rflags: IF off */
    "   pushq $0x23\n"          /* cs: user code | 3 */
    "   pushq $ring3_user\n"
    "   iretq\n"
    "ring3_user:\n"
    "   mov ring3_arg, %rdi\n"
    "   call *ring3_fn\n"
    "   hlt\n"
    "   ud2\n"
    /* the #GP of hlt at CPL 3; return rax from ring3_enter on the saved kernel stack */
    "   .globl ring3_trap\n"
    "ring3_trap:\n"
    "   mov ring3_saved_rsp, %rsp\n"
    "   pop %r15\n"
    "   pop %r14\n"
    "   pop %r13\n"
    "   pop %r12\n"
    "   pop %rbx\n"
    "   pop %rbp\n"
    "   ret\n");

void ring3_init(void)
{
    uint64_t base = (uint64_t)&tss, limit = sizeof(tss) - 1;
    gdt64_tss[0] = (limit & 0xffff) | (base & 0xffffff) << 16 | (uint64_t)0x89 << 40 |
                   ((limit >> 16) & 0xf) << 48 | (base >> 24 & 0xff) << 56;
    gdt64_tss[1] = base >> 32;
    tss.rsp0 = (uint64_t)(trap_stack + sizeof(trap_stack));
    tss.iomap = sizeof(tss);
    uint64_t h = (uint64_t)ring3_trap;
    idt[13 * 2] = (h & 0xffff) | (uint64_t)0x08 << 16 | (uint64_t)0x8e << 40 | (h >> 16 & 0xffff) << 48;
    idt[13 * 2 + 1] = h >> 32;
    struct { uint16_t limit; uint64_t base; } __attribute__((packed)) i = { sizeof(idt) - 1, (uint64_t)idt };
    __asm__ volatile("lidt %0; mov $0x28, %%ax; ltr %%ax" ::"m"(i) : "eax", "memory");
}

uint64_t ring3_call(uint64_t (*fn)(uint64_t), uint64_t arg)
{
    ring3_fn = fn;
    ring3_arg = arg;
    return ring3_enter((uint64_t)(user_stack + sizeof(user_stack)));
}
