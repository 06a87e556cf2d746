/*
 * runtime-img resize: qemu-img resize -- absolute or +/- relative sizes,
 * --shrink required to make an image smaller, --preallocation for growth.
 */
#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include "imgutil/cmd/cmd.h"

int cmd_resize(int argc, char **argv)
{
    const char *fmt = NULL;
    bool shrink = false, quiet = false;
    enum blk_prealloc prealloc = BLK_PREALLOC_OFF;
    int c;
    if (argc < 3) {
        img_error(NULL, "Expecting image file name and size");
        return 1;
    }
    /* the size may be "-1G": take it out before getopt sees it as an option */
    const char *size_arg = argv[--argc];
    enum { OPT_PREALLOC = 256, OPT_SHRINK };
    static const struct option lo[] = {
        { "help", no_argument, 0, 'h' },
        { "format", required_argument, 0, 'f' },
        { "preallocation", required_argument, 0, OPT_PREALLOC },
        { "shrink", no_argument, 0, OPT_SHRINK },
        { 0, 0, 0, 0 },
    };
    while ((c = getopt_long(argc, argv, ":f:hqU", lo, NULL)) != -1) {
        switch (c) {
        case 'f': fmt = optarg; break;
        case 'q': quiet = true; break;
        case 'U': break;
        case OPT_SHRINK: shrink = true; break;
        case OPT_PREALLOC:
            if (!img_parse_prealloc(optarg, &prealloc)) {
                img_error(NULL, "Invalid preallocation mode '%s'", optarg);
                return 1;
            }
            break;
        case 'h':
            printf("usage: runtime-img resize [-q] [-f fmt] [--preallocation=prealloc] "
                   "[--shrink] filename [+ | -]size\n");
            return 0;
        default:
            img_error(NULL, "invalid option '%s'", argv[optind - 1]);
            return 1;
        }
    }
    if (optind != argc - 1) {
        img_error(NULL, "Expecting image file name and size");
        return 1;
    }
    const char *filename = argv[optind];
    int rel = 0;
    if (size_arg[0] == '+' || size_arg[0] == '-')
        rel = size_arg[0] == '+' ? 1 : -1;
    uint64_t n;
    if (!img_parse_size(size_arg + (rel != 0), &n)) {
        img_error(NULL, "Invalid size specified. You may use k, M, G, T, P or E suffixes for");
        return 1;
    }
    struct blk_err err = { "" };
    struct blk_dev *bs = blk_open(filename, fmt, BLK_O_RDWR | BLK_O_NO_BACKING, &err);
    if (!bs) {
        img_error(filename, "%s", err.msg);
        return 1;
    }
    uint64_t size = n;
    if (rel > 0)
        size = bs->size + n;
    else if (rel < 0) {
        if (n > bs->size) {
            img_error(filename, "New image size must be positive");
            blk_close(bs);
            return 1;
        }
        size = bs->size - n;
    }
    if (size == 0) {
        img_error(filename, "New image size must be positive");
        blk_close(bs);
        return 1;
    }
    int ret = blk_truncate(bs, size, shrink, prealloc, &err);
    blk_close(bs);
    if (ret < 0) {
        img_error(filename, "%s", err.msg);
        return 1;
    }
    if (!quiet)
        printf("Image resized.\n");
    return 0;
}
