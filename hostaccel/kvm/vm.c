/*
 * KVM: /dev/kvm, the VM, memory slots and the in-kernel irqchip and PIT.
 *
 * Every refusal becomes one line saying what is missing, because "KVM_RUN
 * failed" helps nobody: no /dev/kvm, no permission, or a kernel without a
 * capability this board needs.
 */
#include "hostaccel/kvm/kvm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static const struct {
    int cap;
    const char *name;
} required_caps[] = {
    { KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY" },
    { KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP" },
    { KVM_CAP_PIT2, "KVM_CAP_PIT2" },
    { KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT" },
    { KVM_CAP_MP_STATE, "KVM_CAP_MP_STATE" },
    { KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID" },
    { KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR" },
};

static int kvm_init(struct machine *m, char *err, size_t errlen)
{
    struct kvm_state *s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    m->accel_state = s;
    s->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (s->kvm_fd < 0) {
        if (errno == ENOENT)
            snprintf(err, errlen, "/dev/kvm: no such device (is the kvm module loaded, and does this host "
                     "allow virtualization?)");
        else if (errno == EACCES || errno == EPERM)
            snprintf(err, errlen, "/dev/kvm: permission denied (add the user to the kvm group)");
        else
            snprintf(err, errlen, "/dev/kvm: %s", strerror(errno));
        return -1;
    }
    int api = ioctl(s->kvm_fd, KVM_GET_API_VERSION, 0);
    if (api != KVM_API_VERSION) {
        snprintf(err, errlen, "/dev/kvm: API version %d, this program needs %d", api, KVM_API_VERSION);
        return -1;
    }
    for (size_t i = 0; i < sizeof(required_caps) / sizeof(required_caps[0]); i++) {
        if (ioctl(s->kvm_fd, KVM_CHECK_EXTENSION, required_caps[i].cap) <= 0) {
            snprintf(err, errlen, "/dev/kvm: the host kernel lacks %s", required_caps[i].name);
            return -1;
        }
    }
    s->run_size = ioctl(s->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    s->vm_fd = ioctl(s->kvm_fd, KVM_CREATE_VM, 0);
    if (s->vm_fd < 0 || s->run_size <= 0) {
        snprintf(err, errlen, "/dev/kvm: cannot create a VM: %s", strerror(errno));
        return -1;
    }
    /* the three pages VMX needs for real-mode emulation, in the hole below 4 GiB where no RAM is */
    if (ioctl(s->vm_fd, KVM_SET_TSS_ADDR, 0xfffbd000) < 0 ||
        ioctl(s->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0) {
        snprintf(err, errlen, "/dev/kvm: cannot create the in-kernel irqchip: %s", strerror(errno));
        return -1;
    }
    struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };
    if (ioctl(s->vm_fd, KVM_CREATE_PIT2, &pit) < 0) {
        snprintf(err, errlen, "/dev/kvm: cannot create the in-kernel PIT: %s", strerror(errno));
        return -1;
    }
    for (int i = 0; i < 3; i++) {
        s->chips[i].chip_id = i;    /* PIC master, PIC slave, IOAPIC */
        ioctl(s->vm_fd, KVM_GET_IRQCHIP, &s->chips[i]);
    }
    ioctl(s->vm_fd, KVM_GET_PIT2, &s->pit);

    int n = 256;
    for (;;) {
        s->cpuid = calloc(1, sizeof(*s->cpuid) + n * sizeof(s->cpuid->entries[0]));
        s->cpuid->nent = n;
        if (ioctl(s->kvm_fd, KVM_GET_SUPPORTED_CPUID, s->cpuid) == 0)
            break;
        free(s->cpuid);
        if (errno != E2BIG || n > 4096) {
            snprintf(err, errlen, "/dev/kvm: KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
            return -1;
        }
        n *= 2;
    }
    return 0;
}

static int kvm_map_ram(struct machine *m, struct mem_region *r, char *err, size_t errlen)
{
    struct kvm_state *s = m->accel_state;
    struct kvm_userspace_memory_region slot = {
        .slot = s->next_slot++,
        .guest_phys_addr = r->base,
        .memory_size = r->size,
        .userspace_addr = (uintptr_t)r->host,
    };
    if (ioctl(s->vm_fd, KVM_SET_USER_MEMORY_REGION, &slot) < 0) {
        snprintf(err, errlen, "/dev/kvm: cannot map %s (%llu MiB at 0x%llx): %s", r->name,
                 (unsigned long long)(r->size >> 20), (unsigned long long)r->base, strerror(errno));
        return -1;
    }
    return 0;
}

static void kvm_irq_line(struct machine *m, int irq, int level)
{
    struct kvm_state *s = m->accel_state;
    struct kvm_irq_level l = { .irq = irq, .level = level };
    ioctl(s->vm_fd, KVM_IRQ_LINE, &l);
}

static void kvm_reset(struct machine *m)
{
    struct kvm_state *s = m->accel_state;
    for (int i = 0; i < 3; i++)
        ioctl(s->vm_fd, KVM_SET_IRQCHIP, &s->chips[i]);
    ioctl(s->vm_fd, KVM_SET_PIT2, &s->pit);
}

const struct accel_ops kvm_accel = {
    .name = "kvm",
    .init = kvm_init,
    .map_ram = kvm_map_ram,
    .vcpu_init = kvm_vcpu_init,
    .vcpu_reset = kvm_vcpu_reset,
    .vcpu_run = kvm_vcpu_run,
    .vcpu_kick = kvm_vcpu_kick,
    .vcpu_unkick = kvm_vcpu_unkick,
    .vcpu_registers = kvm_vcpu_registers,
    .vcpu_halted = kvm_vcpu_halted,
    .vcpu_pc = kvm_vcpu_pc,
    .irq_line = kvm_irq_line,
    .reset = kvm_reset,
};
