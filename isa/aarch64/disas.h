/* -d in_asm for the aarch64 front-end (capstone). */
#ifndef ISA_AARCH64_DISAS_H
#define ISA_AARCH64_DISAS_H

#include <stdint.h>
#include <stdio.h>

void a64_disas(FILE *f, uint64_t pc, uint32_t size);

#endif
