/*
 * Every instruction form of the x86-64 encoder, disassembled with capstone
 * and compared with the intended mnemonic and operands (registers by name,
 * immediates by value at the operand width, memory operands by size, base,
 * index, scale and displacement).  Registers cover r8-r15 and the rsp, rbp,
 * r12, r13 addressing special cases; immediates the imm8/imm32 boundaries.
 */
#include "translate/x86/emit.h"

#include <capstone/capstone.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int n_test, n_fail;
static char *tap_buf;
static size_t tap_len;
static FILE *tap;
static char diag[1024];

static void ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ok(bool cond, const char *fmt, ...)
{
    va_list ap;
    n_test++;
    n_fail += !cond;
    fprintf(tap, "%sok %d - ", cond ? "" : "not ", n_test);
    va_start(ap, fmt);
    vfprintf(tap, fmt, ap);
    va_end(ap);
    fputc('\n', tap);
    if (diag[0])
        fprintf(tap, "# %s\n", diag);
    diag[0] = 0;
}

static const char *const r64[16] = {
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};
static const char *const r32[16] = {
    "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
    "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d",
};
static const char *const r16[16] = {
    "ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
    "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w",
};
static const char *const r8n[16] = {
    "al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
    "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b",
};
static const char *const *const rname[4] = { r8n, r16, r32, r64 };
static const char *const ccs[16] = {
    "o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g",
};

/* an expected operand */
struct eop {
    char kind;                  /* 'r', 'i', 'm' */
    const char *reg;
    int64_t imm;
    int size;                   /* bytes, for 'i' (mask) and 'm' */
    struct x86_mem mem;
};
static struct eop R(const char *n) { return (struct eop){ .kind = 'r', .reg = n }; }
static struct eop I(int64_t v, int size) { return (struct eop){ .kind = 'i', .imm = v, .size = size }; }
static struct eop M(int size, struct x86_mem m) { return (struct eop){ .kind = 'm', .size = size, .mem = m }; }

static csh cs;
static uint8_t code[64];

static uint64_t sized(int64_t v, int size)
{
    return size >= 8 ? (uint64_t)v : (uint64_t)v & ((1ull << (8 * size)) - 1);
}

/* checks the bytes in b against mnemonic and operands; false with diag */
static bool check(struct x86_buf *b, const char *mn, int nops, ...)
{
    cs_insn *insn;
    size_t len = (size_t)(b->p - b->start);
    size_t n = cs_disasm(cs, b->start, len, (uint64_t)(uintptr_t)b->start, 1, &insn);
    bool good = n == 1 && insn[0].size == len && strcmp(insn[0].mnemonic, mn) == 0;
    char got[256] = "(undecodable)";
    if (n)
        snprintf(got, sizeof(got), "%s %s (%u of %zu bytes)", insn[0].mnemonic, insn[0].op_str,
                 insn[0].size, len);
    va_list ap;
    va_start(ap, nops);
    if (good) {
        cs_x86 *x = &insn[0].detail->x86;
        good = x->op_count == nops;
        for (int k = 0; k < nops && good; k++) {
            struct eop e = va_arg(ap, struct eop);
            cs_x86_op *o = &x->operands[k];
            switch (e.kind) {
            case 'r':
                good = o->type == X86_OP_REG && strcmp(cs_reg_name(cs, o->reg), e.reg) == 0;
                break;
            case 'i':
                good = o->type == X86_OP_IMM && sized(o->imm, e.size) == sized(e.imm, e.size);
                break;
            default: {
                const char *base = e.mem.base >= 0 ? r64[e.mem.base] : NULL;
                const char *idx = e.mem.index >= 0 ? r64[e.mem.index] : NULL;
                const char *gb = o->mem.base ? cs_reg_name(cs, o->mem.base) : NULL;
                const char *gi = o->mem.index ? cs_reg_name(cs, o->mem.index) : NULL;
                good = o->type == X86_OP_MEM && o->size == e.size &&
                       o->mem.disp == e.mem.disp && o->mem.scale == (1 << e.mem.shift) &&
                       (base ? gb && !strcmp(base, gb) : !gb) &&
                       (idx ? gi && !strcmp(idx, gi) : !gi);
                break;
            }
            }
        }
    }
    va_end(ap);
    if (!good && !diag[0]) {
        char hex[72] = "";
        for (size_t k = 0; k < len && k < 20; k++)
            sprintf(hex + 3 * k, "%02x ", b->start[k]);
        snprintf(diag, sizeof(diag), "expected %s, got %s [%s]", mn, got, hex);
    }
    if (n)
        cs_free(insn, n);
    b->p = b->start;
    return good;
}

/* mnemonic and length only (long NOPs carry a dummy memory operand) */
static bool check_mn(struct x86_buf *b, const char *mn)
{
    cs_insn *insn;
    size_t len = (size_t)(b->p - b->start);
    size_t n = cs_disasm(cs, b->start, len, 0, 1, &insn);
    bool good = n == 1 && insn[0].size == len && strcmp(insn[0].mnemonic, mn) == 0;
    if (n)
        cs_free(insn, n);
    b->p = b->start;
    return good;
}

static struct x86_buf buf(void)
{
    return (struct x86_buf){ code, code, code + sizeof(code) };
}

static const int32_t imms[] = { 0, 1, -1, 127, 128, -128, -129, 0x7fffffff, INT32_MIN, 0x12345 };
#define N_IMMS (int)(sizeof(imms) / sizeof(imms[0]))

/* memory operands covering every ModRM/SIB special case */
static int mem_list(struct x86_mem *out)
{
    static const int32_t disps[] = { 0, 8, -8, 127, 128, -128, -129, 0x12345 };
    static const int idx[] = { X86_NO_REG, X86_RCX, X86_RBP, X86_R9, X86_R12, X86_R13 };
    int n = 0;
    for (int base = 0; base < 16; base++)
        for (unsigned d = 0; d < sizeof(disps) / sizeof(disps[0]); d++)
            for (unsigned i = 0; i < sizeof(idx) / sizeof(idx[0]); i++)
                out[n++] = X86_MEM_IDX(base, idx[i], idx[i] < 0 ? 0 : (base + i) & 3, disps[d]);
    out[n++] = X86_MEM(X86_NO_REG, 0x1000);
    out[n++] = X86_MEM(X86_NO_REG, -16);
    out[n++] = X86_MEM_IDX(X86_NO_REG, X86_R10, 3, 0x40);
    return n;
}

static const char *const alu_names[] = { "add", "or", "adc", "sbb", "and", "sub", "xor", "cmp" };
static const char *const shift_names[] = { "rol", "ror", NULL, NULL, "shl", "shr", NULL, "sar" };
static const char *const unary_names[] = { NULL, NULL, "not", "neg", "mul", "imul", "div", "idiv" };

static void test_alu(void)
{
    struct x86_buf b = buf();
    static struct x86_mem mems[1024];
    int nm = mem_list(mems);
    for (int op = 0; op < 8; op++)
        for (int w = 0; w < 2; w++) {
            const char *const *n = w ? r64 : r32;
            bool good = true;
            for (int d = 0; d < 16; d++)
                for (int s = 0; s < 16; s++) {
                    x86_alu_rr(&b, op, w, d, s);
                    good &= check(&b, alu_names[op], 2, R(n[d]), R(n[s]));
                }
            ok(good, "%s r%d, r%d", alu_names[op], w ? 64 : 32, w ? 64 : 32);
            good = true;
            for (int d = 0; d < 16; d++)
                for (int k = 0; k < N_IMMS; k++) {
                    x86_alu_ri(&b, op, w, d, imms[k]);
                    good &= check(&b, alu_names[op], 2, R(n[d]), I(imms[k], w ? 8 : 4));
                }
            ok(good, "%s r%d, imm8/imm32", alu_names[op], w ? 64 : 32);
            good = true;
            for (int m = 0; m < nm; m++) {
                int d = m % 16;
                x86_alu_rm(&b, op, w, d, mems[m]);
                good &= check(&b, alu_names[op], 2, R(n[d]), M(w ? 8 : 4, mems[m]));
            }
            ok(good, "%s r%d, [mem] (all base/index/disp forms)", alu_names[op], w ? 64 : 32);
        }
    for (int s = 0; s < 4; s++) {
        bool good = true;
        for (int m = 0; m < nm; m++) {
            int r = (m * 7) % 16;
            x86_alu_mr(&b, X86_CMP, s, mems[m], r);
            good &= check(&b, "cmp", 2, M(1 << s, mems[m]), R(rname[s][r]));
        }
        ok(good, "cmp [mem%d], r%d", 8 << s, 8 << s);
    }
    for (int w = 0; w < 2; w++) {
        const char *const *n = w ? r64 : r32;
        bool good = true;
        for (int d = 0; d < 16; d++)
            for (int s = 0; s < 16; s++) {
                x86_test_rr(&b, w, d, s);
                good &= check(&b, "test", 2, R(n[d]), R(n[s]));
                x86_mov_rr(&b, w, d, s);
                good &= check(&b, "mov", 2, R(n[d]), R(n[s]));
                x86_imul_rr(&b, w, d, s);
                good &= check(&b, "imul", 2, R(n[d]), R(n[s]));
                for (int k = 0; k < N_IMMS; k++) {
                    x86_imul_rri(&b, w, d, s, imms[k]);
                    good &= check(&b, "imul", 3, R(n[d]), R(n[s]), I(imms[k], w ? 8 : 4));
                }
                x86_bsr(&b, w, d, s);
                good &= check(&b, "bsr", 2, R(n[d]), R(n[s]));
                x86_bsf(&b, w, d, s);
                good &= check(&b, "bsf", 2, R(n[d]), R(n[s]));
                x86_lzcnt(&b, w, d, s);
                good &= check(&b, "lzcnt", 2, R(n[d]), R(n[s]));
                x86_tzcnt(&b, w, d, s);
                good &= check(&b, "tzcnt", 2, R(n[d]), R(n[s]));
                x86_popcnt(&b, w, d, s);
                good &= check(&b, "popcnt", 2, R(n[d]), R(n[s]));
                for (int cc = 0; cc < 16; cc++) {
                    char mn[16];
                    snprintf(mn, sizeof(mn), "cmov%s", ccs[cc]);
                    x86_cmov(&b, cc, w, d, s);
                    good &= check(&b, mn, 2, R(n[d]), R(n[s]));
                }
                x86_movsx(&b, X86_S8, w, d, s);
                good &= check(&b, "movsx", 2, R(n[d]), R(r8n[s]));
                x86_movsx(&b, X86_S16, w, d, s);
                good &= check(&b, "movsx", 2, R(n[d]), R(r16[s]));
            }
        ok(good, "test/mov/imul/bsr/bsf/lzcnt/tzcnt/popcnt/cmovcc/movsx r%d", w ? 64 : 32);
        good = true;
        for (int d = 0; d < 16; d++)
            for (int k = 0; k < N_IMMS; k++) {
                x86_test_ri(&b, w, d, imms[k]);
                bool byte = !w && imms[k] >= 0 && imms[k] <= 0xff;
                good &= check(&b, "test", 2, R(byte ? r8n[d] : n[d]),
                                     I(imms[k], byte ? 1 : w ? 8 : 4));
            }
        ok(good, "test r%d, imm (byte form for byte masks)", w ? 64 : 32);
        good = true;
        for (int d = 0; d < 16; d++) {
            for (int op = 0; op < 8; op++) {
                if (!shift_names[op])
                    continue;
                for (unsigned c = 1; c < 64; c += 7) {
                    x86_shift_ri(&b, op, w, d, c);
                    unsigned e = c & (w ? 63 : 31);
                    good &= check(&b, shift_names[op], 2, R(n[d]), I(e, 1));
                }
                x86_shift_cl(&b, op, w, d);
                good &= check(&b, shift_names[op], 2, R(n[d]), R("cl"));
            }
            for (int op = 2; op < 8; op++) {
                x86_unary(&b, op, w, d);
                good &= check(&b, unary_names[op], 1, R(n[d]));
            }
            x86_bswap(&b, w, d);
            good &= check(&b, "bswap", 1, R(n[d]));
        }
        ok(good, "shifts by imm/cl, not/neg/mul/imul/div/idiv, bswap r%d", w ? 64 : 32);
        good = true;
        for (int d = 0; d < 16; d++)
            for (int s = 0; s < 16; s += 3)
                for (int c = 0; c < 16; c += 5) {
                    static const char *const xn[] = { "shlx", "shrx", "sarx" };
                    for (int op = 0; op < 3; op++) {
                        x86_shiftx(&b, op, w, d, s, c);
                        good &= check(&b, xn[op], 3, R(n[d]), R(n[s]), R(n[c]));
                    }
                    x86_andn(&b, w, d, s, c);
                    good &= check(&b, "andn", 3, R(n[d]), R(n[s]), R(n[c]));
                    x86_rorx(&b, w, d, s, (unsigned)c + 1);
                    good &= check(&b, "rorx", 3, R(n[d]), R(n[s]), I(c + 1, 1));
                }
        ok(good, "BMI shlx/shrx/sarx/andn/rorx r%d", w ? 64 : 32);
    }
    bool good = true;
    for (int d = 0; d < 16; d++)
        for (int s = 0; s < 16; s++) {
            x86_movzx(&b, X86_S8, d, s);
            good &= check(&b, "movzx", 2, R(r32[d]), R(r8n[s]));
            x86_movzx(&b, X86_S16, d, s);
            good &= check(&b, "movzx", 2, R(r32[d]), R(r16[s]));
            x86_movzx(&b, X86_S32, d, s);
            good &= check(&b, "mov", 2, R(r32[d]), R(r32[s]));
            x86_movsx(&b, X86_S32, true, d, s);
            good &= check(&b, "movsxd", 2, R(r64[d]), R(r32[s]));
        }
    ok(good, "movzx from 8/16/32, movsxd");
    good = true;
    for (int d = 0; d < 16; d++)
        for (int cc = 0; cc < 16; cc++) {
            char mn[16];
            snprintf(mn, sizeof(mn), "set%s", ccs[cc]);
            x86_setcc(&b, cc, d);
            good &= check(&b, mn, 1, R(r8n[d]));
        }
    ok(good, "setcc into every byte register (spl/bpl/sil/dil need REX)");
    good = true;
    static const uint64_t consts[] = {
        1, 0x7f, 0xffffffff, 0x80000000, (uint64_t)-1, (uint64_t)INT32_MIN, 0x100000000ull,
        0x123456789abcdef0ull,
    };
    for (int d = 0; d < 16; d++) {
        x86_mov_ri(&b, d, 0);
        good &= check(&b, "xor", 2, R(r32[d]), R(r32[d]));
        for (unsigned k = 0; k < sizeof(consts) / sizeof(consts[0]); k++) {
            uint64_t v = consts[k];
            x86_mov_ri(&b, d, v);
            if (v <= 0xffffffff)
                good &= check(&b, "mov", 2, R(r32[d]), I((int64_t)v, 4));
            else if ((int64_t)v == (int32_t)v)
                good &= check(&b, "mov", 2, R(r64[d]), I((int64_t)v, 8));
            else
                good &= check(&b, "movabs", 2, R(r64[d]), I((int64_t)v, 8));
        }
    }
    ok(good, "mov r, imm: xor / imm32 / sign-extended imm32 / movabs");
    x86_cqo(&b, true);
    good = check(&b, "cqo", 0);
    x86_cqo(&b, false);
    ok(good && check(&b, "cdq", 0), "cqo, cdq");
}

static void test_mem(void)
{
    struct x86_buf b = buf();
    static struct x86_mem mems[1024];
    int nm = mem_list(mems);
    static const char *const ldmn[] = { "movzx", "movsx", "movzx", "movsx", "mov", "movsxd", "mov" };
    static const int ldsz[] = { 1, 1, 2, 2, 4, 4, 8 };
    for (int k = 0; k < 7; k++)
        for (int w = 0; w < 2; w++) {
            if (k == X86_LD32S && !w)
                continue;
            bool good = true;
            for (int m = 0; m < nm; m++) {
                int d = (m * 5) % 16;
                x86_load(&b, k, w, d, mems[m]);
                bool dst64 = w && k != X86_LD8U && k != X86_LD16U && k != X86_LD32;
                int sz = k == X86_LD64 && !w ? 4 : ldsz[k];
                const char *mn = k == X86_LD64 && !w ? "mov" : ldmn[k];
                good &= check(&b, mn, 2, R(dst64 ? r64[d] : r32[d]), M(sz, mems[m]));
            }
            ok(good, "load kind %d into r%d", k, w ? 64 : 32);
        }
    for (int s = 0; s < 4; s++) {
        bool good = true;
        for (int m = 0; m < nm; m++) {
            int r = (m * 3) % 16;
            x86_store(&b, s, r, mems[m]);
            good &= check(&b, "mov", 2, M(1 << s, mems[m]), R(rname[s][r]));
            int32_t v = imms[m % N_IMMS];
            x86_store_imm(&b, s, v, mems[m]);
            good &= check(&b, "mov", 2, M(1 << s, mems[m]), I(v, 1 << s));
            x86_xchg_mr(&b, s, mems[m], r);
            good &= check(&b, "xchg", 2, M(1 << s, mems[m]), R(rname[s][r]));
            x86_lock_xadd(&b, s, mems[m], r);
            good &= check(&b, "lock xadd", 2, M(1 << s, mems[m]), R(rname[s][r]));
            x86_lock_cmpxchg(&b, s, mems[m], r);
            good &= check(&b, "lock cmpxchg", 2, M(1 << s, mems[m]), R(rname[s][r]));
        }
        ok(good, "store reg/imm, xchg, lock xadd, lock cmpxchg, size %d", 8 << s);
    }
    for (int w = 0; w < 2; w++) {
        bool good = true;
        for (int m = 0; m < nm; m++) {
            int d = (m * 11) % 16;
            x86_lea(&b, w, d, mems[m]);
            struct x86_mem e = mems[m];
            good &= check(&b, "lea", 2, R(w ? r64[d] : r32[d]), M(w ? 8 : 4, e));
        }
        ok(good, "lea r%d", w ? 64 : 32);
    }
    x86_mfence(&b);
    ok(check(&b, "mfence", 0), "mfence");
}

static void test_branch(void)
{
    static uint8_t big[512];
    struct x86_buf b = { big, big, big + sizeof(big) };
    bool good = true;
    for (int cc = 0; cc < 16; cc++) {
        char mn[8];
        snprintf(mn, sizeof(mn), "j%s", ccs[cc]);
        uint8_t *d = x86_jcc8(&b, cc);
        x86_patch8(d, big + 100);
        good &= check(&b, mn, 1, I((int64_t)(uintptr_t)(big + 100), 8));
        x86_jcc32(&b, cc, big + 400);
        good &= check(&b, mn, 1, I((int64_t)(uintptr_t)(big + 400), 8));
        b.p = big;
        d = x86_jcc8(&b, cc);
        x86_patch8(d, big);     /* backwards */
        good &= check(&b, mn, 1, I((int64_t)(uintptr_t)big, 8));
    }
    ok(good, "jcc rel8 and rel32, forward and backward");
    x86_patch8(x86_jmp8(&b), big + 50);
    good = check(&b, "jmp", 1, I((int64_t)(uintptr_t)(big + 50), 8));
    uint8_t *d = x86_jmp32(&b, NULL);
    x86_patch32(d, big + 300);
    good = good && d == big + 1 && check(&b, "jmp", 1, I((int64_t)(uintptr_t)(big + 300), 8));
    x86_call(&b, big + 200);
    good &= check(&b, "call", 1, I((int64_t)(uintptr_t)(big + 200), 8));
    ok(good, "jmp rel8/rel32 (patched), call rel32");
    x86_call(&b, (void *)(uintptr_t)0x7000000000ull);   /* far: via rax */
    cs_insn *insn;
    size_t n = cs_disasm(cs, big, (size_t)(b.p - big), 0, 0, &insn);
    ok(n == 2 && !strcmp(insn[0].mnemonic, "movabs") && !strcmp(insn[1].mnemonic, "call") &&
       !strcmp(insn[1].op_str, "rax"), "call to a far target goes through rax");
    if (n)
        cs_free(insn, n);
    b.p = big;
    good = true;
    for (int r = 0; r < 16; r++) {
        x86_call_r(&b, r);
        good &= check(&b, "call", 1, R(r64[r]));
        x86_jmp_r(&b, r);
        good &= check(&b, "jmp", 1, R(r64[r]));
        x86_jmp_m(&b, X86_MEM_IDX(r, r == X86_RSP ? X86_RAX : r, 0, 8));
        good &= check(&b, "jmp", 1, M(8, X86_MEM_IDX(r, r == X86_RSP ? X86_RAX : r, 0, 8)));
        x86_push(&b, r);
        good &= check(&b, "push", 1, R(r64[r]));
        x86_pop(&b, r);
        good &= check(&b, "pop", 1, R(r64[r]));
    }
    x86_ret(&b);
    ok(good && check(&b, "ret", 0), "call/jmp reg, jmp [mem], push, pop, ret");
    /* padding: NOPs of every length decode as single nops */
    good = true;
    for (unsigned len = 1; len <= 8; len++) {
        x86_nop(&b, len);
        good &= check_mn(&b, "nop");
    }
    for (unsigned off = 0; off < 16; off++) {
        b.p = big + off;
        uint8_t *start = b.p;
        x86_align(&b, 16, 1);
        good = good && ((uintptr_t)b.p + 1) % 16 == 0 && b.p - start < 16;
    }
    ok(good, "multi-byte nops, alignment padding");
}

int main(void)
{
    tap = open_memstream(&tap_buf, &tap_len);
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK) {
        printf("1..1\nnot ok 1 - capstone x86-64\n");
        return 1;
    }
    cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON);
    test_alu();
    test_mem();
    test_branch();
    cs_close(&cs);
    fclose(tap);
    printf("1..%d\n%s", n_test, tap_buf);
    free(tap_buf);
    return n_fail != 0;
}
