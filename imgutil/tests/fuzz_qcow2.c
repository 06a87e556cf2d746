/*
 * libFuzzer target for the qcow2 parsers: each input is a whole image file,
 * put in a memfd and opened as qcow2 (header, extensions, L1, refcount
 * table, snapshot table).  What opens is then read through its L2 tables,
 * mapped, its bitmap directory measured, checked without repair, and -- on
 * a private copy opened read-write, which repairs a dirty image first --
 * written at a few places and amended (version, refcount width), which walks
 * the refcount allocator over whatever the tables claim.  Any crash, ASan
 * report, leak or hang is a bug; error returns are expected.
 *
 * Built by the Makefile with clang -fsanitize=fuzzer,address as
 * build/fuzz/fuzz_qcow2, run by rootfs-tests/img-fuzz.bats (a short pass
 * over seeds in `make check`, a timed run in `make check-long`).  Backing
 * files are never opened: a fuzzed name could point anywhere.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "imgutil/blk.h"

/* bounds per input, so that one image cannot take seconds */
#define FUZZ_READ_MAX   (1u << 20)
#define FUZZ_STATUS_MAX 4096

static int fd_null = -1;

static void quiet_check(struct blk_dev *bs, int fix)
{
    if (!bs->drv->check)
        return;
    struct blk_check_result r;
    /* check reports every problem on stderr: keep libFuzzer's output readable */
    int saved = dup(2);
    dup2(fd_null, 2);
    bs->drv->check(bs, &r, fix);
    dup2(saved, 2);
    close(saved);
}

static void exercise_read(struct blk_dev *bs, uint8_t *buf)
{
    uint64_t size = bs->size < FUZZ_READ_MAX ? bs->size : FUZZ_READ_MAX;
    for (uint64_t off = 0; off < size; off += 65536) {
        uint64_t n = size - off < 65536 ? size - off : 65536;
        if (blk_read(bs, off, buf, n) < 0)
            break;
    }
    uint64_t off = 0;
    for (int i = 0; i < FUZZ_STATUS_MAX && off < bs->size; i++) {
        uint64_t pnum, map;
        if (blk_block_status(bs, off, bs->size - off, &pnum, &map) < 0 || !pnum)
            break;
        off += pnum;
    }
    if (bs->drv->measure_bitmaps)
        bs->drv->measure_bitmaps(bs, 65536);
    quiet_check(bs, 0);
}

static void exercise_write(struct blk_dev *bs, uint8_t *buf)
{
    memset(buf, 0x5a, 65536);
    uint64_t at[3] = { 0, bs->size / 2, bs->size > 4096 ? bs->size - 4096 : 0 };
    for (int i = 0; i < 3; i++) {
        uint64_t n = bs->size - at[i] < 4096 ? bs->size - at[i] : 4096;
        if (n && blk_write(bs, at[i], buf, n) < 0)
            return;
    }
    if (bs->size >= 65536)
        blk_write_zeroes(bs, 0, 65536, true);
    blk_flush(bs);
}

/* amend walks every L2 table (snapshots' too) and rebuilds refcounts */
static void exercise_amend(struct blk_dev *bs, uint8_t pick)
{
    if (!bs->drv->amend)
        return;
    struct blk_amend_opts o = { .lazy_refcounts = -1 };
    switch (pick % 4) {
    case 0: o.compat = 2; break;
    case 1: o.compat = 3; break;
    case 2: o.refcount_bits = 1 << (pick / 4 % 7); break;
    default: o.lazy_refcounts = 1; o.compat = 3; break;
    }
    struct blk_err err;
    bs->drv->amend(bs, &o, &err);
}

static struct blk_dev *open_mem(const uint8_t *data, size_t size, int flags, int *fdp)
{
    int fd = memfd_create("fuzz-qcow2", MFD_CLOEXEC);
    if (fd < 0)
        return NULL;
    size_t done = 0;
    while (done < size) {
        ssize_t n = write(fd, data + done, size - done);
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    struct blk_err err;
    struct blk_dev *bs = blk_open(path, "qcow2", flags | BLK_O_NO_BACKING, &err);
    *fdp = fd;
    return bs;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fd_null < 0)
        fd_null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    static uint8_t *buf;
    if (!buf)
        buf = malloc(65536);
    int fd;
    struct blk_dev *bs = open_mem(data, size, 0, &fd);
    if (bs) {
        exercise_read(bs, buf);
        blk_close(bs);
    }
    close(fd);
    bs = open_mem(data, size, BLK_O_RDWR, &fd);
    if (bs) {
        exercise_write(bs, buf);
        exercise_amend(bs, size ? data[size - 1] : 0);
        blk_close(bs);
    }
    close(fd);
    return 0;
}
