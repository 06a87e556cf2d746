/*
 * Encoders for register-to-register and register-immediate integer
 * instructions: group-1 ALU, moves and constants, shifts and rotates
 * (legacy and BMI2), multiply/divide, bit counting, extension, setcc/cmov.
 */
#include "emit.h"

#include <assert.h>

static unsigned wbit(bool w64)
{
    return w64 ? X86_P_W : 0;
}

void x86_alu_rr(struct x86_buf *b, enum x86_alu op, bool w64, int dst, int src)
{
    x86_op_rr(b, (unsigned)op * 8 + 1 + wbit(w64), src, dst);
}

void x86_alu_ri(struct x86_buf *b, enum x86_alu op, bool w64, int dst, int32_t imm)
{
    if (x86_fits_s8(imm)) {
        x86_op_rr(b, 0x83 + wbit(w64), op, dst);
        x86_byte(b, (uint8_t)imm);
    } else {
        x86_op_rr(b, 0x81 + wbit(w64), op, dst);
        x86_u32(b, (uint32_t)imm);
    }
}

void x86_alu_rm(struct x86_buf *b, enum x86_alu op, bool w64, int dst, struct x86_mem m)
{
    x86_op_rm(b, (unsigned)op * 8 + 3 + wbit(w64), dst, m);
}

void x86_alu_mr(struct x86_buf *b, enum x86_alu op, enum x86_size s, struct x86_mem m, int src)
{
    x86_op_rm(b, x86_size_opc(s, (unsigned)op * 8), src, m);
}

void x86_test_rr(struct x86_buf *b, bool w64, int a, int c)
{
    x86_op_rr(b, 0x85 + wbit(w64), c, a);
}

void x86_test_ri(struct x86_buf *b, bool w64, int a, int32_t imm)
{
    if (imm >= 0 && imm <= 0xff && !w64) {
        /* a byte mask needs only test r8, imm8: ZF is the same */
        x86_op_rr(b, 0xf6 | X86_P_BYTE_RM, 0, a);
        x86_byte(b, (uint8_t)imm);
        return;
    }
    x86_op_rr(b, 0xf7 + wbit(w64), 0, a);
    x86_u32(b, (uint32_t)imm);
}

void x86_mov_rr(struct x86_buf *b, bool w64, int dst, int src)
{
    x86_op_rr(b, 0x89 + wbit(w64), src, dst);
}

void x86_mov_ri(struct x86_buf *b, int dst, uint64_t imm)
{
    if (imm == 0) {
        x86_alu_rr(b, X86_XOR, false, dst, dst);
    } else if (imm <= 0xffffffffu) {
        x86_op_r(b, 0xb8, dst);
        x86_u32(b, (uint32_t)imm);
    } else if (x86_fits_s32((int64_t)imm)) {
        x86_op_rr(b, 0xc7 | X86_P_W, 0, dst);
        x86_u32(b, (uint32_t)imm);
    } else {
        x86_op_r(b, 0xb8 | X86_P_W, dst);
        x86_u64(b, imm);
    }
}

void x86_shift_ri(struct x86_buf *b, enum x86_shift op, bool w64, int dst, unsigned n)
{
    n &= w64 ? 63 : 31;
    if (n == 1) {
        x86_op_rr(b, 0xd1 + wbit(w64), op, dst);
    } else {
        x86_op_rr(b, 0xc1 + wbit(w64), op, dst);
        x86_byte(b, (uint8_t)n);
    }
}

void x86_shift_cl(struct x86_buf *b, enum x86_shift op, bool w64, int dst)
{
    x86_op_rr(b, 0xd3 + wbit(w64), op, dst);
}

void x86_shiftx(struct x86_buf *b, enum x86_shiftx op, bool w64, int dst, int src, int cnt)
{
    static const unsigned pfx[] = { X86_P_66, X86_P_F2, X86_P_F3 };
    x86_vex_rr(b, 0xf7 | X86_P_0F38 | pfx[op] | wbit(w64), dst, cnt, src);
}

void x86_rorx(struct x86_buf *b, bool w64, int dst, int src, unsigned n)
{
    x86_vex_rr(b, 0xf0 | X86_P_0F3A | X86_P_F2 | wbit(w64), dst, 0, src);
    x86_byte(b, (uint8_t)(n & (w64 ? 63 : 31)));
}

void x86_andn(struct x86_buf *b, bool w64, int dst, int src1, int src2)
{
    x86_vex_rr(b, 0xf2 | X86_P_0F38 | wbit(w64), dst, src1, src2);
}

void x86_unary(struct x86_buf *b, enum x86_unary op, bool w64, int r)
{
    x86_op_rr(b, 0xf7 + wbit(w64), op, r);
}

void x86_imul_rr(struct x86_buf *b, bool w64, int dst, int src)
{
    x86_op_rr(b, 0xaf | X86_P_0F | wbit(w64), dst, src);
}

void x86_imul_rri(struct x86_buf *b, bool w64, int dst, int src, int32_t imm)
{
    if (x86_fits_s8(imm)) {
        x86_op_rr(b, 0x6b + wbit(w64), dst, src);
        x86_byte(b, (uint8_t)imm);
    } else {
        x86_op_rr(b, 0x69 + wbit(w64), dst, src);
        x86_u32(b, (uint32_t)imm);
    }
}

void x86_movzx(struct x86_buf *b, enum x86_size from, int dst, int src)
{
    switch (from) {
    case X86_S8:
        x86_op_rr(b, 0xb6 | X86_P_0F | X86_P_BYTE_RM, dst, src);
        break;
    case X86_S16:
        x86_op_rr(b, 0xb7 | X86_P_0F, dst, src);
        break;
    default:
        x86_mov_rr(b, false, dst, src);
        break;
    }
}

void x86_movsx(struct x86_buf *b, enum x86_size from, bool w64, int dst, int src)
{
    switch (from) {
    case X86_S8:
        x86_op_rr(b, 0xbe | X86_P_0F | X86_P_BYTE_RM | wbit(w64), dst, src);
        break;
    case X86_S16:
        x86_op_rr(b, 0xbf | X86_P_0F | wbit(w64), dst, src);
        break;
    default:
        assert(w64);
        x86_op_rr(b, 0x63 | X86_P_W, dst, src);
        break;
    }
}

void x86_bswap(struct x86_buf *b, bool w64, int r)
{
    x86_op_r(b, 0xc8 | X86_P_0F | wbit(w64), r);
}

void x86_bsr(struct x86_buf *b, bool w64, int dst, int src)
{
    x86_op_rr(b, 0xbd | X86_P_0F | wbit(w64), dst, src);
}

void x86_bsf(struct x86_buf *b, bool w64, int dst, int src)
{
    x86_op_rr(b, 0xbc | X86_P_0F | wbit(w64), dst, src);
}

void x86_lzcnt(struct x86_buf *b, bool w64, int dst, int src)
{
    x86_op_rr(b, 0xbd | X86_P_0F | X86_P_F3 | wbit(w64), dst, src);
}

void x86_tzcnt(struct x86_buf *b, bool w64, int dst, int src)
{
    x86_op_rr(b, 0xbc | X86_P_0F | X86_P_F3 | wbit(w64), dst, src);
}

void x86_popcnt(struct x86_buf *b, bool w64, int dst, int src)
{
    x86_op_rr(b, 0xb8 | X86_P_0F | X86_P_F3 | wbit(w64), dst, src);
}

void x86_setcc(struct x86_buf *b, enum x86_cc cc, int dst)
{
    x86_op_rr(b, (0x90 + cc) | X86_P_0F | X86_P_BYTE_RM, 0, dst);
}

void x86_cmov(struct x86_buf *b, enum x86_cc cc, bool w64, int dst, int src)
{
    x86_op_rr(b, (0x40 + cc) | X86_P_0F | wbit(w64), dst, src);
}

void x86_cqo(struct x86_buf *b, bool w64)
{
    if (w64)
        x86_byte(b, 0x48);
    x86_byte(b, 0x99);
}
