/*
 * The initial process stack, laid out as Linux's create_elf_tables() does
 * (fs/binfmt_elf.c): at the top an 8-byte zero, the AT_EXECFN string, the
 * environment and argument strings; below them AT_PLATFORM and the 16
 * AT_RANDOM bytes; then, from a 16-byte aligned sp upwards: argc, argv[],
 * NULL, envp[], NULL, auxv pairs ending in AT_NULL.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#include "loader/elf_load.h"

#define STACK_DEFAULT (8ull << 20)
#define AUXV_MAX 24

static uint64_t stack_top_for(uint16_t machine)
{
    return machine == EM_AARCH64 ? LOADER_STACK_TOP_AARCH64 : LOADER_STACK_TOP_RISCV64;
}

/* copy s below p; returns the new p (the string's address) */
static uint64_t push_str(uint64_t p, const char *s)
{
    size_t n = strlen(s) + 1;

    p -= n;
    memcpy((void *)(uintptr_t)p, s, n);
    return p;
}

int stack_build(const struct loader_opts *o, const char *path, const struct stack_info *si,
                struct guest_image *img, char *err, size_t errlen)
{
    uint64_t size = o->stack_size ? (o->stack_size + LOADER_PAGE - 1) & ~(LOADER_PAGE - 1)
                                  : STACK_DEFAULT;
    uint64_t top = stack_top_for(o->e_machine), low = top - size - LOADER_PAGE;
    int argc = o->argc, envc = 0;
    uint64_t strings = 0, p, sp, execfn, platform = 0, random, aux[AUXV_MAX * 2];
    uint64_t *w, args, q;
    unsigned na = 0, items;
    unsigned char rnd[16];
    void *m;

    if (o->envp)
        while (o->envp[envc])
            envc++;
    for (int i = 0; i < argc; i++)
        strings += strlen(o->argv[i]) + 1;
    for (int i = 0; i < envc; i++)
        strings += strlen(o->envp[i]) + 1;
    /* like the kernel, refuse more than a quarter of the stack in strings */
    if (strings + (uint64_t)(argc + envc) * 8 > size / 4) {
        snprintf(err, errlen, "%s: %s", path, strerror(E2BIG));
        return -1;
    }
    /* a guard page under the stack, as the kernel's stack_guard_gap gives */
    m = mmap((void *)(uintptr_t)low, top - low, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
    if (m != (void *)(uintptr_t)low) {
        int e = errno;

        if (m != MAP_FAILED)
            munmap(m, top - low);
        snprintf(err, errlen, "%s: cannot map the stack at 0x%llx-0x%llx: %s", path,
                 (unsigned long long)low, (unsigned long long)top,
                 m == MAP_FAILED && e != EEXIST ? strerror(e)
                                               : "overlaps memory the runtime itself uses");
        return -1;
    }
    mprotect(m, LOADER_PAGE, PROT_NONE);
    img->stack_low = low + LOADER_PAGE;
    img->stack_high = top;

    p = top - 8;
    execfn = push_str(p, o->execfn ? o->execfn : path);
    p = execfn;
    /* strings go in reverse so that argv[0] ends lowest, as copy_strings
     * does; then argv and envp strings are contiguous from args */
    for (int i = envc - 1; i >= 0; i--)
        p = push_str(p, o->envp[i]);
    for (int i = argc - 1; i >= 0; i--)
        p = push_str(p, o->argv[i]);
    args = p;
    p &= ~15ull;
    if (o->platform)
        p = platform = push_str(p, o->platform);
    if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
        /* no entropy source: still unpredictable enough for stack canaries */
        for (unsigned i = 0; i < sizeof(rnd); i++)
            rnd[i] = (unsigned char)((uintptr_t)&rnd >> (i % 8) ^ (uint64_t)getpid() * 131 ^ i);
    }
    p -= sizeof(rnd);
    random = p;
    memcpy((void *)(uintptr_t)random, rnd, sizeof(rnd));

#define AUX(t, v) (aux[na++] = (t), aux[na++] = (v))
    AUX(AT_HWCAP, o->hwcap);
    AUX(AT_PAGESZ, LOADER_PAGE);
    AUX(AT_CLKTCK, 100);
    AUX(AT_PHDR, si->phdr);
    AUX(AT_PHENT, sizeof(Elf64_Phdr));
    AUX(AT_PHNUM, si->phnum);
    AUX(AT_BASE, si->base);
    AUX(AT_FLAGS, 0);
    AUX(AT_ENTRY, si->entry);
    AUX(AT_UID, getuid());
    AUX(AT_EUID, geteuid());
    AUX(AT_GID, getgid());
    AUX(AT_EGID, getegid());
    AUX(AT_SECURE, 0);
    AUX(AT_RANDOM, random);
    if (o->hwcap2)
        AUX(AT_HWCAP2, o->hwcap2);
    AUX(AT_EXECFN, execfn);
    if (platform)
        AUX(AT_PLATFORM, platform);
    AUX(AT_NULL, 0);
#undef AUX

    items = (unsigned)(argc + 1) + (unsigned)(envc + 1) + 1;
    sp = p - na * 8;
    sp = (sp - items * 8) & ~15ull;
    w = (uint64_t *)(uintptr_t)sp;
    *w++ = (uint64_t)argc;
    q = args;
    for (int i = 0; i < argc; i++) {
        *w++ = q;
        q += strlen(o->argv[i]) + 1;
    }
    *w++ = 0;
    img->arg_start = args;
    img->arg_end = img->env_start = q;
    for (int i = 0; i < envc; i++) {
        *w++ = q;
        q += strlen(o->envp[i]) + 1;
    }
    *w++ = 0;
    img->env_end = q;
    img->auxv = (uint64_t)(uintptr_t)w;
    memcpy(w, aux, na * 8);
    img->sp = sp;
    return 0;
}
