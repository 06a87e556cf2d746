/*
 * -d in_asm for riscv64 (capstone 4 has no RISC-V): one line per instruction,
 * named by the same pattern tables that drive the translator, so what is
 * printed is what was decoded.  Compressed instructions show their C
 * mnemonic with the operands of their 32-bit expansion.
 */
#include "isa/riscv64/decode.h"

#include <inttypes.h>
#include <string.h>

#include "translate/exec.h"

static const char *const xname[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4",
    "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4",
    "t5", "t6",
};

static const char *const fname[32] = {
    "ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7", "fs0", "fs1", "fa0", "fa1", "fa2",
    "fa3", "fa4", "fa5", "fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7", "fs8", "fs9",
    "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

static void print_csr(FILE *f, unsigned csr)
{
    static const struct { unsigned n; const char *name; } names[] = {
        { RV_CSR_FFLAGS, "fflags" }, { RV_CSR_FRM, "frm" }, { RV_CSR_FCSR, "fcsr" },
        { RV_CSR_CYCLE, "cycle" }, { RV_CSR_TIME, "time" }, { RV_CSR_INSTRET, "instret" },
    };
    for (size_t n = 0; n < sizeof(names) / sizeof(names[0]); n++)
        if (names[n].n == csr) {
            fputs(names[n].name, f);
            return;
        }
    fprintf(f, "0x%03x", csr);
}

static void print_fence_set(FILE *f, unsigned set)
{
    if (!set)
        fputc('0', f);
    for (unsigned k = 0; k < 4; k++)
        if (set & (8u >> k))
            fputc("iorw"[k], f);
}

static void print_operands(FILE *f, const struct rv_pattern *p, uint32_t i, uint64_t pc)
{
    const char *rd = xname[rv_rd(i)], *rs1 = xname[rv_rs1(i)], *rs2 = xname[rv_rs2(i)];

    switch (p->fmt) {
    case RV_FMT_R:
        fprintf(f, " %s, %s, %s", rd, rs1, rs2);
        break;
    case RV_FMT_R1:
        fprintf(f, " %s, %s", rd, rs1);
        break;
    case RV_FMT_I:
        fprintf(f, " %s, %s, %" PRId64, rd, rs1, rv_imm_i(i));
        break;
    case RV_FMT_SH:
        fprintf(f, " %s, %s, %u", rd, rs1, rv_shamt(i));
        break;
    case RV_FMT_LOAD:
        fprintf(f, " %s, %" PRId64 "(%s)", rd, rv_imm_i(i), rs1);
        break;
    case RV_FMT_STORE:
        fprintf(f, " %s, %" PRId64 "(%s)", rs2, rv_imm_s(i), rs1);
        break;
    case RV_FMT_B:
        fprintf(f, " %s, %s, 0x%" PRIx64, rs1, rs2, pc + (uint64_t)rv_imm_b(i));
        break;
    case RV_FMT_U:
        fprintf(f, " %s, 0x%x", rd, i >> 12);
        break;
    case RV_FMT_J:
        fprintf(f, " %s, 0x%" PRIx64, rd, pc + (uint64_t)rv_imm_j(i));
        break;
    case RV_FMT_CSR: case RV_FMT_CSRI:
        fprintf(f, " %s, ", rd);
        print_csr(f, rv_csr(i));
        if (p->fmt == RV_FMT_CSR)
            fprintf(f, ", %s", rs1);
        else
            fprintf(f, ", %u", rv_rs1(i));
        break;
    case RV_FMT_AMO:
        fprintf(f, " %s, %s, (%s)", rd, rs2, rs1);
        break;
    case RV_FMT_LR:
        fprintf(f, " %s, (%s)", rd, rs1);
        break;
    case RV_FMT_FENCE:
        fputc(' ', f);
        print_fence_set(f, (i >> 24) & 15);
        fputs(", ", f);
        print_fence_set(f, (i >> 20) & 15);
        break;
    case RV_FMT_FLOAD:
        fprintf(f, " %s, %" PRId64 "(%s)", fname[rv_rd(i)], rv_imm_i(i), rs1);
        break;
    case RV_FMT_FSTORE:
        fprintf(f, " %s, %" PRId64 "(%s)", fname[rv_rs2(i)], rv_imm_s(i), rs1);
        break;
    default:
        break;
    }
}

/* One instruction; returns its length in bytes. */
static unsigned disas_one(FILE *f, uint64_t pc)
{
    const uint8_t *host = (const uint8_t *)(exec_config.guest_base + (uintptr_t)pc);
    uint16_t lo, hi = 0;
    const char *cname = NULL;
    uint32_t insn;
    unsigned len = 2;

    memcpy(&lo, host, 2);
    if ((lo & 3) == 3) {
        memcpy(&hi, host + 2, 2);
        len = 4;
        insn = (uint32_t)hi << 16 | lo;
        fprintf(f, "0x%" PRIx64 ":  %08x  ", pc, insn);
    } else {
        insn = rv_expand_rvc(lo, &cname);
        fprintf(f, "0x%" PRIx64 ":  %04x      ", pc, lo);
    }
    const struct rv_pattern *p = insn ? rv_decode32(insn) : NULL;
    if (!p) {
        fputs("illegal\n", f);
        return len;
    }
    fputs(cname ? cname : p->name, f);
    if (p->fmt == RV_FMT_AMO || p->fmt == RV_FMT_LR)
        fputs((const char *const[]){ "", ".rl", ".aq", ".aqrl" }[(insn >> 25) & 3], f);
    print_operands(f, p, insn, pc);
    fputc('\n', f);
    return len;
}

void rv_disas(FILE *f, uint64_t pc, uint32_t size)
{
    uint64_t end = pc + size;
    while (pc < end)
        pc += disas_one(f, pc);
}
