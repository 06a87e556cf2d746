/*
 * The KVM accelerator for x86-64 guests: VM (vm.c), vCPUs (vcpu.c, cpuid.c,
 * regs.c).  Only struct accel_ops kvm_accel leaves this folder.
 */
#ifndef HOSTACCEL_KVM_H
#define HOSTACCEL_KVM_H

#include "sysemu/machine.h"

#include <linux/kvm.h>

struct kvm_state {
    int kvm_fd, vm_fd;
    int run_size;
    int next_slot;
    struct kvm_cpuid2 *cpuid;       /* KVM_GET_SUPPORTED_CPUID, adjusted per vCPU */
    /* power-on state of the in-kernel irqchip, restored at reset */
    struct kvm_irqchip chips[3];
    struct kvm_pit_state2 pit;
};

struct kvm_vcpu {
    int fd;
    struct kvm_run *run;
    struct kvm_lapic_state lapic0;  /* the LAPIC at creation, restored at reset */
};

extern const struct accel_ops kvm_accel;

int kvm_vcpu_init(struct vcpu *v, char *err, size_t errlen);
int kvm_vcpu_reset(struct vcpu *v);
enum vcpu_exit kvm_vcpu_run(struct vcpu *v);
void kvm_vcpu_kick(struct vcpu *v);
void kvm_vcpu_unkick(struct vcpu *v);
int kvm_vcpu_registers(struct vcpu *v, char *buf, size_t n);
bool kvm_vcpu_halted(struct vcpu *v);
uint64_t kvm_vcpu_pc(struct vcpu *v);
/* CPUID for vCPU v out of the supported table (cpuid.c) */
int kvm_vcpu_set_cpuid(struct vcpu *v, int fd);

#endif
