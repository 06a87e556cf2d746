/*
 * runtime-img rebase: qemu-img rebase -- point an image at another backing
 * file.  Safe mode first copies into the image every range it does not hold
 * itself where the old and the new backing chains read differently (with
 * -b "" the new chain reads as zeroes), so the image's contents are the same
 * afterwards; -u (unsafe) only rewrites the name in the header.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "imgutil/cmd/cmd.h"

#define REBASE_CHUNK (64u << 10)

/* read [off, off+len) of a chain that may be shorter, or absent (zeroes) */
static int read_chain(struct blk_dev *bs, uint64_t off, uint8_t *buf, uint64_t len)
{
    memset(buf, 0, len);
    if (!bs || off >= bs->size)
        return 0;
    return blk_read(bs, off, buf, len < bs->size - off ? len : bs->size - off);
}

static int rebase_copy(struct blk_dev *bs, const char *name, struct blk_dev *nb,
                       struct img_progress *pg)
{
    struct blk_dev *ob = bs->backing;
    uint8_t *a = malloc(REBASE_CHUNK), *b = malloc(REBASE_CHUNK);
    int rc = 0;
    if (!a || !b) {
        img_error(NULL, "out of memory");
        rc = 1;
    }
    img_progress_update(pg, 0, (double)bs->size);
    for (uint64_t off = 0, pnum; !rc && off < bs->size; off += pnum) {
        uint64_t want = bs->size - off < REBASE_CHUNK ? bs->size - off : REBASE_CHUNK, map;
        int st = blk_block_status(bs, off, want, &pnum, &map);
        if (st < 0) {
            img_error(name, "error while reading image metadata: %s", blk_strerror(bs, st));
            rc = 1;
            break;
        }
        if (!pnum)
            pnum = want;
        img_progress_update(pg, (double)(off + pnum), (double)bs->size);
        if (st & BLK_ST_ALLOCATED)
            continue;   /* the image's own data does not depend on the backing file */
        int ret = read_chain(ob, off, a, pnum);
        if (ret < 0) {
            img_error(ob->filename, "error while reading from old backing file: %s",
                      blk_strerror(ob, ret));
            rc = 1;
            break;
        }
        if ((ret = read_chain(nb, off, b, pnum)) < 0) {
            img_error(nb->filename, "error while reading from new backing file: %s",
                      blk_strerror(nb, ret));
            rc = 1;
            break;
        }
        /* copy the differing 512-byte sectors, in runs */
        for (uint64_t i = 0; i < pnum;) {
            uint64_t l = pnum - i < 512 ? pnum - i : 512;
            if (!memcmp(a + i, b + i, l)) {
                i += l;
                continue;
            }
            uint64_t j = i + l;
            while (j < pnum) {
                uint64_t m = pnum - j < 512 ? pnum - j : 512;
                if (!memcmp(a + j, b + j, m))
                    break;
                j += m;
            }
            if ((ret = blk_write(bs, off + i, a + i, j - i)) < 0) {
                img_error(name, "error while writing to COW image: %s", blk_strerror(bs, ret));
                rc = 1;
                break;
            }
            i = j;
        }
    }
    free(a);
    free(b);
    return rc;
}

int cmd_rebase(int argc, char **argv)
{
    const char *fmt = NULL, *bfmt = NULL, *backing = NULL;
    bool unsafe = false, quiet = false;
    /* last = -1: the 0% line is printed too, as qemu-img does */
    struct img_progress pg = { .last = -1.0 };
    int c;
    static const struct option lo[] = {
        { "help", no_argument, 0, 'h' },
        { "force-share", no_argument, 0, 'U' },
        { 0, 0, 0, 0 },
    };
    while ((c = getopt_long(argc, argv, ":hf:F:b:upt:T:qU", lo, NULL)) != -1) {
        switch (c) {
        case 'f': fmt = optarg; break;
        case 'F': bfmt = optarg; break;
        case 'b': backing = optarg; break;
        case 'u': unsafe = true; break;
        case 'p': pg.on = true; break;
        case 'q': quiet = true; break;
        case 'U': break;
        case 't':
        case 'T':
            if (!img_cache_mode_ok(optarg)) {
                img_error(NULL, "Invalid cache option: %s", optarg);
                return 1;
            }
            break;
        case 'h':
            printf("usage: runtime-img rebase [-q] [-f fmt] [-t cache] [-T src_cache] [-p] [-u] "
                   "-b backing_file [-F backing_fmt] filename\n");
            return 0;
        case ':':
            img_error(NULL, "option '%s' needs an argument", argv[optind - 1]);
            return 1;
        default:
            img_error(NULL, "invalid option '%s'", argv[optind - 1]);
            return 1;
        }
    }
    if (quiet)
        pg.on = false;
    if (optind != argc - 1) {
        img_error(NULL, "Expecting one image file name");
        return 1;
    }
    if (!backing && !unsafe) {
        img_error(NULL, "Must specify backing file (-b) or use unsafe mode (-u)");
        return 1;
    }
    const char *filename = argv[optind];
    if (!backing)
        backing = "";
    struct blk_err err = { "" };
    /* unsafe mode must work when the old backing file is gone */
    struct blk_dev *bs = blk_open(filename, fmt, BLK_O_RDWR | (unsafe ? BLK_O_NO_BACKING : 0),
                                  &err);
    if (!bs) {
        img_error(filename, "%s", err.msg);
        return 1;
    }
    int rc = 0;
    struct blk_dev *nb = NULL;
    if (*backing && !bfmt) {
        /* as qemu-img 7.2: no guessing of the new backing file's format */
        img_error(filename, "Could not change the backing file to '%s': backing format must "
                  "be specified", backing);
        rc = 1;
    } else if (*backing && !blk_driver_find(bfmt)) {
        img_error(filename, "Unknown file format '%s'", bfmt);
        rc = 1;
    } else if (!bs->drv->change_backing) {
        img_error(filename, "Could not change the backing file to '%s': Operation not "
                  "supported", backing);
        rc = 1;
    }
    if (!rc && !unsafe && *backing) {
        char *path = blk_backing_path(filename, backing);
        nb = blk_open(path, bfmt, 0, &err);
        if (!nb) {
            img_error(filename, "Could not open new backing file '%s': %s", path, err.msg);
            rc = 1;
        }
        free(path);
    }
    if (!rc && !unsafe)
        rc = rebase_copy(bs, filename, nb, &pg);
    int ret;
    if (!rc && (ret = blk_flush(bs)) < 0) {
        img_error(filename, "could not flush: %s", blk_strerror(bs, ret));
        rc = 1;
    }
    if (!rc && bs->drv->change_backing(bs, *backing ? backing : NULL, *backing ? bfmt : NULL,
                                       &err) < 0) {
        img_error(filename, "Could not change the backing file to '%s': %s", backing, err.msg);
        rc = 1;
    }
    blk_close(nb);
    blk_close(bs);
    if (!rc)
        img_progress_end(&pg);
    return rc;
}
