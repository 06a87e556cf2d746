/* runtime-aarch64: the aarch64 guest as the runner sees it. */
#include <elf.h>
#include <seccomp.h>
#include <string.h>

#include "isa/aarch64/cpu.h"
#include "runtime/runtime.h"

void a64_cpu_loop(struct exec_ctx *ctx) __attribute__((noreturn));

static void a64_cpu_init(void *state, const struct guest_image *img)
{
    struct a64_cpu *cpu = state;
    memset(cpu, 0, sizeof(*cpu));
    cpu->sp = img->sp;
    cpu->pc = img->entry;
    cpu->excl_addr = ~0ull;
    cpu->zf = 1;                /* Z clear */
}

/* AT_HWCAP bits (arch/arm64/include/uapi/asm/hwcap.h) */
enum { A64_HWCAP_FP = 1 << 0, A64_HWCAP_ASIMD = 1 << 1, A64_HWCAP_ATOMICS = 1 << 8,
       A64_HWCAP_CPUID = 1 << 11 };

static const char *const a64_cpu_models[] = { "max", NULL };

const struct runtime_guest runtime_guest = {
    .name = "aarch64",
    .e_machine = EM_AARCH64,
    .seccomp_arch = SCMP_ARCH_AARCH64,
    .desc = &a64_guest,
    .hwcap = A64_HWCAP_FP | A64_HWCAP_ASIMD | A64_HWCAP_ATOMICS | A64_HWCAP_CPUID,
    .et_dyn_base = LOADER_DYN_BASE_AARCH64,
    .cpu_models = a64_cpu_models,
    .cpu_init = a64_cpu_init,
    .cpu_loop = a64_cpu_loop,
};
