/*
 * loader_load: the program, its PT_INTERP interpreter (looked up inside
 * the -L sysroot first, then as-is), and the initial stack.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "loader/elf_load.h"

static uint64_t dyn_base_for(const struct loader_opts *o)
{
    if (o->et_dyn_base)
        return o->et_dyn_base & ~(LOADER_PAGE - 1);
    return o->e_machine == EM_AARCH64 ? LOADER_DYN_BASE_AARCH64 : LOADER_DYN_BASE_RISCV64;
}

static uint64_t interp_base_for(const struct loader_opts *o)
{
    return o->e_machine == EM_AARCH64 ? LOADER_INTERP_BASE_AARCH64 : LOADER_INTERP_BASE_RISCV64;
}

static void elf_file_unmap(const struct elf_file *ef)
{
    munmap((void *)(uintptr_t)(ef->lo + ef->bias), ef->hi - ef->lo);
}

/* sysroot + interp if that exists, else interp itself */
static void interp_resolve(const struct loader_opts *o, const char *interp, char *out,
                           size_t n)
{
    if (o->sysroot && o->sysroot[0]) {
        snprintf(out, n, "%s/%s", o->sysroot, interp);
        if (access(out, F_OK) == 0)
            return;
    }
    snprintf(out, n, "%s", interp);
}

int loader_load(const char *path, const struct loader_opts *o, struct guest_image *img,
                char *err, size_t errlen)
{
    static struct elf_file prog, interp;   /* large; loading happens once, at start-up */
    char interp_path[PATH_MAX + 4096];
    struct stack_info si;
    bool has_interp;

    memset(img, 0, sizeof(*img));
    if (o->e_machine != EM_RISCV && o->e_machine != EM_AARCH64) {
        snprintf(err, errlen, "%s: unsupported guest machine %u", path, o->e_machine);
        return -1;
    }
    if (elf_file_open(&prog, path, o->e_machine, err, errlen))
        return -1;
    if (elf_file_map(&prog, dyn_base_for(o), err, errlen))
        goto fail_close;
    has_interp = prog.interp[0] != '\0';
    if (has_interp) {
        interp_resolve(o, prog.interp, interp_path, sizeof(interp_path));
        if (access(interp_path, F_OK) != 0) {
            if (o->sysroot && o->sysroot[0])
                snprintf(err, errlen, "%s: interpreter %s not found in %s nor in /", path,
                         prog.interp, o->sysroot);
            else
                snprintf(err, errlen, "%s: interpreter %s not found (use -L to name the "
                         "guest's sysroot)", path, prog.interp);
            goto fail_unmap;
        }
        if (elf_file_open(&interp, interp_path, o->e_machine, err, errlen))
            goto fail_unmap;
        if (interp.interp[0]) {
            snprintf(err, errlen, "%s: the interpreter itself asks for an interpreter",
                     interp_path);
            elf_file_close(&interp);
            goto fail_unmap;
        }
        if (elf_file_map(&interp, interp_base_for(o), err, errlen)) {
            elf_file_close(&interp);
            goto fail_unmap;
        }
        elf_file_close(&interp);
    }

    img->load_bias = prog.bias;
    img->phdr = elf_file_phdr_addr(&prog);
    img->phnum = prog.phnum;
    img->prog_entry = prog.eh.e_entry + prog.bias;
    img->interp_bias = has_interp ? interp.bias : 0;
    img->entry = has_interp ? interp.eh.e_entry + interp.bias : img->prog_entry;
    img->brk_start = prog.hi + prog.bias;
    img->prog_lo = prog.lo + prog.bias;
    img->prog_hi = prog.hi + prog.bias;
    if (has_interp) {
        img->interp_lo = interp.lo + interp.bias;
        img->interp_hi = interp.hi + interp.bias;
    }
    if (!realpath(path, img->exe_path))
        snprintf(img->exe_path, sizeof(img->exe_path), "%s", path);

    si.phdr = img->phdr;
    si.phnum = img->phnum;
    si.entry = img->prog_entry;
    si.base = img->interp_bias;
    if (stack_build(o, path, &si, img, err, errlen))
        goto fail_unmap_all;
    elf_file_close(&prog);
    return 0;

fail_unmap_all:
    if (has_interp)
        elf_file_unmap(&interp);
fail_unmap:
    elf_file_unmap(&prog);
fail_close:
    elf_file_close(&prog);
    return -1;
}
