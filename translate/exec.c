/*
 * The execution loop: find the block at the guest pc, run it in the right
 * tier, patch chains and fill the indirect-branch cache, and hand traps back
 * to the guest's cpu loop.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "translate/cache.h"
#include "translate/jit.h"

struct exec_config exec_config = {
    .tier = EXEC_TIER_AUTO,
    .jit_threshold = 32,
    .max_insns = 256,
};

void exec_log(unsigned bit, const char *fmt, ...)
{
    if (!exec_log_enabled(bit))
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(exec_config.log ? exec_config.log : stderr, fmt, ap);
    va_end(ap);
}

void exec_init(void)
{
    static bool jit_ready;
    if (!jit_ready && exec_config.tier != EXEC_TIER_INTERP) {
        if (!jit_init()) {
            fprintf(stderr, "runtime: cannot map the code buffer\n");
            exit(1);
        }
        jit_ready = true;
    }
}

void exec_ctx_init(struct exec_ctx *ctx, void *state)
{
    exec_init();
    if (!exec_config.log)
        exec_config.log = stderr;
    ctx->state = state;
    ctx->in_exec = 0;
    ctx->phase = EXEC_PHASE_NONE;
    ctx->jmp_cache = malloc(JMP_CACHE_SIZE * sizeof(struct jmp_cache_entry));
    if (!ctx->jmp_cache) {
        fprintf(stderr, "runtime: out of memory\n");
        exit(1);
    }
    jmp_cache_clear(ctx->jmp_cache);
    tb_cache_register_ctx(ctx);
}

void exec_ctx_destroy(struct exec_ctx *ctx)
{
    tb_cache_unregister_ctx(ctx);
    free(ctx->jmp_cache);
    ctx->jmp_cache = NULL;
}

static struct tb *tb_find(struct exec_ctx *ctx, uint64_t pc)
{
    struct tb *tb = tb_cache_lookup(pc);
    if (!tb) {
        ctx->phase = EXEC_PHASE_TRANSLATE;
        tb = tb_cache_translate(ctx->state, pc);
        ctx->phase = EXEC_PHASE_NONE;
    }
    return tb;
}

static volatile uint32_t *interrupt_flag(struct exec_ctx *ctx)
{
    static uint32_t never;
    uint32_t off = exec_config.guest->interrupt_offset;

    return off ? (volatile uint32_t *)((char *)ctx->state + off) : &never;
}

static unsigned exec_loop(struct exec_ctx *ctx)
{
    uint64_t *pcp = (uint64_t *)((char *)ctx->state + exec_config.guest->pc_offset);
    volatile uint32_t *irq = interrupt_flag(ctx);
    /* -d exec wants to see every block, so nothing may bypass this loop */
    bool chain = !exec_log_enabled(LOG_EXEC);
    uint64_t chain_site = 0;

    for (;;) {
        if (*irq)
            return IR_TRAP_INTERRUPT;
        uint64_t pc = *pcp;
        unsigned flushes = tb_flush_count;
        struct tb *tb = tb_find(ctx, pc);
        if (!__atomic_load_n(&tb->host_code, __ATOMIC_ACQUIRE) &&
            exec_config.tier != EXEC_TIER_INTERP &&
            tb->exec_count >= exec_config.jit_threshold && !tb_compile(tb)) {
            chain_site = 0;
            continue;           /* cache flushed: translate again */
        }
        if (flushes != tb_flush_count)
            chain_site = 0;
        void *code = __atomic_load_n(&tb->host_code, __ATOMIC_ACQUIRE);
        exec_log(LOG_EXEC, "Trace 0x%" PRIx64 " [%s]\n", pc, code ? "jit" : "interp");

        uint64_t w;
        ctx->phase = code ? EXEC_PHASE_RUN : EXEC_PHASE_INTERP;
        if (code) {
            if (chain) {
                if (chain_site)
                    jit_patch_chain(chain_site, code);
                struct jmp_cache_entry *e =
                    &ctx->jmp_cache[jmp_cache_hash(pc, exec_config.guest->insn_shift)];
                e->pc = pc;
                e->code = code;
            }
            w = jit_enter(ctx->state, code, ctx->jmp_cache);
        } else {
            tb->exec_count++;   /* racy between threads: only a heuristic */
            w = interp_run(ctx->state, tb);
        }
        ctx->phase = EXEC_PHASE_NONE;
        chain_site = 0;
        switch (EXEC_EXIT_KIND(w)) {
        case EXEC_EXIT_TRAP:
            return (unsigned)EXEC_EXIT_PAYLOAD(w);
        case EXEC_EXIT_CHAIN:
            if (chain)
                chain_site = EXEC_EXIT_PAYLOAD(w);
            break;
        default:
            break;
        }
    }
}

unsigned exec_run(struct exec_ctx *ctx)
{
    unsigned trap;

    if (sigsetjmp(ctx->fault_jmp, 0)) {
        /* a host fault in guest code, unwound by exec_fault_unwind */
        if (ctx->phase == EXEC_PHASE_TRANSLATE)
            tb_cache_unlock_after_fault();
        ctx->phase = EXEC_PHASE_NONE;
        tb_cache_leave(ctx);
        return IR_TRAP_INTERRUPT;
    }
    tb_cache_enter(ctx);
    trap = exec_loop(ctx);
    tb_cache_leave(ctx);
    return trap;
}

/*
 * Chained blocks do not store the pc they run at, so a fault in generated
 * code finds its guest instruction from the host pc (jit_guest_pc_of); a
 * fault in a helper that generated code called finds it from the return
 * address on the host stack.  A return address points after the call, which
 * may be where the next guest instruction's code begins, so the call
 * itself is looked up (address - 1).
 */
static void fault_set_guest_pc(struct exec_ctx *ctx, uintptr_t host_pc, uintptr_t host_sp)
{
    uint64_t guest_pc;
    bool found = jit_guest_pc_of((const void *)host_pc, &guest_pc);
    for (unsigned i = 0; !found && host_sp && i < 512; i++) {
        const uint8_t *ret = ((const void *const *)host_sp)[i];
        found = ret && jit_guest_pc_of(ret - 1, &guest_pc);
    }
    if (found)
        *(uint64_t *)((char *)ctx->state + exec_config.guest->pc_offset) = guest_pc;
}

void exec_fault_unwind(struct exec_ctx *ctx, uintptr_t host_pc, uintptr_t host_sp)
{
    if (!ctx || ctx->phase == EXEC_PHASE_NONE)
        return;
    /* the interpreter stores the pc of every guest insn it starts (insn_start) */
    if (ctx->phase == EXEC_PHASE_RUN)
        fault_set_guest_pc(ctx, host_pc, host_sp);
    siglongjmp(ctx->fault_jmp, 1);
}
