/*
 * runtime-binfmt: registers the runners with the kernel's binfmt_misc
 * (Documentation/admin-guide/binfmt-misc.rst, fs/binfmt_misc.c).  What the
 * files of binfmt/ share: the guest table, the registration string, a
 * parsed handler file, and the checks made before anything is written.
 */
#ifndef BINFMT_BINFMT_H
#define BINFMT_BINFMT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BINFMT_DIR "/proc/sys/fs/binfmt_misc"
/* the kernel's MAX_REGISTER_LENGTH */
#define BINFMT_REGISTER_MAX 1920
/* the ELF header bytes a handler matches: e_ident, e_type, e_machine */
#define BINFMT_MAGIC_LEN 20
/* fs/binfmt_misc.c keeps magic and mask up to BINPRM_BUF_SIZE bytes */
#define BINFMT_MAGIC_MAX 256

/* the binfmt_misc flags, in the order the kernel prints them */
#define BINFMT_F_PRESERVE_ARGV0 (1u << 0)       /* P */
#define BINFMT_F_OPEN_BINARY    (1u << 1)       /* O */
#define BINFMT_F_CREDENTIALS    (1u << 2)       /* C: implies O */
#define BINFMT_F_FIX_BINARY     (1u << 3)       /* F */

struct binfmt_arch {
    const char *name;           /* guest name: runner runtime-<name>, handler runtime-<name> */
    uint16_t e_machine;
};

/* every guest a runner exists for; NULL-terminated by name */
extern const struct binfmt_arch binfmt_arches[];

const struct binfmt_arch *binfmt_arch_find(const char *name);
/*
 * Parse "all" or a comma-separated list of guest names into a bit set of
 * indexes into binfmt_arches.  Returns 0, or -1 with the unknown name in
 * bad (bad_len bytes).
 */
int binfmt_arch_list_parse(const char *list, unsigned *set, char *bad, size_t bad_len);
/* The 20 magic and mask bytes that pick out an arch's 64-bit little-endian
 * ET_EXEC and ET_DYN files, whatever their EI_OSABI, as the established
 * registrations (qemu's, Debian's) do. */
void binfmt_arch_magic(const struct binfmt_arch *a, unsigned char *magic, unsigned char *mask);

/* "POCF" letters of flags, C adding O as the kernel does; out >= 5 bytes */
void binfmt_flags_string(unsigned flags, char *out);
/* the letters the kernel prints on a handler's "flags:" line */
unsigned binfmt_flags_parse(const char *letters);

/*
 * The registration line :name:M::magic:mask:interpreter:flags for arch,
 * magic and mask as \xHH escapes.  The delimiter is ':' unless the
 * interpreter contains one, then the first of a few others it lacks.
 * Returns the length, or -1 if nothing fits (path too long, or it holds
 * every candidate delimiter).
 */
int binfmt_entry_format(const struct binfmt_arch *a, const char *interpreter, unsigned flags,
                        char *out, size_t n);

/* A handler as /proc/sys/fs/binfmt_misc/<name> shows it. */
struct binfmt_handler {
    char name[256];
    bool enabled;
    bool is_extension;          /* type E: matched by file name, not magic */
    char interpreter[PATH_MAX];
    unsigned flags;
    unsigned offset;
    size_t len;                 /* magic and mask bytes */
    unsigned char magic[BINFMT_MAGIC_MAX], mask[BINFMT_MAGIC_MAX];
};

/* Parse the text of a handler file.  Returns 0, or -1 if it is not one. */
int binfmt_handler_parse(const char *name, const char *text, struct binfmt_handler *h);
/* Whether the kernel would hand an ET_EXEC or ET_DYN file of arch to h
 * (enabled or not). */
bool binfmt_handler_matches(const struct binfmt_handler *h, const struct binfmt_arch *a);

/*
 * Check that path is something binfmt_misc can start for any binary, in
 * a chroot too: an existing, executable, static ELF for this host.
 * Returns 0, or -1 with why in err ("not found", "not a static
 * executable: ...").
 */
int binfmt_runner_check(const char *path, char *err, size_t errlen);

/*
 * binfmt_misc under dir: make sure it is mounted (mounting it if not).
 * Returns 0, or -1 with one line of reason in err.
 */
int binfmt_fs_ensure(const char *dir, char *err, size_t errlen);
/* Read every handler under dir.  Returns how many (up to max), or -1. */
int binfmt_fs_handlers(const char *dir, struct binfmt_handler *h, int max, char *err,
                       size_t errlen);
/* Write text to dir/file.  Returns 0, or -errno. */
int binfmt_fs_write(const char *dir, const char *file, const char *text);

#endif
