/*
 * The differential tester's stream file and guest memory layout, shared by
 * the host-side generator (gen_*.c, x86-64) and the guest harness
 * (harness.c, harness_entry.S, riscv64).  Both are little-endian LP64, so the
 * header struct is read on the guest exactly as the generator wrote it.
 *
 * Guest layout: one data mapping at DT_DATA_ADDR.  s0 (x8) holds
 * DT_SCRATCH_ADDR for the whole stream; the stream's memory accesses stay in
 * [s0, s0 + DT_SCRATCH_BYTES), and sp (x2) points to its middle so that the
 * c.*sp forms hit it too and sp plus a 12-bit offset reaches all of it.  Below s0 sits the context block that the entry and
 * exit code address with negative 12-bit offsets from s0, which is why it is
 * at most 2048 bytes.
 */
#ifndef DIFFTEST_STREAM_H
#define DIFFTEST_STREAM_H

#ifndef __ASSEMBLER__
#include <stdint.h>
#endif

#define DT_MAGIC "RVDIFF1"

/* fixed addresses so auipc/jal link values are the same under every runner */
#define DT_CODE_ADDR    0x2000000000
#define DT_CODE_BYTES   0x100000
#define DT_DATA_ADDR    0x2000200000
#define DT_DATA_BYTES   0x2000
#define DT_CTX_BYTES    2048
#define DT_SCRATCH_ADDR (DT_DATA_ADDR + DT_CTX_BYTES)
#define DT_SCRATCH_BYTES 4096
#define DT_SP_OFF       2048    /* sp = s0 + DT_SP_OFF: imm12 off sp reaches all */

/* context block offsets, relative to s0 (all negative, fit imm12) */
#define DT_X_INIT    (-2048)    /* uint64_t[32] */
#define DT_F_INIT    (-1792)    /* uint64_t[32] */
#define DT_FCSR_INIT (-1536)
#define DT_EXIT_ADDR (-1528)    /* where the stream's tail jumps back to */
#define DT_HOST_SAVE (-1520)    /* ra sp gp tp s0..s11 fs0..fs11: 28 slots */
#define DT_X_DUMP    (-1280)    /* uint64_t[32] */
#define DT_F_DUMP    (-1024)    /* uint64_t[32] */
#define DT_FCSR_DUMP (-768)

/* registers the stream never writes */
#define DT_REG_SP 2
#define DT_REG_BASE 8           /* s0: scratch base */

#ifndef __ASSEMBLER__
struct dt_header {
    char magic[8];
    uint64_t seed;
    uint32_t code_bytes;        /* stream length, a multiple of 4 */
    uint32_t n_items;
    uint64_t x[32];             /* x[0], x[2], x[8] are ignored */
    uint64_t f[32];
    uint64_t fcsr;              /* frm in 0..4 */
    uint8_t scratch[DT_SCRATCH_BYTES];
};
#endif

#endif
