/* Internal to loader/: one parsed and validated ELF file, and the stack builder. */
#ifndef LOADER_ELF_LOAD_H
#define LOADER_ELF_LOAD_H

#include <gelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loader/loader.h"

#define LOADER_PAGE 4096ull
#define LOADER_MAX_PHNUM 256

struct elf_file {
    const char *path;
    int fd;
    uint64_t size;              /* file size */
    GElf_Ehdr eh;
    GElf_Phdr ph[LOADER_MAX_PHNUM];
    size_t phnum;
    uint64_t lo, hi;            /* page-aligned span of the PT_LOADs (unbiased) */
    char interp[4096];          /* PT_INTERP path, "" if none */
    uint64_t bias;              /* set when mapped */
};

/* Open and validate; 0, or -1 with err "PATH: reason". */
int elf_file_open(struct elf_file *ef, const char *path, uint16_t machine, char *err,
                  size_t errlen);
void elf_file_close(struct elf_file *ef);
/* Map at bias (ET_EXEC: 0); 0 or -1 with err; nothing stays mapped on error. */
int elf_file_map(struct elf_file *ef, uint64_t base, char *err, size_t errlen);
/* guest address of the program headers once mapped (AT_PHDR) */
uint64_t elf_file_phdr_addr(const struct elf_file *ef);

struct stack_info {
    uint64_t phdr, phnum, entry, base;
};
/* Build the initial stack; 0 or -1 with err. */
int stack_build(const struct loader_opts *o, const char *path, const struct stack_info *si,
                struct guest_image *img, char *err, size_t errlen);

const char *elf_machine_name(unsigned machine);

#endif
