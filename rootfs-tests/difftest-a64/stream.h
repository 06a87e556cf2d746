/*
 * The aarch64 differential tester's stream header and guest memory layout,
 * shared by the host-side generator (gen_*.c, x86-64) and the guest harness
 * (harness.c, harness_entry.S, aarch64).  Both are little-endian LP64, so the
 * header struct reads the same on both sides.
 *
 * Guest layout: one data mapping at DT_DATA_ADDR.  x28 holds its start (the
 * scratch buffer) for the whole stream; the stream's memory accesses stay in
 * [x28, x28 + DT_SCRATCH_BYTES) and sp points to its middle.  The context
 * block lies above the scratch buffer, so the harness's entry and exit code
 * reach it with plain unsigned-offset loads and stores from x28.
 */
#ifndef DIFFTEST_A64_STREAM_H
#define DIFFTEST_A64_STREAM_H

#ifndef __ASSEMBLER__
#include <stdint.h>
#endif

#define DT_MAGIC "A64DIFF"

/* fixed addresses so adr/adrp/bl values are the same under every runner */
#define DT_CODE_ADDR     0x2000000000
#define DT_CODE_BYTES    0x200000
#define DT_DATA_ADDR     0x2000400000
#define DT_DATA_BYTES    0x4000
#define DT_SCRATCH_BYTES 4096
#define DT_SP_OFF        2048   /* sp = x28 + DT_SP_OFF, 16-byte aligned */

/* context block offsets from x28 (past the scratch buffer) */
#define DT_X_INIT     4096      /* uint64_t[31] */
#define DT_NZCV_INIT  4344
#define DT_FPCR_INIT  4352
#define DT_FPSR_INIT  4360
#define DT_EXIT_ADDR  4368      /* where the stream's tail jumps back to */
#define DT_HOST_SAVE  4376      /* x19..x30, sp, d8..d15: 21 slots */
#define DT_X_DUMP     4544      /* uint64_t[31] */
#define DT_NZCV_DUMP  4792
#define DT_FPCR_DUMP  4800
#define DT_FPSR_DUMP  4808
#define DT_V_INIT     4864      /* 16-byte aligned: uint64_t[32][2] */
#define DT_V_DUMP     5376

/* the register the stream never writes (besides sp) */
#define DT_REG_BASE 28

#ifndef __ASSEMBLER__
struct dt_header {
    char magic[8];
    uint64_t seed;
    uint32_t n_items;
    uint32_t pad;
    uint64_t x[31];             /* x[28] is ignored */
    uint64_t v[32][2];          /* [0]: bits 63..0 */
    uint64_t nzcv, fpcr, fpsr;
    uint8_t scratch[DT_SCRATCH_BYTES];
};
#endif

#endif
