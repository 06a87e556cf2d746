/*
 * The AML encoder of acpi_aml.h.
 */
#include "hw/x86/acpi_aml.h"

#include <string.h>

enum {
    ZERO_OP = 0x00, ONE_OP = 0x01, NAME_OP = 0x08, BYTE_PREFIX = 0x0a, WORD_PREFIX = 0x0b,
    DWORD_PREFIX = 0x0c, STRING_PREFIX = 0x0d, QWORD_PREFIX = 0x0e, SCOPE_OP = 0x10,
    BUFFER_OP = 0x11, PACKAGE_OP = 0x12, EXT_OP = 0x5b, DEVICE_OP = 0x82,
};

void aml_bytes(struct aml *a, const void *p, size_t n)
{
    if (a->overflow || n > sizeof(a->buf) - a->len) {
        a->overflow = 1;
        return;
    }
    memcpy(a->buf + a->len, p, n);
    a->len += n;
}

static void byte(struct aml *a, uint8_t b) { aml_bytes(a, &b, 1); }

/* a NameString: "\\" root prefix, then 4-character segments separated by '.' (padded with '_') */
static void name_string(struct aml *a, const char *s)
{
    if (*s == '\\')
        byte(a, *s++);
    int segs = 1;
    for (const char *p = s; *p; p++)
        segs += *p == '.';
    if (segs == 2)
        byte(a, 0x2e);                  /* DualNamePrefix */
    else if (segs > 2)
        byte(a, 0x2f), byte(a, segs);   /* MultiNamePrefix */
    while (*s) {
        char seg[4] = { '_', '_', '_', '_' };
        for (int i = 0; *s && *s != '.'; s++)
            if (i < 4)
                seg[i++] = *s;
        aml_bytes(a, seg, 4);
        if (*s == '.')
            s++;
    }
}

/* PkgLength counts itself: one byte up to 63, else a lead byte with the low
 * nibble and up to three more bytes (20.2.4) */
static void pkg_length(struct aml *a, size_t body)
{
    if (body + 1 < 64) {
        byte(a, body + 1);
        return;
    }
    int extra = body + 2 < (1u << 12) ? 1 : body + 3 < (1u << 20) ? 2 : 3;
    size_t len = body + 1 + extra;
    byte(a, (extra << 6) | (len & 0xf));
    for (int i = 0; i < extra; i++)
        byte(a, len >> (4 + 8 * i));
}

void aml_name(struct aml *a, const char *seg)
{
    byte(a, NAME_OP);
    name_string(a, seg);
}

void aml_int(struct aml *a, uint64_t v)
{
    if (v <= 1) {
        byte(a, v ? ONE_OP : ZERO_OP);
        return;
    }
    int n = v <= 0xff ? 1 : v <= 0xffff ? 2 : v <= 0xffffffffu ? 4 : 8;
    byte(a, n == 1 ? BYTE_PREFIX : n == 2 ? WORD_PREFIX : n == 4 ? DWORD_PREFIX : QWORD_PREFIX);
    for (int i = 0; i < n; i++)
        byte(a, v >> (8 * i));
}

void aml_string(struct aml *a, const char *s)
{
    byte(a, STRING_PREFIX);
    aml_bytes(a, s, strlen(s) + 1);
}

void aml_eisaid(struct aml *a, const char *id)
{
    /* three letters of 5 bits each, then four hex digits, stored big-endian */
    uint32_t v = (uint32_t)(id[0] - 0x40) << 26 | (uint32_t)(id[1] - 0x40) << 21 | (uint32_t)(id[2] - 0x40) << 16;
    for (int i = 3; i < 7; i++) {
        char c = id[i];
        v |= (uint32_t)(c <= '9' ? c - '0' : c - 'A' + 10) << (4 * (6 - i));
    }
    byte(a, DWORD_PREFIX);
    byte(a, v >> 24), byte(a, v >> 16), byte(a, v >> 8), byte(a, v);
}

void aml_package_ints(struct aml *a, const uint8_t *v, int n)
{
    struct aml body = { .len = 0 };
    byte(&body, n);
    for (int i = 0; i < n; i++)
        aml_int(&body, v[i]);
    byte(a, PACKAGE_OP);
    pkg_length(a, body.len);
    aml_bytes(a, body.buf, body.len);
    a->overflow |= body.overflow;
}

void aml_buffer(struct aml *a, const uint8_t *p, size_t n)
{
    struct aml body = { .len = 0 };
    aml_int(&body, n);
    aml_bytes(&body, p, n);
    byte(a, BUFFER_OP);
    pkg_length(a, body.len);
    aml_bytes(a, body.buf, body.len);
    a->overflow |= body.overflow;
}

static void wrap(struct aml *a, const uint8_t *op, size_t oplen, const char *name, const struct aml *body)
{
    struct aml n = { .len = 0 };
    name_string(&n, name);
    aml_bytes(a, op, oplen);
    pkg_length(a, n.len + body->len);
    aml_bytes(a, n.buf, n.len);
    aml_bytes(a, body->buf, body->len);
    a->overflow |= body->overflow;
}

void aml_scope(struct aml *a, const char *name, const struct aml *body)
{
    static const uint8_t op[] = { SCOPE_OP };
    wrap(a, op, 1, name, body);
}

void aml_device(struct aml *a, const char *name, const struct aml *body)
{
    static const uint8_t op[] = { EXT_OP, DEVICE_OP };
    wrap(a, op, 2, name, body);
}
