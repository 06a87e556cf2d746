/*
 * runtime-img measure: qemu-img measure -- the file size a new image of
 * format -O would need, for a virtual size (--size) or for the contents of
 * an existing image.  The qcow2 numbers follow QEMU's own estimate (the
 * metadata of a fully allocated image is always counted, data only where
 * the source has some), so that tools sizing a volume from either program
 * get the same answer.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "imgutil/cmd/cmd.h"

static uint64_t div_up(uint64_t a, uint64_t b)
{
    return (a + b - 1) / b;
}

static uint64_t round_up(uint64_t a, uint64_t b)
{
    return div_up(a, b) * b;
}

/* refcount table and block clusters for `clusters` clusters, themselves included */
static uint64_t refcount_meta(uint64_t clusters, uint64_t cs, int order)
{
    uint64_t per_block = cs * 8 >> order, per_table = cs / 8;
    uint64_t table = 0, blocks = 0, n = 0, last;
    do {
        last = n;
        blocks = div_up(clusters + table + blocks, per_block);
        table = div_up(blocks, per_table);
        n = clusters + blocks + table;
    } while (n != last);
    return (blocks + table) * cs;
}

/* the file size of a qcow2 image of `size` bytes with every cluster allocated */
static uint64_t qcow2_full_size(uint64_t size, uint64_t cs, int order, bool ext_l2)
{
    uint64_t l2e = ext_l2 ? 16 : 8;
    uint64_t meta = cs;                                 /* header */
    uint64_t nl2e = round_up(size / cs, cs / l2e);
    meta += nl2e * l2e;                                 /* L2 tables */
    uint64_t nl1e = round_up(nl2e * l2e / cs, cs / 8);
    meta += nl1e * 8;                                   /* L1 table */
    meta += refcount_meta((meta + size) / cs, cs, order);
    return meta + size;
}

/* bytes of data clusters a copy of bs needs: clusters holding non-zero data */
static int data_clusters(struct blk_dev *bs, const char *name, uint64_t cs, uint64_t *out)
{
    uint64_t req = 0, pnum;
    for (uint64_t off = 0; off < bs->size; off += pnum) {
        uint64_t map;
        int depth;
        struct blk_dev *layer;
        int st = blk_block_status_above(bs, off, bs->size - off, &pnum, &map, &depth, &layer);
        if (st < 0) {
            img_error(name, "could not get block status: %s", blk_strerror(bs, st));
            return -1;
        }
        if (!pnum)
            pnum = bs->size - off;
        if ((st & BLK_ST_DATA) && !(st & BLK_ST_ZERO)) {
            /* the rest of this cluster is needed too: count it from its start */
            pnum = round_up(off + pnum, cs) - off;
            req += off % cs + pnum;
        }
    }
    *out = req;
    return 0;
}

int cmd_measure(int argc, char **argv)
{
    const char *fmt = NULL, *out_fmt = "raw", *opts = NULL;
    uint64_t size = 0;
    bool size_set = false, json = false;
    int c;
    enum { OPT_OUTPUT = 256, OPT_SIZE, OPT_OBJECT, OPT_IMAGE_OPTS };
    static const struct option lo[] = {
        { "help", no_argument, 0, 'h' },
        { "output", required_argument, 0, OPT_OUTPUT },
        { "size", required_argument, 0, OPT_SIZE },
        { "force-share", no_argument, 0, 'U' },
        { 0, 0, 0, 0 },
    };
    while ((c = getopt_long(argc, argv, ":hf:O:o:l:U", lo, NULL)) != -1) {
        switch (c) {
        case 'f': fmt = optarg; break;
        case 'O': out_fmt = optarg; break;
        case 'U': break;
        case 'o':
            if (opts) {
                /* qemu-img joins repeated -o lists */
                char *j;
                if (asprintf(&j, "%s,%s", opts, optarg) < 0)
                    return 1;
                opts = j;
            } else {
                opts = optarg;
            }
            break;
        case 'l':
            img_error(NULL, "snapshots (-l) are not supported by measure");
            return 1;
        case OPT_OUTPUT:
            if (!strcmp(optarg, "json"))
                json = true;
            else if (strcmp(optarg, "human")) {
                img_error(NULL, "--output must be used with human or json as argument.");
                return 1;
            }
            break;
        case OPT_SIZE:
            if (!img_parse_size(optarg, &size)) {
                img_error(NULL, "Invalid image size specified. You may use k, M, G, T, P or "
                          "E suffixes for");
                return 1;
            }
            size_set = true;
            break;
        case 'h':
            printf("usage: runtime-img measure [--output=ofmt] [-O output_fmt] [-o options] "
                   "[--size N | [-f fmt] filename]\n");
            return 0;
        case ':':
            img_error(NULL, "option '%s' needs an argument", argv[optind - 1]);
            return 1;
        default:
            img_error(NULL, "invalid option '%s'", argv[optind - 1]);
            return 1;
        }
    }
    const char *filename = optind < argc ? argv[optind] : NULL;
    if (optind + 1 < argc) {
        img_error(NULL, "Expecting one image file name");
        return 1;
    }
    if (filename && size_set) {
        img_error(NULL, "--size N cannot be used together with a filename.");
        return 1;
    }
    if (!filename && !size_set) {
        img_error(NULL, "Either --size N or one filename must be specified.");
        return 1;
    }
    bool qcow2 = !strcmp(out_fmt, "qcow2");
    if (!qcow2 && strcmp(out_fmt, "raw")) {
        img_error(NULL, blk_driver_find(out_fmt) ? "Block driver '%s' does not support size "
                  "measurement" : "Unknown file format '%s'", out_fmt);
        return 1;
    }
    struct blk_create_opts o = { 0 };
    if (!img_parse_create_opts(opts, &o, out_fmt))
        return 1;
    uint64_t cs = qcow2 ? (o.cluster_size ? o.cluster_size : 65536) : 512;
    int rbits = o.refcount_bits ? o.refcount_bits : 16;
    if (qcow2) {
        if (cs < 512 || cs > (2u << 20) || (cs & (cs - 1))) {
            img_error(NULL, "Cluster size must be a power of two between 512 and 2048k");
            return 1;
        }
        if (rbits & (rbits - 1)) {
            img_error(NULL, "Refcount width must be a power of two and may not exceed 64 bits");
            return 1;
        }
        if (o.compat == 2 && rbits != 16) {
            img_error(NULL, "Different refcount widths than 16 bits require compatibility "
                      "level 1.1 or above (use compat=1.1 or greater)");
            return 1;
        }
        if (o.extended_l2 && (o.compat == 2 || cs < 16384)) {
            img_error(NULL, o.compat == 2 ? "Extended L2 entries are only supported with "
                      "compatibility level 1.1 and above (use version=v3 or greater)"
                      : "Extended L2 entries are only supported with cluster sizes of at "
                      "least 16 KB");
            return 1;
        }
    }

    struct blk_dev *bs = NULL;
    uint64_t vsize, required = 0;
    if (filename) {
        struct blk_err err = { "" };
        bs = blk_open(filename, fmt, 0, &err);
        if (!bs) {
            img_error(filename, "%s", err.msg);
            return 1;
        }
        vsize = round_up(bs->size, cs);
        if (qcow2 && o.backing_file) {
            /* nothing is known about what the new backing file shares */
            required = vsize;
        } else if (qcow2 && data_clusters(bs, filename, cs, &required) < 0) {
            blk_close(bs);
            return 1;
        }
    } else {
        vsize = round_up(size, cs);
    }
    uint64_t full, bitmaps = 0;
    bool has_bitmaps = false;
    if (qcow2) {
        int order = __builtin_ctz((unsigned)rbits);
        if (o.prealloc == BLK_PREALLOC_FULL || o.prealloc == BLK_PREALLOC_FALLOC)
            required = vsize;
        full = qcow2_full_size(vsize, cs, order, o.extended_l2);
        required = full - vsize + required;
        /* persistent dirty bitmaps: a v3 target and a source that can have them */
        has_bitmaps = o.compat != 2 && bs && bs->drv->measure_bitmaps;
        int64_t b = has_bitmaps ? bs->drv->measure_bitmaps(bs, cs) : 0;
        if (b < 0) {
            img_error(filename, "could not read the persistent bitmaps: %s",
                      strerror((int)-b));
            blk_close(bs);
            return 1;
        }
        bitmaps = (uint64_t)b;
    } else {
        required = full = bs ? bs->size : vsize;
    }
    blk_close(bs);
    if (json) {
        printf("{\n");
        if (has_bitmaps)
            printf("    \"bitmaps\": %" PRIu64 ",\n", bitmaps);
        printf("    \"required\": %" PRIu64 ",\n    \"fully-allocated\": %" PRIu64 "\n}\n",
               required, full);
    } else {
        printf("required size: %" PRIu64 "\nfully allocated size: %" PRIu64 "\n", required, full);
        if (has_bitmaps)
            printf("bitmaps size: %" PRIu64 "\n", bitmaps);
    }
    return 0;
}
