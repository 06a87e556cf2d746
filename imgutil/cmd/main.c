/*
 * runtime-img: entry point and subcommand dispatch, with qemu-img's
 * command names and exit codes.
 */
#include <stdio.h>
#include <string.h>

#include "imgutil/cmd/cmd.h"

#define RUNTIME_IMG_VERSION "0.1.0"

static const struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *usage;
} img_cmds[] = {
    { "amend", cmd_amend, "amend [-p] [-q] [-f fmt] [-t cache] -o options filename" },
    { "bench", cmd_bench, "bench [-c count] [-d depth] [-f fmt] [--flush-interval=flush_interval] "
      "[-n] [--no-drain] [-o offset] [--pattern=pattern] [-q] [-s buffer_size] [-S step_size] "
      "[-t cache] [-i aio] [-w] [-U] filename" },
    { "check", cmd_check, "check [-q] [-f fmt] [--output=ofmt] [-r [leaks | all]] filename" },
    { "commit", cmd_commit, "commit [-q] [-f fmt] [-t cache] [-b base] [-r rate_limit] [-d] [-p] "
      "filename" },
    { "compare", cmd_compare, "compare [-f fmt] [-F fmt] [-p] [-q] [-s] filename1 filename2" },
    { "convert", cmd_convert, "convert [-c] [-p] [-q] [-n] [-W] [-m num] [-f fmt] [-O output_fmt] "
      "[-B backing_file [-F backing_fmt]] [-o options] [-S sparse_size] filename [filename2 [...]] "
      "output_filename" },
    { "create", cmd_create, "create [-q] [-f fmt] [-b backing_file [-F backing_fmt]] [-u] "
      "[-o options] filename [size]" },
    { "dd", cmd_dd, "dd [-f fmt] [-O output_fmt] [bs=block_size] [count=blocks] [skip=blocks] "
      "if=input of=output" },
    { "info", cmd_info, "info [-f fmt] [--output=ofmt] [--backing-chain] [-U] filename" },
    { "map", cmd_map, "map [-f fmt] [--output=ofmt] [--start-offset=offset] "
      "[--max-length=len] filename" },
    { "measure", cmd_measure, "measure [--output=ofmt] [-O output_fmt] [-o options] "
      "[--size N | [-f fmt] filename]" },
    { "rebase", cmd_rebase, "rebase [-q] [-f fmt] [-t cache] [-T src_cache] [-p] [-u] "
      "-b backing_file [-F backing_fmt] filename" },
    { "resize", cmd_resize, "resize [-q] [-f fmt] [--preallocation=prealloc] [--shrink] "
      "filename [+ | -]size" },
    { "snapshot", cmd_snapshot, "snapshot [-q] [-l | -a snapshot | -c snapshot | -d snapshot] "
      "filename" },
};
#define N_CMDS (sizeof(img_cmds) / sizeof(img_cmds[0]))

static void img_help(void)
{
    printf("runtime-img version " RUNTIME_IMG_VERSION "\n"
           "usage: runtime-img [standard options] command [command options]\n"
           "Disk image utility with qemu-img's commands and options.\n\n"
           "Command syntax:\n");
    for (size_t i = 0; i < N_CMDS; i++)
        printf("  %s\n", img_cmds[i].usage);
    /* sorted, as qemu-img prints them */
    const char *names[32];
    size_t n = 0;
    for (const struct blk_driver *d; n < 32 && (d = blk_driver_at(n));)
        names[n++] = d->name;
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            const char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    printf("\nSupported formats:");
    for (size_t i = 0; i < n; i++)
        printf(" %s", names[i]);
    printf("\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        img_error(NULL, "Not enough arguments");
        fprintf(stderr, "Try 'runtime-img --help' for more information\n");
        return 1;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        img_help();
        return 0;
    }
    if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
        printf("runtime-img version " RUNTIME_IMG_VERSION "\n");
        return 0;
    }
    for (size_t i = 0; i < N_CMDS; i++)
        if (!strcmp(argv[1], img_cmds[i].name))
            return img_cmds[i].fn(argc - 1, argv + 1);
    img_error(NULL, "Command not found: %s", argv[1]);
    return 1;
}
