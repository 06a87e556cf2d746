/*
 * runtime-img check: qemu-img check's output (human and JSON), -r leaks|all
 * with the re-check after repair, and its exit codes: 0 clean, 1 check
 * failed, 2 corruptions, 3 only leaks, 63 format without checks.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include "imgutil/cmd/cmd.h"

static void check_human(const struct blk_check_result *r)
{
    if (!r->corruptions && !r->leaks && !r->check_errors)
        printf("No errors were found on the image.\n");
    else {
        if (r->corruptions)
            printf("\n%" PRId64 " errors were found on the image.\n"
                   "Data may be corrupted, or further writes to the image may corrupt it.\n",
                   r->corruptions);
        if (r->leaks)
            printf("\n%" PRId64 " leaked clusters were found on the image.\n"
                   "This means waste of disk space, but no harm to data.\n", r->leaks);
        if (r->check_errors)
            printf("\n%" PRId64 " internal errors have occurred during the check.\n",
                   r->check_errors);
    }
    if (r->total_clusters && r->allocated_clusters)
        printf("%" PRIu64 "/%" PRIu64 " = %0.2f%% allocated, %0.2f%% fragmented, "
               "%0.2f%% compressed clusters\n", r->allocated_clusters, r->total_clusters,
               r->allocated_clusters * 100.0 / r->total_clusters,
               r->fragmented_clusters * 100.0 / r->allocated_clusters,
               r->compressed_clusters * 100.0 / r->allocated_clusters);
    if (r->image_end_offset)
        printf("Image end offset: %" PRIu64 "\n", r->image_end_offset);
}

static void check_json(const struct blk_check_result *r, const char *file, const char *fmt)
{
    printf("{\n");
#define MEMBER(key, val) do { if (val) printf("    \"" key "\": %" PRIu64 ",\n", (uint64_t)(val)); } while (0)
    MEMBER("image-end-offset", r->image_end_offset);
    MEMBER("total-clusters", r->total_clusters);
    MEMBER("allocated-clusters", r->allocated_clusters);
    MEMBER("fragmented-clusters", r->fragmented_clusters);
    MEMBER("compressed-clusters", r->compressed_clusters);
    MEMBER("corruptions", r->corruptions);
    MEMBER("leaks", r->leaks);
    MEMBER("corruptions-fixed", r->corruptions_fixed);
    MEMBER("leaks-fixed", r->leaks_fixed);
#undef MEMBER
    printf("    \"check-errors\": %" PRId64 ",\n    \"filename\": ", r->check_errors);
    img_json_str(stdout, file);
    printf(",\n    \"format\": \"%s\"\n}\n", fmt);
}

int cmd_check(int argc, char **argv)
{
    const char *fmt = NULL, *output = "human";
    int fix = 0, c;
    bool quiet = false;
    enum { OPT_OUTPUT = 256 };
    static const struct option lo[] = {
        { "help", no_argument, 0, 'h' },
        { "format", required_argument, 0, 'f' },
        { "repair", required_argument, 0, 'r' },
        { "output", required_argument, 0, OPT_OUTPUT },
        { "force-share", no_argument, 0, 'U' },
        { 0, 0, 0, 0 },
    };
    while ((c = getopt_long(argc, argv, ":hf:r:T:qU", lo, NULL)) != -1) {
        switch (c) {
        case 'f': fmt = optarg; break;
        case 'r':
            if (!strcmp(optarg, "leaks"))
                fix = BLK_FIX_LEAKS;
            else if (!strcmp(optarg, "all"))
                fix = BLK_FIX_LEAKS | BLK_FIX_ERRORS;
            else {
                img_error(NULL, "Unknown option value for -r (expecting 'leaks' or 'all'): %s",
                          optarg);
                return 1;
            }
            break;
        case OPT_OUTPUT: output = optarg; break;
        case 'q': quiet = true; break;
        case 'T': case 'U': break;
        case 'h':
            printf("usage: runtime-img check [-q] [-f fmt] [--output=ofmt] [-r [leaks | all]] "
                   "filename\n");
            return 0;
        default:
            img_error(NULL, "invalid option '%s'", argv[optind - 1]);
            return 1;
        }
    }
    bool json = !strcmp(output, "json");
    if (!json && strcmp(output, "human")) {
        img_error(NULL, "--output must be used with human or json as argument.");
        return 1;
    }
    if (optind != argc - 1) {
        img_error(NULL, "Expecting one image file name");
        return 1;
    }
    const char *filename = argv[optind];
    struct blk_err err = { "" };
    struct blk_dev *bs = blk_open(filename, fmt,
                                  BLK_O_NO_BACKING | BLK_O_CHECK | (fix ? BLK_O_RDWR : 0), &err);
    if (!bs) {
        img_error(filename, "%s", err.msg);
        return 1;
    }
    if (!bs->drv->check) {
        img_error(filename, "This image format does not support checks");
        blk_close(bs);
        return 63;
    }
    struct blk_check_result r;
    int ret = bs->drv->check(bs, &r, fix);
    if (ret == -ENOTSUP) {
        /* a format that checks but cannot repair (vdi), as qemu-img says it */
        img_error(filename, "This image format does not support checks");
        blk_close(bs);
        return 63;
    }
    if (ret == 0 && (r.corruptions_fixed || r.leaks_fixed)) {
        if (!json && !quiet)
            printf("The following inconsistencies were found and repaired:\n\n"
                   "    %" PRId64 " leaked clusters\n    %" PRId64 " corruptions\n\n"
                   "Double checking the fixed image now...\n", r.leaks_fixed,
                   r.corruptions_fixed);
        struct blk_check_result r2;
        ret = bs->drv->check(bs, &r2, 0);
        r2.leaks_fixed = r.leaks_fixed;
        r2.corruptions_fixed = r.corruptions_fixed;
        r = r2;
    }
    if (ret < 0) {
        img_error(filename, "An error occurred during the check: %s", blk_strerror(bs, ret));
        blk_close(bs);
        return 1;
    }
    if (json)
        check_json(&r, filename, bs->drv->name);
    else if (!quiet)
        check_human(&r);
    blk_close(bs);
    if (r.check_errors)
        return 1;
    if (r.corruptions)
        return 2;
    if (r.leaks)
        return 3;
    return 0;
}
