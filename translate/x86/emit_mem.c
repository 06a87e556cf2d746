/*
 * Encoders that touch memory: loads with zero/sign extension, stores of
 * registers and immediates, lea, and the locked read-modify-write forms used
 * for guest atomics.
 */
#include "emit.h"

static unsigned wbit(bool w64)
{
    return w64 ? X86_P_W : 0;
}

void x86_load(struct x86_buf *b, enum x86_load k, bool w64, int dst, struct x86_mem m)
{
    switch (k) {
    case X86_LD8U:
        x86_op_rm(b, 0xb6 | X86_P_0F, dst, m);
        break;
    case X86_LD8S:
        x86_op_rm(b, 0xbe | X86_P_0F | wbit(w64), dst, m);
        break;
    case X86_LD16U:
        x86_op_rm(b, 0xb7 | X86_P_0F, dst, m);
        break;
    case X86_LD16S:
        x86_op_rm(b, 0xbf | X86_P_0F | wbit(w64), dst, m);
        break;
    case X86_LD32:
        x86_op_rm(b, 0x8b, dst, m);
        break;
    case X86_LD32S:
        x86_op_rm(b, w64 ? 0x63 | X86_P_W : 0x8b, dst, m);
        break;
    case X86_LD64:
        x86_op_rm(b, 0x8b | wbit(w64), dst, m);
        break;
    }
}

void x86_store(struct x86_buf *b, enum x86_size s, int src, struct x86_mem m)
{
    x86_op_rm(b, x86_size_opc(s, 0x88), src, m);
}

void x86_store_imm(struct x86_buf *b, enum x86_size s, int32_t imm, struct x86_mem m)
{
    x86_op_rm(b, x86_size_opc(s, 0xc6), 0, m);
    if (s == X86_S8) {
        x86_byte(b, (uint8_t)imm);
    } else if (s == X86_S16) {
        x86_byte(b, (uint8_t)imm);
        x86_byte(b, (uint8_t)(imm >> 8));
    } else {
        x86_u32(b, (uint32_t)imm);
    }
}

void x86_lea(struct x86_buf *b, bool w64, int dst, struct x86_mem m)
{
    x86_op_rm(b, 0x8d | wbit(w64), dst, m);
}

void x86_xchg_mr(struct x86_buf *b, enum x86_size s, struct x86_mem m, int r)
{
    /* xchg with memory is implicitly locked */
    x86_op_rm(b, x86_size_opc(s, 0x86), r, m);
}

void x86_lock_xadd(struct x86_buf *b, enum x86_size s, struct x86_mem m, int r)
{
    x86_op_rm(b, x86_size_opc(s, 0xc0) | X86_P_0F | X86_P_LOCK, r, m);
}

void x86_lock_cmpxchg(struct x86_buf *b, enum x86_size s, struct x86_mem m, int r)
{
    x86_op_rm(b, x86_size_opc(s, 0xb0) | X86_P_0F | X86_P_LOCK, r, m);
}

void x86_mfence(struct x86_buf *b)
{
    x86_byte(b, 0x0f);
    x86_byte(b, 0xae);
    x86_byte(b, 0xf0);
}
