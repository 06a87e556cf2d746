/* runtime-riscv64: the riscv64 guest as the runner sees it. */
#include <elf.h>
#include <seccomp.h>
#include <string.h>

#include "isa/riscv64/cpu.h"
#include "runtime/runtime.h"

void rv_cpu_loop(struct exec_ctx *ctx) __attribute__((noreturn));

static void rv_cpu_init(void *state, const struct guest_image *img)
{
    struct rv_cpu *cpu = state;
    memset(cpu, 0, sizeof(*cpu));
    cpu->x[2] = img->sp;
    cpu->pc = img->entry;
    cpu->res_addr = ~0ull;
}

/* AT_HWCAP on riscv is one bit per single-letter extension ('a' = bit 0). */
#define RV_HWCAP(letter) (1ull << ((letter) - 'a'))

static const char *const rv_cpu_models[] = { "rv64", "max", NULL };

static uint64_t rv_hwcap(void)
{
    return RV_HWCAP('i') | RV_HWCAP('m') | RV_HWCAP('a') | RV_HWCAP('f') | RV_HWCAP('d') |
           RV_HWCAP('c');
}

const struct runtime_guest runtime_guest = {
    .name = "riscv64",
    .e_machine = EM_RISCV,
    .seccomp_arch = SCMP_ARCH_RISCV64,
    .desc = &rv_guest,
    .hwcap = rv_hwcap,
    .et_dyn_base = LOADER_DYN_BASE_RISCV64,
    .cpu_models = rv_cpu_models,
    .cpu_init = rv_cpu_init,
    .cpu_loop = rv_cpu_loop,
};
