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

static const char *const a64_cpu_models[] = { "max", NULL };

const struct runtime_guest runtime_guest = {
    .name = "aarch64",
    .e_machine = EM_AARCH64,
    .seccomp_arch = SCMP_ARCH_AARCH64,
    .desc = &a64_guest,
    .hwcap = a64_hwcap,
    .hwcap2 = a64_hwcap2,
    .et_dyn_base = LOADER_DYN_BASE_AARCH64,
    .cpu_models = a64_cpu_models,
    .cpu_init = a64_cpu_init,
    .cpu_loop = a64_cpu_loop,
};
