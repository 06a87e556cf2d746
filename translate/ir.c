/*
 * IR construction, validation and printing.  Semantics of the ops live in
 * ir_eval.c; this file only builds and checks the instruction list.
 */
#include "ir.h"
#include "ir_vec.h"

#include <assert.h>
#include <inttypes.h>
#include <string.h>

const struct ir_op_info ir_op_info[IR_NUM_OPS] = {
#define IR_OP(name, n_out, n_in, flags) [IR_##name] = { #name, n_out, n_in, flags },
#include "ir_ops.def"
#undef IR_OP
};

void ir_block_init(struct ir_block *b, uint64_t guest_pc)
{
    b->guest_pc = guest_pc;
    b->guest_size = 0;
    b->guest_insns = 0;
    b->n_insns = 0;
    b->n_temps = 1;
    b->overflow = false;
}

bool ir_block_full(const struct ir_block *b)
{
    return b->overflow || b->n_insns + IR_INSN_HEADROOM > IR_MAX_INSNS ||
           b->n_temps + IR_INSN_HEADROOM > IR_MAX_TEMPS;
}

ir_temp ir_new_temp(struct ir_block *b, enum ir_type t)
{
    if (b->n_temps >= IR_MAX_TEMPS) {
        /* Front-ends check ir_block_full before each guest instruction, so
         * running out here means one instruction needed more than the headroom. */
        assert(!"IR temp headroom exceeded by one guest instruction");
    }
    b->temp_type[b->n_temps] = (uint8_t)t;
    return b->n_temps++;
}

struct ir_insn *ir_emit(struct ir_block *b, enum ir_opcode op, enum ir_type t)
{
    assert(b->n_insns < IR_MAX_INSNS && "IR insn headroom exceeded by one guest instruction");
    struct ir_insn *i = &b->insns[b->n_insns++];
    memset(i, 0, sizeof(*i));
    i->op = (uint8_t)op;
    i->type = (uint8_t)t;
    return i;
}

static ir_temp emit_out(struct ir_block *b, struct ir_insn *i, enum ir_type t)
{
    i->out = ir_new_temp(b, t);
    return i->out;
}

ir_temp ir_movi(struct ir_block *b, enum ir_type t, uint64_t v)
{
    struct ir_insn *i = ir_emit(b, IR_movi, t);
    i->imm = (int64_t)(t == IR_I32 ? (uint32_t)v : v);
    return emit_out(b, i, t);
}

ir_temp ir_unop(struct ir_block *b, enum ir_opcode op, enum ir_type t, ir_temp a)
{
    struct ir_insn *i = ir_emit(b, op, t);
    i->in[0] = a;
    return emit_out(b, i, t);
}

ir_temp ir_binop(struct ir_block *b, enum ir_opcode op, enum ir_type t, ir_temp a, ir_temp c)
{
    struct ir_insn *i = ir_emit(b, op, t);
    i->in[0] = a;
    i->in[1] = c;
    return emit_out(b, i, t);
}

ir_temp ir_setcond(struct ir_block *b, enum ir_type t, enum ir_cond cond, ir_temp a, ir_temp c)
{
    struct ir_insn *i = ir_emit(b, IR_setcond, t);
    i->cond = (uint8_t)cond;
    i->in[0] = a;
    i->in[1] = c;
    return emit_out(b, i, t);
}

ir_temp ir_select(struct ir_block *b, enum ir_type t, ir_temp c, ir_temp vt, ir_temp vf)
{
    struct ir_insn *i = ir_emit(b, IR_select, t);
    i->in[0] = c;
    i->in[1] = vt;
    i->in[2] = vf;
    return emit_out(b, i, t);
}

ir_temp ir_get_reg(struct ir_block *b, enum ir_type t, uint32_t offset)
{
    struct ir_insn *i = ir_emit(b, IR_get_reg, t);
    i->imm = offset;
    return emit_out(b, i, t);
}

void ir_set_reg(struct ir_block *b, enum ir_type t, uint32_t offset, ir_temp v)
{
    struct ir_insn *i = ir_emit(b, IR_set_reg, t);
    i->imm = offset;
    i->in[0] = v;
}

ir_temp ir_ld(struct ir_block *b, enum ir_type t, unsigned mem, ir_temp addr, int64_t disp)
{
    struct ir_insn *i = ir_emit(b, IR_ld, t);
    i->mem = (uint8_t)mem;
    i->in[0] = addr;
    i->imm = disp;
    return emit_out(b, i, t);
}

void ir_st(struct ir_block *b, unsigned mem, ir_temp addr, int64_t disp, ir_temp v)
{
    struct ir_insn *i = ir_emit(b, IR_st, (mem & IR_MEM_SIZE_MASK) == IR_MEM_64 ? IR_I64 : IR_I32);
    i->mem = (uint8_t)mem;
    i->in[0] = addr;
    i->in[1] = v;
    i->imm = disp;
}

ir_temp ir_atomic_rmw(struct ir_block *b, enum ir_type t, unsigned mem, enum ir_rmw kind,
                      ir_temp addr, ir_temp v)
{
    struct ir_insn *i = ir_emit(b, IR_atomic_rmw, t);
    i->mem = (uint8_t)mem;
    i->cond = (uint8_t)kind;
    i->in[0] = addr;
    i->in[1] = v;
    return emit_out(b, i, t);
}

ir_temp ir_atomic_cmpxchg(struct ir_block *b, enum ir_type t, unsigned mem, ir_temp addr,
                          ir_temp expected, ir_temp newv)
{
    struct ir_insn *i = ir_emit(b, IR_atomic_cmpxchg, t);
    i->mem = (uint8_t)mem;
    i->in[0] = addr;
    i->in[1] = expected;
    i->in[2] = newv;
    return emit_out(b, i, t);
}

void ir_fence(struct ir_block *b, unsigned kind)
{
    struct ir_insn *i = ir_emit(b, IR_fence, IR_I64);
    i->imm = kind;
}

ir_temp ir_call(struct ir_block *b, ir_helper_fn fn, unsigned call_flags, bool want_result,
                enum ir_type ret_type, ir_temp a0, ir_temp a1, ir_temp a2, ir_temp a3)
{
    struct ir_insn *i = ir_emit(b, IR_call, ret_type);
    i->cond = (uint8_t)call_flags;
    i->imm = (int64_t)(uintptr_t)fn;
    i->in[0] = a0;
    i->in[1] = a1;
    i->in[2] = a2;
    i->in[3] = a3;
    return want_result ? emit_out(b, i, ret_type) : IR_NO_TEMP;
}

void ir_exit_cond(struct ir_block *b, enum ir_type t, enum ir_cond cond, ir_temp a, ir_temp c,
                  uint64_t target_pc)
{
    struct ir_insn *i = ir_emit(b, IR_exit_cond, t);
    i->cond = (uint8_t)cond;
    i->in[0] = a;
    i->in[1] = c;
    i->imm = (int64_t)target_pc;
}

void ir_exit_tb(struct ir_block *b, uint64_t target_pc)
{
    struct ir_insn *i = ir_emit(b, IR_exit_tb, IR_I64);
    i->imm = (int64_t)target_pc;
}

void ir_exit_ind(struct ir_block *b, ir_temp target)
{
    struct ir_insn *i = ir_emit(b, IR_exit_ind, IR_I64);
    i->in[0] = target;
}

void ir_exit_trap(struct ir_block *b, unsigned reason, uint64_t pc)
{
    struct ir_insn *i = ir_emit(b, IR_exit_trap, IR_I64);
    i->imm = reason;
    i->imm2 = pc;
}

void ir_insn_start(struct ir_block *b, uint64_t pc)
{
    struct ir_insn *i = ir_emit(b, IR_insn_start, IR_I64);
    i->imm = (int64_t)pc;
}

/* ---- validation ---- */

static bool input_type_ok(const struct ir_insn *i, unsigned k, enum ir_type in_t)
{
    switch (i->op) {
    case IR_sext32: case IR_zext32: case IR_trunc32:
        return in_t == (i->op == IR_trunc32 ? IR_I64 : IR_I32) || in_t == IR_I64;
    case IR_select:
        return k == 0 || in_t == i->type;
    case IR_ld: case IR_st: case IR_atomic_rmw: case IR_atomic_cmpxchg:
        return k == 0 ? in_t == IR_I64 : true;
    case IR_call: case IR_exit_ind:
        return true;
    case IR_shl: case IR_shr: case IR_sar: case IR_rotl: case IR_rotr:
        return k == 1 || in_t == i->type;
    default:
        return in_t == i->type;
    }
}

bool ir_validate(const struct ir_block *b, FILE *f)
{
    static bool defined[IR_MAX_TEMPS];
    memset(defined, 0, sizeof(bool) * b->n_temps);
    if (b->n_insns == 0 || !(ir_op_info[b->insns[b->n_insns - 1].op].flags & IR_F_END)) {
        fprintf(f, "ir: block at 0x%" PRIx64 " does not end with an unconditional exit\n",
                b->guest_pc);
        return false;
    }
    for (uint32_t n = 0; n < b->n_insns; n++) {
        const struct ir_insn *i = &b->insns[n];
        if (i->op >= IR_NUM_OPS) {
            fprintf(f, "ir: insn %u: bad opcode %u\n", n, i->op);
            return false;
        }
        const struct ir_op_info *info = &ir_op_info[i->op];
        if ((info->flags & IR_F_END) && n + 1 != b->n_insns) {
            fprintf(f, "ir: insn %u: %s is not last\n", n, info->name);
            return false;
        }
        for (unsigned k = 0; k < info->n_in; k++) {
            ir_temp t = i->in[k];
            if (t == IR_NO_TEMP) {
                if (i->op == IR_call)
                    continue;
                fprintf(f, "ir: insn %u (%s): input %u missing\n", n, info->name, k);
                return false;
            }
            if (t >= b->n_temps || !defined[t]) {
                fprintf(f, "ir: insn %u (%s): t%u used before definition\n", n, info->name, t);
                return false;
            }
            if (!input_type_ok(i, k, (enum ir_type)b->temp_type[t])) {
                fprintf(f, "ir: insn %u (%s): input t%u has the wrong type\n", n, info->name, t);
                return false;
            }
        }
        if (i->out != IR_NO_TEMP) {
            if (!info->n_out || i->out >= b->n_temps || defined[i->out]) {
                fprintf(f, "ir: insn %u (%s): bad or redefined output t%u\n", n, info->name,
                        i->out);
                return false;
            }
            if (b->temp_type[i->out] != i->type) {
                fprintf(f, "ir: insn %u (%s): output type differs from op type\n", n,
                        info->name);
                return false;
            }
            defined[i->out] = true;
        } else if (info->n_out && i->op != IR_call) {
            fprintf(f, "ir: insn %u (%s): output missing\n", n, info->name);
            return false;
        }
    }
    return true;
}

/* ---- printing (-d op, -d op_opt) ---- */

static const char *const cond_names[IR_NUM_CONDS] = {
    "eq", "ne", "lt", "ge", "le", "gt", "ltu", "geu", "leu", "gtu", "tsteq", "tstne",
};
static const char *const rmw_names[] = {
    "xchg", "add", "and", "or", "xor", "smin", "smax", "umin", "umax",
};

void ir_print(const struct ir_block *b, FILE *f)
{
    fprintf(f, "IR block 0x%" PRIx64 " (%u guest insns, %u bytes)\n", b->guest_pc,
            b->guest_insns, b->guest_size);
    for (uint32_t n = 0; n < b->n_insns; n++) {
        const struct ir_insn *i = &b->insns[n];
        const struct ir_op_info *info = &ir_op_info[i->op];
        fprintf(f, "  %4u: ", n);
        if (i->out)
            fprintf(f, "t%-4u = ", i->out);
        else
            fprintf(f, "         ");
        fprintf(f, "%s.%s", info->name, i->type == IR_I64 ? "i64" : "i32");
        if (i->op == IR_setcond || i->op == IR_exit_cond)
            fprintf(f, ".%s", i->cond < IR_NUM_CONDS ? cond_names[i->cond] : "?");
        if (i->op == IR_atomic_rmw)
            fprintf(f, ".%s", i->cond < 9 ? rmw_names[i->cond] : "?");
        if (info->flags & IR_F_MEM && i->op != IR_fence && !(info->flags & IR_F_VEC))
            fprintf(f, ".m%u%s", 8u << (i->mem & IR_MEM_SIZE_MASK),
                    i->mem & IR_MEM_SIGN ? "s" : "");
        for (unsigned k = 0; k < info->n_in; k++)
            if (i->in[k])
                fprintf(f, " t%u", i->in[k]);
        switch (i->op) {
        case IR_movi:
            fprintf(f, " $0x%" PRIx64, (uint64_t)i->imm);
            break;
        case IR_get_reg: case IR_set_reg:
            fprintf(f, " state+%" PRId64, i->imm);
            break;
        case IR_ld: case IR_st:
            if (i->imm)
                fprintf(f, " %+" PRId64, i->imm);
            break;
        case IR_call:
            fprintf(f, " fn=0x%" PRIx64 " flags=%u", (uint64_t)i->imm, i->cond);
            break;
        case IR_exit_cond: case IR_exit_tb:
            fprintf(f, " -> 0x%" PRIx64, (uint64_t)i->imm);
            break;
        case IR_insn_start:
            fprintf(f, " pc=0x%" PRIx64, (uint64_t)i->imm);
            break;
        case IR_exit_trap:
            fprintf(f, " reason=%" PRId64 " pc=0x%" PRIx64, i->imm, i->imm2);
            break;
        case IR_fence:
            fprintf(f, " kind=%" PRId64, i->imm);
            break;
        default:
            if (info->flags & IR_F_VEC)
                ir_vec_print(i, f);
            break;
        }
        fputc('\n', f);
    }
}
