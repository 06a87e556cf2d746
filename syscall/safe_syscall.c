/*
 * Host syscalls that a guest signal cannot slip past.
 *
 * The cpu loop looks at the interrupt flag before it runs a guest syscall,
 * but a signal that arrives after that look and before the host kernel
 * starts a blocking call would wait until the call ends, possibly forever
 * (a read on an idle pipe).  So the blocking calls check the flag again in
 * the instruction right before `syscall`, and the host signal handler moves
 * a thread it finds between that check and the `syscall` instruction to the
 * bail-out path (safe_syscall_fixup).  Either way the call is not made and
 * returns SYSCALL_RESTART: the cpu loop delivers the signal and then runs
 * the guest's syscall instruction again, exactly as if the signal had come
 * just before it.  A signal that arrives once the kernel has the call gets
 * the kernel's own EINTR.  The same scheme as qemu-user's safe_syscall.
 */
#include <stdint.h>
#include <ucontext.h>

#include "syscall/sys.h"
#include "syscall/thread.h"

int64_t safe_syscall_raw(const volatile uint32_t *irq, long nr, uint64_t a0, uint64_t a1,
                         uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);
extern const char safe_syscall_start[], safe_syscall_end[], safe_syscall_bail[];

/* SysV arguments: rdi irq, rsi nr, rdx..r9 a0..a3, stack a4 a5; the kernel
 * wants rax nr, rdi rsi rdx r10 r8 r9.  r11 holds irq: syscall clobbers it,
 * but only after the check. */
__asm__(".text\n"
        ".globl safe_syscall_raw\n"
        ".type safe_syscall_raw, @function\n"
        "safe_syscall_raw:\n"
        "    mov %rdi, %r11\n"
        "    mov %rsi, %rax\n"
        "    mov %rdx, %rdi\n"
        "    mov %rcx, %rsi\n"
        "    mov %r8, %rdx\n"
        "    mov %r9, %r10\n"
        "    mov 8(%rsp), %r8\n"
        "    mov 16(%rsp), %r9\n"
        ".globl safe_syscall_start\n"
        "safe_syscall_start:\n"
        "    cmpl $0, (%r11)\n"
        "    jne safe_syscall_bail\n"
        "    syscall\n"
        ".globl safe_syscall_end\n"
        "safe_syscall_end:\n"
        "    ret\n"
        ".globl safe_syscall_bail\n"
        "safe_syscall_bail:\n"
        "    mov $" SYSCALL_RESTART_STR ", %rax\n"
        "    ret\n"
        ".size safe_syscall_raw, . - safe_syscall_raw\n");

int64_t safe_syscall6(long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                      uint64_t a4, uint64_t a5)
{
    struct sys_thread *t = sys_self;

    if (!t || !t->irq)
        return host_syscall6(nr, a0, a1, a2, a3, a4, a5);
    return safe_syscall_raw(t->irq, nr, a0, a1, a2, a3, a4, a5);
}

void safe_syscall_fixup(void *ucontext)
{
    ucontext_t *u = ucontext;
    uintptr_t pc = (uintptr_t)u->uc_mcontext.gregs[REG_RIP];

    if (pc >= (uintptr_t)safe_syscall_start && pc < (uintptr_t)safe_syscall_end)
        u->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)safe_syscall_bail;
}
