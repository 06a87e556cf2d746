/*
 * The 32-bit instruction patterns of RV64IMAC, Zicsr, Zifencei, Zba, Zbb and
 * Zbs, in the order of the unprivileged ISA manual's instruction listings.
 * The FP opcodes are handed whole to translate-fp.c.  Each line can be
 * checked against the manual: MATCH_* spells the fixed fields of the format.
 */
#include "isa/riscv64/decode.h"

#include <stddef.h>

#include "translate/ir.h"

/* fixed fields of each format */
#define MASK_OPC  0x0000007fu                   /* U, J, whole opcode */
#define MASK_F3   0x0000707fu                   /* I, S, B */
#define MASK_F7   0xfe00707fu                   /* R, 5-bit shifts */
#define MASK_F6   0xfc00707fu                   /* 6-bit shifts (RV64) */
#define MASK_F12  0xfff0707fu                   /* unary ops: funct12 */
#define MASK_AMO  0xf800707fu                   /* funct5; aq and rl free */
#define MASK_LR   0xf9f0707fu                   /* funct5, rs2 = 0 */
#define MASK_ALL  0xffffffffu

#define M_F3(f3, op)       ((uint32_t)(f3) << 12 | (op))
#define M_F7(f7, f3, op)   ((uint32_t)(f7) << 25 | (uint32_t)(f3) << 12 | (op))
#define M_F6(f6, f3, op)   ((uint32_t)(f6) << 26 | (uint32_t)(f3) << 12 | (op))
#define M_F12(f12, f3, op) ((uint32_t)(f12) << 20 | (uint32_t)(f3) << 12 | (op))
#define M_AMO(f5, f3)      ((uint32_t)(f5) << 27 | (uint32_t)(f3) << 12 | RV_OP_AMO)

#define R(f7, f3, op, name, fn, arg)   { MASK_F7, M_F7(f7, f3, op), name, RV_FMT_R, fn, arg }
#define I(f3, op, name, fmt, fn, arg)  { MASK_F3, M_F3(f3, op), name, fmt, fn, arg }
#define SH6(f6, f3, name, fn, arg)     { MASK_F6, M_F6(f6, f3, RV_OP_IMM), name, RV_FMT_SH, fn, arg }
#define SH5(f7, f3, name, fn, arg)     { MASK_F7, M_F7(f7, f3, RV_OP_IMM_32), name, RV_FMT_SH, fn, arg }
#define UN(f12, f3, op, name, fn, arg) { MASK_F12, M_F12(f12, f3, op), name, RV_FMT_R1, fn, arg }
#define AMO(f5, f3, name, fn, arg)     { MASK_AMO, M_AMO(f5, f3), name, RV_FMT_AMO, fn, arg }

/* arg of loads/stores/atomics: IR_MEM_* */
#define MEM_D  IR_MEM_64
#define MEM_W  IR_MEM_32

static const struct rv_pattern rv_patterns[] = {
    /* RV32I / RV64I */
    { MASK_OPC, RV_OP_LUI, "lui", RV_FMT_U, rv_trans_lui, 0 },
    { MASK_OPC, RV_OP_AUIPC, "auipc", RV_FMT_U, rv_trans_auipc, 0 },
    { MASK_OPC, RV_OP_JAL, "jal", RV_FMT_J, rv_trans_jal, 0 },
    I(0, RV_OP_JALR, "jalr", RV_FMT_LOAD, rv_trans_jalr, 0),
    I(0, RV_OP_BRANCH, "beq", RV_FMT_B, rv_trans_branch, IR_EQ),
    I(1, RV_OP_BRANCH, "bne", RV_FMT_B, rv_trans_branch, IR_NE),
    I(4, RV_OP_BRANCH, "blt", RV_FMT_B, rv_trans_branch, IR_LT),
    I(5, RV_OP_BRANCH, "bge", RV_FMT_B, rv_trans_branch, IR_GE),
    I(6, RV_OP_BRANCH, "bltu", RV_FMT_B, rv_trans_branch, IR_LTU),
    I(7, RV_OP_BRANCH, "bgeu", RV_FMT_B, rv_trans_branch, IR_GEU),
    I(0, RV_OP_LOAD, "lb", RV_FMT_LOAD, rv_trans_load, IR_MEM_8 | IR_MEM_SIGN),
    I(1, RV_OP_LOAD, "lh", RV_FMT_LOAD, rv_trans_load, IR_MEM_16 | IR_MEM_SIGN),
    I(2, RV_OP_LOAD, "lw", RV_FMT_LOAD, rv_trans_load, IR_MEM_32 | IR_MEM_SIGN),
    I(3, RV_OP_LOAD, "ld", RV_FMT_LOAD, rv_trans_load, IR_MEM_64),
    I(4, RV_OP_LOAD, "lbu", RV_FMT_LOAD, rv_trans_load, IR_MEM_8),
    I(5, RV_OP_LOAD, "lhu", RV_FMT_LOAD, rv_trans_load, IR_MEM_16),
    I(6, RV_OP_LOAD, "lwu", RV_FMT_LOAD, rv_trans_load, IR_MEM_32),
    I(0, RV_OP_STORE, "sb", RV_FMT_STORE, rv_trans_store, IR_MEM_8),
    I(1, RV_OP_STORE, "sh", RV_FMT_STORE, rv_trans_store, IR_MEM_16),
    I(2, RV_OP_STORE, "sw", RV_FMT_STORE, rv_trans_store, IR_MEM_32),
    I(3, RV_OP_STORE, "sd", RV_FMT_STORE, rv_trans_store, IR_MEM_64),
    I(0, RV_OP_IMM, "addi", RV_FMT_I, rv_trans_alu_imm, IR_add),
    I(2, RV_OP_IMM, "slti", RV_FMT_I, rv_trans_slt_imm, IR_LT),
    I(3, RV_OP_IMM, "sltiu", RV_FMT_I, rv_trans_slt_imm, IR_LTU),
    I(4, RV_OP_IMM, "xori", RV_FMT_I, rv_trans_alu_imm, IR_xor),
    I(6, RV_OP_IMM, "ori", RV_FMT_I, rv_trans_alu_imm, IR_or),
    I(7, RV_OP_IMM, "andi", RV_FMT_I, rv_trans_alu_imm, IR_and),
    SH6(0x00, 1, "slli", rv_trans_alu_imm, IR_shl),
    SH6(0x00, 5, "srli", rv_trans_alu_imm, IR_shr),
    SH6(0x10, 5, "srai", rv_trans_alu_imm, IR_sar),
    R(0x00, 0, RV_OP_OP, "add", rv_trans_alu, IR_add),
    R(0x20, 0, RV_OP_OP, "sub", rv_trans_alu, IR_sub),
    R(0x00, 1, RV_OP_OP, "sll", rv_trans_alu, IR_shl),
    R(0x00, 2, RV_OP_OP, "slt", rv_trans_slt, IR_LT),
    R(0x00, 3, RV_OP_OP, "sltu", rv_trans_slt, IR_LTU),
    R(0x00, 4, RV_OP_OP, "xor", rv_trans_alu, IR_xor),
    R(0x00, 5, RV_OP_OP, "srl", rv_trans_alu, IR_shr),
    R(0x20, 5, RV_OP_OP, "sra", rv_trans_alu, IR_sar),
    R(0x00, 6, RV_OP_OP, "or", rv_trans_alu, IR_or),
    R(0x00, 7, RV_OP_OP, "and", rv_trans_alu, IR_and),
    I(0, RV_OP_IMM_32, "addiw", RV_FMT_I, rv_trans_alu_immw, IR_add),
    SH5(0x00, 1, "slliw", rv_trans_alu_immw, IR_shl),
    SH5(0x00, 5, "srliw", rv_trans_alu_immw, IR_shr),
    SH5(0x20, 5, "sraiw", rv_trans_alu_immw, IR_sar),
    R(0x00, 0, RV_OP_OP_32, "addw", rv_trans_aluw, IR_add),
    R(0x20, 0, RV_OP_OP_32, "subw", rv_trans_aluw, IR_sub),
    R(0x00, 1, RV_OP_OP_32, "sllw", rv_trans_aluw, IR_shl),
    R(0x00, 5, RV_OP_OP_32, "srlw", rv_trans_aluw, IR_shr),
    R(0x20, 5, RV_OP_OP_32, "sraw", rv_trans_aluw, IR_sar),
    /* fence.tso is fence with fm = 1000; the handler reads fm */
    { MASK_ALL, 0x8330000f, "fence.tso", RV_FMT_NONE, rv_trans_fence, 0 },
    { MASK_ALL, 0x0100000f, "pause", RV_FMT_NONE, rv_trans_fence, 0 },
    I(0, RV_OP_MISC_MEM, "fence", RV_FMT_FENCE, rv_trans_fence, 0),
    { MASK_ALL, 0x00000073, "ecall", RV_FMT_NONE, rv_trans_trap, IR_TRAP_SYSCALL },
    { MASK_ALL, 0x00100073, "ebreak", RV_FMT_NONE, rv_trans_trap, IR_TRAP_BREAKPOINT },

    /* Zifencei */
    I(1, RV_OP_MISC_MEM, "fence.i", RV_FMT_NONE, rv_trans_fence_i, 0),

    /* Zicsr: arg bit 2 = immediate form, low bits = RV_CSR_WRITE/SET/CLEAR */
    I(1, RV_OP_SYSTEM, "csrrw", RV_FMT_CSR, rv_trans_csr, RV_CSR_WRITE),
    I(2, RV_OP_SYSTEM, "csrrs", RV_FMT_CSR, rv_trans_csr, RV_CSR_SET),
    I(3, RV_OP_SYSTEM, "csrrc", RV_FMT_CSR, rv_trans_csr, RV_CSR_CLEAR),
    I(5, RV_OP_SYSTEM, "csrrwi", RV_FMT_CSRI, rv_trans_csr, 4 | RV_CSR_WRITE),
    I(6, RV_OP_SYSTEM, "csrrsi", RV_FMT_CSRI, rv_trans_csr, 4 | RV_CSR_SET),
    I(7, RV_OP_SYSTEM, "csrrci", RV_FMT_CSRI, rv_trans_csr, 4 | RV_CSR_CLEAR),

    /* M */
    R(0x01, 0, RV_OP_OP, "mul", rv_trans_alu, IR_mul),
    R(0x01, 1, RV_OP_OP, "mulh", rv_trans_alu, IR_mulh),
    R(0x01, 2, RV_OP_OP, "mulhsu", rv_trans_alu, IR_mulhsu),
    R(0x01, 3, RV_OP_OP, "mulhu", rv_trans_alu, IR_mulhu),
    R(0x01, 4, RV_OP_OP, "div", rv_trans_div, IR_divs),
    R(0x01, 5, RV_OP_OP, "divu", rv_trans_div, IR_divu),
    R(0x01, 6, RV_OP_OP, "rem", rv_trans_div, IR_rems),
    R(0x01, 7, RV_OP_OP, "remu", rv_trans_div, IR_remu),
    R(0x01, 0, RV_OP_OP_32, "mulw", rv_trans_aluw, IR_mul),
    R(0x01, 4, RV_OP_OP_32, "divw", rv_trans_divw, IR_divs),
    R(0x01, 5, RV_OP_OP_32, "divuw", rv_trans_divw, IR_divu),
    R(0x01, 6, RV_OP_OP_32, "remw", rv_trans_divw, IR_rems),
    R(0x01, 7, RV_OP_OP_32, "remuw", rv_trans_divw, IR_remu),

    /* A */
    { MASK_LR, M_AMO(0x02, 2), "lr.w", RV_FMT_LR, rv_trans_lr, MEM_W },
    { MASK_LR, M_AMO(0x02, 3), "lr.d", RV_FMT_LR, rv_trans_lr, MEM_D },
    AMO(0x03, 2, "sc.w", rv_trans_sc, MEM_W),
    AMO(0x03, 3, "sc.d", rv_trans_sc, MEM_D),
#define AMO_WD(f5, name, kind) \
    AMO(f5, 2, name ".w", rv_trans_amo, MEM_W | (kind) << 4), \
    AMO(f5, 3, name ".d", rv_trans_amo, MEM_D | (kind) << 4)
    AMO_WD(0x01, "amoswap", IR_RMW_XCHG),
    AMO_WD(0x00, "amoadd", IR_RMW_ADD),
    AMO_WD(0x04, "amoxor", IR_RMW_XOR),
    AMO_WD(0x0c, "amoand", IR_RMW_AND),
    AMO_WD(0x08, "amoor", IR_RMW_OR),
    AMO_WD(0x10, "amomin", IR_RMW_SMIN),
    AMO_WD(0x14, "amomax", IR_RMW_SMAX),
    AMO_WD(0x18, "amominu", IR_RMW_UMIN),
    AMO_WD(0x1c, "amomaxu", IR_RMW_UMAX),
#undef AMO_WD

    /* Zba */
    R(0x10, 2, RV_OP_OP, "sh1add", rv_trans_shadd, 1),
    R(0x10, 4, RV_OP_OP, "sh2add", rv_trans_shadd, 2),
    R(0x10, 6, RV_OP_OP, "sh3add", rv_trans_shadd, 3),
    R(0x04, 0, RV_OP_OP_32, "add.uw", rv_trans_shadd_uw, 0),
    R(0x10, 2, RV_OP_OP_32, "sh1add.uw", rv_trans_shadd_uw, 1),
    R(0x10, 4, RV_OP_OP_32, "sh2add.uw", rv_trans_shadd_uw, 2),
    R(0x10, 6, RV_OP_OP_32, "sh3add.uw", rv_trans_shadd_uw, 3),
    { MASK_F6, M_F6(0x02, 1, RV_OP_IMM_32), "slli.uw", RV_FMT_SH, rv_trans_slli_uw, 0 },

    /* Zbb */
    R(0x20, 7, RV_OP_OP, "andn", rv_trans_alu, IR_andn),
    R(0x20, 6, RV_OP_OP, "orn", rv_trans_alu, IR_orn),
    R(0x20, 4, RV_OP_OP, "xnor", rv_trans_alu, IR_xnor),
    UN(0x600, 1, RV_OP_IMM, "clz", rv_trans_unary, IR_clz),
    UN(0x601, 1, RV_OP_IMM, "ctz", rv_trans_unary, IR_ctz),
    UN(0x602, 1, RV_OP_IMM, "cpop", rv_trans_unary, IR_popcnt),
    UN(0x604, 1, RV_OP_IMM, "sext.b", rv_trans_unary, IR_sext8),
    UN(0x605, 1, RV_OP_IMM, "sext.h", rv_trans_unary, IR_sext16),
    UN(0x600, 1, RV_OP_IMM_32, "clzw", rv_trans_unaryw, IR_clz),
    UN(0x601, 1, RV_OP_IMM_32, "ctzw", rv_trans_unaryw, IR_ctz),
    UN(0x602, 1, RV_OP_IMM_32, "cpopw", rv_trans_unaryw, IR_popcnt),
    UN(0x080, 4, RV_OP_OP_32, "zext.h", rv_trans_unary, IR_zext16),
    R(0x05, 6, RV_OP_OP, "max", rv_trans_minmax, IR_GT),
    R(0x05, 7, RV_OP_OP, "maxu", rv_trans_minmax, IR_GTU),
    R(0x05, 4, RV_OP_OP, "min", rv_trans_minmax, IR_LT),
    R(0x05, 5, RV_OP_OP, "minu", rv_trans_minmax, IR_LTU),
    R(0x30, 1, RV_OP_OP, "rol", rv_trans_alu, IR_rotl),
    R(0x30, 5, RV_OP_OP, "ror", rv_trans_alu, IR_rotr),
    R(0x30, 1, RV_OP_OP_32, "rolw", rv_trans_aluw, IR_rotl),
    R(0x30, 5, RV_OP_OP_32, "rorw", rv_trans_aluw, IR_rotr),
    SH6(0x18, 5, "rori", rv_trans_alu_imm, IR_rotr),
    SH5(0x30, 5, "roriw", rv_trans_alu_immw, IR_rotr),
    UN(0x287, 5, RV_OP_IMM, "orc.b", rv_trans_orc_b, 0),
    UN(0x6b8, 5, RV_OP_IMM, "rev8", rv_trans_unary, IR_bswap),

    /* Zbs */
    R(0x24, 1, RV_OP_OP, "bclr", rv_trans_bit, IR_andn),
    R(0x24, 5, RV_OP_OP, "bext", rv_trans_bit, IR_shr),
    R(0x34, 1, RV_OP_OP, "binv", rv_trans_bit, IR_xor),
    R(0x14, 1, RV_OP_OP, "bset", rv_trans_bit, IR_or),
    SH6(0x12, 1, "bclri", rv_trans_bit_imm, IR_andn),
    SH6(0x12, 5, "bexti", rv_trans_bit_imm, IR_shr),
    SH6(0x1a, 1, "binvi", rv_trans_bit_imm, IR_xor),
    SH6(0x0a, 1, "bseti", rv_trans_bit_imm, IR_or),

    /* F and D: named here for the disassembler, translated by translate-fp.c */
    I(2, RV_OP_LOAD_FP, "flw", RV_FMT_FLOAD, rv_trans_fp, 0),
    I(3, RV_OP_LOAD_FP, "fld", RV_FMT_FLOAD, rv_trans_fp, 0),
    I(2, RV_OP_STORE_FP, "fsw", RV_FMT_FSTORE, rv_trans_fp, 0),
    I(3, RV_OP_STORE_FP, "fsd", RV_FMT_FSTORE, rv_trans_fp, 0),
    { MASK_OPC, RV_OP_MADD, "fmadd", RV_FMT_FP, rv_trans_fp, 0 },
    { MASK_OPC, RV_OP_MSUB, "fmsub", RV_FMT_FP, rv_trans_fp, 0 },
    { MASK_OPC, RV_OP_NMSUB, "fnmsub", RV_FMT_FP, rv_trans_fp, 0 },
    { MASK_OPC, RV_OP_NMADD, "fnmadd", RV_FMT_FP, rv_trans_fp, 0 },
    { MASK_OPC, RV_OP_OP_FP, "fp-op", RV_FMT_FP, rv_trans_fp, 0 },
};

/* A linear scan: the table is small and translation is rare next to
 * execution; the order above only matters where patterns overlap. */
#define N_PATTERNS (sizeof(rv_patterns) / sizeof(rv_patterns[0]))

const struct rv_pattern *rv_decode32(uint32_t insn)
{
    for (size_t n = 0; n < N_PATTERNS; n++) {
        const struct rv_pattern *p = &rv_patterns[n];
        if ((insn & p->mask) == p->match)
            return p;
    }
    return NULL;
}
