/*
 * `info registers` for a KVM vCPU, in the layout of QEMU's x86 dump so
 * that people and scripts used to it find the fields where they expect.
 */
#include "hostaccel/kvm/kvm.h"

#include <stdarg.h>
#include <stdio.h>
#include <sys/ioctl.h>

struct out {
    char *buf;
    size_t n, len;
};

__attribute__((format(printf, 2, 3)))
static void put(struct out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(o->buf + o->len, o->len < o->n ? o->n - o->len : 0, fmt, ap);
    va_end(ap);
    if (w > 0)
        o->len += w;
}

static void seg(struct out *o, const char *name, const struct kvm_segment *s)
{
    unsigned flags = s->type << 8 | s->s << 12 | s->dpl << 13 | s->present << 15 | s->avl << 20 |
                     s->l << 21 | s->db << 22 | s->g << 23;
    put(o, "%-3s=%04x %016llx %08x %08x\n", name, s->selector, (unsigned long long)s->base, s->limit, flags);
}

int kvm_vcpu_registers(struct vcpu *v, char *buf, size_t n)
{
    struct kvm_vcpu *k = v->accel;
    struct kvm_regs r;
    struct kvm_sregs s;
    struct kvm_mp_state mp = { 0 };
    if (!k || n == 0 || ioctl(k->fd, KVM_GET_REGS, &r) < 0 || ioctl(k->fd, KVM_GET_SREGS, &s) < 0)
        return -1;
    ioctl(k->fd, KVM_GET_MP_STATE, &mp);
    struct out o = { buf, n, 0 };
    buf[0] = 0;
    put(&o, "RAX=%016llx RBX=%016llx RCX=%016llx RDX=%016llx\n", r.rax, r.rbx, r.rcx, r.rdx);
    put(&o, "RSI=%016llx RDI=%016llx RBP=%016llx RSP=%016llx\n", r.rsi, r.rdi, r.rbp, r.rsp);
    put(&o, "R8 =%016llx R9 =%016llx R10=%016llx R11=%016llx\n", r.r8, r.r9, r.r10, r.r11);
    put(&o, "R12=%016llx R13=%016llx R14=%016llx R15=%016llx\n", r.r12, r.r13, r.r14, r.r15);
    put(&o, "RIP=%016llx RFL=%08llx [%c%c%c%c%c] CPL=%d II=0 A20=1 SMM=0 HLT=%d\n", r.rip, r.rflags,
        r.rflags & 0x800 ? 'O' : '-', r.rflags & 0x80 ? 'S' : '-', r.rflags & 0x40 ? 'Z' : '-',
        r.rflags & 0x4 ? 'P' : '-', r.rflags & 0x1 ? 'C' : '-', s.cs.dpl,
        mp.mp_state == KVM_MP_STATE_HALTED);
    seg(&o, "ES", &s.es);
    seg(&o, "CS", &s.cs);
    seg(&o, "SS", &s.ss);
    seg(&o, "DS", &s.ds);
    seg(&o, "FS", &s.fs);
    seg(&o, "GS", &s.gs);
    seg(&o, "LDT", &s.ldt);
    seg(&o, "TR", &s.tr);
    put(&o, "GDT=     %016llx %08x\n", s.gdt.base, s.gdt.limit);
    put(&o, "IDT=     %016llx %08x\n", s.idt.base, s.idt.limit);
    put(&o, "CR0=%08llx CR2=%016llx CR3=%016llx CR4=%08llx\n", s.cr0, s.cr2, s.cr3, s.cr4);
    put(&o, "EFER=%016llx\n", s.efer);
    return o.len < n ? (int)o.len : (int)n - 1;
}
