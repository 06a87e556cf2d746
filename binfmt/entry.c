/*
 * binfmt_misc entries as text: the registration line written to
 * .../register (and to systemd's binfmt.d files), and the status text the
 * kernel shows in .../<name> (fs/binfmt_misc.c, entry_status), parsed
 * back so that handlers already registered can be compared with ours.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binfmt/binfmt.h"

int binfmt_entry_format(const struct binfmt_arch *a, const char *interpreter, unsigned flags,
                        char *out, size_t n)
{
    /* the kernel takes any delimiter but splits on it blindly, and magic
     * and mask are \x escapes, so only the name and path can hold one */
    static const char delims[] = ":|,;#!@%";
    unsigned char magic[BINFMT_MAGIC_LEN], mask[BINFMT_MAGIC_LEN];
    char hex_magic[4 * BINFMT_MAGIC_LEN + 1], hex_mask[4 * BINFMT_MAGIC_LEN + 1];
    char letters[8];
    const char *d;
    int len;

    for (d = delims; *d && strchr(interpreter, *d); d++)
        ;
    if (!*d || !interpreter[0])
        return -1;
    binfmt_arch_magic(a, magic, mask);
    for (int i = 0; i < BINFMT_MAGIC_LEN; i++) {
        snprintf(hex_magic + 4 * i, 5, "\\x%02x", magic[i]);
        snprintf(hex_mask + 4 * i, 5, "\\x%02x", mask[i]);
    }
    binfmt_flags_string(flags, letters);
    len = snprintf(out, n, "%cruntime-%s%cM%c%c%s%c%s%c%s%c%s", *d, a->name, *d, *d, *d,
                   hex_magic, *d, hex_mask, *d, interpreter, *d, letters);
    if (len < 0 || (size_t)len >= n || len > BINFMT_REGISTER_MAX)
        return -1;
    return len;
}

static int hex_decode(const char *s, unsigned char *out, size_t max, size_t *len)
{
    size_t n = 0;

    while (isxdigit((unsigned char)s[0]) && isxdigit((unsigned char)s[1])) {
        char byte[3] = { s[0], s[1], 0 };

        if (n == max)
            return -1;
        out[n++] = (unsigned char)strtoul(byte, NULL, 16);
        s += 2;
    }
    if (*s && *s != '\n')
        return -1;
    *len = n;
    return 0;
}

int binfmt_handler_parse(const char *name, const char *text, struct binfmt_handler *h)
{
    bool have_state = false, have_interp = false, have_magic = false, have_mask = false;
    size_t mask_len = 0;
    const char *line = text;

    memset(h, 0, sizeof(*h));
    snprintf(h->name, sizeof(h->name), "%s", name);
    while (*line) {
        size_t len = strcspn(line, "\n");
        char buf[PATH_MAX + 64];
        const char *v;

        snprintf(buf, sizeof(buf), "%.*s", (int)len, line);
        line += len + (line[len] == '\n');
        if (!strcmp(buf, "enabled") || !strcmp(buf, "disabled")) {
            h->enabled = buf[0] == 'e';
            have_state = true;
        } else if (!strncmp(buf, "interpreter ", 12)) {
            snprintf(h->interpreter, sizeof(h->interpreter), "%.4095s", buf + 12);
            have_interp = true;
        } else if (!strncmp(buf, "flags:", 6)) {
            h->flags = binfmt_flags_parse(buf + 6);
        } else if (!strncmp(buf, "offset ", 7)) {
            h->offset = (unsigned)strtoul(buf + 7, NULL, 10);
        } else if (!strncmp(buf, "extension ", 10)) {
            h->is_extension = true;
        } else if (!strncmp(v = buf, "magic ", 6)) {
            if (hex_decode(v + 6, h->magic, sizeof(h->magic), &h->len))
                return -1;
            have_magic = true;
        } else if (!strncmp(buf, "mask ", 5)) {
            if (hex_decode(buf + 5, h->mask, sizeof(h->mask), &mask_len))
                return -1;
            have_mask = true;
        }
    }
    if (!have_state || !have_interp || (!have_magic && !h->is_extension))
        return -1;
    if (!have_mask)
        memset(h->mask, 0xff, h->len);
    else if (mask_len != h->len)
        return -1;
    return 0;
}

/* fs/binfmt_misc.c check_file: every byte of (file ^ magic) & mask is 0 */
static bool header_matches(const struct binfmt_handler *h, const unsigned char *hdr, size_t n)
{
    if (h->is_extension || h->offset + h->len > n)
        return false;
    for (size_t i = 0; i < h->len; i++)
        if ((hdr[h->offset + i] ^ h->magic[i]) & h->mask[i])
            return false;
    return true;
}

bool binfmt_handler_matches(const struct binfmt_handler *h, const struct binfmt_arch *a)
{
    /* a typical header of each kind: ours with EI_OSABI 0 (mask ignored),
     * then e_version and the sizes every 64-bit ELF has, for handlers
     * that look further in */
    unsigned char hdr[BINFMT_MAGIC_MAX] = { 0 }, mask[BINFMT_MAGIC_LEN];

    binfmt_arch_magic(a, hdr, mask);
    hdr[20] = 1;        /* e_version */
    hdr[52] = 64;       /* e_ehsize */
    hdr[54] = 56;       /* e_phentsize */
    hdr[58] = 64;       /* e_shentsize */
    if (header_matches(h, hdr, sizeof(hdr)))
        return true;
    hdr[16] = 3;        /* ET_DYN */
    return header_matches(h, hdr, sizeof(hdr));
}
