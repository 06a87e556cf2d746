/*
 * A64 Advanced SIMD and crypto (Arm ARM C4.1.95, "Data Processing -- Scalar
 * Floating-Point and Advanced SIMD", all but the scalar FP classes) and the
 * SIMD structure loads/stores (C4.1.88.1-4).
 *
 * The instructions glibc's string functions live on (compares, pairwise
 * and across-lane max/min/add, add/sub, shrn, addhn, ext, dup, ld1/st1) are
 * the IR's vector ops on the V registers' 16-byte state slots (ir_vec.h).
 * Moves, immediates, element copies and the bitwise ops are plain IR on the
 * two 64-bit halves of each register.  Everything else is executed by C
 * functions (simd.h) called through a64_helper_simd with the instruction
 * word; that call is not NO_REGS, so the optimiser writes back and forgets
 * any cached V register around it.
 */
#include "isa/aarch64/translate.h"

#include "isa/aarch64/fp16.h"
#include "isa/aarch64/helpers.h"
#include "isa/aarch64/simd.h"
#include "translate/ir_vec.h"

static ir_temp c64(struct a64_dc *dc, uint64_t v)
{
    return ir_movi(dc->b, IR_I64, v);
}

static ir_temp get_half(struct a64_dc *dc, unsigned n, unsigned half)
{
    return ir_get_reg(dc->b, IR_I64, A64_V(n & 31, half));
}

static void set_half(struct a64_dc *dc, unsigned n, unsigned half, ir_temp v)
{
    ir_set_reg(dc->b, IR_I64, A64_V(n & 31, half), v);
}

/* ---- classes executed by a C function ---- */

static bool emit_exec(struct a64_dc *dc, uint32_t insn, a64_simd_fn fn)
{
    /* decode check: run once on a scratch state; unallocated -> SIGILL */
    struct a64_cpu scratch;
    memset(&scratch, 0, sizeof(scratch));
    uint32_t host_fp = a64_fp_host_save();      /* 0/0 here is no guest's IOC */
    bool ok = fn(&scratch, insn);
    a64_fp_host_restore(host_fp);
    if (!ok)
        return false;
    ir_call(dc->b, a64_helper_simd, 0, false, IR_I64, c64(dc, insn),
            c64(dc, (uint64_t)(uintptr_t)fn), IR_NO_TEMP, IR_NO_TEMP);
    return true;
}

#define EXEC(name, fn) \
    static bool name(struct a64_dc *dc, uint32_t insn) { return emit_exec(dc, insn, fn); }

EXEC(trans_aes, simd_crypto_aes)
EXEC(trans_sha3, simd_crypto_sha3reg)
EXEC(trans_sha2, simd_crypto_sha2reg)
EXEC(trans_sha512_3, simd_crypto_sha512_3)
EXEC(trans_sha512_2, simd_crypto_sha512_2)
EXEC(trans_crypto4, simd_crypto_four)
EXEC(trans_xar, simd_crypto_xar)
EXEC(trans_three_same, simd_three_same)
EXEC(trans_three_diff, simd_three_diff)
EXEC(trans_two_misc, simd_two_misc)
EXEC(trans_pairwise, simd_pairwise_scalar)
EXEC(trans_shift_imm, simd_shift_imm)
EXEC(trans_indexed, simd_indexed)
EXEC(trans_permute, simd_permute)
EXEC(trans_table, simd_table)
EXEC(trans_fp16_three_same, simd_fp16_three_same)
EXEC(trans_fp16_two_misc, simd_fp16_two_misc)
EXEC(trans_fp16_across, simd_fp16_across)
EXEC(trans_fp16_pairwise, simd_fp16_pairwise)
EXEC(trans_fp16_indexed, simd_fp16_indexed)
EXEC(trans_fp16_shift_imm, simd_fp16_shift_imm)

/* ---- classes done with the IR's vector ops, falling back to the helper ---- */

static uint32_t vslot(unsigned n)
{
    return A64_V(n & 31, 0);
}

static unsigned vhalf(bool q)
{
    return q ? 0 : IR_VF_HALF;
}

/* AdvSIMD three same (integer): compares, add/sub, max/min, pairwise */
static bool trans_three_same_vec(struct a64_dc *dc, uint32_t insn)
{
    unsigned opcode = a64_bits(insn, 15, 11), size = a64_bits(insn, 23, 22);
    bool q = (insn >> 30) & 1, u = (insn >> 29) & 1;
    int kind = -1;
    switch (opcode) {
    case 0x10: kind = u ? IR_VOP_SUB : IR_VOP_ADD; break;
    case 0x11: kind = u ? IR_VOP_CMPEQ : IR_VOP_CMPTST; break;
    case 0x06: kind = u ? IR_VOP_CMPGTU : IR_VOP_CMPGT; break;
    case 0x07: kind = u ? IR_VOP_CMPGEU : IR_VOP_CMPGE; break;
    case 0x0c: kind = size == 3 ? -1 : u ? IR_VOP_MAXU : IR_VOP_MAX; break;
    case 0x0d: kind = size == 3 ? -1 : u ? IR_VOP_MINU : IR_VOP_MIN; break;
    case 0x14: kind = size == 3 ? -1 : u ? IR_VOP_MAXPU : IR_VOP_MAXP; break;
    case 0x15: kind = size == 3 ? -1 : u ? IR_VOP_MINPU : IR_VOP_MINP; break;
    case 0x17: kind = u ? -1 : IR_VOP_ADDP; break;
    case 0x13: kind = u || size == 3 ? -1 : IR_VOP_MUL; break;
    default: break;
    }
    if (kind < 0 || (size == 3 && !q))
        return emit_exec(dc, insn, simd_three_same);
    ir_vop(dc->b, (enum ir_vop_kind)kind, vhalf(q), size, vslot(a64_bits(insn, 4, 0)),
           vslot(a64_bits(insn, 9, 5)), vslot(a64_bits(insn, 20, 16)), 0);
    return true;
}

/* AdvSIMD two-register misc: the compares with zero, SHLL, [SU]ADDLP,
 * [SU]ADALP */
static bool trans_two_misc_vec(struct a64_dc *dc, uint32_t insn)
{
    unsigned opcode = a64_bits(insn, 16, 12), size = a64_bits(insn, 23, 22);
    bool q = (insn >> 30) & 1, u = (insn >> 29) & 1;
    unsigned rd = a64_bits(insn, 4, 0), rn = a64_bits(insn, 9, 5);
    int kind = -1;
    if (opcode == 0x13 && u && size < 3) {         /* SHLL, SHLL2 */
        ir_vop(dc->b, IR_VOP_XTLU, 0, size, vslot(rd), vslot(rn), vslot(rn),
               (unsigned)q << 8 | 8u << size);
        return true;
    }
    if ((opcode == 0x02 || opcode == 0x06) && size < 3) {     /* [SU]ADDLP, [SU]ADALP */
        ir_vop(dc->b, u ? IR_VOP_PADALU : IR_VOP_PADALS, vhalf(q) | (opcode == 0x02 ? IR_VF_BZERO : 0),
               size, vslot(rd), vslot(rn), vslot(rd), 0);
        return true;
    }
    if (opcode == 0x08)
        kind = u ? IR_VOP_CMPGE : IR_VOP_CMPGT;
    else if (opcode == 0x09 && !u)
        kind = IR_VOP_CMPEQ;
    if (kind < 0 || (size == 3 && !q))
        return emit_exec(dc, insn, simd_two_misc);
    ir_vop(dc->b, (enum ir_vop_kind)kind, vhalf(q) | IR_VF_BZERO, size,
           vslot(a64_bits(insn, 4, 0)), vslot(a64_bits(insn, 9, 5)), 0, 0);
    return true;
}

/* AdvSIMD across lanes: UMAXV, UMINV, SMAXV, SMINV, ADDV */
static bool trans_across_vec(struct a64_dc *dc, uint32_t insn)
{
    unsigned opcode = a64_bits(insn, 16, 12), size = a64_bits(insn, 23, 22);
    bool q = (insn >> 30) & 1, u = (insn >> 29) & 1;
    int kind = -1;
    if (opcode == 0x0a)
        kind = u ? IR_VRED_MAXU : IR_VRED_MAX;
    else if (opcode == 0x1a)
        kind = u ? IR_VRED_MINU : IR_VRED_MIN;
    else if (opcode == 0x1b && !u)
        kind = IR_VRED_ADD;
    if (kind < 0 || size == 3 || (size == 2 && !q))
        return emit_exec(dc, insn, simd_across);
    unsigned rd = a64_bits(insn, 4, 0);
    ir_temp r = ir_vreduce(dc->b, IR_I64, (enum ir_vred_kind)kind, vhalf(q), size,
                           vslot(a64_bits(insn, 9, 5)));
    set_half(dc, rd, 0, r);
    set_half(dc, rd, 1, c64(dc, 0));
    return true;
}

/* AdvSIMD shift by immediate: SSHR, USHR, SHL, SSHLL, USHLL (UXTL, SXTL)
 * and SHRN (not SHRN2) */
static bool trans_shift_imm_vec(struct a64_dc *dc, uint32_t insn)
{
    unsigned immh = a64_bits(insn, 22, 19), immhb = a64_bits(insn, 22, 16);
    unsigned opcode = a64_bits(insn, 15, 11);
    bool q = (insn >> 30) & 1, u = (insn >> 29) & 1;
    if (immh == 0 || (immh >= 8 && (!q || opcode == 0x10 || opcode == 0x14)))
        return emit_exec(dc, insn, simd_shift_imm);     /* modified immediate, reserved */
    unsigned es = 31 - (unsigned)__builtin_clz(immh);
    unsigned right = (16u << es) - immhb, left = immhb - (8u << es);
    uint32_t d = vslot(a64_bits(insn, 4, 0)), n = vslot(a64_bits(insn, 9, 5));
    switch (opcode) {
    case 0x00:
        ir_vop(dc->b, u ? IR_VOP_SHRU : IR_VOP_SHRS, vhalf(q), es, d, n, n, right);
        return true;
    case 0x0a:
        if (u)
            break;              /* SLI */
        ir_vop(dc->b, IR_VOP_SHL, vhalf(q), es, d, n, n, left);
        return true;
    case 0x14:
        ir_vop(dc->b, u ? IR_VOP_XTLU : IR_VOP_XTLS, 0, es, d, n, n, (unsigned)q << 8 | left);
        return true;
    case 0x10:
        if (q || u)
            break;
        ir_vop(dc->b, IR_VOP_SHRN, IR_VF_HALF, es, d, n, n, right);
        return true;
    default:
        break;
    }
    return emit_exec(dc, insn, simd_shift_imm);
}

/* AdvSIMD three different: ADDHN (not ADDHN2), [SU]MULL[2] */
static bool trans_three_diff_vec(struct a64_dc *dc, uint32_t insn)
{
    unsigned size = a64_bits(insn, 23, 22);
    bool q = (insn >> 30) & 1, u = (insn >> 29) & 1;
    if (a64_bits(insn, 15, 12) == 0xc && size < 3) {
        ir_vop(dc->b, u ? IR_VOP_MULLU : IR_VOP_MULLS, 0, size, vslot(a64_bits(insn, 4, 0)),
               vslot(a64_bits(insn, 9, 5)), vslot(a64_bits(insn, 20, 16)), q);
        return true;
    }
    if (q || u || a64_bits(insn, 15, 12) != 0x4 || size == 3)
        return emit_exec(dc, insn, simd_three_diff);
    ir_vop(dc->b, IR_VOP_ADDHN, IR_VF_HALF, size, vslot(a64_bits(insn, 4, 0)),
           vslot(a64_bits(insn, 9, 5)), vslot(a64_bits(insn, 20, 16)), 0);
    return true;
}

/* AdvSIMD extract: EXT */
static bool trans_extract_vec(struct a64_dc *dc, uint32_t insn)
{
    bool q = (insn >> 30) & 1;
    unsigned imm4 = a64_bits(insn, 14, 11);
    if (a64_bits(insn, 23, 22) || (!q && (imm4 & 8)))
        return emit_exec(dc, insn, simd_extract);
    ir_vop(dc->b, IR_VOP_EXT, vhalf(q), 0, vslot(a64_bits(insn, 4, 0)),
           vslot(a64_bits(insn, 9, 5)), vslot(a64_bits(insn, 20, 16)), imm4);
    return true;
}

/* ---- element access in IR ---- */

static uint64_t lane_mask(unsigned size)
{
    return size >= 3 ? ~0ull : (1ull << (8u << size)) - 1;
}

/* element idx of Vn, zero-extended to I64 */
static ir_temp get_lane(struct a64_dc *dc, unsigned n, unsigned size, unsigned idx)
{
    unsigned bit = (idx << size) * 8;
    ir_temp v = get_half(dc, n, bit >> 6);
    if (bit & 63)
        v = ir_shr(dc->b, IR_I64, v, c64(dc, bit & 63));
    if (size < 3)
        v = ir_and(dc->b, IR_I64, v, c64(dc, lane_mask(size)));
    return v;
}

static void set_lane(struct a64_dc *dc, unsigned d, unsigned size, unsigned idx, ir_temp v)
{
    struct ir_block *b = dc->b;
    unsigned bit = (idx << size) * 8, half = bit >> 6, sh = bit & 63;
    if (size == 3) {
        set_half(dc, d, half, v);
        return;
    }
    ir_temp old = ir_and(b, IR_I64, get_half(dc, d, half), c64(dc, ~(lane_mask(size) << sh)));
    ir_temp ins = ir_and(b, IR_I64, v, c64(dc, lane_mask(size)));
    if (sh)
        ins = ir_shl(b, IR_I64, ins, c64(dc, sh));
    set_half(dc, d, half, ir_or(b, IR_I64, old, ins));
}

/* a zero-extended element value copied into every lane of 64 bits */
static ir_temp replicate(struct a64_dc *dc, ir_temp v, unsigned size)
{
    static const uint64_t ones[4] = {
        0x0101010101010101ull, 0x0001000100010001ull, 0x0000000100000001ull, 1,
    };
    if (size == 3)
        return v;
    return ir_mul(dc->b, IR_I64, v, c64(dc, ones[size]));
}

/* ---- AdvSIMD copy: DUP, INS, SMOV, UMOV ---- */

static bool trans_copy(struct a64_dc *dc, uint32_t insn)
{
    unsigned imm5 = a64_bits(insn, 20, 16), imm4 = a64_bits(insn, 14, 11);
    bool q = (insn >> 30) & 1, op = (insn >> 29) & 1;
    unsigned rd = a64_bits(insn, 4, 0), rn = a64_bits(insn, 9, 5);
    struct ir_block *b = dc->b;
    if (!(imm5 & 15))
        return false;
    unsigned size = (unsigned)__builtin_ctz(imm5), idx = imm5 >> (size + 1);
    if (op) {                   /* INS (element) */
        if (!q)
            return false;
        set_lane(dc, rd, size, idx, get_lane(dc, rn, size, imm4 >> size));
        return true;
    }
    switch (imm4) {
    case 0: case 1: {           /* DUP (element), DUP (general) */
        if (size == 3 && !q)
            return false;
        ir_temp v = imm4 ? a64_get_x(dc, rn, true) : get_lane(dc, rn, size, idx);
        ir_vdup(b, vhalf(q), size, vslot(rd), v);
        return true;
    }
    case 3:                     /* INS (general) */
        if (!q)
            return false;
        set_lane(dc, rd, size, idx, a64_get_x(dc, rn, true));
        return true;
    case 5: {                   /* SMOV */
        if (size >= 2u + q)
            return false;
        static const enum ir_opcode sx[3] = { IR_sext8, IR_sext16, IR_sext32 };
        ir_temp v = ir_unop(b, sx[size], IR_I64, get_lane(dc, rn, size, idx));
        a64_set_x(dc, rd, q, q ? v : ir_unop(b, IR_trunc32, IR_I32, v));
        return true;
    }
    case 7:                     /* UMOV */
        if (q ? size != 3 : size == 3)
            return false;
        a64_set_x(dc, rd, true, get_lane(dc, rn, size, idx));
        return true;
    default:
        return false;
    }
}

/* DUP (element), scalar form: MOV Bd/Hd/Sd/Dd, Vn.T[i] */
static bool trans_dup_scalar(struct a64_dc *dc, uint32_t insn)
{
    unsigned imm5 = a64_bits(insn, 20, 16);
    if (a64_bits(insn, 14, 11) || (insn & (1u << 29)) || !(imm5 & 15))
        return false;
    unsigned size = (unsigned)__builtin_ctz(imm5), idx = imm5 >> (size + 1);
    unsigned rd = a64_bits(insn, 4, 0);
    set_half(dc, rd, 0, get_lane(dc, a64_bits(insn, 9, 5), size, idx));
    set_half(dc, rd, 1, c64(dc, 0));
    return true;
}

/* ---- AdvSIMD modified immediate: MOVI, MVNI, ORR, BIC, FMOV (vector) ---- */

/* AdvSIMDExpandImm; false for the reserved combinations */
static bool expand_imm(unsigned op, unsigned cmode, uint64_t imm8, uint64_t *out)
{
    uint64_t v;
    switch (cmode >> 1) {
    case 0: case 1: case 2: case 3:
        v = imm8 << (8 * (cmode >> 1));
        v |= v << 32;
        break;
    case 4: case 5:
        v = imm8 << (8 * ((cmode >> 1) & 1));
        v |= v << 16;
        v |= v << 32;
        break;
    case 6:
        v = (cmode & 1) ? (imm8 << 16 | 0xffff) : (imm8 << 8 | 0xff);
        v |= v << 32;
        break;
    default:
        if (!(cmode & 1)) {
            if (!op) {
                v = imm8 * 0x0101010101010101ull;
            } else {
                v = 0;
                for (unsigned i = 0; i < 8; i++)
                    if (imm8 & (1u << i))
                        v |= 0xffull << (8 * i);
            }
        } else if (!op) {       /* FP32 */
            uint64_t a = imm8 >> 7, b6 = (imm8 >> 6) & 1, low = imm8 & 0x3f;
            uint64_t f = a << 31 | (uint64_t)(!b6) << 30 | (b6 ? 0x1full : 0) << 25 | low << 19;
            v = f | f << 32;
        } else {                /* FP64 */
            uint64_t a = imm8 >> 7, b6 = (imm8 >> 6) & 1, low = imm8 & 0x3f;
            v = a << 63 | (uint64_t)(!b6) << 62 | (b6 ? 0xffull : 0) << 54 | low << 48;
        }
        break;
    }
    *out = v;
    return true;
}

static bool trans_mod_imm(struct a64_dc *dc, uint32_t insn)
{
    bool q = (insn >> 30) & 1;
    unsigned op = (insn >> 29) & 1, cmode = a64_bits(insn, 15, 12), rd = a64_bits(insn, 4, 0);
    uint64_t imm8 = a64_bits(insn, 18, 16) << 5 | a64_bits(insn, 9, 5), imm;
    struct ir_block *b = dc->b;
    if (insn & (1u << 11))
        return false;           /* o2: FMOV (half precision) */
    if (cmode == 15 && op && !q)
        return false;
    if (!expand_imm(op, cmode, imm8, &imm))
        return false;
    bool logic = cmode < 12 && (cmode & 1);
    if (!logic) {
        if (op && cmode < 14)
            imm = ~imm;         /* MVNI */
        set_half(dc, rd, 0, c64(dc, imm));
        set_half(dc, rd, 1, c64(dc, q ? imm : 0));
        return true;
    }
    for (unsigned h = 0; h < 2; h++) {
        if (h && !q) {
            set_half(dc, rd, 1, c64(dc, 0));
            break;
        }
        ir_temp v = get_half(dc, rd, h);
        v = op ? ir_and(b, IR_I64, v, c64(dc, ~imm)) : ir_or(b, IR_I64, v, c64(dc, imm));
        set_half(dc, rd, h, v);
    }
    return true;
}

/* ---- bitwise three-same ops inline (hot in string functions) ---- */

static bool trans_logic(struct a64_dc *dc, uint32_t insn)
{
    bool q = (insn >> 30) & 1;
    unsigned op = a64_bits(insn, 23, 22) | ((insn >> 29) & 1) << 2;
    unsigned rd = a64_bits(insn, 4, 0), rn = a64_bits(insn, 9, 5), rm = a64_bits(insn, 20, 16);
    struct ir_block *b = dc->b;
    ir_temp res[2];
    for (unsigned h = 0; h < (q ? 2u : 1u); h++) {
        ir_temp n = get_half(dc, rn, h), m = get_half(dc, rm, h), d;
        switch (op) {
        case 0: res[h] = ir_and(b, IR_I64, n, m); break;
        case 1: res[h] = ir_binop(b, IR_andn, IR_I64, n, m); break;
        case 2: res[h] = ir_or(b, IR_I64, n, m); break;
        case 3: res[h] = ir_binop(b, IR_orn, IR_I64, n, m); break;
        case 4: res[h] = ir_xor(b, IR_I64, n, m); break;
        default:
            /* BSL: d ? n : m; BIT: m ? n : d; BIF: m ? d : n (bitwise) */
            d = get_half(dc, rd, h);
            {
                ir_temp sel = op == 5 ? d : m, t = op == 5 ? n : op == 6 ? n : d;
                ir_temp f = op == 5 ? m : op == 6 ? d : n;
                res[h] = ir_or(b, IR_I64, ir_and(b, IR_I64, t, sel),
                               ir_binop(b, IR_andn, IR_I64, f, sel));
            }
            break;
        }
    }
    set_half(dc, rd, 0, res[0]);
    set_half(dc, rd, 1, q ? res[1] : c64(dc, 0));
    return true;
}

/* ---- structure loads and stores ---- */

/* post-index writeback: Rm = 31 means the transfer size */
static void ldst_writeback(struct a64_dc *dc, uint32_t insn, unsigned rn, ir_temp base,
                           unsigned bytes)
{
    if (!(insn & (1u << 23)))
        return;
    unsigned rm = a64_bits(insn, 20, 16);
    ir_temp off = rm == 31 ? c64(dc, bytes) : a64_get_x(dc, rm, true);
    a64_set_xsp(dc, rn, true, ir_add(dc->b, IR_I64, base, off));
}

/* LD1-LD4 / ST1-ST4 (multiple structures) */
static bool trans_ldst_multi(struct a64_dc *dc, uint32_t insn)
{
    static const int8_t rpt_of[16] = { 1, -1, 4, -1, 1, -1, 3, 1, 1, -1, 2, -1, -1, -1, -1, -1 };
    static const int8_t selem_of[16] = { 4, -1, 1, -1, 3, -1, 1, 1, 2, -1, 1, -1, -1, -1, -1, -1 };
    unsigned opcode = a64_bits(insn, 15, 12), size = a64_bits(insn, 11, 10);
    bool q = (insn >> 30) & 1, load = (insn >> 22) & 1;
    unsigned rt = a64_bits(insn, 4, 0), rn = a64_bits(insn, 9, 5);
    struct ir_block *b = dc->b;
    if (rpt_of[opcode] < 0)
        return false;
    unsigned rpt = (unsigned)rpt_of[opcode], selem = (unsigned)selem_of[opcode];
    if (size == 3 && !q && selem > 1)
        return false;
    unsigned regbytes = q ? 16 : 8, total = rpt * selem * regbytes;
    ir_temp base = a64_get_xsp(dc, rn, true);
    if (selem == 1) {
        /* LD1/ST1: whole registers, lanes in memory order */
        unsigned mem = q ? IR_VMEM_128 : IR_MEM_64;
        for (unsigned r = 0; r < rpt; r++) {
            if (load)
                ir_vld(b, mem, vslot(rt + r), base, r * regbytes);
            else
                ir_vst(b, mem, vslot(rt + r), base, r * regbytes);
        }
    } else {
        a64_simd_fn fn = load ? simd_ldst_deinterleave : simd_ldst_interleave;
        if (load) {
            ir_temp v[8];
            for (unsigned i = 0; i < total / 8; i++)
                v[i] = ir_ld(b, IR_I64, IR_MEM_64, base, 8 * i);
            for (unsigned i = 0; i < total / 8; i++)
                ir_set_reg(b, IR_I64, A64_SIMD_BUF(i), v[i]);
            emit_exec(dc, insn, fn);
        } else {
            emit_exec(dc, insn, fn);
            for (unsigned i = 0; i < total / 8; i++)
                ir_st(b, IR_MEM_64, base, 8 * i, ir_get_reg(b, IR_I64, A64_SIMD_BUF(i)));
        }
    }
    ldst_writeback(dc, insn, rn, base, total);
    return true;
}

/* LD1-LD4 / ST1-ST4 (single structure) and LD1R-LD4R */
static bool trans_ldst_single(struct a64_dc *dc, uint32_t insn)
{
    unsigned opcode = a64_bits(insn, 15, 13), s = (insn >> 12) & 1, size = a64_bits(insn, 11, 10);
    bool q = (insn >> 30) & 1, load = (insn >> 22) & 1, r = (insn >> 21) & 1;
    unsigned rt = a64_bits(insn, 4, 0), rn = a64_bits(insn, 9, 5);
    unsigned selem = ((opcode & 1) << 1 | r) + 1, scale = opcode >> 1, idx = 0;
    struct ir_block *b = dc->b;
    bool replicate_all = false;
    switch (scale) {
    case 0:
        idx = q << 3 | s << 2 | size;
        break;
    case 1:
        if (size & 1)
            return false;
        idx = q << 2 | s << 1 | size >> 1;
        break;
    case 2:
        if (size >= 2 || (size == 1 && s))
            return false;
        if (size == 1) {
            scale = 3;
            idx = q;
        } else {
            idx = q << 1 | s;
        }
        break;
    default:
        if (!load || s)
            return false;
        scale = size;
        replicate_all = true;
        break;
    }
    unsigned ebytes = 1u << scale;
    ir_temp base = a64_get_xsp(dc, rn, true);
    if (load) {
        ir_temp v[4];
        for (unsigned i = 0; i < selem; i++)
            v[i] = ir_ld(b, IR_I64, scale, base, i * ebytes);
        for (unsigned i = 0; i < selem; i++) {
            if (replicate_all) {
                ir_temp rep = replicate(dc, v[i], scale);
                set_half(dc, rt + i, 0, rep);
                set_half(dc, rt + i, 1, q ? rep : c64(dc, 0));
            } else {
                set_lane(dc, rt + i, scale, idx, v[i]);
            }
        }
    } else {
        for (unsigned i = 0; i < selem; i++)
            ir_st(b, scale, base, i * ebytes, get_lane(dc, rt + i, scale, idx));
    }
    ldst_writeback(dc, insn, rn, base, selem * ebytes);
    return true;
}

static const struct a64_pattern simd_tab[] = {
    /* structure loads and stores (bit 25 clear: routed here from translate-ldst.c) */
    { 0xbfbf0000, 0x0c000000, trans_ldst_multi, "AdvSIMD load/store multiple structures" },
    { 0xbfa00000, 0x0c800000, trans_ldst_multi, "... (post-indexed)" },
    { 0xbf9f0000, 0x0d000000, trans_ldst_single, "AdvSIMD load/store single structure" },
    { 0xbf800000, 0x0d800000, trans_ldst_single, "... (post-indexed)" },
    /* crypto */
    { 0xff3e0c00, 0x4e280800, trans_aes, "Cryptographic AES" },
    { 0xff208c00, 0x5e000000, trans_sha3, "Cryptographic three-register SHA" },
    { 0xff3e0c00, 0x5e280800, trans_sha2, "Cryptographic two-register SHA" },
    { 0xffe0f000, 0xce608000, trans_sha512_3, "Cryptographic three-register SHA512" },
    { 0xfffff000, 0xcec08000, trans_sha512_2, "Cryptographic two-register SHA512" },
    { 0xff808000, 0xce000000, trans_crypto4, "Cryptographic four-register" },
    { 0xffe00000, 0xce800000, trans_xar, "XAR" },
    /* half precision (FEAT_FP16, helpers-simd-fp16.c): before the classes they share bits with */
    { 0xdf60c400, 0x5e400400, trans_fp16_three_same, "AdvSIMD scalar three same FP16" },
    { 0xdf7e0c00, 0x5e780800, trans_fp16_two_misc, "AdvSIMD scalar two-register misc FP16" },
    { 0xff7fcc00, 0x5e30c800, trans_fp16_pairwise, "AdvSIMD scalar pairwise (FP16)" },
    { 0xdfc03400, 0x5f001000, trans_fp16_indexed, "AdvSIMD scalar x indexed element (FP16)" },
    { 0xdff0e400, 0x5f10e400, trans_fp16_shift_imm, "AdvSIMD scalar shift by immediate (FP16)" },
    { 0x9f60c400, 0x0e400400, trans_fp16_three_same, "AdvSIMD three same (FP16)" },
    { 0x9f7e0c00, 0x0e780800, trans_fp16_two_misc, "AdvSIMD two-register misc (FP16)" },
    { 0xbf7fcc00, 0x0e30c800, trans_fp16_across, "AdvSIMD across lanes (FP16)" },
    { 0x9fc03400, 0x0f001000, trans_fp16_indexed, "AdvSIMD vector x indexed element (FP16)" },
    { 0x9ff0e400, 0x0f10e400, trans_fp16_shift_imm, "AdvSIMD shift by immediate (FP16)" },
    { 0xbff8fc00, 0x0f00fc00, a64_trans_fp16_vmov_imm, "FMOV (vector, immediate, FP16)" },
    /* scalar */
    { 0xdfe08400, 0x5e000400, trans_dup_scalar, "AdvSIMD scalar copy" },
    { 0xdf200c00, 0x5e200000, trans_three_diff, "AdvSIMD scalar three different" },
    { 0xdf3e0c00, 0x5e200800, trans_two_misc, "AdvSIMD scalar two-register miscellaneous" },
    { 0xdf3e0c00, 0x5e300800, trans_pairwise, "AdvSIMD scalar pairwise" },
    { 0xdf200400, 0x5e200400, trans_three_same, "AdvSIMD scalar three same" },
    { 0xdf800400, 0x5f000400, trans_shift_imm, "AdvSIMD scalar shift by immediate" },
    { 0xdf000400, 0x5f000000, trans_indexed, "AdvSIMD scalar x indexed element" },
    /* vector */
    { 0xbf208c00, 0x0e000000, trans_table, "AdvSIMD table lookup" },
    { 0xbf208c00, 0x0e000800, trans_permute, "AdvSIMD permute" },
    { 0xbf208400, 0x2e000000, trans_extract_vec, "AdvSIMD extract" },
    { 0x9fe08400, 0x0e000400, trans_copy, "AdvSIMD copy" },
    { 0x9f3e0c00, 0x0e200800, trans_two_misc_vec, "AdvSIMD two-register miscellaneous" },
    { 0x9f3e0c00, 0x0e300800, trans_across_vec, "AdvSIMD across lanes" },
    { 0x9f200c00, 0x0e200000, trans_three_diff_vec, "AdvSIMD three different" },
    { 0x9f20fc00, 0x0e201c00, trans_logic, "AdvSIMD three same (logical)" },
    { 0x9f200400, 0x0e200400, trans_three_same_vec, "AdvSIMD three same" },
    { 0x9ff80400, 0x0f000400, trans_mod_imm, "AdvSIMD modified immediate" },
    { 0x9f800400, 0x0f000400, trans_shift_imm_vec, "AdvSIMD shift by immediate" },
    { 0x9f000400, 0x0f000000, trans_indexed, "AdvSIMD vector x indexed element" },
};

bool a64_trans_simd(struct a64_dc *dc, uint32_t insn)
{
    return A64_DECODE(dc, insn, simd_tab);
}
