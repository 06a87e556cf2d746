/*
 * Builders and the printer for the vector ops (ir_vec.h).
 */
#include "ir_vec.h"

#include <inttypes.h>

void ir_vop(struct ir_block *b, enum ir_vop_kind kind, unsigned flags, unsigned esize_log2,
            uint32_t d, uint32_t a, uint32_t c, unsigned x)
{
    struct ir_insn *i = ir_emit(b, IR_vop, IR_I64);
    i->cond = (uint8_t)(kind | flags);
    i->mem = (uint8_t)esize_log2;
    i->imm = d;
    i->imm2 = IR_VSRC(a, c, x);
}

void ir_vdup(struct ir_block *b, unsigned flags, unsigned esize_log2, uint32_t d, ir_temp v)
{
    struct ir_insn *i = ir_emit(b, IR_vdup, (enum ir_type)b->temp_type[v]);
    i->cond = (uint8_t)flags;
    i->mem = (uint8_t)esize_log2;
    i->imm = d;
    i->in[0] = v;
}

ir_temp ir_vreduce(struct ir_block *b, enum ir_type t, enum ir_vred_kind kind, unsigned flags,
                   unsigned esize_log2, uint32_t slot)
{
    struct ir_insn *i = ir_emit(b, IR_vreduce, t);
    i->cond = (uint8_t)(kind | flags);
    i->mem = (uint8_t)esize_log2;
    i->imm = slot;
    i->out = ir_new_temp(b, t);
    return i->out;
}

static void vmem(struct ir_block *b, enum ir_opcode op, unsigned mem, uint32_t slot,
                 ir_temp addr, int64_t disp)
{
    struct ir_insn *i = ir_emit(b, op, IR_I64);
    i->mem = (uint8_t)mem;
    i->imm = slot;
    i->imm2 = (uint64_t)disp;
    i->in[0] = addr;
}

void ir_vld(struct ir_block *b, unsigned mem, uint32_t slot, ir_temp addr, int64_t disp)
{
    vmem(b, IR_vld, mem, slot, addr, disp);
}

void ir_vst(struct ir_block *b, unsigned mem, uint32_t slot, ir_temp addr, int64_t disp)
{
    vmem(b, IR_vst, mem, slot, addr, disp);
}

static const char *const vop_names[IR_VOP_NUM_KINDS] = {
    "add", "sub", "and", "or", "xor", "andn", "orn", "cmpeq", "cmpgt", "cmpge", "cmpgtu",
    "cmpgeu", "cmptst", "min", "max", "minu", "maxu", "addp", "maxp", "minp", "maxpu",
    "minpu", "ext", "shrn", "addhn", "shl", "shru", "shrs", "xtlu", "xtls", "mullu", "mulls",
    "mul", "padalu", "padals",
};
static const char *const vred_names[IR_VRED_NUM_KINDS] = {
    "add", "maxu", "minu", "max", "min",
};

void ir_vec_print(const struct ir_insn *i, FILE *f)
{
    unsigned kind = i->cond & IR_VF_KIND_MASK;
    const char *half = (i->cond & IR_VF_HALF) ? ".64" : "";
    switch (i->op) {
    case IR_vop:
        fprintf(f, " %s.e%u%s state+%" PRId64 " = state+%u, ",
                kind < IR_VOP_NUM_KINDS ? vop_names[kind] : "?", 8u << i->mem, half, i->imm,
                ir_vsrc_a(i));
        if (i->cond & IR_VF_BZERO)
            fprintf(f, "0");
        else
            fprintf(f, "state+%u", ir_vsrc_b(i));
        if (ir_vsrc_x(i))
            fprintf(f, ", #%u", ir_vsrc_x(i));
        break;
    case IR_vdup:
        fprintf(f, " e%u%s state+%" PRId64, 8u << i->mem, half, i->imm);
        break;
    case IR_vreduce:
        fprintf(f, " %s.e%u%s state+%" PRId64, kind < IR_VRED_NUM_KINDS ? vred_names[kind] : "?",
                8u << i->mem, half, i->imm);
        break;
    default:    /* vld, vst */
        fprintf(f, " %u bytes state+%" PRId64 " %+" PRId64, i->mem == IR_VMEM_128 ? 16 : 8,
                i->imm, (int64_t)i->imm2);
        break;
    }
}
