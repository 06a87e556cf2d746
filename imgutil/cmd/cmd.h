/*
 * runtime-img: the subcommands (one file each) and the helpers they share:
 * size and -o option parsing, qemu-img's human size format, error printing
 * in the one-line "runtime-img: FILE: reason" form, and the -p progress bar.
 */
#ifndef IMGUTIL_CMD_H
#define IMGUTIL_CMD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "imgutil/blk.h"

int cmd_create(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_map(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_resize(int argc, char **argv);
int cmd_snapshot(int argc, char **argv);
int cmd_commit(int argc, char **argv);
int cmd_rebase(int argc, char **argv);
int cmd_amend(int argc, char **argv);
int cmd_measure(int argc, char **argv);
int cmd_dd(int argc, char **argv);
int cmd_bench(int argc, char **argv);

/* one of qemu-img's -t cache modes (all behave alike here) */
bool img_cache_mode_ok(const char *m);

/* print "runtime-img: [file: ]reason" to stderr */
void img_error(const char *file, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "1G", "512k", "1.5M", plain bytes; false on junk */
bool img_parse_size(const char *s, uint64_t *out);
/* qemu-img's size_to_str(): "10 MiB", "196 KiB", "0.977 KiB" */
void img_size_str(uint64_t v, char *buf, size_t cap);
/* parse a comma-separated -o list into o (and fmt-specific checks);
 * returns false after printing the error */
bool img_parse_create_opts(const char *list, struct blk_create_opts *o, const char *fmt);
bool img_parse_prealloc(const char *v, enum blk_prealloc *p);
/* the "help" value of -o: print the options of fmt */
bool img_opts_is_help(const char *list);
void img_opts_help(const char *fmt);
void img_json_str(FILE *f, const char *s);
/* vmdk and vhdx (opts_vmdk_vhdx.c): one -o option (false: not theirs; *ok
 * false after printing the error), -o help, the "Formatting" line */
bool img_vmdk_vhdx_opt(const char *fmt, const char *k, const char *v,
                       struct blk_create_opts *o, bool *ok);
bool img_vmdk_vhdx_help(const char *fmt);
bool img_vmdk_vhdx_create_line(const char *filename, const char *fmt,
                               const struct blk_create_opts *o);

struct img_progress {
    bool on;
    double last;
};
void img_progress_update(struct img_progress *p, double done, double total);
void img_progress_end(struct img_progress *p);

#endif
