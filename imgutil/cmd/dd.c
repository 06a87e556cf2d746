/*
 * runtime-img dd: qemu-img dd -- copy an image, or a block-aligned part of
 * it, into a newly created image.  As in qemu-img, count= limits the input
 * from its start (the skipped blocks are part of the count), and an output
 * that already exists is created anew.
 */
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "imgutil/cmd/cmd.h"
#include "imgutil/file.h"

/* value of a "key=N" operand, with size suffixes; false after the error line */
static bool dd_number(const char *what, const char *v, uint64_t *out)
{
    if (img_parse_size(v, out))
        return true;
    img_error(NULL, "Invalid %s specified. You may use k, M, G, T, P or E suffixes for "
              "kilobytes, megabytes, gigabytes, terabytes, petabytes and exabytes.", what);
    return false;
}

int cmd_dd(int argc, char **argv)
{
    const char *fmt = NULL, *out_fmt = "raw", *in = NULL, *out = NULL;
    uint64_t bsz = 512, count = 0, skip = 0;
    bool has_count = false, has_skip = false;
    int c;
    static const struct option lo[] = {
        { "help", no_argument, 0, 'h' },
        { "force-share", no_argument, 0, 'U' },
        { 0, 0, 0, 0 },
    };
    while ((c = getopt_long(argc, argv, ":hf:O:U", lo, NULL)) != -1) {
        switch (c) {
        case 'f': fmt = optarg; break;
        case 'O': out_fmt = optarg; break;
        case 'U': break;
        case 'h':
            printf("usage: runtime-img dd [-f fmt] [-O output_fmt] [bs=block_size] "
                   "[count=blocks] [skip=blocks] if=input of=output\n");
            return 0;
        case ':':
            img_error(NULL, "option '%s' needs an argument", argv[optind - 1]);
            return 1;
        default:
            img_error(NULL, "invalid option '%s'", argv[optind - 1]);
            return 1;
        }
    }
    for (int i = optind; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        size_t klen = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
        const char *v = eq ? eq + 1 : "";
#define KEY(k) (klen == strlen(k) && !strncmp(argv[i], k, klen))
        if (!eq) {
            img_error(NULL, "unrecognized operand %s", argv[i]);
            return 1;
        } else if (KEY("if")) {
            in = v;
        } else if (KEY("of")) {
            out = v;
        } else if (KEY("bs")) {
            if (!img_parse_size(v, &bsz) || bsz == 0 || bsz > INT_MAX) {
                img_error(NULL, "Invalid bs specified. Must be between 1 and %d.", INT_MAX);
                return 1;
            }
        } else if (KEY("count")) {
            if (!dd_number("count", v, &count))
                return 1;
            has_count = true;
        } else if (KEY("skip")) {
            if (!dd_number("skip", v, &skip))
                return 1;
            has_skip = true;
        } else {
            img_error(NULL, "unrecognized operand %.*s", (int)klen, argv[i]);
            return 1;
        }
#undef KEY
    }
    if (!in || !out || !*in || !*out) {
        img_error(NULL, "Must specify both input and output files");
        return 1;
    }
    const struct blk_driver *odrv = blk_driver_find(out_fmt);
    if (!odrv) {
        img_error(NULL, "Unknown file format '%s'", out_fmt);
        return 1;
    }
    struct blk_err err = { "" };
    struct blk_dev *src = blk_open(in, fmt, 0, &err);
    if (!src) {
        img_error(in, "%s", err.msg);
        return 1;
    }
    uint64_t size = src->size;
    if (has_count && count <= UINT64_MAX / bsz && count * bsz < size)
        size = count * bsz;
    uint64_t in_pos = 0;
    bool beyond = has_skip && (skip > UINT64_MAX / bsz || skip * bsz > size);
    if (has_skip && !beyond)
        in_pos = skip * bsz;
    struct blk_create_opts o = { .size = beyond ? 0 : size - in_pos, .size_set = true };
    /* image sizes are whole 512-byte sectors, as qemu-img creates them */
    o.size = (o.size + 511) & ~511ull;
    int ret = blk_create(odrv, out, &o, &err);
    struct blk_dev *dst = NULL;
    if (ret == 0)
        dst = blk_open(out, out_fmt, BLK_O_RDWR | BLK_O_NO_BACKING, &err);
    if (!dst) {
        img_error(out, "%s", err.msg);
        blk_close(src);
        return 1;
    }
    int rc = 0;
    if (beyond) {
        /* qemu-img creates the empty output, reports, and still succeeds */
        img_error(in, "cannot skip to specified offset");
        goto out;
    }
    uint8_t *buf = malloc(bsz);
    if (!buf) {
        img_error(NULL, "out of memory");
        rc = 1;
        goto out;
    }
    for (uint64_t out_pos = 0; in_pos < size;) {
        size_t n = (size_t)(size - in_pos < bsz ? size - in_pos : bsz);
        ret = blk_read(src, in_pos, buf, n);
        if (ret < 0) {
            img_error(in, "error while reading from input image file: %s",
                      blk_strerror(src, ret));
            rc = 1;
            break;
        }
        /* the new image reads as zero already: keep it sparse */
        if (!buf_is_zero(buf, n) && (ret = blk_write(dst, out_pos, buf, n)) < 0) {
            img_error(out, "error while writing to output image file: %s",
                      blk_strerror(dst, ret));
            rc = 1;
            break;
        }
        in_pos += n;
        out_pos += n;
    }
    free(buf);
    if (!rc && (ret = blk_flush(dst)) < 0) {
        img_error(out, "could not flush: %s", blk_strerror(dst, ret));
        rc = 1;
    }
out:
    blk_close(dst);
    blk_close(src);
    return rc;
}
