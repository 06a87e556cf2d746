/*
 * Option strings in QEMU's syntax (kvopts.h).
 */
#include "hw/virtio/kvopts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* copy one item up to an unescaped ',' into a fresh string; *s moves past it */
static char *take_item(const char **s)
{
    const char *p = *s;
    size_t n = 0;
    char *out = malloc(strlen(p) + 1);
    if (!out)
        return NULL;
    while (*p) {
        if (*p == ',') {
            if (p[1] != ',')
                break;
            p++;                /* ",," is one comma */
        }
        out[n++] = *p++;
    }
    out[n] = 0;
    *s = *p ? p + 1 : p;
    return out;
}

int kvopts_parse(struct kvopts *o, const char *s, char *err, size_t errlen)
{
    memset(o, 0, sizeof(*o));
    while (*s) {
        if (o->n == KVOPTS_MAX) {
            snprintf(err, errlen, "more than %d parameters", KVOPTS_MAX);
            kvopts_free(o);
            return -1;
        }
        char *item = take_item(&s);
        if (!item) {
            snprintf(err, errlen, "out of memory");
            kvopts_free(o);
            return -1;
        }
        char *eq = strchr(item, '=');
        if (!eq && o->n == 0) {
            o->key[o->n] = NULL;
            o->val[o->n++] = item;
            continue;
        }
        if (!eq || eq == item) {
            snprintf(err, errlen, "Invalid parameter '%s'", item);
            free(item);
            kvopts_free(o);
            return -1;
        }
        *eq = 0;
        o->key[o->n] = item;
        o->val[o->n++] = strdup(eq + 1);
    }
    return 0;
}

void kvopts_free(struct kvopts *o)
{
    for (int i = 0; i < o->n; i++) {
        /* a bare word owns its buffer through val; key=value pairs own both */
        free(o->key[i]);
        free(o->val[i]);
    }
    o->n = 0;
}

const char *kvopts_get(struct kvopts *o, const char *key)
{
    const char *v = NULL;
    for (int i = 0; i < o->n; i++) {
        if (o->key[i] && !strcmp(o->key[i], key)) {
            o->used[i] = true;
            v = o->val[i];      /* the last one wins, as in QEMU */
        }
    }
    return v;
}

int kvopts_bool(struct kvopts *o, const char *key, bool *b, char *err, size_t errlen)
{
    const char *v = kvopts_get(o, key);
    if (!v)
        return 1;
    if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true")) {
        *b = true;
        return 0;
    }
    if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false")) {
        *b = false;
        return 0;
    }
    snprintf(err, errlen, "Parameter '%s' expects 'on' or 'off'", key);
    return -1;
}

const char *kvopts_unused(const struct kvopts *o)
{
    for (int i = 0; i < o->n; i++)
        if (o->key[i] && !o->used[i])
            return o->key[i];
    return NULL;
}
