#ifndef TEXTSTAT_H
#define TEXTSTAT_H

#include <stddef.h>
#include <stdint.h>

struct textstat {
    size_t lines, words, bytes;
    uint32_t crc;
};

void textstat_init(struct textstat *s);
/* Feed a chunk; a word split across chunks is counted once. */
void textstat_feed(struct textstat *s, const char *buf, size_t n, int *in_word);
uint32_t crc32_update(uint32_t crc, const void *buf, size_t n);

#endif
