/*
 * runtime-img compare: qemu-img compare -- contents equal, with the larger
 * image's tail required to read as zero; -s (strict) also fails on size or
 * allocation differences.  Exit 0 identical, 1 different, 2 open error,
 * 4 read error.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "imgutil/cmd/cmd.h"
#include "imgutil/file.h"

#define CMP_CHUNK (1u << 20)

/* identical leading bytes, in whole 512-byte sectors */
static uint64_t same_prefix(const uint8_t *a, const uint8_t *b, uint64_t n)
{
    uint64_t i = 0;
    while (i < n) {
        uint64_t l = n - i < 512 ? n - i : 512;
        if (memcmp(a + i, b + i, l))
            return i;
        i += l;
    }
    return n;
}

static int zero_tail(struct blk_dev *bs, const char *name, uint64_t from, uint8_t *buf,
                     bool quiet, struct img_progress *pg)
{
    for (uint64_t off = from; off < bs->size;) {
        uint64_t pnum, map;
        int depth;
        struct blk_dev *layer;
        uint64_t want = bs->size - off < CMP_CHUNK ? bs->size - off : CMP_CHUNK;
        int st = blk_block_status_above(bs, off, want, &pnum, &map, &depth, &layer);
        if (st < 0) {
            img_error(name, "error while reading at byte %" PRIu64 ": %s", off, blk_strerror(bs, st));
            return 4;
        }
        if (!pnum)
            pnum = want;
        if (!(st & BLK_ST_ZERO)) {
            int ret = blk_read(bs, off, buf, pnum);
            if (ret < 0) {
                img_error(name, "error while reading at byte %" PRIu64 ": %s", off,
                          blk_strerror(bs, ret));
                return 4;
            }
            static const uint8_t zero[512];
            for (uint64_t i = 0; i < pnum; i += 512) {
                uint64_t l = pnum - i < 512 ? pnum - i : 512;
                if (memcmp(buf + i, zero, l)) {
                    if (!quiet)
                        printf("Content mismatch at offset %" PRIu64 "!\n", off + i);
                    return 1;
                }
            }
        }
        off += pnum;
        img_progress_update(pg, (double)off, (double)bs->size);
    }
    return 0;
}

int cmd_compare(int argc, char **argv)
{
    const char *fmt1 = NULL, *fmt2 = NULL;
    bool strict = false, quiet = false;
    struct img_progress pg = { 0 };
    int c;
    static const struct option lo[] = {
        { "help", no_argument, 0, 'h' },
        { "force-share", no_argument, 0, 'U' },
        { 0, 0, 0, 0 },
    };
    while ((c = getopt_long(argc, argv, ":hf:F:T:pqsU", lo, NULL)) != -1) {
        switch (c) {
        case 'f': fmt1 = optarg; break;
        case 'F': fmt2 = optarg; break;
        case 'p': pg.on = true; break;
        case 'q': quiet = true; break;
        case 's': strict = true; break;
        case 'T': case 'U': break;
        case 'h':
            printf("usage: runtime-img compare [-f fmt] [-F fmt] [-p] [-q] [-s] filename1 "
                   "filename2\n");
            return 0;
        default:
            img_error(NULL, "invalid option '%s'", argv[optind - 1]);
            return 2;
        }
    }
    if (quiet)
        pg.on = false;
    if (argc - optind != 2) {
        img_error(NULL, "Expecting two image file names");
        return 2;
    }
    const char *n1 = argv[optind], *n2 = argv[optind + 1];
    struct blk_err err = { "" };
    struct blk_dev *a = blk_open(n1, fmt1, 0, &err), *b = NULL;
    if (!a) {
        img_error(n1, "%s", err.msg);
        return 2;
    }
    b = blk_open(n2, fmt2, 0, &err);
    if (!b) {
        img_error(n2, "%s", err.msg);
        blk_close(a);
        return 2;
    }
    uint8_t *ba = malloc(CMP_CHUNK), *bb = malloc(CMP_CHUNK);
    int rc = 0;
    uint64_t common = a->size < b->size ? a->size : b->size;
    if (strict && a->size != b->size) {
        if (!quiet)
            printf("Strict mode: Image size mismatch!\n");
        rc = 1;
        goto out;
    }
    for (uint64_t off = 0; off < common;) {
        uint64_t pa, pb, m;
        int da, db;
        struct blk_dev *la, *lb;
        uint64_t want = common - off < CMP_CHUNK ? common - off : CMP_CHUNK;
        int sa = blk_block_status_above(a, off, want, &pa, &m, &da, &la);
        int sb = sa < 0 ? 0 : blk_block_status_above(b, off, want, &pb, &m, &db, &lb);
        if (sa < 0 || sb < 0) {
            struct blk_dev *bad = sa < 0 ? a : b;
            img_error(sa < 0 ? n1 : n2, "error while reading at byte %" PRIu64 ": %s", off,
                      blk_strerror(bad, sa < 0 ? sa : sb));
            rc = 4;
            goto out;
        }
        uint64_t n = pa < pb ? pa : pb;
        if (!n)
            n = want;
        bool alloc_a = sa & BLK_ST_ALLOCATED, alloc_b = sb & BLK_ST_ALLOCATED;
        if (strict && alloc_a != alloc_b) {
            if (!quiet)
                printf("Strict mode: Offset %" PRIu64 " allocation mismatch!\n", off);
            rc = 1;
            goto out;
        }
        if (!((sa & BLK_ST_ZERO) && (sb & BLK_ST_ZERO))) {
            int r1 = blk_read(a, off, ba, n);
            int r2 = r1 < 0 ? 0 : blk_read(b, off, bb, n);
            if (r1 < 0 || r2 < 0) {
                struct blk_dev *bad = r1 < 0 ? a : b;
                img_error(r1 < 0 ? n1 : n2, "error while reading at byte %" PRIu64 ": %s",
                          off, blk_strerror(bad, r1 < 0 ? r1 : r2));
                rc = 4;
                goto out;
            }
            uint64_t same = same_prefix(ba, bb, n);
            if (same != n) {
                if (!quiet)
                    printf("Content mismatch at offset %" PRIu64 "!\n", off + same);
                rc = 1;
                goto out;
            }
        }
        off += n;
        img_progress_update(&pg, (double)off, (double)common);
    }
    if (a->size != b->size) {
        struct blk_dev *big = a->size > b->size ? a : b;
        if (!quiet)
            printf("Warning: Image size mismatch!\n");
        rc = zero_tail(big, big == a ? n1 : n2, common, ba, quiet, &pg);
        if (rc)
            goto out;
    }
    img_progress_end(&pg);
    if (!quiet)
        printf("Images are identical.\n");
out:
    free(ba);
    free(bb);
    blk_close(a);
    blk_close(b);
    return rc;
}
