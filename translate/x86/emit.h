/*
 * x86-64 instruction encoders.  Each x86_* function appends one host
 * instruction to a code buffer; nothing here knows about the IR.  Operand
 * width is given as an enum x86_size (or w64 = true for 64-bit ALU forms;
 * 32-bit forms zero the upper half of the destination, which the backend
 * relies on to keep I32 values zero-extended).
 */
#ifndef TRANSLATE_X86_EMIT_H
#define TRANSLATE_X86_EMIT_H

#include <stdbool.h>
#include <stdint.h>

enum x86_hreg {
    X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
    X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
    X86_NO_REG = -1,
};

enum x86_size { X86_S8, X86_S16, X86_S32, X86_S64 };

/* condition codes, the low nibble of Jcc/SETcc/CMOVcc */
enum x86_cc {
    X86_CC_O = 0, X86_CC_NO, X86_CC_B, X86_CC_AE, X86_CC_E, X86_CC_NE, X86_CC_BE, X86_CC_A,
    X86_CC_S, X86_CC_NS, X86_CC_P, X86_CC_NP, X86_CC_L, X86_CC_GE, X86_CC_LE, X86_CC_G,
};
#define X86_CC_INVERT(cc) ((enum x86_cc)((cc) ^ 1))

/* group-1 ALU ops (the /digit of 0x81/0x83 and opcode row of the r/m forms) */
enum x86_alu { X86_ADD = 0, X86_OR = 1, X86_ADC = 2, X86_SBB = 3, X86_AND = 4, X86_SUB = 5,
               X86_XOR = 6, X86_CMP = 7 };
/* group-2 shift ops */
enum x86_shift { X86_ROL = 0, X86_ROR = 1, X86_SHL = 4, X86_SHR = 5, X86_SAR = 7 };
/* group-3 unary ops (0xF7 /digit) */
enum x86_unary { X86_NOT = 2, X86_NEG = 3, X86_MUL = 4, X86_IMUL1 = 5, X86_DIV = 6, X86_IDIV = 7 };
/* BMI2 shifts by register (VEX 0F38 F7 with different implied prefixes) */
enum x86_shiftx { X86_SHLX, X86_SHRX, X86_SARX };

/* loads into a register; the _S kinds sign-extend to the destination width */
enum x86_load {
    X86_LD8U, X86_LD8S, X86_LD16U, X86_LD16S, X86_LD32, X86_LD32S, X86_LD64,
};

/* [base + index << shift + disp]; base X86_NO_REG means absolute disp32 */
struct x86_mem {
    int8_t base, index;
    uint8_t shift;
    int32_t disp;
};
#define X86_MEM(b, d) ((struct x86_mem){ (int8_t)(b), X86_NO_REG, 0, (int32_t)(d) })
#define X86_MEM_IDX(b, i, s, d) ((struct x86_mem){ (int8_t)(b), (int8_t)(i), (s), (int32_t)(d) })

struct x86_buf {
    uint8_t *start, *p, *end;
};

static inline bool x86_fits_s8(int64_t v) { return v == (int8_t)v; }
static inline bool x86_fits_s32(int64_t v) { return v == (int32_t)v; }

/* ---- emit_core.c: raw bytes, prefixes, ModRM/SIB, VEX ---- */
void x86_byte(struct x86_buf *b, uint8_t v);
void x86_u32(struct x86_buf *b, uint32_t v);
void x86_u64(struct x86_buf *b, uint64_t v);
/* opcode flag bits above the low opcode byte */
enum {
    X86_P_0F = 0x100, X86_P_0F38 = 0x200, X86_P_0F3A = 0x400,
    X86_P_66 = 0x800, X86_P_F3 = 0x1000, X86_P_F2 = 0x2000,
    X86_P_W = 0x4000,           /* REX.W / VEX.W */
    X86_P_BYTE_R = 0x8000,      /* the reg field names a byte register */
    X86_P_BYTE_RM = 0x10000,    /* the r/m field names a byte register */
    X86_P_LOCK = 0x20000,
};
void x86_op_rr(struct x86_buf *b, unsigned opc, int r, int rm);
void x86_op_rm(struct x86_buf *b, unsigned opc, int r, struct x86_mem m);
/* the byte/16/32/64-bit variant of an opcode pair whose byte form is opc8 */
unsigned x86_size_opc(enum x86_size s, unsigned opc8);
/* opcode with the register in its low 3 bits (push, bswap, mov r, imm) */
void x86_op_r(struct x86_buf *b, unsigned opc, int r);
void x86_vex_rr(struct x86_buf *b, unsigned opc, int r, int v, int rm);
/* multi-byte NOPs until p + ahead is a multiple of align */
void x86_align(struct x86_buf *b, unsigned align, unsigned ahead);
void x86_nop(struct x86_buf *b, unsigned n);

/* ---- emit_alu.c ---- */
void x86_alu_rr(struct x86_buf *b, enum x86_alu op, bool w64, int dst, int src);
void x86_alu_ri(struct x86_buf *b, enum x86_alu op, bool w64, int dst, int32_t imm);
void x86_alu_rm(struct x86_buf *b, enum x86_alu op, bool w64, int dst, struct x86_mem m);
void x86_alu_mr(struct x86_buf *b, enum x86_alu op, enum x86_size s, struct x86_mem m, int src);
void x86_test_rr(struct x86_buf *b, bool w64, int a, int c);
void x86_test_ri(struct x86_buf *b, bool w64, int a, int32_t imm);
void x86_mov_rr(struct x86_buf *b, bool w64, int dst, int src);
/* loads any 64-bit constant with the shortest form (xor, mov r32, sign-extended, movabs) */
void x86_mov_ri(struct x86_buf *b, int dst, uint64_t imm);
void x86_shift_ri(struct x86_buf *b, enum x86_shift op, bool w64, int dst, unsigned n);
void x86_shift_cl(struct x86_buf *b, enum x86_shift op, bool w64, int dst);
void x86_shiftx(struct x86_buf *b, enum x86_shiftx op, bool w64, int dst, int src, int cnt);
void x86_rorx(struct x86_buf *b, bool w64, int dst, int src, unsigned n);
void x86_andn(struct x86_buf *b, bool w64, int dst, int src1, int src2);
void x86_unary(struct x86_buf *b, enum x86_unary op, bool w64, int r);
void x86_imul_rr(struct x86_buf *b, bool w64, int dst, int src);
void x86_imul_rri(struct x86_buf *b, bool w64, int dst, int src, int32_t imm);
void x86_movzx(struct x86_buf *b, enum x86_size from, int dst, int src);
void x86_movsx(struct x86_buf *b, enum x86_size from, bool w64, int dst, int src);
void x86_bswap(struct x86_buf *b, bool w64, int r);
void x86_bsr(struct x86_buf *b, bool w64, int dst, int src);
void x86_bsf(struct x86_buf *b, bool w64, int dst, int src);
void x86_lzcnt(struct x86_buf *b, bool w64, int dst, int src);
void x86_tzcnt(struct x86_buf *b, bool w64, int dst, int src);
void x86_popcnt(struct x86_buf *b, bool w64, int dst, int src);
void x86_setcc(struct x86_buf *b, enum x86_cc cc, int dst);
void x86_cmov(struct x86_buf *b, enum x86_cc cc, bool w64, int dst, int src);
void x86_cqo(struct x86_buf *b, bool w64);      /* cqo, or cdq when !w64 */

/* ---- emit_mem.c ---- */
void x86_load(struct x86_buf *b, enum x86_load k, bool w64, int dst, struct x86_mem m);
void x86_store(struct x86_buf *b, enum x86_size s, int src, struct x86_mem m);
void x86_store_imm(struct x86_buf *b, enum x86_size s, int32_t imm, struct x86_mem m);
void x86_lea(struct x86_buf *b, bool w64, int dst, struct x86_mem m);
void x86_xchg_mr(struct x86_buf *b, enum x86_size s, struct x86_mem m, int r);
void x86_lock_xadd(struct x86_buf *b, enum x86_size s, struct x86_mem m, int r);
void x86_lock_cmpxchg(struct x86_buf *b, enum x86_size s, struct x86_mem m, int r);
void x86_mfence(struct x86_buf *b);

/* ---- emit_branch.c ---- */
/* rel8/rel32 forms return the address of the displacement for later patching */
uint8_t *x86_jmp8(struct x86_buf *b);
uint8_t *x86_jcc8(struct x86_buf *b, enum x86_cc cc);
uint8_t *x86_jmp32(struct x86_buf *b, const void *target);
uint8_t *x86_jcc32(struct x86_buf *b, enum x86_cc cc, const void *target);
void x86_patch8(uint8_t *disp, const void *target);     /* asserts the target is in range */
void x86_patch32(uint8_t *disp, const void *target);
void x86_call(struct x86_buf *b, const void *target);   /* rel32, or via rax when far */
void x86_call_r(struct x86_buf *b, int r);
void x86_jmp_r(struct x86_buf *b, int r);
void x86_jmp_m(struct x86_buf *b, struct x86_mem m);
void x86_push(struct x86_buf *b, int r);
void x86_pop(struct x86_buf *b, int r);
void x86_ret(struct x86_buf *b);

#endif
