/* The code cache's interface inside translate/ (exec.c uses it). */
#ifndef TRANSLATE_CACHE_H
#define TRANSLATE_CACHE_H

#include "translate/exec.h"

struct tb *tb_cache_lookup(uint64_t pc);
/* translate, optimise and insert the block at pc (compiled at once with -tier jit) */
struct tb *tb_cache_translate(const void *state, uint64_t pc);
/* compile an interpreted block; false if the cache had to be flushed */
bool tb_compile(struct tb *tb);
void tb_cache_flush(void);
void tb_cache_register_ctx(struct exec_ctx *ctx);
void tb_cache_unregister_ctx(struct exec_ctx *ctx);
/* exec_run's entry and exit: the entry waits while another thread flushes */
void tb_cache_enter(struct exec_ctx *ctx);
void tb_cache_leave(struct exec_ctx *ctx);
/* exec_run, after a host fault unwound the front-end (which holds the lock) */
void tb_cache_unlock_after_fault(void);
/* around a fork by raw clone: no lock may stay held by a thread the child lacks */
void tb_cache_fork_prepare(void);
void tb_cache_fork_parent(void);
void tb_cache_fork_child(struct exec_ctx *self);
/* incremented by every flush: chain sites taken before it are gone */
extern unsigned tb_flush_count;

#endif
