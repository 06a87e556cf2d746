/*
 * What a runner command needs to know of its guest.  Each runtime-<arch>
 * links runtime/main.c with one runtime/guest-<arch>.c defining runtime_guest.
 */
#ifndef RUNTIME_RUNTIME_H
#define RUNTIME_RUNTIME_H

#include <stdint.h>

#include "loader/loader.h"
#include "translate/exec.h"

struct runtime_guest {
    const char *name;                   /* "riscv64": runtime-<name>, uname -m */
    uint16_t e_machine;
    uint32_t seccomp_arch;
    const struct guest_desc *desc;
    /* AT_HWCAP, AT_HWCAP2: from the front-end, which knows what it implements */
    uint64_t (*hwcap)(void);
    uint64_t (*hwcap2)(void);
    const char *platform;               /* AT_PLATFORM, or NULL */
    uint64_t et_dyn_base;
    const char *const *cpu_models;      /* -cpu names, NULL-terminated; [0] is the default */
    /* set the registers a fresh process starts with */
    void (*cpu_init)(void *state, const struct guest_image *img);
    /* run the guest until it exits the process */
    void (*cpu_loop)(struct exec_ctx *ctx) __attribute__((noreturn));
};

extern const struct runtime_guest runtime_guest;

#endif
