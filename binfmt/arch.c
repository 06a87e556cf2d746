/*
 * The guests runtime-binfmt knows, and what identifies their programs to
 * binfmt_misc: the ELF header bytes and the handler flags.
 */
#include <elf.h>
#include <stdio.h>
#include <string.h>

#include "binfmt/binfmt.h"

#ifndef EM_RISCV
#define EM_RISCV 243
#endif

const struct binfmt_arch binfmt_arches[] = {
    { "aarch64", EM_AARCH64 },
    { "riscv64", EM_RISCV },
    { NULL, 0 },
};

const struct binfmt_arch *binfmt_arch_find(const char *name)
{
    for (const struct binfmt_arch *a = binfmt_arches; a->name; a++)
        if (!strcmp(a->name, name))
            return a;
    return NULL;
}

int binfmt_arch_list_parse(const char *list, unsigned *set, char *bad, size_t bad_len)
{
    const char *p = list;

    *set = 0;
    if (!strcmp(list, "all")) {
        for (unsigned i = 0; binfmt_arches[i].name; i++)
            *set |= 1u << i;
        return 0;
    }
    for (;;) {
        size_t len = strcspn(p, ",");
        unsigned i;

        for (i = 0; binfmt_arches[i].name; i++)
            if (strlen(binfmt_arches[i].name) == len && !strncmp(binfmt_arches[i].name, p, len))
                break;
        if (!binfmt_arches[i].name) {
            snprintf(bad, bad_len, "%.*s", (int)len, p);
            return -1;
        }
        *set |= 1u << i;
        if (!p[len])
            return 0;
        p += len + 1;
    }
}

/*
 * e_ident: "\x7fELF", ELFCLASS64, ELFDATA2LSB, EV_CURRENT, then EI_OSABI
 * masked out (Linux runs ELFOSABI_GNU and _NONE alike) and the padding
 * matched as zero; e_type 2 (ET_EXEC) with its low bit masked so that 3
 * (ET_DYN, PIE programs and the dynamic linker) matches too; e_machine.
 */
void binfmt_arch_magic(const struct binfmt_arch *a, unsigned char *magic, unsigned char *mask)
{
    memset(magic, 0, BINFMT_MAGIC_LEN);
    memset(mask, 0xff, BINFMT_MAGIC_LEN);
    memcpy(magic, ELFMAG, SELFMAG);
    magic[EI_CLASS] = ELFCLASS64;
    magic[EI_DATA] = ELFDATA2LSB;
    magic[EI_VERSION] = EV_CURRENT;
    mask[EI_OSABI] = 0;
    magic[16] = ET_EXEC;
    mask[16] = 0xfe;
    magic[18] = (unsigned char)(a->e_machine & 0xff);
    magic[19] = (unsigned char)(a->e_machine >> 8);
}

static const struct {
    char letter;
    unsigned bit;
} binfmt_flag_letters[] = {
    { 'P', BINFMT_F_PRESERVE_ARGV0 },
    { 'O', BINFMT_F_OPEN_BINARY },
    { 'C', BINFMT_F_CREDENTIALS },
    { 'F', BINFMT_F_FIX_BINARY },
};

#define N_FLAG_LETTERS (sizeof(binfmt_flag_letters) / sizeof(binfmt_flag_letters[0]))

void binfmt_flags_string(unsigned flags, char *out)
{
    if (flags & BINFMT_F_CREDENTIALS)
        flags |= BINFMT_F_OPEN_BINARY;
    for (size_t i = 0; i < N_FLAG_LETTERS; i++)
        if (flags & binfmt_flag_letters[i].bit)
            *out++ = binfmt_flag_letters[i].letter;
    *out = 0;
}

unsigned binfmt_flags_parse(const char *letters)
{
    unsigned flags = 0;

    for (; *letters; letters++)
        for (size_t i = 0; i < N_FLAG_LETTERS; i++)
            if (*letters == binfmt_flag_letters[i].letter)
                flags |= binfmt_flag_letters[i].bit;
    return flags;
}
