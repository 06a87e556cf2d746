/*
 * Encoders for the SSE instructions of emit_sse.h (Intel SDM vol. 2): the
 * legacy 66/F3-prefixed forms, which the shared x86_op_rr/x86_op_rm encode
 * (mandatory prefix, REX, escape bytes, ModRM), plus CPUID detection.
 */
#include "emit_sse.h"

#include <cpuid.h>

struct x86_sse_features x86_sse;

void x86_sse_detect(void)
{
    unsigned a, bx, c, d;
    if (__get_cpuid(1, &a, &bx, &c, &d)) {
        x86_sse.ssse3 = c & bit_SSSE3;
        x86_sse.sse41 = c & bit_SSE4_1;
        x86_sse.sse42 = c & bit_SSE4_2;
    }
}

void x86_sse_rr(struct x86_buf *b, unsigned opc, int dst, int src)
{
    x86_op_rr(b, opc, dst, src);
}

void x86_sse_rm(struct x86_buf *b, unsigned opc, int x, struct x86_mem m)
{
    x86_op_rm(b, opc, x, m);
}

void x86_sse_rri(struct x86_buf *b, unsigned opc, int dst, int src, uint8_t imm)
{
    x86_op_rr(b, opc, dst, src);
    x86_byte(b, imm);
}

void x86_sse_shift(struct x86_buf *b, enum x86_sse_shift op, int x, uint8_t n)
{
    static const struct { uint8_t opc, digit; } enc[] = {
        [X86_PSRLW] = { 0x71, 2 }, [X86_PSRAW] = { 0x71, 4 }, [X86_PSLLW] = { 0x71, 6 },
        [X86_PSRLD] = { 0x72, 2 }, [X86_PSRAD] = { 0x72, 4 }, [X86_PSLLD] = { 0x72, 6 },
        [X86_PSRLQ] = { 0x73, 2 }, [X86_PSLLQ] = { 0x73, 6 },
        [X86_PSRLDQ] = { 0x73, 3 }, [X86_PSLLDQ] = { 0x73, 7 },
    };
    x86_op_rr(b, SSE66(enc[op].opc), enc[op].digit, x);
    x86_byte(b, n);
}

void x86_sse_from_gpr(struct x86_buf *b, bool w64, int x, int r)
{
    x86_op_rr(b, X86_MOVD_TO_X | (w64 ? X86_P_W : 0), x, r);
}

void x86_sse_to_gpr(struct x86_buf *b, bool w64, int r, int x)
{
    x86_op_rr(b, X86_MOVD_FROM_X | (w64 ? X86_P_W : 0), x, r);
}
