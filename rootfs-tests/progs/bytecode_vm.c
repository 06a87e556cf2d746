/* A tiny stack-machine interpreter run two ways (switch dispatch and
 * computed-goto threaded dispatch) over a few bytecode programs: a prime
 * counter, iterative Fibonacci mod 2^64, a Collatz search and a call/ret
 * recursion test.  Both dispatchers must agree with each other and across
 * ISAs. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum op { PUSH, POP, DUP, SWAP, OVER, ADD, SUB, MUL, DIVU, MODU, LT, EQ, JMP, JZ, JNZ,
          LOAD, STORE, CALL, RET, PRINT, HALT, NOP };

#define MAXCODE 256

/* A one-pass assembler with forward references patched at the end. */
struct prog {
    const char *name;
    int64_t code[MAXCODE];
    int len;
    int label_at[16];
    int fix_at[32], fix_label[32], nfix;
};

static void a_emit(struct prog *p, int n, const int64_t *w)
{
    for (int i = 0; i < n && p->len < MAXCODE; i++)
        p->code[p->len++] = w[i];
}
#define A(p, ...) do { int64_t w_[] = { __VA_ARGS__ }; \
        a_emit(p, (int)(sizeof(w_) / sizeof(w_[0])), w_); } while (0)

static void a_label(struct prog *p, int l) { p->label_at[l] = p->len; }

/* Branch or call to a label, resolved by a_finish. */
static void a_ref(struct prog *p, int op, int l)
{
    A(p, op, 0);
    p->fix_at[p->nfix] = p->len - 1;
    p->fix_label[p->nfix++] = l;
}

static void a_finish(struct prog *p)
{
    for (int i = 0; i < p->nfix; i++)
        p->code[p->fix_at[i]] = p->label_at[p->fix_label[i]];
}

static char out[4096];
static size_t outlen;

static void emit(int64_t v)
{
    outlen += (size_t)snprintf(out + outlen, sizeof(out) - outlen, "%lld ", (long long)v);
}

/* Returns executed instruction count, or -1 on a fault. */
static int64_t run_switch(const int64_t *code, int len, int64_t *result)
{
    int64_t st[256], mem[64] = { 0 };
    int rs[64];
    int sp = 0, rsp = 0, pc = 0;
    int64_t steps = 0;
    for (;;) {
        if (pc < 0 || pc >= len || sp < 0 || sp > 250 || rsp < 0 || rsp > 60)
            return -1;
        steps++;
        int64_t op = code[pc++];
        switch (op) {
        case PUSH: st[sp++] = code[pc++]; break;
        case POP: sp--; break;
        case DUP: st[sp] = st[sp - 1]; sp++; break;
        case SWAP: { int64_t t = st[sp - 1]; st[sp - 1] = st[sp - 2]; st[sp - 2] = t; } break;
        case OVER: st[sp] = st[sp - 2]; sp++; break;
        case ADD: sp--; st[sp - 1] = (int64_t)((uint64_t)st[sp - 1] + (uint64_t)st[sp]); break;
        case SUB: sp--; st[sp - 1] = (int64_t)((uint64_t)st[sp - 1] - (uint64_t)st[sp]); break;
        case MUL: sp--; st[sp - 1] = (int64_t)((uint64_t)st[sp - 1] * (uint64_t)st[sp]); break;
        case DIVU: sp--; st[sp - 1] = st[sp] ? (int64_t)((uint64_t)st[sp - 1] / (uint64_t)st[sp]) : -1; break;
        case MODU: sp--; st[sp - 1] = st[sp] ? (int64_t)((uint64_t)st[sp - 1] % (uint64_t)st[sp]) : st[sp - 1]; break;
        case LT: sp--; st[sp - 1] = st[sp - 1] < st[sp]; break;
        case EQ: sp--; st[sp - 1] = st[sp - 1] == st[sp]; break;
        case JMP: pc = (int)code[pc]; break;
        case JZ: pc = st[--sp] == 0 ? (int)code[pc] : pc + 1; break;
        case JNZ: pc = st[--sp] != 0 ? (int)code[pc] : pc + 1; break;
        case LOAD: st[sp++] = mem[code[pc++] & 63]; break;
        case STORE: mem[code[pc++] & 63] = st[--sp]; break;
        case CALL: rs[rsp++] = pc + 1; pc = (int)code[pc]; break;
        case RET: pc = rs[--rsp]; break;
        case PRINT: emit(st[--sp]); break;
        case HALT: *result = sp ? st[sp - 1] : 0; return steps;
        case NOP: break;
        default: return -1;
        }
    }
}

static int64_t run_threaded(const int64_t *code, int len, int64_t *result)
{
    static void *const labels[] = { &&l_push, &&l_pop, &&l_dup, &&l_swap, &&l_over, &&l_add,
        &&l_sub, &&l_mul, &&l_divu, &&l_modu, &&l_lt, &&l_eq, &&l_jmp, &&l_jz, &&l_jnz,
        &&l_load, &&l_store, &&l_call, &&l_ret, &&l_print, &&l_halt, &&l_nop };
    int64_t st[256], mem[64] = { 0 };
    int rs[64];
    int sp = 0, rsp = 0, pc = 0;
    int64_t steps = 0;
#define NEXT do { \
        if (pc < 0 || pc >= len || sp < 0 || sp > 250 || rsp < 0 || rsp > 60) return -1; \
        steps++; \
        int64_t o_ = code[pc++]; \
        if (o_ < 0 || o_ > NOP) return -1; \
        goto *labels[o_]; \
    } while (0)
    NEXT;
l_push: st[sp++] = code[pc++]; NEXT;
l_pop: sp--; NEXT;
l_dup: st[sp] = st[sp - 1]; sp++; NEXT;
l_swap: { int64_t t = st[sp - 1]; st[sp - 1] = st[sp - 2]; st[sp - 2] = t; } NEXT;
l_over: st[sp] = st[sp - 2]; sp++; NEXT;
l_add: sp--; st[sp - 1] = (int64_t)((uint64_t)st[sp - 1] + (uint64_t)st[sp]); NEXT;
l_sub: sp--; st[sp - 1] = (int64_t)((uint64_t)st[sp - 1] - (uint64_t)st[sp]); NEXT;
l_mul: sp--; st[sp - 1] = (int64_t)((uint64_t)st[sp - 1] * (uint64_t)st[sp]); NEXT;
l_divu: sp--; st[sp - 1] = st[sp] ? (int64_t)((uint64_t)st[sp - 1] / (uint64_t)st[sp]) : -1; NEXT;
l_modu: sp--; st[sp - 1] = st[sp] ? (int64_t)((uint64_t)st[sp - 1] % (uint64_t)st[sp]) : st[sp - 1]; NEXT;
l_lt: sp--; st[sp - 1] = st[sp - 1] < st[sp]; NEXT;
l_eq: sp--; st[sp - 1] = st[sp - 1] == st[sp]; NEXT;
l_jmp: pc = (int)code[pc]; NEXT;
l_jz: pc = st[--sp] == 0 ? (int)code[pc] : pc + 1; NEXT;
l_jnz: pc = st[--sp] != 0 ? (int)code[pc] : pc + 1; NEXT;
l_load: st[sp++] = mem[code[pc++] & 63]; NEXT;
l_store: mem[code[pc++] & 63] = st[--sp]; NEXT;
l_call: rs[rsp++] = pc + 1; pc = (int)code[pc]; NEXT;
l_ret: pc = rs[--rsp]; NEXT;
l_print: emit(st[--sp]); NEXT;
l_halt: *result = sp ? st[sp - 1] : 0; return steps;
l_nop: NEXT;
#undef NEXT
}

enum { L_OUTER, L_INNER, L_YES, L_NO, L_DONE, L_FN, L_RET, L_NEXT, L_EVEN, L_STORE };

/* Count primes below 3000 by trial division; mem0=n mem1=count mem2=d. */
static void build_primes(struct prog *p)
{
    A(p, PUSH, 2, STORE, 0, PUSH, 0, STORE, 1);
    a_label(p, L_OUTER);
    A(p, LOAD, 0, PUSH, 3000, LT);
    a_ref(p, JZ, L_DONE);
    A(p, PUSH, 2, STORE, 2);
    a_label(p, L_INNER);
    A(p, LOAD, 0, LOAD, 2, LOAD, 2, MUL, LT);
    a_ref(p, JNZ, L_YES);
    A(p, LOAD, 0, LOAD, 2, MODU);
    a_ref(p, JZ, L_NO);
    A(p, LOAD, 2, PUSH, 1, ADD, STORE, 2);
    a_ref(p, JMP, L_INNER);
    a_label(p, L_YES);
    A(p, LOAD, 1, PUSH, 1, ADD, STORE, 1);
    a_label(p, L_NO);
    A(p, LOAD, 0, PUSH, 1, ADD, STORE, 0);
    a_ref(p, JMP, L_OUTER);
    a_label(p, L_DONE);
    A(p, LOAD, 1, DUP, PRINT, HALT);
}

/* fib(0..90) mod 2^64, printing every 10th; mem0=a mem1=b mem2=i. */
static void build_fib(struct prog *p)
{
    A(p, PUSH, 0, STORE, 0, PUSH, 1, STORE, 1, PUSH, 0, STORE, 2);
    a_label(p, L_OUTER);
    A(p, LOAD, 2, PUSH, 91, LT);
    a_ref(p, JZ, L_DONE);
    A(p, LOAD, 2, PUSH, 10, MODU);
    a_ref(p, JNZ, L_NEXT);
    A(p, LOAD, 0, PRINT);
    a_label(p, L_NEXT);
    A(p, LOAD, 0, LOAD, 1, DUP, STORE, 0, ADD, STORE, 1, LOAD, 2, PUSH, 1, ADD, STORE, 2);
    a_ref(p, JMP, L_OUTER);
    a_label(p, L_DONE);
    A(p, LOAD, 0, HALT);
}

/* Longest Collatz chain for starts below 3000; mem0=n mem1=best mem2=bestn
 * mem3=x mem4=len. */
static void build_collatz(struct prog *p)
{
    A(p, PUSH, 1, STORE, 0, PUSH, 0, STORE, 1, PUSH, 0, STORE, 2);
    a_label(p, L_OUTER);
    A(p, LOAD, 0, PUSH, 3000, LT);
    a_ref(p, JZ, L_DONE);
    A(p, LOAD, 0, STORE, 3, PUSH, 0, STORE, 4);
    a_label(p, L_INNER);
    A(p, LOAD, 3, PUSH, 1, EQ);
    a_ref(p, JNZ, L_YES);
    A(p, LOAD, 3, PUSH, 2, MODU);
    a_ref(p, JZ, L_EVEN);
    A(p, LOAD, 3, PUSH, 3, MUL, PUSH, 1, ADD);
    a_ref(p, JMP, L_STORE);
    a_label(p, L_EVEN);
    A(p, LOAD, 3, PUSH, 2, DIVU);
    a_label(p, L_STORE);
    A(p, STORE, 3, LOAD, 4, PUSH, 1, ADD, STORE, 4);
    a_ref(p, JMP, L_INNER);
    a_label(p, L_YES);
    A(p, LOAD, 1, LOAD, 4, LT);
    a_ref(p, JZ, L_NEXT);
    A(p, LOAD, 4, STORE, 1, LOAD, 0, STORE, 2);
    a_label(p, L_NEXT);
    A(p, LOAD, 0, PUSH, 1, ADD, STORE, 0);
    a_ref(p, JMP, L_OUTER);
    a_label(p, L_DONE);
    A(p, LOAD, 2, PRINT, LOAD, 1, DUP, PRINT, HALT);
}

/* Sum of k*k+1 for k<500 through a subroutine. */
static void build_calls(struct prog *p)
{
    A(p, PUSH, 0, STORE, 0, PUSH, 0, STORE, 1);
    a_label(p, L_OUTER);
    A(p, LOAD, 0, PUSH, 500, LT);
    a_ref(p, JZ, L_DONE);
    A(p, LOAD, 0);
    a_ref(p, CALL, L_FN);
    A(p, LOAD, 1, ADD, STORE, 1, LOAD, 0, PUSH, 1, ADD, STORE, 0);
    a_ref(p, JMP, L_OUTER);
    a_label(p, L_DONE);
    A(p, LOAD, 1, DUP, PRINT, HALT);
    a_label(p, L_FN);
    A(p, DUP, MUL, PUSH, 1, ADD, RET);
}

/* Doubly recursive fib(20) on the VM's own call stack. */
static void build_recfib(struct prog *p)
{
    A(p, PUSH, 20);
    a_ref(p, CALL, L_FN);
    A(p, DUP, PRINT, HALT);
    a_label(p, L_FN);
    A(p, DUP, PUSH, 2, LT);
    a_ref(p, JNZ, L_RET);
    A(p, DUP, PUSH, 1, SUB);
    a_ref(p, CALL, L_FN);
    A(p, SWAP, PUSH, 2, SUB);
    a_ref(p, CALL, L_FN);
    A(p, ADD);
    a_label(p, L_RET);
    A(p, RET);
}

int main(void)
{
    static struct prog progs[5];
    void (*const builders[5])(struct prog *) = { build_primes, build_fib, build_collatz,
        build_calls, build_recfib };
    static const char *const names[5] = { "primes", "fib", "collatz", "calls", "recfib" };
    int bad = 0;
    for (unsigned i = 0; i < 5; i++) {
        struct prog *p = &progs[i];
        p->name = names[i];
        builders[i](p);
        a_finish(p);
        int64_t r1 = 0, r2 = 0;
        outlen = 0;
        out[0] = 0;
        int64_t s1 = run_switch(p->code, p->len, &r1);
        char o1[4096];
        memcpy(o1, out, sizeof(o1));
        outlen = 0;
        out[0] = 0;
        int64_t s2 = run_threaded(p->code, p->len, &r2);
        int same = s1 == s2 && r1 == r2 && strcmp(o1, out) == 0;
        bad += !same || s1 < 0;
        printf("%-8s len=%d steps=%lld result=%lld same=%d out=%s\n", p->name, p->len,
               (long long)s1, (long long)r1, same, o1);
    }
    /* a faulting program: jump out of range */
    int64_t wild[] = { PUSH, 1, JNZ, 999 }, r = 0;
    printf("wild: %lld %lld\n", (long long)run_switch(wild, 4, &r),
           (long long)run_threaded(wild, 4, &r));
    return bad;
}
