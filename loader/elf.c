/*
 * Reading and checking one ELF file: identification, headers (through
 * libelf), program headers, PT_INTERP.  Everything a user can get wrong
 * ends in one "PATH: reason" line, before anything is mapped.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader/elf_load.h"

#define SEG_MAX (1ull << 40)    /* 1 TiB: more is a corrupt file, not a program */

const char *elf_machine_name(unsigned machine)
{
    switch (machine) {
    case EM_X86_64: return "x86-64";
    case EM_386: return "i386";
    case EM_AARCH64: return "aarch64";
    case EM_ARM: return "arm";
    case EM_RISCV: return "riscv64";
    case EM_PPC64: return "ppc64";
    case EM_PPC: return "ppc";
    case EM_S390: return "s390x";
    case EM_MIPS: return "mips";
    case EM_SPARCV9: return "sparc64";
#ifdef EM_LOONGARCH
    case EM_LOONGARCH: return "loongarch64";
#endif
    default: return NULL;
    }
}

static int fail(char *err, size_t errlen, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, const char *path, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(err, errlen, "%s: ", path);

    if (n >= 0 && (size_t)n < errlen) {
        va_start(ap, fmt);
        vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int check_ident(const struct elf_file *ef, const unsigned char *id, uint16_t machine,
                       uint16_t file_machine, char *err, size_t errlen)
{
    const char *want = elf_machine_name(machine), *have = elf_machine_name(file_machine);

    if (id[EI_CLASS] != ELFCLASS64) {
        if (id[EI_CLASS] == ELFCLASS32)
            return fail(err, errlen, ef->path, "is a 32-bit ELF, not %s", want);
        return fail(err, errlen, ef->path, "invalid ELF class %u", id[EI_CLASS]);
    }
    if (id[EI_DATA] != ELFDATA2LSB)
        return fail(err, errlen, ef->path, "is a big-endian ELF, not %s", want);
    if (id[EI_VERSION] != EV_CURRENT)
        return fail(err, errlen, ef->path, "unknown ELF version %u", id[EI_VERSION]);
    if (file_machine != machine) {
        if (have)
            return fail(err, errlen, ef->path, "is an ELF for %s, not %s", have, want);
        return fail(err, errlen, ef->path, "is an ELF for machine %u, not %s", file_machine,
                    want);
    }
    return 0;
}

static int check_segments(struct elf_file *ef, char *err, size_t errlen)
{
    uint64_t prev_end = 0;
    size_t nload = 0;

    ef->lo = UINT64_MAX;
    ef->hi = 0;
    for (size_t i = 0; i < ef->phnum; i++) {
        const GElf_Phdr *p = &ef->ph[i];
        uint64_t start, end;

        if (p->p_type == PT_INTERP) {
            if (p->p_filesz < 2 || p->p_filesz > sizeof(ef->interp) ||
                p->p_offset > ef->size || p->p_filesz > ef->size - p->p_offset)
                return fail(err, errlen, ef->path, "bad PT_INTERP");
            if (pread(ef->fd, ef->interp, p->p_filesz, (off_t)p->p_offset) !=
                (ssize_t)p->p_filesz)
                return fail(err, errlen, ef->path, "cannot read PT_INTERP");
            if (ef->interp[p->p_filesz - 1] != '\0' || strlen(ef->interp) == 0)
                return fail(err, errlen, ef->path, "PT_INTERP is not a path");
            continue;
        }
        if (p->p_type != PT_LOAD || p->p_memsz == 0)
            continue;
        if (p->p_filesz > p->p_memsz)
            return fail(err, errlen, ef->path,
                        "segment %zu: file size 0x%llx larger than memory size 0x%llx", i,
                        (unsigned long long)p->p_filesz, (unsigned long long)p->p_memsz);
        if (p->p_memsz > SEG_MAX || p->p_vaddr + p->p_memsz < p->p_vaddr ||
            p->p_vaddr + p->p_memsz > UINT64_MAX - LOADER_PAGE)
            return fail(err, errlen, ef->path, "segment %zu: absurd size 0x%llx at 0x%llx", i,
                        (unsigned long long)p->p_memsz, (unsigned long long)p->p_vaddr);
        if (p->p_offset > ef->size || p->p_filesz > ef->size - p->p_offset)
            return fail(err, errlen, ef->path,
                        "segment %zu: file range 0x%llx+0x%llx is past the end of the file "
                        "(0x%llx bytes)", i, (unsigned long long)p->p_offset,
                        (unsigned long long)p->p_filesz, (unsigned long long)ef->size);
        if ((p->p_vaddr - p->p_offset) % LOADER_PAGE)
            return fail(err, errlen, ef->path,
                        "segment %zu: address 0x%llx and file offset 0x%llx are not "
                        "congruent modulo the page size", i, (unsigned long long)p->p_vaddr,
                        (unsigned long long)p->p_offset);
        start = p->p_vaddr;
        end = p->p_vaddr + p->p_memsz;
        /* the kernel requires PT_LOADs in ascending order; they may share a
         * page at their boundary but not bytes */
        if (nload && start < prev_end)
            return fail(err, errlen, ef->path,
                        "segment %zu (0x%llx-0x%llx) overlaps the previous one", i,
                        (unsigned long long)start, (unsigned long long)end);
        prev_end = end;
        if ((start & ~(LOADER_PAGE - 1)) < ef->lo)
            ef->lo = start & ~(LOADER_PAGE - 1);
        if (end > ef->hi)
            ef->hi = end;
        nload++;
    }
    if (!nload)
        return fail(err, errlen, ef->path, "no loadable segment (PT_LOAD)");
    ef->hi = (ef->hi + LOADER_PAGE - 1) & ~(LOADER_PAGE - 1);
    if (ef->hi - ef->lo > SEG_MAX)
        return fail(err, errlen, ef->path, "segments span 0x%llx bytes (more than 1 TiB)",
                    (unsigned long long)(ef->hi - ef->lo));
    return 0;
}

int elf_file_open(struct elf_file *ef, const char *path, uint16_t machine, char *err,
                  size_t errlen)
{
    unsigned char id[EI_NIDENT];
    Elf64_Ehdr raw;
    struct stat st;
    Elf *e = NULL;
    size_t phnum;

    memset(ef, 0, sizeof(*ef));
    ef->path = path;
    ef->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (ef->fd < 0)
        return fail(err, errlen, path, "%s", strerror(errno));
    if (fstat(ef->fd, &st) < 0) {
        fail(err, errlen, path, "%s", strerror(errno));
        goto bad;
    }
    if (S_ISDIR(st.st_mode)) {
        fail(err, errlen, path, "is a directory");
        goto bad;
    }
    if (!S_ISREG(st.st_mode)) {
        fail(err, errlen, path, "is not a regular file");
        goto bad;
    }
    ef->size = (uint64_t)st.st_size;
    if (ef->size < EI_NIDENT || pread(ef->fd, id, EI_NIDENT, 0) != EI_NIDENT ||
        memcmp(id, ELFMAG, SELFMAG)) {
        fail(err, errlen, path, "not an ELF file");
        goto bad;
    }
    if (id[EI_CLASS] == ELFCLASS64 && ef->size < sizeof(raw)) {
        fail(err, errlen, path, "truncated ELF header (%llu bytes)",
             (unsigned long long)ef->size);
        goto bad;
    }
    /* e_machine sits at the same offset for both classes and is read
     * raw so that a wrong-class file still names its machine */
    memset(&raw, 0, sizeof(raw));
    if (pread(ef->fd, &raw, sizeof(raw), 0) < 20) {
        fail(err, errlen, path, "truncated ELF header");
        goto bad;
    }
    if (check_ident(ef, id, machine, id[EI_DATA] == ELFDATA2LSB ? raw.e_machine :
                    (uint16_t)__builtin_bswap16(raw.e_machine), err, errlen))
        goto bad;

    elf_version(EV_CURRENT);
    e = elf_begin(ef->fd, ELF_C_READ, NULL);
    if (!e || elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &ef->eh)) {
        fail(err, errlen, path, "bad ELF header: %s", elf_errmsg(-1));
        goto bad;
    }
    if (ef->eh.e_type != ET_EXEC && ef->eh.e_type != ET_DYN) {
        fail(err, errlen, path, "is not an executable (ELF type %u)", ef->eh.e_type);
        goto bad;
    }
    if (ef->eh.e_phentsize != sizeof(Elf64_Phdr)) {
        fail(err, errlen, path, "bad program header size %u", ef->eh.e_phentsize);
        goto bad;
    }
    if (elf_getphdrnum(e, &phnum) != 0) {
        fail(err, errlen, path, "bad program header count: %s", elf_errmsg(-1));
        goto bad;
    }
    /* libelf may quietly shorten a truncated table: count from the header */
    if (raw.e_phnum != PN_XNUM)
        phnum = raw.e_phnum;
    if (phnum == 0 || phnum > LOADER_MAX_PHNUM) {
        fail(err, errlen, path, "%zu program headers", phnum);
        goto bad;
    }
    if (ef->eh.e_phoff > ef->size || phnum * sizeof(Elf64_Phdr) > ef->size - ef->eh.e_phoff) {
        fail(err, errlen, path, "program headers past the end of the file");
        goto bad;
    }
    for (size_t i = 0; i < phnum; i++) {
        if (!gelf_getphdr(e, (int)i, &ef->ph[i])) {
            fail(err, errlen, path, "bad program header %zu: %s", i, elf_errmsg(-1));
            goto bad;
        }
    }
    ef->phnum = phnum;
    elf_end(e);
    e = NULL;
    if (check_segments(ef, err, errlen))
        goto bad;
    return 0;
bad:
    if (e)
        elf_end(e);
    elf_file_close(ef);
    return -1;
}

void elf_file_close(struct elf_file *ef)
{
    if (ef->fd >= 0)
        close(ef->fd);
    ef->fd = -1;
}

uint64_t elf_file_phdr_addr(const struct elf_file *ef)
{
    for (size_t i = 0; i < ef->phnum; i++)
        if (ef->ph[i].p_type == PT_PHDR)
            return ef->ph[i].p_vaddr + ef->bias;
    /* no PT_PHDR: find the PT_LOAD that maps e_phoff */
    for (size_t i = 0; i < ef->phnum; i++) {
        const GElf_Phdr *p = &ef->ph[i];

        if (p->p_type == PT_LOAD && ef->eh.e_phoff >= p->p_offset &&
            ef->eh.e_phoff - p->p_offset < p->p_filesz)
            return p->p_vaddr + (ef->eh.e_phoff - p->p_offset) + ef->bias;
    }
    return 0;
}
