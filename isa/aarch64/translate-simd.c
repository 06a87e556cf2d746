/*
 * A64 Advanced SIMD (Arm ARM C4.1.96 ff.) and SIMD structure loads/stores.
 * Not implemented yet: every encoding is reported unallocated (SIGILL).
 */
#include "isa/aarch64/translate.h"

bool a64_trans_simd(struct a64_dc *dc, uint32_t insn)
{
    return false;
}
