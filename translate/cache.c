/*
 * The code cache: translation blocks keyed by guest pc, their creation
 * (front-end -> optimiser -> interpreter or backend) and their invalidation.
 *
 * Invalidation drops the whole cache whenever a range overlaps any
 * translated code.  Guests invalidate rarely (fence.i, IC IVAU, munmap or
 * mprotect of code), and a full flush needs no bookkeeping of which chain
 * sites point into which block; [code_lo, code_hi) makes the common case
 * (a range with no code in it) a two-compare test.
 */
#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "translate/cache.h"
#include "translate/jit.h"

#define TB_HASH_BITS 16
#define TB_HASH_SIZE (1u << TB_HASH_BITS)

static struct tb *tb_hash[TB_HASH_SIZE];
static uint64_t code_lo = UINT64_MAX, code_hi;
static struct exec_ctx *ctx_list[64];
static unsigned n_ctx;
static unsigned tb_count;
unsigned tb_flush_count;

/* Scratch block for the front-end; one guest thread translates at a time. */
static struct ir_block scratch;

static unsigned tb_hash_index(uint64_t pc)
{
    uint64_t h = pc >> exec_config.guest->insn_shift;
    h ^= h >> TB_HASH_BITS;
    return (unsigned)h & (TB_HASH_SIZE - 1);
}

void tb_cache_register_ctx(struct exec_ctx *ctx)
{
    assert(n_ctx < sizeof(ctx_list) / sizeof(ctx_list[0]));
    ctx_list[n_ctx++] = ctx;
}

struct tb *tb_cache_lookup(uint64_t pc)
{
    for (struct tb *tb = tb_hash[tb_hash_index(pc)]; tb; tb = tb->hash_next)
        if (tb->pc == pc)
            return tb;
    return NULL;
}

/* Compile tb's IR; on a full code buffer, flush everything and report failure
 * so the caller looks the block up again. */
bool tb_compile(struct tb *tb)
{
    struct ir_block *b = &scratch;
    ir_block_init(b, tb->pc);
    b->guest_size = tb->size;
    b->n_insns = tb->n_insns;
    b->n_temps = tb->n_temps;
    memcpy(b->insns, tb->insns, sizeof(struct ir_insn) * tb->n_insns);
    memcpy(b->temp_type, tb->temp_types, tb->n_temps);
    void *code = jit_compile(b);
    if (!code) {
        tb_cache_flush();
        return false;
    }
    tb->host_code = code;
    if (exec_log_enabled(LOG_OUT_ASM)) {
        fprintf(exec_config.log, "OUT: [guest 0x%" PRIx64 "]\n", tb->pc);
        jit_disas(exec_config.log, code, jit_last_size());
        fputc('\n', exec_config.log);
    }
    return true;
}

struct tb *tb_cache_translate(const void *state, uint64_t pc)
{
    struct ir_block *b = &scratch;
    ir_block_init(b, pc);
    exec_config.guest->translate(b, state, pc, exec_config.max_insns);
    if (exec_log_enabled(LOG_IN_ASM)) {
        fprintf(exec_config.log, "IN:\n");
        exec_config.guest->disas(exec_config.log, pc, b->guest_size);
        fputc('\n', exec_config.log);
    }
    if (exec_log_enabled(LOG_OP)) {
        ir_print(b, exec_config.log);
        fputc('\n', exec_config.log);
    }
    ir_optimize(b);
    if (exec_log_enabled(LOG_OP_OPT)) {
        fprintf(exec_config.log, "OP after optimisation:\n");
        ir_print(b, exec_config.log);
        fputc('\n', exec_config.log);
    }

    size_t insn_bytes = sizeof(struct ir_insn) * b->n_insns;
    struct tb *tb = malloc(sizeof(*tb) + insn_bytes + b->n_temps);
    if (!tb) {
        fprintf(stderr, "runtime: out of memory for a translation block\n");
        exit(1);
    }
    memset(tb, 0, sizeof(*tb));
    tb->pc = pc;
    tb->size = b->guest_size;
    tb->insns = (struct ir_insn *)(tb + 1);
    tb->n_insns = b->n_insns;
    tb->n_temps = b->n_temps;
    tb->temp_types = (uint8_t *)tb->insns + insn_bytes;
    memcpy(tb->insns, b->insns, insn_bytes);
    memcpy(tb->temp_types, b->temp_type, b->n_temps);

    unsigned h = tb_hash_index(pc);
    tb->hash_next = tb_hash[h];
    tb_hash[h] = tb;
    tb_count++;
    if (pc < code_lo)
        code_lo = pc;
    if (pc + tb->size > code_hi)
        code_hi = pc + tb->size;

    /* a full code buffer flushes the cache, this block included: start over */
    if (exec_config.tier == EXEC_TIER_JIT && !tb_compile(tb))
        return tb_cache_translate(state, pc);
    return tb;
}

void tb_cache_flush(void)
{
    for (unsigned h = 0; h < TB_HASH_SIZE; h++) {
        struct tb *tb = tb_hash[h];
        while (tb) {
            struct tb *next = tb->hash_next;
            free(tb);
            tb = next;
        }
        tb_hash[h] = NULL;
    }
    for (unsigned i = 0; i < n_ctx; i++)
        memset(ctx_list[i]->jmp_cache, 0, sizeof(struct jmp_cache_entry) * JMP_CACHE_SIZE);
    if (exec_config.tier != EXEC_TIER_INTERP)
        jit_flush();
    code_lo = UINT64_MAX;
    code_hi = 0;
    tb_count = 0;
    tb_flush_count++;
}

void exec_invalidate(uint64_t start, uint64_t end)
{
    if (start < code_hi && end > code_lo)
        tb_cache_flush();
}
