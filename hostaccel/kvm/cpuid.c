/*
 * CPUID for a vCPU: what KVM_GET_SUPPORTED_CPUID offers, with this vCPU's
 * APIC id, the package size (-smp: one package of single-thread cores) and
 * the hypervisor bit, which guests read to know they run virtualized
 * (Intel SDM vol. 2A, CPUID leaves 01H, 0BH and 1FH).
 */
#include "hostaccel/kvm/kvm.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

int kvm_vcpu_set_cpuid(struct vcpu *v, int fd)
{
    struct kvm_state *s = v->m->accel_state;
    size_t bytes = sizeof(*s->cpuid) + s->cpuid->nent * sizeof(s->cpuid->entries[0]);
    struct kvm_cpuid2 *c = malloc(bytes);
    if (!c)
        return -1;
    memcpy(c, s->cpuid, bytes);
    for (unsigned i = 0; i < c->nent; i++) {
        struct kvm_cpuid_entry2 *e = &c->entries[i];
        switch (e->function) {
        case 1:
            e->ebx = (e->ebx & 0x0000ffff) | (uint32_t)v->index << 24 | (uint32_t)(v->m->smp & 0xff) << 16;
            e->ecx |= 1u << 31;         /* hypervisor present */
            if (v->m->smp > 1)
                e->edx |= 1u << 28;     /* HTT: EBX[23:16] counts logical processors */
            break;
        case 0xb:
        case 0x1f:
            /* one package of -smp cores, one thread each: level 0 SMT (1 thread), level 1 core */
            e->edx = v->index;          /* x2APIC id */
            if (e->index == 0) {
                e->eax = 0;
                e->ebx = 1;
                e->ecx = 1 << 8;
            } else if (e->index == 1) {
                int shift = 0;
                while ((1 << shift) < v->m->smp)
                    shift++;
                e->eax = shift;
                e->ebx = v->m->smp;
                e->ecx = 2 << 8 | 1;
            } else {
                e->eax = e->ebx = 0;
                e->ecx = e->index;
            }
            break;
        }
    }
    int r = ioctl(fd, KVM_SET_CPUID2, c);
    free(c);
    return r;
}
