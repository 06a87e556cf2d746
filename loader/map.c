/*
 * Mapping one validated ELF image: the whole span is reserved first with
 * MAP_FIXED_NOREPLACE (so the runner's own memory is never overwritten),
 * then each PT_LOAD is mapped from the file at its page-aligned address,
 * its bss zeroed, and the gaps between segments given back, as the
 * kernel's binfmt_elf does.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "loader/elf_load.h"

#define PAGE_DOWN(x) ((x) & ~(LOADER_PAGE - 1))
#define PAGE_UP(x) (((x) + LOADER_PAGE - 1) & ~(LOADER_PAGE - 1))

static int seg_prot(uint32_t flags)
{
    int prot = 0;

    if (flags & PF_R)
        prot |= PROT_READ;
    if (flags & PF_W)
        prot |= PROT_WRITE;
    if (flags & PF_X)
        prot |= PROT_EXEC | PROT_READ;      /* the translator reads code */
    return prot;
}

static int map_segment(const struct elf_file *ef, const GElf_Phdr *p, char *err, size_t errlen)
{
    uint64_t vaddr = p->p_vaddr + ef->bias;
    uint64_t start = PAGE_DOWN(vaddr);
    uint64_t file_end = vaddr + p->p_filesz;        /* end of file-backed bytes */
    uint64_t mem_end = PAGE_UP(vaddr + p->p_memsz);
    int prot = seg_prot(p->p_flags);

    if (p->p_filesz) {
        uint64_t len = PAGE_UP(file_end) - start;
        void *m = mmap((void *)(uintptr_t)start, len, prot, MAP_PRIVATE | MAP_FIXED, ef->fd,
                       (off_t)PAGE_DOWN(p->p_offset));

        if (m == MAP_FAILED) {
            snprintf(err, errlen, "%s: cannot map segment at 0x%llx: %s", ef->path,
                     (unsigned long long)start, strerror(errno));
            return -1;
        }
        /* the tail of the last file page belongs to the bss: zero it */
        if (p->p_memsz > p->p_filesz && (file_end & (LOADER_PAGE - 1))) {
            uint64_t page = PAGE_DOWN(file_end);

            if (!(prot & PROT_WRITE))
                mprotect((void *)(uintptr_t)page, LOADER_PAGE, prot | PROT_WRITE);
            memset((void *)(uintptr_t)file_end, 0, PAGE_UP(file_end) - file_end);
            if (!(prot & PROT_WRITE))
                mprotect((void *)(uintptr_t)page, LOADER_PAGE, prot);
        }
        start = PAGE_UP(file_end);
    }
    if (mem_end > start) {
        void *m = mmap((void *)(uintptr_t)start, mem_end - start, prot,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

        if (m == MAP_FAILED) {
            snprintf(err, errlen, "%s: cannot map bss at 0x%llx: %s", ef->path,
                     (unsigned long long)start, strerror(errno));
            return -1;
        }
    }
    return 0;
}

int elf_file_map(struct elf_file *ef, uint64_t base, char *err, size_t errlen)
{
    uint64_t span = ef->hi - ef->lo, lo, prev_end;
    void *r;

    ef->bias = ef->eh.e_type == ET_DYN ? base - ef->lo : 0;
    lo = ef->lo + ef->bias;
    if (lo + span < lo || lo + span > (1ull << 47)) {
        snprintf(err, errlen, "%s: address range 0x%llx-0x%llx is outside the user address "
                 "space", ef->path, (unsigned long long)lo, (unsigned long long)(lo + span));
        return -1;
    }
    if (lo < 0x10000) {
        /* vm.mmap_min_addr: the host refuses page 0 and its neighbours */
        snprintf(err, errlen, "%s: segment address 0x%llx is below the host's lowest "
                 "mappable address (0x10000)", ef->path, (unsigned long long)lo);
        return -1;
    }
    r = mmap((void *)(uintptr_t)lo, span, PROT_NONE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
    if (r == MAP_FAILED || r != (void *)(uintptr_t)lo) {
        int e = errno;

        if (r != MAP_FAILED)
            munmap(r, span);    /* kernel without MAP_FIXED_NOREPLACE: it was a hint */
        snprintf(err, errlen, "%s: address range 0x%llx-0x%llx %s", ef->path,
                 (unsigned long long)lo, (unsigned long long)(lo + span),
                 r == MAP_FAILED && e != EEXIST ? strerror(e)
                                               : "overlaps memory the runtime itself uses");
        return -1;
    }
    prev_end = lo;
    for (size_t i = 0; i < ef->phnum; i++) {
        const GElf_Phdr *p = &ef->ph[i];
        uint64_t s;

        if (p->p_type != PT_LOAD || p->p_memsz == 0)
            continue;
        if (map_segment(ef, p, err, errlen)) {
            munmap((void *)(uintptr_t)lo, span);
            return -1;
        }
        /* give back the reservation between segments */
        s = PAGE_DOWN(p->p_vaddr + ef->bias);
        if (s > prev_end)
            munmap((void *)(uintptr_t)prev_end, s - prev_end);
        prev_end = PAGE_UP(p->p_vaddr + ef->bias + p->p_memsz);
    }
    return 0;
}
