/*
 * The code buffer: one RWX mapping holding the entry/exit trampolines and
 * every compiled block, filled linearly and reset wholesale by jit_flush.
 * Also host feature detection and chain patching.
 *
 * Threads: jit_compile and jit_flush serialise on one mutex; generated code
 * may run concurrently on other threads (a chain patch is one aligned
 * 32-bit store).  jit_flush must only be called when no thread runs
 * generated code.
 *
 * Host pc -> guest pc (jit_guest_pc_of, for host fault handlers): a map of
 * the compiled blocks in code order, each with its guest instruction
 * boundaries in a second array.  Both arrays are mapped once at their full
 * size and only appended to under the mutex (the counts are published with
 * release stores after the entries), so a signal handler on any thread can
 * search them without locks while another thread compiles.
 */
#include "backend.h"
#include "translate/jit.h"

#include <cpuid.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>

#define JIT_BLOCK_ALIGN 64

#define JIT_BUFFER_SIZE (64u << 20)
/* Worst-case host bytes per IR instruction (a call with a full spill, the
 * SWAR popcount) plus per-exit stubs; checked before each block. */
#define JIT_MAX_INSN_BYTES 192
/* Guest insn boundaries kept for the whole buffer.  Each covers at least
 * one byte of code, and real blocks average well over 8 per guest insn;
 * running out is handled like a full buffer (flush). */
#define JIT_MAX_MARKS (JIT_BUFFER_SIZE / 8)

struct x86_features x86_host;

static struct {
    pthread_mutex_t lock;
    uint8_t *base, *end;
    uint8_t *code_start;        /* first byte after the trampolines */
    uint8_t *ptr;               /* next free byte */
    uint8_t *epilogue;
    uint64_t (*enter)(void *state, void *code, struct jmp_cache_entry *jmp_cache);
    uint32_t last_size;
    /* which guest block each compiled block is, in code order (blocks are
     * placed linearly), and where its guest insns begin (marks[mark_first ..
     * mark_first + n_marks)), for jit_guest_pc_of */
    struct jit_block_map {
        uint32_t start, end;
        uint64_t pc;
        uint32_t mark_first, n_marks;
    } *map;
    uint32_t map_count, map_cap;
    struct x86_insn_mark *marks;
    uint32_t marks_count;
} jit = { .lock = PTHREAD_MUTEX_INITIALIZER };

static const int saved_regs[] = { X86_RBP, X86_RBX, X86_R12, X86_R13, X86_R14, X86_R15 };
#define N_SAVED ((int)(sizeof(saved_regs) / sizeof(saved_regs[0])))
/* the return address plus the pushes leave rsp 8 mod 16; the frame fixes that */
_Static_assert((8 + 8 * N_SAVED + JIT_FRAME_SIZE) % 16 == 0, "frame breaks call alignment");

static void detect_features(void)
{
    unsigned a, b, c, d;
    memset(&x86_host, 0, sizeof(x86_host));
    if (__get_cpuid(1, &a, &b, &c, &d))
        x86_host.popcnt = c & bit_POPCNT;
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
        x86_host.bmi1 = b & bit_BMI;
        x86_host.bmi2 = b & bit_BMI2;
    }
    if (__get_cpuid(0x80000001, &a, &b, &c, &d))
        x86_host.lzcnt = c & bit_LZCNT;
}

static void emit_trampolines(void)
{
    struct x86_buf b = { jit.base, jit.base, jit.end };

    /* jit_enter(state = rdi, code = rsi, jmp_cache = rdx) */
    jit.enter = (void *)b.p;
    for (int k = 0; k < N_SAVED; k++)
        x86_push(&b, saved_regs[k]);
    x86_alu_ri(&b, X86_SUB, true, X86_RSP, JIT_FRAME_SIZE);
    x86_mov_rr(&b, true, JIT_STATE_REG, X86_RDI);
    x86_store(&b, X86_S64, X86_RDX, X86_MEM(X86_RSP, JIT_FRAME_JMP_CACHE));
    x86_jmp_r(&b, X86_RSI);

    /* every exit arrives here with the exit word in rax */
    x86_align(&b, 16, 0);
    jit.epilogue = b.p;
    x86_alu_ri(&b, X86_ADD, true, X86_RSP, JIT_FRAME_SIZE);
    for (int k = N_SAVED - 1; k >= 0; k--)
        x86_pop(&b, saved_regs[k]);
    x86_ret(&b);

    x86_align(&b, 16, 0);
    jit.code_start = jit.ptr = b.p;
}

bool jit_init(void)
{
    if (jit.base)
        return true;
    detect_features();
    /* Near our own text if possible, so helper calls fit a rel32. */
    uintptr_t hint = ((uintptr_t)&jit_init & ~(uintptr_t)0xffff) - (512u << 20);
    void *p = mmap((void *)hint, JIT_BUFFER_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return false;
    /* every block takes at least JIT_BLOCK_ALIGN bytes */
    jit.map_cap = JIT_BUFFER_SIZE / JIT_BLOCK_ALIGN;
    void *m = mmap(NULL, sizeof(*jit.map) * jit.map_cap, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) {
        munmap(p, JIT_BUFFER_SIZE);
        return false;
    }
    void *mk = mmap(NULL, sizeof(*jit.marks) * JIT_MAX_MARKS, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mk == MAP_FAILED) {
        munmap(m, sizeof(*jit.map) * jit.map_cap);
        munmap(p, JIT_BUFFER_SIZE);
        return false;
    }
    jit.map = m;
    jit.marks = mk;
    jit.base = p;
    jit.end = jit.base + JIT_BUFFER_SIZE;
    emit_trampolines();
    return true;
}

const uint8_t *jit_epilogue(void)
{
    return jit.epilogue;
}

uint64_t jit_chain_site(const uint8_t *disp)
{
    /* aligned displacements: dividing by 4 keeps the exit word in 32 bits */
    return (uint64_t)(disp - jit.base) / 4;
}

/*
 * Does a cycle of chained blocks through blk have to be checked here?  Only
 * blocks that can jump backwards (a direct exit to a pc not above their
 * own) or anywhere (exit_ind, whose jmp_cache hits stay in generated code)
 * test the flag.  A run of chained blocks that never passes one of those
 * only moves to higher pcs, so it ends (or returns to the C loop, which
 * tests the flag itself) after finitely many blocks; every cycle passes one.
 */
static bool needs_interrupt_check(const struct ir_block *blk)
{
    for (uint32_t n = 0; n < blk->n_insns; n++) {
        const struct ir_insn *i = &blk->insns[n];
        if (i->op == IR_exit_ind)
            return true;
        if ((i->op == IR_exit_tb || i->op == IR_exit_cond) && (uint64_t)i->imm <= blk->guest_pc)
            return true;
    }
    return false;
}

/* Signals and cross-thread requests: a block entered while the state's
 * interrupt flag is set stores its pc and returns to the C loop, so that
 * chained loops cannot run forever without looking at it.  Returns the
 * jcc to patch, or NULL when the guest has no flag or the block needs no
 * check (needs_interrupt_check). */
static uint8_t *emit_interrupt_check(struct x86_buf *b, const struct ir_block *blk)
{
    uint32_t off = exec_config.guest->interrupt_offset;

    if (!off || !needs_interrupt_check(blk))
        return NULL;
    x86_op_rm(b, 0x83, X86_CMP, X86_MEM(JIT_STATE_REG, off));   /* cmp dword [rbp+off], 0 */
    x86_byte(b, 0);
    return x86_jcc32(b, X86_CC_NE, NULL);
}

static void emit_interrupt_stub(struct x86_buf *b, uint8_t *jcc, uint64_t pc)
{
    struct x86_mem slot = X86_MEM(JIT_STATE_REG, exec_config.guest->pc_offset);

    x86_patch32(jcc, b->p);
    x86_mov_ri(b, X86_RAX, pc);
    x86_store(b, X86_S64, X86_RAX, slot);
    x86_mov_ri(b, X86_RAX, EXEC_EXIT(EXEC_EXIT_TRAP, IR_TRAP_INTERRUPT));
    x86_jmp32(b, jit.epilogue);
}

void *jit_compile(const struct ir_block *blk)
{
    void *code = NULL;
    pthread_mutex_lock(&jit.lock);
    /* Blocks start on a cache line: with 16-byte starts, code that differs
     * only in where its blocks fall ran a dispatch loop (bench/interp) 20%
     * slower or faster from build to build; the padding costs 24 bytes a
     * block on average. */
    uint8_t *start = jit.ptr + ((JIT_BLOCK_ALIGN - (uintptr_t)jit.ptr % JIT_BLOCK_ALIGN) %
                                JIT_BLOCK_ALIGN);
    size_t need = (size_t)blk->n_insns * JIT_MAX_INSN_BYTES + 64 + 48;
    if (jit.base && (size_t)(jit.end - start) >= need) {
        struct x86_buf b = { start, start, jit.end };
        uint8_t *irq = emit_interrupt_check(&b, blk);
        bool ok = x86_codegen_block(&b, blk);
        if (ok && irq)
            emit_interrupt_stub(&b, irq, blk->guest_pc);
        const struct x86_insn_mark *marks;
        uint32_t n_marks = ok ? x86_last_insn_marks(&marks) : 0;
        uint32_t first = jit.marks_count, n = jit.map_count;
        /* out of room: refused like a full buffer, so the caller flushes */
        if (n_marks > JIT_MAX_MARKS - first || n >= jit.map_cap)
            ok = false;
        if (ok) {
            code = start;
            jit.last_size = (uint32_t)(b.p - start);
            jit.ptr = b.p;
            memcpy(jit.marks + first, marks, sizeof(*marks) * n_marks);
            jit.map[n] = (struct jit_block_map){ (uint32_t)(start - jit.base),
                                                 (uint32_t)(b.p - jit.base), blk->guest_pc,
                                                 first, n_marks };
            /* marks before the block that points at them */
            __atomic_store_n(&jit.marks_count, first + n_marks, __ATOMIC_RELEASE);
            __atomic_store_n(&jit.map_count, n + 1, __ATOMIC_RELEASE);
        }
    }
    pthread_mutex_unlock(&jit.lock);
    return code;
}

uint64_t jit_enter(void *state, void *code, struct jmp_cache_entry *jmp_cache)
{
    return jit.enter(state, code, jmp_cache);
}

void jit_patch_chain(uint64_t site, void *code)
{
    uint8_t *disp = jit.base + site * 4;
    int32_t rel = (int32_t)((uint8_t *)code - (disp + 4));
    __atomic_store_n((int32_t *)(void *)disp, rel, __ATOMIC_RELEASE);
}

void jit_flush(void)
{
    pthread_mutex_lock(&jit.lock);
    jit.ptr = jit.code_start;
    __atomic_store_n(&jit.map_count, 0, __ATOMIC_RELEASE);
    __atomic_store_n(&jit.marks_count, 0, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&jit.lock);
}

void jit_fork_lock(void)
{
    pthread_mutex_lock(&jit.lock);
}

void jit_fork_unlock(void)
{
    pthread_mutex_unlock(&jit.lock);
}

bool jit_guest_pc_of(const void *host_pc, uint64_t *guest_pc)
{
    const uint8_t *h = host_pc;
    if (!jit.base || h < jit.base || h >= jit.end)
        return false;
    uint32_t off = (uint32_t)(h - jit.base);
    /* the last block starting at or before off */
    uint32_t lo = 0, hi = __atomic_load_n(&jit.map_count, __ATOMIC_ACQUIRE);
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (jit.map[mid].start <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || off >= jit.map[lo - 1].end)
        return false;
    const struct jit_block_map *blk = &jit.map[lo - 1];
    /* the last guest insn whose code starts at or before off; code before
     * the first (the interrupt check) belongs to the block's start */
    const struct x86_insn_mark *mk = jit.marks + blk->mark_first;
    uint32_t rel = off - blk->start;
    lo = 0;
    hi = blk->n_marks;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (mk[mid].host_off <= rel)
            lo = mid + 1;
        else
            hi = mid;
    }
    *guest_pc = blk->pc + (lo ? mk[lo - 1].pc_off : 0);
    return true;
}

uint32_t jit_last_size(void)
{
    return jit.last_size;
}
