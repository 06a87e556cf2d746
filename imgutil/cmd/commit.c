/*
 * runtime-img commit: qemu-img commit -- write what the layers above the
 * base (the top image's backing file unless -b) hold into the base, grow the
 * base to the top's size if needed, then empty the top so that it reads
 * through to the base again (not with -d, and not with -b: the layers in
 * between would go stale under it).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "imgutil/cmd/cmd.h"
#include "imgutil/file.h"

#define COMMIT_CHUNK (1u << 20)

static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

/* sleep so that `done` bytes take at least done/rate seconds since t0 */
static void rate_wait(const struct timespec *t0, uint64_t done, uint64_t rate)
{
    if (!rate)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double el = (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
    double want = (double)done / (double)rate;
    if (want > el) {
        double d = want - el;
        struct timespec ts = { (time_t)d, (long)((d - (double)(time_t)d) * 1e9) };
        nanosleep(&ts, NULL);
    }
}

/* copy every range the layers above depth `base_depth` decide into base */
static int commit_copy(struct blk_dev *top, const char *name, struct blk_dev *base,
                       int base_depth, uint64_t rate, struct img_progress *pg)
{
    uint8_t *buf = malloc(COMMIT_CHUNK);
    if (!buf) {
        img_error(NULL, "out of memory");
        return 1;
    }
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    uint64_t copied = 0;
    int rc = 0;
    img_progress_update(pg, 0, (double)top->size);
    for (uint64_t off = 0, pnum; off < top->size && !rc; off += pnum) {
        uint64_t want = top->size - off < COMMIT_CHUNK ? top->size - off : COMMIT_CHUNK;
        uint64_t map;
        int depth;
        struct blk_dev *layer;
        int st = blk_block_status_above(top, off, want, &pnum, &map, &depth, &layer);
        if (st < 0) {
            img_error(name, "error while reading at byte %" PRIu64 ": %s", off,
                      blk_strerror(top, st));
            rc = 1;
            break;
        }
        if (!pnum)
            pnum = want;
        if (depth < base_depth) {
            int ret;
            if (st & BLK_ST_ZERO) {
                ret = blk_write_zeroes(base, off, pnum, false);
            } else if ((ret = blk_read(top, off, buf, pnum)) < 0) {
                img_error(name, "error while reading at byte %" PRIu64 ": %s", off,
                          blk_strerror(top, ret));
                rc = 1;
                break;
            } else {
                ret = blk_write(base, off, buf, pnum);
            }
            if (ret < 0) {
                img_error(base->filename, "error while writing at byte %" PRIu64 ": %s", off,
                          blk_strerror(base, ret));
                rc = 1;
            }
            copied += pnum;
            rate_wait(&t0, copied, rate);
        }
        img_progress_update(pg, (double)(off + pnum), (double)top->size);
    }
    free(buf);
    return rc;
}

int cmd_commit(int argc, char **argv)
{
    const char *fmt = NULL, *base_name = NULL;
    bool drop = false, quiet = false;
    uint64_t rate = 0;
    /* last = -1: the 0% line is printed too, as qemu-img does */
    struct img_progress pg = { .last = -1.0 };
    int c;
    static const struct option lo[] = {
        { "help", no_argument, 0, 'h' },
        { 0, 0, 0, 0 },
    };
    while ((c = getopt_long(argc, argv, ":hf:t:b:dpqr:", lo, NULL)) != -1) {
        switch (c) {
        case 'f': fmt = optarg; break;
        case 't':
            if (!img_cache_mode_ok(optarg)) {
                img_error(NULL, "Invalid cache option: %s", optarg);
                return 1;
            }
            break;
        case 'b': base_name = optarg; drop = true; break;
        case 'd': drop = true; break;
        case 'p': pg.on = true; break;
        case 'q': quiet = true; break;
        case 'r':
            if (!img_parse_size(optarg, &rate)) {
                img_error(NULL, "Invalid rate limit specified. You may use k, M, G, T, P or E "
                          "suffixes for kilobytes, megabytes, gigabytes, terabytes, petabytes "
                          "and exabytes.");
                return 1;
            }
            break;
        case 'h':
            printf("usage: runtime-img commit [-q] [-f fmt] [-t cache] [-b base] [-r rate_limit] "
                   "[-d] [-p] filename\n");
            return 0;
        case ':':
            img_error(NULL, "option '%s' needs an argument", argv[optind - 1]);
            return 1;
        default:
            img_error(NULL, "invalid option '%s'", argv[optind - 1]);
            return 1;
        }
    }
    if (optind != argc - 1) {
        img_error(NULL, "Expecting one image file name");
        return 1;
    }
    if (quiet)
        pg.on = false;
    const char *filename = argv[optind];
    struct blk_err err = { "" };
    struct blk_dev *top = blk_open(filename, fmt, 0, &err);
    if (!top) {
        img_error(filename, "%s", err.msg);
        return 1;
    }
    if (!top->backing) {
        img_error(filename, "Image does not have a backing file");
        blk_close(top);
        return 1;
    }
    struct blk_dev *base = top->backing;
    int base_depth = 1;
    if (base_name) {
        while (base && !same_file(base->filename, base_name)) {
            base = base->backing;
            base_depth++;
        }
        if (!base) {
            img_error(filename, "Did not find '%s' in the backing chain of '%s'", base_name,
                      filename);
            blk_close(top);
            return 1;
        }
    }
    /* the chain's copy of base stays read-only: only layers above it are read */
    struct blk_dev *dst = blk_open(base->filename, base->drv->name, BLK_O_RDWR, &err);
    if (!dst) {
        img_error(base->filename, "%s", err.msg);
        blk_close(top);
        return 1;
    }
    int rc = 0;
    if (dst->size < top->size &&
        blk_truncate(dst, top->size, false, BLK_PREALLOC_OFF, &err) < 0) {
        img_error(base->filename, "%s", err.msg);
        rc = 1;
    }
    if (!rc)
        rc = commit_copy(top, filename, dst, base_depth, rate, &pg);
    int ret;
    if (!rc && (ret = blk_flush(dst)) < 0) {
        img_error(base->filename, "could not flush: %s", blk_strerror(dst, ret));
        rc = 1;
    }
    blk_close(dst);
    blk_close(top);
    if (!rc && !drop) {
        /* opened without its backing file, a discarded cluster becomes
         * unallocated (not a zero cluster) and so reads from the base */
        struct blk_dev *t = blk_open(filename, fmt, BLK_O_RDWR | BLK_O_NO_BACKING, &err);
        if (!t) {
            img_error(filename, "%s", err.msg);
            return 1;
        }
        ret = blk_discard(t, 0, t->size);
        if (!ret)
            ret = blk_flush(t);
        if (ret < 0) {
            img_error(filename, "could not empty the image: %s", blk_strerror(t, ret));
            rc = 1;
        }
        blk_close(t);
    }
    if (rc)
        return 1;
    img_progress_end(&pg);
    if (!quiet)
        printf("Image committed.\n");
    return 0;
}
