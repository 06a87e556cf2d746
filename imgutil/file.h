/*
 * Host-file helpers shared by the format drivers: whole-buffer pread/pwrite,
 * hole queries, zeroing and preallocation.  All return 0 or -errno.
 */
#ifndef IMGUTIL_FILE_H
#define IMGUTIL_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "imgutil/blk.h"

/* a short read past the end of the file fills the rest with zeroes */
int file_pread(int fd, void *buf, size_t len, uint64_t off);
int file_pwrite(int fd, const void *buf, size_t len, uint64_t off);
int64_t file_size(int fd);
/* is [off, ...) data or hole in the host file: *pnum bytes of that kind */
int file_data_status(int fd, uint64_t off, uint64_t len, bool *data, uint64_t *pnum);
/* make [off, off+len) read as zero; punch a hole when allowed */
int file_zero(int fd, uint64_t off, uint64_t len, bool punch);
/* grow to size with the given preallocation (the file must not be larger) */
int file_preallocate(int fd, uint64_t old_size, uint64_t size, enum blk_prealloc mode);
bool buf_is_zero(const void *buf, size_t len);

static inline uint64_t be64_get(const void *p)
{
    const uint8_t *b = p;
    return (uint64_t)b[0] << 56 | (uint64_t)b[1] << 48 | (uint64_t)b[2] << 40 |
           (uint64_t)b[3] << 32 | (uint64_t)b[4] << 24 | (uint64_t)b[5] << 16 |
           (uint64_t)b[6] << 8 | b[7];
}
static inline uint32_t be32_get(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}
static inline uint16_t be16_get(const void *p)
{
    const uint8_t *b = p;
    return (uint16_t)(b[0] << 8 | b[1]);
}
static inline void be64_put(void *p, uint64_t v)
{
    uint8_t *b = p;
    for (int i = 7; i >= 0; i--, v >>= 8)
        b[i] = (uint8_t)v;
}
static inline void be32_put(void *p, uint32_t v)
{
    uint8_t *b = p;
    for (int i = 3; i >= 0; i--, v >>= 8)
        b[i] = (uint8_t)v;
}
static inline void be16_put(void *p, uint16_t v)
{
    uint8_t *b = p;
    b[0] = (uint8_t)(v >> 8);
    b[1] = (uint8_t)v;
}

#endif
