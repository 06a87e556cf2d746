#include "isa/aarch64/translate.h"
bool a64_trans_fp(struct a64_dc *dc, uint32_t insn)
{
    return false;
}
