#include <ctype.h>

#include "textstat.h"

void textstat_init(struct textstat *s)
{
    s->lines = s->words = s->bytes = 0;
    s->crc = 0;
}

void textstat_feed(struct textstat *s, const char *buf, size_t n, int *in_word)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)buf[i];

        if (c == '\n')
            s->lines++;
        if (isspace(c)) {
            *in_word = 0;
        } else if (!*in_word) {
            *in_word = 1;
            s->words++;
        }
    }
    s->bytes += n;
    s->crc = crc32_update(s->crc, buf, n);
}
