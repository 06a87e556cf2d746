/*
 * The code cache: translation blocks keyed by guest pc, their creation
 * (front-end -> optimiser -> interpreter or backend) and their invalidation.
 *
 * Invalidation drops the whole cache whenever a range overlaps a
 * translated block: a full flush needs no bookkeeping of which chain sites
 * point into which block.  Whether a range overlaps one must be exact, not
 * a matter of pages: a JIT such as V8's writes new code next to code it
 * runs and issues IC IVAU for every 64-byte line it wrote, thousands of
 * times per second, and only the lines that held code we translated may
 * cost a flush.  [code_lo, code_hi) answers the common case (a range far
 * from any code) with two compares; an index of blocks by guest page
 * (page_hash, a block being listed under its first and its last page)
 * answers the rest.
 *
 * Threads (DESIGN decision 6).  Lookups take no lock: a block is fully
 * built before a release store publishes it at the head of its hash chain,
 * and blocks are never unlinked except by a flush.  Translation, insertion
 * and compilation serialise on tb_lock (the front-end's scratch block and
 * the backend are single-threaded).  A flush frees blocks and code other
 * threads may be running, so it stops the world first: it raises every
 * other context's interrupt flag (generated code checks it at each block
 * entry) and waits until none is inside exec_run; exec_run's entry waits
 * while a flush is under way.  Threads blocked in syscalls are outside
 * exec_run and never delay a flush.
 */
#include <assert.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "translate/cache.h"
#include "translate/jit.h"

#define TB_HASH_BITS 16
#define TB_HASH_SIZE (1u << TB_HASH_BITS)

static struct tb *tb_hash[TB_HASH_SIZE];
/* bucket = guest page number mod PAGE_HASH_SIZE, so a block's two pages
 * (it spans at most two) are in different buckets */
#define CODE_PAGE_SHIFT 12
#define PAGE_HASH_SIZE 4096u
static struct tb *page_hash[PAGE_HASH_SIZE];
static uint64_t code_lo = UINT64_MAX, code_hi;
static unsigned tb_count;
unsigned tb_flush_count;

static pthread_mutex_t tb_lock = PTHREAD_MUTEX_INITIALIZER;
/* the context list, and one flusher at a time */
static pthread_mutex_t ctx_lock = PTHREAD_MUTEX_INITIALIZER;
static struct exec_ctx *ctx_list;
static int flush_req;
/* the context of this thread while it is inside exec_run */
static __thread struct exec_ctx *ctx_current;

/* Scratch block for the front-end; used under tb_lock only. */
static struct ir_block scratch;

static unsigned tb_hash_index(uint64_t pc)
{
    uint64_t h = pc >> exec_config.guest->insn_shift;
    h ^= h >> TB_HASH_BITS;
    return (unsigned)h & (TB_HASH_SIZE - 1);
}

void tb_cache_register_ctx(struct exec_ctx *ctx)
{
    pthread_mutex_lock(&ctx_lock);
    ctx->next = ctx_list;
    ctx_list = ctx;
    pthread_mutex_unlock(&ctx_lock);
}

void tb_cache_unregister_ctx(struct exec_ctx *ctx)
{
    pthread_mutex_lock(&ctx_lock);
    for (struct exec_ctx **p = &ctx_list; *p; p = &(*p)->next)
        if (*p == ctx) {
            *p = ctx->next;
            break;
        }
    pthread_mutex_unlock(&ctx_lock);
}

void tb_cache_enter(struct exec_ctx *ctx)
{
    ctx_current = ctx;
    for (;;) {
        __atomic_store_n(&ctx->in_exec, 1, __ATOMIC_SEQ_CST);
        if (!__atomic_load_n(&flush_req, __ATOMIC_SEQ_CST))
            return;
        __atomic_store_n(&ctx->in_exec, 0, __ATOMIC_SEQ_CST);
        while (__atomic_load_n(&flush_req, __ATOMIC_ACQUIRE))
            sched_yield();
    }
}

void tb_cache_leave(struct exec_ctx *ctx)
{
    __atomic_store_n(&ctx->in_exec, 0, __ATOMIC_RELEASE);
    ctx_current = NULL;
}

void tb_cache_unlock_after_fault(void)
{
    pthread_mutex_unlock(&tb_lock);
}

struct tb *tb_cache_lookup(uint64_t pc)
{
    struct tb *tb = __atomic_load_n(&tb_hash[tb_hash_index(pc)], __ATOMIC_ACQUIRE);
    for (; tb; tb = tb->hash_next)
        if (tb->pc == pc)
            return tb;
    return NULL;
}

/* Compile tb's IR; on a full code buffer, flush everything and report failure
 * so the caller looks the block up again. */
bool tb_compile(struct tb *tb)
{
    pthread_mutex_lock(&tb_lock);
    if (tb->host_code) {        /* another thread was first */
        pthread_mutex_unlock(&tb_lock);
        return true;
    }
    struct ir_block *b = &scratch;
    ir_block_init(b, tb->pc);
    b->guest_size = tb->size;
    b->n_insns = tb->n_insns;
    b->n_temps = tb->n_temps;
    memcpy(b->insns, tb->insns, sizeof(struct ir_insn) * tb->n_insns);
    memcpy(b->temp_type, tb->temp_types, tb->n_temps);
    void *code = jit_compile(b);
    if (!code) {
        pthread_mutex_unlock(&tb_lock);
        tb_cache_flush();
        return false;
    }
    if (exec_log_enabled(LOG_OUT_ASM)) {
        fprintf(exec_config.log, "OUT: [guest 0x%" PRIx64 "]\n", tb->pc);
        jit_disas(exec_config.log, code, jit_last_size());
        fputc('\n', exec_config.log);
    }
    __atomic_store_n(&tb->host_code, code, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&tb_lock);
    return true;
}

/* ---- the index of blocks by guest page (under tb_lock) ---- */

static unsigned page_bucket(uint64_t addr)
{
    return (unsigned)(addr >> CODE_PAGE_SHIFT) & (PAGE_HASH_SIZE - 1);
}

static uint64_t tb_last_byte(const struct tb *tb)
{
    return tb->pc + (tb->size ? tb->size - 1 : 0);
}

static void page_index_add(struct tb *tb)
{
    /* so that it spans at most two pages (blocks are at most 256 insns) */
    assert(tb->size <= 1u << CODE_PAGE_SHIFT);
    unsigned first = page_bucket(tb->pc), last = page_bucket(tb_last_byte(tb));
    tb->page_next[0] = page_hash[first];
    page_hash[first] = tb;
    if (last != first) {
        tb->page_next[1] = page_hash[last];
        page_hash[last] = tb;
    }
}

/* The link that continues bucket h's list after tb. */
static struct tb *page_next(const struct tb *tb, unsigned h)
{
    return page_bucket(tb->pc) == h ? tb->page_next[0] : tb->page_next[1];
}

static bool bucket_overlaps(unsigned h, uint64_t start, uint64_t end)
{
    for (const struct tb *tb = page_hash[h]; tb; tb = page_next(tb, h))
        if (tb->pc < end && tb->pc + tb->size > start)
            return true;
    return false;
}

/* Does a translated block overlap [start, end) (end > start)? */
static bool code_overlaps(uint64_t start, uint64_t end)
{
    if (start >= code_hi || end <= code_lo)
        return false;
    if (start < code_lo)
        start = code_lo;
    if (end > code_hi)
        end = code_hi;
    uint64_t first = start >> CODE_PAGE_SHIFT, last = (end - 1) >> CODE_PAGE_SHIFT;
    if (last - first >= PAGE_HASH_SIZE) {
        for (unsigned h = 0; h < PAGE_HASH_SIZE; h++)
            if (bucket_overlaps(h, start, end))
                return true;
        return false;
    }
    for (uint64_t p = first; p <= last; p++)
        if (bucket_overlaps(page_bucket(p << CODE_PAGE_SHIFT), start, end))
            return true;
    return false;
}

/* Under tb_lock.  May fault reading guest code: exec_run then unlocks. */
static struct tb *tb_translate_locked(const void *state, uint64_t pc)
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
    __atomic_store_n(&tb_hash[h], tb, __ATOMIC_RELEASE);
    tb_count++;
    page_index_add(tb);
    if (pc < code_lo)
        code_lo = pc;
    if (pc + tb->size > code_hi)
        code_hi = pc + tb->size;
    return tb;
}

struct tb *tb_cache_translate(const void *state, uint64_t pc)
{
    for (;;) {
        pthread_mutex_lock(&tb_lock);
        struct tb *tb = tb_cache_lookup(pc);  /* another thread may have been first */
        if (!tb)
            tb = tb_translate_locked(state, pc);
        pthread_mutex_unlock(&tb_lock);
        /* a full code buffer flushes the cache, this block included: start over */
        if (exec_config.tier == EXEC_TIER_JIT && !tb->host_code && !tb_compile(tb))
            continue;
        return tb;
    }
}

/* Under ctx_lock: raise every other context's interrupt flag and wait
 * until none of them is inside exec_run. */
static void stop_others(struct exec_ctx *self)
{
    uint32_t off = exec_config.guest->interrupt_offset;

    for (struct exec_ctx *c = ctx_list; c; c = c->next) {
        if (c == self)
            continue;
        if (off)
            __atomic_store_n((uint32_t *)((char *)c->state + off), 1, __ATOMIC_SEQ_CST);
        while (__atomic_load_n(&c->in_exec, __ATOMIC_SEQ_CST))
            sched_yield();
    }
}

void tb_cache_flush(void)
{
    struct exec_ctx *self = ctx_current;

    /* while waiting for the lock, this thread must not hold up another flusher */
    if (self)
        __atomic_store_n(&self->in_exec, 0, __ATOMIC_SEQ_CST);
    pthread_mutex_lock(&ctx_lock);
    __atomic_store_n(&flush_req, 1, __ATOMIC_SEQ_CST);
    stop_others(self);
    pthread_mutex_lock(&tb_lock);
    for (unsigned h = 0; h < TB_HASH_SIZE; h++) {
        struct tb *tb = tb_hash[h];
        while (tb) {
            struct tb *next = tb->hash_next;
            free(tb);
            tb = next;
        }
        tb_hash[h] = NULL;
    }
    memset(page_hash, 0, sizeof(page_hash));
    for (struct exec_ctx *c = ctx_list; c; c = c->next)
        jmp_cache_clear(c->jmp_cache);
    if (exec_config.tier != EXEC_TIER_INTERP)
        jit_flush();
    code_lo = UINT64_MAX;
    code_hi = 0;
    tb_count = 0;
    tb_flush_count++;
    pthread_mutex_unlock(&tb_lock);
    if (self)
        __atomic_store_n(&self->in_exec, 1, __ATOMIC_SEQ_CST);
    __atomic_store_n(&flush_req, 0, __ATOMIC_SEQ_CST);
    pthread_mutex_unlock(&ctx_lock);
}

void tb_cache_fork_prepare(void)
{
    pthread_mutex_lock(&ctx_lock);
    pthread_mutex_lock(&tb_lock);
    jit_fork_lock();
}

void tb_cache_fork_parent(void)
{
    jit_fork_unlock();
    pthread_mutex_unlock(&tb_lock);
    pthread_mutex_unlock(&ctx_lock);
}

/* Only the forking thread lives on in the child. */
void tb_cache_fork_child(struct exec_ctx *self)
{
    jit_fork_unlock();
    pthread_mutex_init(&tb_lock, NULL);
    pthread_mutex_init(&ctx_lock, NULL);
    ctx_list = self;
    if (self)
        self->next = NULL;
}

void exec_invalidate(uint64_t start, uint64_t end)
{
    if (end <= start)
        return;
    pthread_mutex_lock(&tb_lock);
    bool hit = code_overlaps(start, end);
    pthread_mutex_unlock(&tb_lock);
    if (hit)
        tb_cache_flush();
}

/* The lines this thread named since its last exec_icache_sync; lo > hi
 * when none. */
static __thread uint64_t icache_lo = UINT64_MAX, icache_hi;

void exec_icache_note(uint64_t start, uint64_t end)
{
    if (start < icache_lo)
        icache_lo = start;
    if (end > icache_hi)
        icache_hi = end;
}

void exec_icache_sync(void)
{
    if (icache_lo > icache_hi)
        exec_invalidate(0, UINT64_MAX);
    else
        exec_invalidate(icache_lo, icache_hi);
    icache_lo = UINT64_MAX;
    icache_hi = 0;
}
