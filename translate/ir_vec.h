/*
 * The vector extension of the IR: operations on 128-bit slots of the guest
 * state, in place.  The IR has no vector temporaries (the register allocator
 * stays 64-bit); a slot is 16 bytes at a byte offset of the state, which is
 * where guests keep their SIMD registers anyway.  Front-ends mix these ops
 * freely with get_reg/set_reg of 8-byte halves: the optimiser sees every
 * vector op as reading its source slots and writing its destination slot.
 *
 * Field layout (struct ir_insn):
 *   vop      imm = destination slot; imm2 = IR_VSRC(a, b, x): source slots a
 *            and b and a small immediate x; cond = IR_VOP_* kind, optionally
 *            | IR_VF_HALF | IR_VF_BZERO; mem = element size (IR_MEM_8..64).
 *   vdup     imm = destination slot; in0 = value (type = its type); mem =
 *            element size; cond = IR_VF_HALF or 0.
 *   vreduce  out = reduction of slot imm (type I32 or I64, zero-extended
 *            element); cond = IR_VRED_* | IR_VF_HALF; mem = element size.
 *   vld/vst  imm = slot; address = in0 + imm2 (type I64); mem = IR_MEM_64
 *            (8 bytes; vld zeroes the slot's upper half) or IR_VMEM_128.
 *
 * IR_VF_HALF: the operation is on the low 64 bits of each source and the
 * destination's upper 64 bits become zero (Arm's 64-bit vector forms).
 * IR_VF_BZERO: source b is all zeros (compare-with-zero forms); b is unused.
 * Every vector op writes all 16 bytes of its destination slot.
 */
#ifndef TRANSLATE_IR_VEC_H
#define TRANSLATE_IR_VEC_H

#include "ir.h"

enum ir_vop_kind {
    /* lane-wise: d[i] = a[i] op b[i] */
    IR_VOP_ADD, IR_VOP_SUB,
    IR_VOP_AND, IR_VOP_OR, IR_VOP_XOR,
    IR_VOP_ANDN,                /* a & ~b */
    IR_VOP_ORN,                 /* a | ~b */
    IR_VOP_CMPEQ,               /* all ones when true, else zero */
    IR_VOP_CMPGT, IR_VOP_CMPGE, /* signed */
    IR_VOP_CMPGTU, IR_VOP_CMPGEU,
    IR_VOP_CMPTST,              /* (a & b) != 0 */
    IR_VOP_MIN, IR_VOP_MAX, IR_VOP_MINU, IR_VOP_MAXU,
    /* pairwise over the concatenation b:a (a in the low lanes):
     * d[i] = c[2i] op c[2i+1] */
    IR_VOP_ADDP, IR_VOP_MAXP, IR_VOP_MINP, IR_VOP_MAXPU, IR_VOP_MINPU,
    /* bytes x .. x + width - 1 of b:a (Arm EXT) */
    IR_VOP_EXT,
    /* narrowing: a has lanes of twice the element size; the low 64 bits of
     * d get (a[i] >> x) resp. ((a[i] + b[i]) >> esize) truncated, the upper
     * 64 bits zero (Arm SHRN, ADDHN; IR_VF_HALF is implied) */
    IR_VOP_SHRN, IR_VOP_ADDHN,
    /* shifts by the immediate x, lane-wise: x >= the element size gives 0
     * (SHL, SHRU) or the sign in every bit (SHRS); b is unused */
    IR_VOP_SHL, IR_VOP_SHRU, IR_VOP_SHRS,
    /* widening: the 64-bit half (x bit 8 set: upper, else lower) of a,
     * lanes zero- resp. sign-extended to twice the element size, shifted
     * left by x & 0xff (at most the element size); b is unused; the
     * result is 128 bits (no IR_VF_HALF) */
    IR_VOP_XTLU, IR_VOP_XTLS,
    /* widening multiply of the same halves of a and b (x = 1: upper),
     * unsigned resp. signed; 128-bit result of double-size lanes */
    IR_VOP_MULLU, IR_VOP_MULLS,
    /* lane-wise multiply, low half of the product */
    IR_VOP_MUL,
    /* pairwise add long and accumulate: d[i] = b[i] + a[2i] + a[2i+1],
     * the a lanes zero- resp. sign-extended, d and b of twice the element
     * size (Arm UADALP/SADALP; with IR_VF_BZERO, UADDLP/SADDLP) */
    IR_VOP_PADALU, IR_VOP_PADALS,
    IR_VOP_NUM_KINDS
};

enum ir_vred_kind {
    IR_VRED_ADD, IR_VRED_MAXU, IR_VRED_MINU, IR_VRED_MAX, IR_VRED_MIN,
    IR_VRED_NUM_KINDS
};

enum {
    IR_VF_HALF = 0x80,
    IR_VF_BZERO = 0x40,
    IR_VF_KIND_MASK = 0x3f,
};

#define IR_VMEM_128 4           /* vld/vst: 16 bytes */

#define IR_VSRC(a, b, x) ((uint64_t)(a) | (uint64_t)(b) << 16 | (uint64_t)(x) << 32)
static inline uint32_t ir_vsrc_a(const struct ir_insn *i) { return (uint32_t)(i->imm2 & 0xffff); }
static inline uint32_t ir_vsrc_b(const struct ir_insn *i) { return (uint32_t)(i->imm2 >> 16 & 0xffff); }
static inline uint32_t ir_vsrc_x(const struct ir_insn *i) { return (uint32_t)(i->imm2 >> 32 & 0xffff); }

/* builders (ir_vec.c); flags are IR_VF_* */
void ir_vop(struct ir_block *b, enum ir_vop_kind kind, unsigned flags, unsigned esize_log2,
            uint32_t d, uint32_t a, uint32_t c, unsigned x);
void ir_vdup(struct ir_block *b, unsigned flags, unsigned esize_log2, uint32_t d, ir_temp v);
ir_temp ir_vreduce(struct ir_block *b, enum ir_type t, enum ir_vred_kind kind, unsigned flags,
                   unsigned esize_log2, uint32_t slot);
void ir_vld(struct ir_block *b, unsigned mem, uint32_t slot, ir_temp addr, int64_t disp);
void ir_vst(struct ir_block *b, unsigned mem, uint32_t slot, ir_temp addr, int64_t disp);
/* a printable description of a vector insn's fields, for ir_print */
void ir_vec_print(const struct ir_insn *i, FILE *f);

/*
 * The executable definition (ir_eval_vec.c), used by the interpreter, by the
 * backend's out-of-line fallback and by the tests.  state is the guest
 * state; in0 the value of in[0] (vdup value, vld/vst guest address);
 * guest_base is added to guest addresses.  Returns the result of vreduce,
 * else 0.
 */
uint64_t ir_vec_eval(void *state, const struct ir_insn *i, uint64_t in0, uintptr_t guest_base);
/* pure 128-bit kernels on values (a, b, x in the layout above) */
void ir_vec_eval_vop(uint8_t d[16], const uint8_t a[16], const uint8_t b[16], unsigned cond,
                     unsigned esize_log2, unsigned x);
uint64_t ir_vec_eval_reduce(const uint8_t a[16], unsigned cond, unsigned esize_log2);

#endif
