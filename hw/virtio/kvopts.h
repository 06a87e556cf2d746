/*
 * QEMU-style option strings "key=value,key=value" (",," is a literal comma
 * inside a value), as -drive, -netdev and -device take them.  The first item
 * may be a bare word (the netdev type, the device name): key NULL.
 */
#ifndef HW_VIRTIO_KVOPTS_H
#define HW_VIRTIO_KVOPTS_H

#include <stdbool.h>
#include <stddef.h>

#define KVOPTS_MAX 32

struct kvopts {
    int n;
    char *key[KVOPTS_MAX];      /* NULL for a bare first word */
    char *val[KVOPTS_MAX];
    bool used[KVOPTS_MAX];      /* taken by kvopts_get: what remains is unknown */
};

/* 0, or -1 with one reason in err */
int kvopts_parse(struct kvopts *o, const char *s, char *err, size_t errlen);
void kvopts_free(struct kvopts *o);
/* the value of key (marked used), NULL when absent */
const char *kvopts_get(struct kvopts *o, const char *key);
/* on|off|yes|no|true|false into *b: 0, 1 absent, -1 invalid (reason in err) */
int kvopts_bool(struct kvopts *o, const char *key, bool *b, char *err, size_t errlen);
/* the first key nobody asked for, NULL when all were used */
const char *kvopts_unused(const struct kvopts *o);

#endif
