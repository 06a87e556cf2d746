/*
 * How the runner was started: by hand, or by binfmt_misc with its P, O and
 * C flags, which the kernel tells through the auxiliary vector (AT_FLAGS,
 * AT_EXECFD, AT_SECURE) and the argument layout:
 *   runner full-path [original-argv0 if P] arguments...
 */
#ifndef RUNTIME_BINFMT_FLAGS_H
#define RUNTIME_BINFMT_FLAGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* the kernel's AT_FLAGS bit for binfmt_misc's P flag (Linux 5.12+) */
#define BINFMT_AT_FLAGS_PRESERVE_ARGV0 1ul

struct guest_image;

struct binfmt_start {
    bool by_kernel;             /* P or O seen: argv[1] is the program, no options follow */
    bool preserve_argv0;        /* P: argv[2] is the program's own argv[0] */
    int execfd;                 /* O: the program, open for reading; -1 if none */
    bool secure;                /* AT_SECURE: credentials changed (C on a setuid program) */
    int copyfd;                 /* a readable copy of an execute-only program; -1 if none */
};

/* from the auxiliary vector values; have_execfd says AT_EXECFD was there */
void binfmt_start_from_auxv(struct binfmt_start *s, unsigned long at_flags, bool have_execfd,
                            unsigned long execfd, unsigned long at_secure);
/* from this process's own auxiliary vector */
void binfmt_start_read(struct binfmt_start *s);
/*
 * The guest's argv within the runner's: *argv points at the program path
 * on entry (n entries from there) and at the guest's argv[0] on return.
 * Returns the guest's argc.
 */
int binfmt_start_guest_argv(const struct binfmt_start *s, int n, char ***argv);
/*
 * What to load: the descriptor the kernel opened (O), through /proc; when
 * reopening it is refused (an execute-only program), a copy of it in a
 * memfd; path itself when there is no descriptor or no /proc (a chroot).
 */
const char *binfmt_start_load_path(struct binfmt_start *s, const char *path, char *buf,
                                   size_t n);
/* After loading: the guest's AT_SECURE follows the runner's,
 * /proc/self/exe names the program, not the descriptor or its copy, and
 * neither is left for the guest to inherit. */
void binfmt_start_finish(struct binfmt_start *s, struct guest_image *img);

#endif
