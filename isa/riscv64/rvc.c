/*
 * The C extension: every 16-bit encoding of RV64C expanded to the 32-bit
 * instruction it stands for (ISA manual, "C" Standard Extension, RVC
 * instruction set listings).  Reserved encodings expand to 0, which no
 * 32-bit decoder accepts, so the translator raises SIGILL for them.  HINTs
 * (rd = x0, zero immediates where allowed) expand to the no-op they are.
 */
#include "isa/riscv64/decode.h"

#include <stddef.h>

/* c[hi:lo] moved to bit position `at` */
static inline uint32_t cbits(uint16_t c, unsigned hi, unsigned lo, unsigned at)
{
    return ((uint32_t)(c >> lo) & ((1u << (hi - lo + 1)) - 1)) << at;
}

static inline int32_t sext(uint32_t v, unsigned bits)
{
    return (int32_t)(v << (32 - bits)) >> (32 - bits);
}

/* register fields: full (CR, CI, CSS) and the 3-bit x8..x15 ones */
static unsigned c_rd(uint16_t c) { return (c >> 7) & 31; }
static unsigned c_rs2(uint16_t c) { return (c >> 2) & 31; }
static unsigned c_rs1p(uint16_t c) { return 8 + ((c >> 7) & 7); }
static unsigned c_rs2p(uint16_t c) { return 8 + ((c >> 2) & 7); }

/* immediates, one per layout */
static int32_t imm_ci(uint16_t c) { return sext(cbits(c, 12, 12, 5) | cbits(c, 6, 2, 0), 6); }
static uint32_t uimm_lw(uint16_t c)
{
    return cbits(c, 12, 10, 3) | cbits(c, 6, 6, 2) | cbits(c, 5, 5, 6);
}
static uint32_t uimm_ld(uint16_t c) { return cbits(c, 12, 10, 3) | cbits(c, 6, 5, 6); }
static uint32_t uimm_lwsp(uint16_t c)
{
    return cbits(c, 12, 12, 5) | cbits(c, 6, 4, 2) | cbits(c, 3, 2, 6);
}
static uint32_t uimm_ldsp(uint16_t c)
{
    return cbits(c, 12, 12, 5) | cbits(c, 6, 5, 3) | cbits(c, 4, 2, 6);
}
static uint32_t uimm_swsp(uint16_t c) { return cbits(c, 12, 9, 2) | cbits(c, 8, 7, 6); }
static uint32_t uimm_sdsp(uint16_t c) { return cbits(c, 12, 10, 3) | cbits(c, 9, 7, 6); }
static uint32_t shamt_c(uint16_t c) { return cbits(c, 12, 12, 5) | cbits(c, 6, 2, 0); }
static int32_t imm_cj(uint16_t c)
{
    return sext(cbits(c, 12, 12, 11) | cbits(c, 11, 11, 4) | cbits(c, 10, 9, 8) |
                cbits(c, 8, 8, 10) | cbits(c, 7, 7, 6) | cbits(c, 6, 6, 7) |
                cbits(c, 5, 3, 1) | cbits(c, 2, 2, 5), 12);
}
static int32_t imm_cb(uint16_t c)
{
    return sext(cbits(c, 12, 12, 8) | cbits(c, 11, 10, 3) | cbits(c, 6, 5, 6) |
                cbits(c, 4, 3, 1) | cbits(c, 2, 2, 5), 9);
}

/* ---- quadrant 0 ---- */
static uint32_t x_addi4spn(uint16_t c)
{
    uint32_t imm = cbits(c, 12, 11, 4) | cbits(c, 10, 7, 6) | cbits(c, 6, 6, 2) |
                   cbits(c, 5, 5, 3);
    return imm ? rv_enc_i((int32_t)imm, 2, 0, c_rs2p(c), RV_OP_IMM) : 0;
}
static uint32_t x_fld(uint16_t c)
{
    return rv_enc_i((int32_t)uimm_ld(c), c_rs1p(c), 3, c_rs2p(c), RV_OP_LOAD_FP);
}
static uint32_t x_lw(uint16_t c)
{
    return rv_enc_i((int32_t)uimm_lw(c), c_rs1p(c), 2, c_rs2p(c), RV_OP_LOAD);
}
static uint32_t x_ld(uint16_t c)
{
    return rv_enc_i((int32_t)uimm_ld(c), c_rs1p(c), 3, c_rs2p(c), RV_OP_LOAD);
}
static uint32_t x_fsd(uint16_t c)
{
    return rv_enc_s((int32_t)uimm_ld(c), c_rs2p(c), c_rs1p(c), 3, RV_OP_STORE_FP);
}
static uint32_t x_sw(uint16_t c)
{
    return rv_enc_s((int32_t)uimm_lw(c), c_rs2p(c), c_rs1p(c), 2, RV_OP_STORE);
}
static uint32_t x_sd(uint16_t c)
{
    return rv_enc_s((int32_t)uimm_ld(c), c_rs2p(c), c_rs1p(c), 3, RV_OP_STORE);
}

/* ---- quadrant 1 ---- */
static uint32_t x_addi(uint16_t c)
{
    return rv_enc_i(imm_ci(c), c_rd(c), 0, c_rd(c), RV_OP_IMM);
}
static uint32_t x_addiw(uint16_t c)
{
    return c_rd(c) ? rv_enc_i(imm_ci(c), c_rd(c), 0, c_rd(c), RV_OP_IMM_32) : 0;
}
static uint32_t x_li(uint16_t c) { return rv_enc_i(imm_ci(c), 0, 0, c_rd(c), RV_OP_IMM); }
static uint32_t x_addi16sp(uint16_t c)
{
    int32_t imm = sext(cbits(c, 12, 12, 9) | cbits(c, 6, 6, 4) | cbits(c, 5, 5, 6) |
                       cbits(c, 4, 3, 7) | cbits(c, 2, 2, 5), 10);
    return imm ? rv_enc_i(imm, 2, 0, 2, RV_OP_IMM) : 0;
}
static uint32_t x_lui(uint16_t c)
{
    int32_t imm = imm_ci(c);
    return imm ? rv_enc_u(imm * 4096, c_rd(c), RV_OP_LUI) : 0;
}
static uint32_t x_srli(uint16_t c)
{
    return rv_enc_i((int32_t)shamt_c(c), c_rs1p(c), 5, c_rs1p(c), RV_OP_IMM);
}
static uint32_t x_srai(uint16_t c)
{
    return rv_enc_i((int32_t)(0x400 | shamt_c(c)), c_rs1p(c), 5, c_rs1p(c), RV_OP_IMM);
}
static uint32_t x_andi(uint16_t c)
{
    return rv_enc_i(imm_ci(c), c_rs1p(c), 7, c_rs1p(c), RV_OP_IMM);
}
/* CA format: rd' = rd' op rs2'; funct7 and funct3 of the 32-bit form */
static uint32_t ca(uint16_t c, unsigned f7, unsigned f3, unsigned op)
{
    return rv_enc_r(f7, c_rs2p(c), c_rs1p(c), f3, c_rs1p(c), op);
}
static uint32_t x_sub(uint16_t c) { return ca(c, 0x20, 0, RV_OP_OP); }
static uint32_t x_xor(uint16_t c) { return ca(c, 0, 4, RV_OP_OP); }
static uint32_t x_or(uint16_t c) { return ca(c, 0, 6, RV_OP_OP); }
static uint32_t x_and(uint16_t c) { return ca(c, 0, 7, RV_OP_OP); }
static uint32_t x_subw(uint16_t c) { return ca(c, 0x20, 0, RV_OP_OP_32); }
static uint32_t x_addw(uint16_t c) { return ca(c, 0, 0, RV_OP_OP_32); }
static uint32_t x_j(uint16_t c) { return rv_enc_j(imm_cj(c), 0, RV_OP_JAL); }
static uint32_t x_beqz(uint16_t c) { return rv_enc_b(imm_cb(c), 0, c_rs1p(c), 0, RV_OP_BRANCH); }
static uint32_t x_bnez(uint16_t c) { return rv_enc_b(imm_cb(c), 0, c_rs1p(c), 1, RV_OP_BRANCH); }

/* ---- quadrant 2 ---- */
static uint32_t x_slli(uint16_t c)
{
    return rv_enc_i((int32_t)shamt_c(c), c_rd(c), 1, c_rd(c), RV_OP_IMM);
}
static uint32_t x_fldsp(uint16_t c)
{
    return rv_enc_i((int32_t)uimm_ldsp(c), 2, 3, c_rd(c), RV_OP_LOAD_FP);
}
static uint32_t x_lwsp(uint16_t c)
{
    return c_rd(c) ? rv_enc_i((int32_t)uimm_lwsp(c), 2, 2, c_rd(c), RV_OP_LOAD) : 0;
}
static uint32_t x_ldsp(uint16_t c)
{
    return c_rd(c) ? rv_enc_i((int32_t)uimm_ldsp(c), 2, 3, c_rd(c), RV_OP_LOAD) : 0;
}
static uint32_t x_jr(uint16_t c) { return c_rd(c) ? rv_enc_i(0, c_rd(c), 0, 0, RV_OP_JALR) : 0; }
static uint32_t x_mv(uint16_t c) { return rv_enc_r(0, c_rs2(c), 0, 0, c_rd(c), RV_OP_OP); }
static uint32_t x_ebreak(uint16_t c) { return 0x00100073; }
static uint32_t x_jalr(uint16_t c) { return rv_enc_i(0, c_rd(c), 0, 1, RV_OP_JALR); }
static uint32_t x_add(uint16_t c) { return rv_enc_r(0, c_rs2(c), c_rd(c), 0, c_rd(c), RV_OP_OP); }
static uint32_t x_fsdsp(uint16_t c)
{
    return rv_enc_s((int32_t)uimm_sdsp(c), c_rs2(c), 2, 3, RV_OP_STORE_FP);
}
static uint32_t x_swsp(uint16_t c)
{
    return rv_enc_s((int32_t)uimm_swsp(c), c_rs2(c), 2, 2, RV_OP_STORE);
}
static uint32_t x_sdsp(uint16_t c)
{
    return rv_enc_s((int32_t)uimm_sdsp(c), c_rs2(c), 2, 3, RV_OP_STORE);
}

struct rvc_pattern {
    uint16_t mask, match;
    const char *name;
    uint32_t (*expand)(uint16_t c);
};

/* funct3 (15:13) and op (1:0) select most encodings; the first match wins */
static const struct rvc_pattern rvc_patterns[] = {
    { 0xe003, 0x0000, "c.addi4spn", x_addi4spn },
    { 0xe003, 0x2000, "c.fld", x_fld },
    { 0xe003, 0x4000, "c.lw", x_lw },
    { 0xe003, 0x6000, "c.ld", x_ld },
    { 0xe003, 0xa000, "c.fsd", x_fsd },
    { 0xe003, 0xc000, "c.sw", x_sw },
    { 0xe003, 0xe000, "c.sd", x_sd },

    { 0xef83, 0x0001, "c.nop", x_addi },
    { 0xe003, 0x0001, "c.addi", x_addi },
    { 0xe003, 0x2001, "c.addiw", x_addiw },
    { 0xe003, 0x4001, "c.li", x_li },
    { 0xef83, 0x6101, "c.addi16sp", x_addi16sp },
    { 0xe003, 0x6001, "c.lui", x_lui },
    { 0xec03, 0x8001, "c.srli", x_srli },
    { 0xec03, 0x8401, "c.srai", x_srai },
    { 0xec03, 0x8801, "c.andi", x_andi },
    { 0xfc63, 0x8c01, "c.sub", x_sub },
    { 0xfc63, 0x8c21, "c.xor", x_xor },
    { 0xfc63, 0x8c41, "c.or", x_or },
    { 0xfc63, 0x8c61, "c.and", x_and },
    { 0xfc63, 0x9c01, "c.subw", x_subw },
    { 0xfc63, 0x9c21, "c.addw", x_addw },
    { 0xe003, 0xa001, "c.j", x_j },
    { 0xe003, 0xc001, "c.beqz", x_beqz },
    { 0xe003, 0xe001, "c.bnez", x_bnez },

    { 0xe003, 0x0002, "c.slli", x_slli },
    { 0xe003, 0x2002, "c.fldsp", x_fldsp },
    { 0xe003, 0x4002, "c.lwsp", x_lwsp },
    { 0xe003, 0x6002, "c.ldsp", x_ldsp },
    { 0xf07f, 0x8002, "c.jr", x_jr },
    { 0xf003, 0x8002, "c.mv", x_mv },
    { 0xffff, 0x9002, "c.ebreak", x_ebreak },
    { 0xf07f, 0x9002, "c.jalr", x_jalr },
    { 0xf003, 0x9002, "c.add", x_add },
    { 0xe003, 0xa002, "c.fsdsp", x_fsdsp },
    { 0xe003, 0xc002, "c.swsp", x_swsp },
    { 0xe003, 0xe002, "c.sdsp", x_sdsp },
};

uint32_t rv_expand_rvc(uint16_t c, const char **name)
{
    for (size_t n = 0; n < sizeof(rvc_patterns) / sizeof(rvc_patterns[0]); n++) {
        const struct rvc_pattern *p = &rvc_patterns[n];
        if ((c & p->mask) == p->match) {
            if (name)
                *name = p->name;
            return p->expand(c);
        }
    }
    if (name)
        *name = "c.illegal";
    return 0;
}
