/*
 * The riscv64 decoder: one pattern table for the 32-bit encodings (decode.c)
 * and one for the compressed ones (rvc.c), shared by the translator and the
 * disassembler.  Field extractors follow the instruction formats of the
 * unprivileged ISA manual, chapter "RV32I Base Integer Instruction Set".
 */
#ifndef ISA_RISCV64_DECODE_H
#define ISA_RISCV64_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "isa/riscv64/translate.h"

/* operand layout, for the disassembler */
enum rv_fmt {
    RV_FMT_NONE,        /* ecall */
    RV_FMT_R,           /* rd, rs1, rs2 */
    RV_FMT_R1,          /* rd, rs1 */
    RV_FMT_I,           /* rd, rs1, imm */
    RV_FMT_SH,          /* rd, rs1, shamt */
    RV_FMT_LOAD,        /* rd, imm(rs1) */
    RV_FMT_STORE,       /* rs2, imm(rs1) */
    RV_FMT_B,           /* rs1, rs2, target */
    RV_FMT_U,           /* rd, imm20 */
    RV_FMT_J,           /* rd, target */
    RV_FMT_CSR,         /* rd, csr, rs1 */
    RV_FMT_CSRI,        /* rd, csr, uimm */
    RV_FMT_AMO,         /* rd, rs2, (rs1) */
    RV_FMT_LR,          /* rd, (rs1) */
    RV_FMT_FENCE,       /* pred, succ */
    RV_FMT_FLOAD,       /* fd, imm(rs1) */
    RV_FMT_FSTORE,      /* fs2, imm(rs1) */
    RV_FMT_FP,          /* operands not decoded */
};

struct rv_pattern;
typedef bool (*rv_trans_fn)(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p);

/* insn matches when (insn & mask) == match; the first match wins */
struct rv_pattern {
    uint32_t mask, match;
    const char *name;
    uint8_t fmt;                /* enum rv_fmt */
    rv_trans_fn trans;          /* false: reserved encoding (illegal instruction) */
    int32_t arg;                /* per-handler: IR opcode, condition, memory size ... */
};

const struct rv_pattern *rv_decode32(uint32_t insn);

/* Expand a 16-bit instruction to its 32-bit equivalent.  Returns 0 (never a
 * valid instruction) for reserved encodings; *name gets the C mnemonic. */
uint32_t rv_expand_rvc(uint16_t c, const char **name);

/* ---- fields ---- */
static inline unsigned rv_opcode(uint32_t i) { return i & 0x7f; }
static inline unsigned rv_rd(uint32_t i) { return (i >> 7) & 31; }
static inline unsigned rv_funct3(uint32_t i) { return (i >> 12) & 7; }
static inline unsigned rv_rs1(uint32_t i) { return (i >> 15) & 31; }
static inline unsigned rv_rs2(uint32_t i) { return (i >> 20) & 31; }
static inline unsigned rv_csr(uint32_t i) { return i >> 20; }
static inline unsigned rv_shamt(uint32_t i) { return (i >> 20) & 63; }

static inline int64_t rv_imm_i(uint32_t i) { return (int64_t)(int32_t)i >> 20; }
static inline int64_t rv_imm_s(uint32_t i)
{
    return ((int64_t)(int32_t)i >> 25 << 5) | ((i >> 7) & 31);
}
static inline int64_t rv_imm_b(uint32_t i)
{
    return ((int64_t)(int32_t)i >> 31 << 12) | ((i & 0x80) << 4) | ((i >> 20) & 0x7e0) |
           ((i >> 7) & 0x1e);
}
static inline int64_t rv_imm_u(uint32_t i) { return (int64_t)(int32_t)(i & 0xfffff000); }
static inline int64_t rv_imm_j(uint32_t i)
{
    return ((int64_t)(int32_t)i >> 31 << 20) | (i & 0xff000) | ((i >> 9) & 0x800) |
           ((i >> 20) & 0x7fe);
}

/* ---- 32-bit encoders (the RVC expander builds its output with them) ---- */
static inline uint32_t rv_enc_r(unsigned f7, unsigned rs2, unsigned rs1, unsigned f3, unsigned rd,
                                unsigned op)
{
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}
static inline uint32_t rv_enc_i(int32_t imm, unsigned rs1, unsigned f3, unsigned rd, unsigned op)
{
    return (uint32_t)imm << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}
static inline uint32_t rv_enc_s(int32_t imm, unsigned rs2, unsigned rs1, unsigned f3, unsigned op)
{
    uint32_t u = (uint32_t)imm;
    return (u >> 5 & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (u & 31) << 7 | op;
}
static inline uint32_t rv_enc_b(int32_t imm, unsigned rs2, unsigned rs1, unsigned f3, unsigned op)
{
    uint32_t u = (uint32_t)imm;
    return (u >> 12 & 1) << 31 | (u >> 5 & 0x3f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
           (u >> 1 & 15) << 8 | (u >> 11 & 1) << 7 | op;
}
static inline uint32_t rv_enc_u(int32_t imm, unsigned rd, unsigned op)
{
    return ((uint32_t)imm & 0xfffff000) | rd << 7 | op;
}
static inline uint32_t rv_enc_j(int32_t imm, unsigned rd, unsigned op)
{
    uint32_t u = (uint32_t)imm;
    return (u >> 20 & 1) << 31 | (u >> 1 & 0x3ff) << 21 | (u >> 11 & 1) << 20 |
           (u >> 12 & 0xff) << 12 | rd << 7 | op;
}

/* major opcodes (ISA manual, "RISC-V base opcode map") */
enum {
    RV_OP_LOAD = 0x03, RV_OP_LOAD_FP = 0x07, RV_OP_MISC_MEM = 0x0f, RV_OP_IMM = 0x13,
    RV_OP_AUIPC = 0x17, RV_OP_IMM_32 = 0x1b, RV_OP_STORE = 0x23, RV_OP_STORE_FP = 0x27,
    RV_OP_AMO = 0x2f, RV_OP_OP = 0x33, RV_OP_LUI = 0x37, RV_OP_OP_32 = 0x3b,
    RV_OP_MADD = 0x43, RV_OP_MSUB = 0x47, RV_OP_NMSUB = 0x4b, RV_OP_NMADD = 0x4f,
    RV_OP_OP_FP = 0x53, RV_OP_BRANCH = 0x63, RV_OP_JALR = 0x67, RV_OP_JAL = 0x6f,
    RV_OP_SYSTEM = 0x73,
};

/* handlers, by instruction class */
/* translate-alu.c */
bool rv_trans_lui(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p);
bool rv_trans_auipc(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p);
bool rv_trans_alu_imm(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p);
bool rv_trans_alu_immw(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p);
bool rv_trans_slt_imm(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p);
bool rv_trans_alu(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p);
bool rv_trans_aluw(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p);
bool rv_trans_slt(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p);
bool rv_trans_div(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p);
bool rv_trans_divw(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p);
bool rv_trans_unary(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p);
bool rv_trans_unaryw(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p);
bool rv_trans_minmax(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p);
bool rv_trans_orc_b(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p);
bool rv_trans_shadd(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p);
bool rv_trans_shadd_uw(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p);
bool rv_trans_slli_uw(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p);
bool rv_trans_bit(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p);
bool rv_trans_bit_imm(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p);
/* translate-mem.c */
bool rv_trans_load(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p);
bool rv_trans_store(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p);
bool rv_trans_lr(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p);
bool rv_trans_sc(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p);
bool rv_trans_amo(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p);
/* translate-branch.c */
bool rv_trans_branch(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p);
bool rv_trans_jal(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p);
bool rv_trans_jalr(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p);
/* translate-system.c */
bool rv_trans_fence(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p);
bool rv_trans_fence_i(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p);
bool rv_trans_trap(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p);
bool rv_trans_csr(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p);
bool rv_trans_fp(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p);

/* helpers-int.c: called from generated code (ir_helper_fn signature) */
uint64_t rv_helper_lr(void *state, uint64_t addr, uint64_t size, uint64_t a2, uint64_t a3);
/* SIGBUS unless addr is a multiple of bytes */
uint64_t rv_helper_check_align(void *state, uint64_t addr, uint64_t bytes, uint64_t a2,
                               uint64_t a3);
uint64_t rv_helper_sc(void *state, uint64_t addr, uint64_t val, uint64_t size, uint64_t a3);
uint64_t rv_helper_csr_fp(void *state, uint64_t csr, uint64_t val, uint64_t op, uint64_t a3);
uint64_t rv_helper_counter(void *state, uint64_t csr, uint64_t a1, uint64_t a2, uint64_t a3);

/* rv_helper_csr_fp op: what happens to the CSR besides being read */
enum { RV_CSR_READ, RV_CSR_WRITE, RV_CSR_SET, RV_CSR_CLEAR };
enum { RV_CSR_FFLAGS = 0x001, RV_CSR_FRM = 0x002, RV_CSR_FCSR = 0x003,
       RV_CSR_CYCLE = 0xc00, RV_CSR_TIME = 0xc01, RV_CSR_INSTRET = 0xc02 };

#endif
