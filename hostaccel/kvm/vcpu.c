/*
 * KVM vCPUs: creation, power-on state, the run loop and its exits.
 *
 * The boot processor starts where the board's loader says (m->boot); the
 * others wait in KVM_MP_STATE_UNINITIALIZED until the guest wakes them with
 * INIT and SIPI through the in-kernel LAPIC (Intel SDM vol. 3A, 8.4.4).
 *
 * Kicks: the main loop sets run->immediate_exit and sends SIGUSR1 to the
 * vCPU thread; either KVM_RUN returns EINTR at once or the signal breaks
 * it out, so a stop never waits for the guest's next exit.
 */
#include "hostaccel/kvm/kvm.h"
#include "sysemu/log.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <stdlib.h>
#include <sys/mman.h>

#define MSR_IA32_SYSENTER_CS  0x174
#define MSR_IA32_SYSENTER_ESP 0x175
#define MSR_IA32_SYSENTER_EIP 0x176
#define MSR_IA32_MISC_ENABLE  0x1a0
#define MSR_STAR              0xc0000081
#define MSR_LSTAR             0xc0000082
#define MSR_CSTAR             0xc0000083
#define MSR_SYSCALL_MASK      0xc0000084
#define MSR_KERNEL_GS_BASE    0xc0000102
#define MSR_IA32_TSC          0x10

static void kick_handler(int sig) { }

int kvm_vcpu_init(struct vcpu *v, char *err, size_t errlen)
{
    static bool handler;
    if (!handler) {
        /* no SA_RESTART: the signal must end KVM_RUN with EINTR */
        struct sigaction sa = { .sa_handler = kick_handler };
        sigaction(SIGUSR1, &sa, NULL);
        handler = true;
    }
    struct kvm_state *s = v->m->accel_state;
    struct kvm_vcpu *k = calloc(1, sizeof(*k));
    v->accel = k;
    k->fd = ioctl(s->vm_fd, KVM_CREATE_VCPU, v->index);
    if (k->fd < 0) {
        snprintf(err, errlen, "/dev/kvm: cannot create vCPU %d: %s", v->index, strerror(errno));
        return -1;
    }
    k->run = mmap(NULL, s->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, k->fd, 0);
    if (k->run == MAP_FAILED) {
        snprintf(err, errlen, "/dev/kvm: cannot map vCPU %d's run area: %s", v->index, strerror(errno));
        return -1;
    }
    if (kvm_vcpu_set_cpuid(v, k->fd) < 0) {
        snprintf(err, errlen, "/dev/kvm: vCPU %d: KVM_SET_CPUID2: %s", v->index, strerror(errno));
        return -1;
    }
    ioctl(k->fd, KVM_GET_LAPIC, &k->lapic0);
    return 0;
}

static void set_msrs(struct kvm_vcpu *k)
{
    static const uint32_t zeroed[] = {
        MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP, MSR_STAR, MSR_LSTAR,
        MSR_CSTAR, MSR_SYSCALL_MASK, MSR_KERNEL_GS_BASE, MSR_IA32_TSC,
    };
    struct {
        struct kvm_msrs h;
        struct kvm_msr_entry e[16];
    } msrs = { 0 };
    int n = 0;
    for (size_t i = 0; i < sizeof(zeroed) / sizeof(zeroed[0]); i++)
        msrs.e[n++] = (struct kvm_msr_entry){ .index = zeroed[i] };
    msrs.e[n++] = (struct kvm_msr_entry){ .index = MSR_IA32_MISC_ENABLE, .data = 1 };   /* fast strings */
    msrs.h.nmsrs = n;
    /* KVM_SET_MSRS stops at the first MSR the host refuses; the rest keep KVM's reset values */
    ioctl(k->fd, KVM_SET_MSRS, &msrs);
}

static struct kvm_segment flat_seg(uint16_t sel, uint8_t type, bool long64)
{
    return (struct kvm_segment){
        .base = 0, .limit = 0xffffffff, .selector = sel, .type = type, .present = 1,
        .dpl = 0, .db = !long64 || type < 8, .s = 1, .l = long64 && type >= 8, .g = 1,
    };
}

int kvm_vcpu_reset(struct vcpu *v)
{
    struct kvm_vcpu *k = v->accel;
    struct machine *m = v->m;
    ioctl(k->fd, KVM_SET_LAPIC, &k->lapic0);
    set_msrs(k);
    struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_UNINITIALIZED };
    if (v->index != 0 || m->boot.mode == X86_BOOT_NONE)
        return ioctl(k->fd, KVM_SET_MP_STATE, &mp);

    struct kvm_sregs sr;
    if (ioctl(k->fd, KVM_GET_SREGS, &sr) < 0)
        return -1;
    bool l64 = m->boot.mode == X86_BOOT_LONG64;
    sr.cs = flat_seg(0x10, 0xb, l64);
    sr.ds = sr.es = sr.fs = sr.gs = sr.ss = flat_seg(0x18, 0x3, l64);
    sr.tr = (struct kvm_segment){ .limit = 0x67, .type = 0xb, .present = 1 };
    sr.gdt.base = m->boot.gdt_base;
    sr.gdt.limit = m->boot.gdt_limit;
    sr.idt.base = 0;
    sr.idt.limit = 0;
    sr.cr0 = 0x11;                              /* PE, ET */
    sr.cr4 = 0;
    sr.efer = 0;
    if (l64) {
        sr.cr0 |= 0x80050022;                   /* PG, AM, WP, NE, MP */
        sr.cr3 = m->boot.cr3;
        sr.cr4 = 0x20;                          /* PAE */
        sr.efer = 0x500;                        /* LME, LMA */
    }
    struct kvm_regs r = {
        .rip = m->boot.rip, .rbx = m->boot.rbx, .rsi = m->boot.rsi, .rsp = m->boot.rsp, .rflags = 2,
    };
    mp.mp_state = KVM_MP_STATE_RUNNABLE;
    if (ioctl(k->fd, KVM_SET_SREGS, &sr) < 0 || ioctl(k->fd, KVM_SET_REGS, &r) < 0 ||
        ioctl(k->fd, KVM_SET_MP_STATE, &mp) < 0)
        return -1;
    return 0;
}

void kvm_vcpu_kick(struct vcpu *v)
{
    struct kvm_vcpu *k = v->accel;
    if (!k)
        return;
    __atomic_store_n(&k->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
    if (v->thread)
        pthread_kill(v->thread, SIGUSR1);
}

void kvm_vcpu_unkick(struct vcpu *v)
{
    struct kvm_vcpu *k = v->accel;
    __atomic_store_n(&k->run->immediate_exit, 0, __ATOMIC_SEQ_CST);
}

static void do_io(struct machine *m, struct kvm_run *run)
{
    uint8_t *data = (uint8_t *)run + run->io.data_offset;
    for (uint32_t i = 0; i < run->io.count; i++, data += run->io.size) {
        if (run->io.direction == KVM_EXIT_IO_OUT)
            as_write(&m->io, run->io.port, data, run->io.size);
        else
            as_read(&m->io, run->io.port, data, run->io.size);
    }
}

/* one KVM_RUN and its exit: VCPU_CONTINUE with *again when the guest can simply go on */
static enum vcpu_exit run_once(struct vcpu *v, bool *again)
{
    struct kvm_vcpu *k = v->accel;
    struct kvm_run *run = k->run;
    struct machine *m = v->m;
    *again = false;
    if (ioctl(k->fd, KVM_RUN, 0) < 0) {
        if (errno == EINTR || errno == EAGAIN)
            return VCPU_CONTINUE;
        fprintf(stderr, "runtime-system: vCPU %d: KVM_RUN: %s\n", v->index, strerror(errno));
        return VCPU_ERROR;
    }
    switch (run->exit_reason) {
    case KVM_EXIT_IO:
        do_io(m, run);
        *again = true;
        return VCPU_CONTINUE;
    case KVM_EXIT_MMIO:
        if (run->mmio.is_write)
            as_write(&m->mem, run->mmio.phys_addr, run->mmio.data, run->mmio.len);
        else
            as_read(&m->mem, run->mmio.phys_addr, run->mmio.data, run->mmio.len);
        *again = true;
        return VCPU_CONTINUE;
    case KVM_EXIT_HLT:
    case KVM_EXIT_INTR:
        return VCPU_CONTINUE;
    case KVM_EXIT_SHUTDOWN:
        /* a triple fault: a PC resets */
        if (sysemu_log_mask & LOG_GUEST_ERRORS) {
            char regs[2048];
            kvm_vcpu_registers(v, regs, sizeof(regs));
            sysemu_log(LOG_GUEST_ERRORS, "vCPU %d: triple fault, resetting\n%s", v->index, regs);
        }
        return VCPU_RESET;
    case KVM_EXIT_SYSTEM_EVENT:
        switch (run->system_event.type) {
        case KVM_SYSTEM_EVENT_SHUTDOWN:
            return VCPU_SHUTDOWN;
        case KVM_SYSTEM_EVENT_RESET:
            return VCPU_RESET;
        default:
            fprintf(stderr, "runtime-system: vCPU %d: the guest crashed (KVM system event %u)\n",
                    v->index, run->system_event.type);
            return VCPU_ERROR;
        }
    case KVM_EXIT_INTERNAL_ERROR:
        fprintf(stderr, "runtime-system: vCPU %d: KVM internal error, suberror %u (%s) at rip 0x%" PRIx64 "\n",
                v->index, run->internal.suberror,
                run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION ? "an instruction KVM cannot emulate" :
                run->internal.suberror == KVM_INTERNAL_ERROR_SIMUL_EX ? "an exception while delivering one" :
                "see linux/kvm.h", kvm_vcpu_pc(v));
        return VCPU_ERROR;
    case KVM_EXIT_FAIL_ENTRY:
        fprintf(stderr, "runtime-system: vCPU %d: the CPU refused to enter the guest (reason 0x%llx)\n",
                v->index, (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
        return VCPU_ERROR;
    default:
        fprintf(stderr, "runtime-system: vCPU %d: unhandled KVM exit %u at rip 0x%" PRIx64 "\n",
                v->index, run->exit_reason, kvm_vcpu_pc(v));
        return VCPU_ERROR;
    }
}

enum vcpu_exit kvm_vcpu_run(struct vcpu *v)
{
    /* device exits go straight back into the guest; a kick shows as EINTR (immediate_exit stays set
       until the machine loop clears it), a guest request as m->held */
    for (;;) {
        bool again;
        enum vcpu_exit e = run_once(v, &again);
        if (!again || __atomic_load_n(&v->m->held, __ATOMIC_SEQ_CST))
            return e;
    }
}

bool kvm_vcpu_halted(struct vcpu *v)
{
    struct kvm_vcpu *k = v->accel;
    struct kvm_mp_state mp;
    return ioctl(k->fd, KVM_GET_MP_STATE, &mp) == 0 && mp.mp_state != KVM_MP_STATE_RUNNABLE;
}

uint64_t kvm_vcpu_pc(struct vcpu *v)
{
    struct kvm_vcpu *k = v->accel;
    struct kvm_regs r;
    return ioctl(k->fd, KVM_GET_REGS, &r) == 0 ? r.rip : 0;
}
