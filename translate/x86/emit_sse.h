/*
 * SSE encoders for the vector ops (codegen_vec.c): legacy-encoded SSE2,
 * SSSE3 and SSE4.1 instructions on xmm0..xmm15.  Opcodes are given as the
 * x86_op_rr/x86_op_rm opcode words of emit.h (prefix and escape bits | the
 * final opcode byte); the names below are the ones used.
 */
#ifndef TRANSLATE_X86_EMIT_SSE_H
#define TRANSLATE_X86_EMIT_SSE_H

#include "emit.h"

/* Filled on first use from CPUID (emit_sse.c); tests may clear bits to
 * exercise the SSE2 fallbacks. */
struct x86_sse_features {
    bool ssse3, sse41, sse42;
};
extern struct x86_sse_features x86_sse;
void x86_sse_detect(void);

#define SSE66(op) (X86_P_66 | X86_P_0F | (op))
#define SSE66_38(op) (X86_P_66 | X86_P_0F38 | (op))
enum {
    X86_MOVDQU_LD = X86_P_F3 | X86_P_0F | 0x6f,     /* xmm <- m128 */
    X86_MOVDQU_ST = X86_P_F3 | X86_P_0F | 0x7f,     /* m128 <- xmm */
    X86_MOVDQA = SSE66(0x6f),                       /* xmm <- xmm */
    X86_MOVQ_LD = X86_P_F3 | X86_P_0F | 0x7e,       /* xmm <- m64/xmm, upper zeroed */
    X86_MOVQ_ST = SSE66(0xd6),                      /* m64 <- xmm */
    X86_MOVHPS_LD = X86_P_0F | 0x16,                /* xmm[127:64] <- m64 */
    X86_MOVD_TO_X = SSE66(0x6e),                    /* xmm <- r32 (| X86_P_W: r64) */
    X86_MOVD_FROM_X = SSE66(0x7e),                  /* r32 <- xmm (reg field is xmm) */
    X86_PADDB = SSE66(0xfc), X86_PADDW = SSE66(0xfd), X86_PADDD = SSE66(0xfe),
    X86_PADDQ = SSE66(0xd4),
    X86_PSUBB = SSE66(0xf8), X86_PSUBW = SSE66(0xf9), X86_PSUBD = SSE66(0xfa),
    X86_PSUBQ = SSE66(0xfb),
    X86_PSUBUSB = SSE66(0xd8), X86_PSUBUSW = SSE66(0xd9),
    X86_PAND = SSE66(0xdb), X86_PANDN = SSE66(0xdf), X86_POR = SSE66(0xeb),
    X86_PXOR = SSE66(0xef),
    X86_PCMPEQB = SSE66(0x74), X86_PCMPEQW = SSE66(0x75), X86_PCMPEQD = SSE66(0x76),
    X86_PCMPEQQ = SSE66_38(0x29),                   /* SSE4.1 */
    X86_PCMPGTB = SSE66(0x64), X86_PCMPGTW = SSE66(0x65), X86_PCMPGTD = SSE66(0x66),
    X86_PCMPGTQ = SSE66_38(0x37),                   /* SSE4.2 */
    X86_PMINUB = SSE66(0xda), X86_PMAXUB = SSE66(0xde),
    X86_PMINSW = SSE66(0xea), X86_PMAXSW = SSE66(0xee),
    X86_PMINSB = SSE66_38(0x38), X86_PMAXSB = SSE66_38(0x3c),   /* SSE4.1 */
    X86_PMINSD = SSE66_38(0x39), X86_PMAXSD = SSE66_38(0x3d),
    X86_PMINUW = SSE66_38(0x3a), X86_PMAXUW = SSE66_38(0x3e),
    X86_PMINUD = SSE66_38(0x3b), X86_PMAXUD = SSE66_38(0x3f),
    X86_PUNPCKLBW = SSE66(0x60), X86_PUNPCKLWD = SSE66(0x61), X86_PUNPCKLQDQ = SSE66(0x6c),
    X86_PUNPCKLDQ = SSE66(0x62), X86_PUNPCKHBW = SSE66(0x68), X86_PUNPCKHWD = SSE66(0x69),
    X86_PUNPCKHDQ = SSE66(0x6a),
    X86_PACKUSWB = SSE66(0x67), X86_PACKSSDW = SSE66(0x6b),
    X86_PMULLW = SSE66(0xd5), X86_PMULHW = SSE66(0xe5), X86_PMULHUW = SSE66(0xe4),
    X86_PMULUDQ = SSE66(0xf4), X86_PMADDWD = SSE66(0xf5),
    X86_PMULDQ = SSE66_38(0x28), X86_PMULLD = SSE66_38(0x40),   /* SSE4.1 */
    X86_PMADDUBSW = SSE66_38(0x04),                 /* SSSE3 */
    X86_PSADBW = SSE66(0xf6),
    X86_PSHUFB = SSE66_38(0x00),                    /* SSSE3 */
    X86_PSHUFD = SSE66(0x70),                       /* + imm8 */
    X86_PALIGNR = X86_P_66 | X86_P_0F3A | 0x0f,     /* SSSE3, + imm8 */
};

/* shifts by an immediate: group 0x71 (words), 0x72 (dwords), 0x73 (qwords,
 * and whole-register byte shifts) with the operation in the reg field */
enum x86_sse_shift {
    X86_PSRLW, X86_PSRAW, X86_PSLLW, X86_PSRLD, X86_PSRAD, X86_PSLLD,
    X86_PSRLQ, X86_PSLLQ, X86_PSRLDQ, X86_PSLLDQ,
};

void x86_sse_rr(struct x86_buf *b, unsigned opc, int dst, int src);
void x86_sse_rm(struct x86_buf *b, unsigned opc, int x, struct x86_mem m);
void x86_sse_rri(struct x86_buf *b, unsigned opc, int dst, int src, uint8_t imm);
void x86_sse_shift(struct x86_buf *b, enum x86_sse_shift op, int x, uint8_t n);
/* between a general register and the low lane of an xmm (w64: 64 bits) */
void x86_sse_from_gpr(struct x86_buf *b, bool w64, int x, int r);
void x86_sse_to_gpr(struct x86_buf *b, bool w64, int r, int x);

#endif
