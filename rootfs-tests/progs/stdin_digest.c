/* Reads all of stdin in odd-sized chunks and prints byte/line/word counts,
 * a byte histogram digest, FNV-1a and CRC-32 of the stream. */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

static uint32_t crc_table[256];

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

int main(void)
{
    unsigned char buf[777];
    uint64_t bytes = 0, lines = 0, words = 0, fnv = 0xcbf29ce484222325ull;
    uint64_t hist[256] = { 0 };
    uint32_t crc = 0xffffffffu;
    int in_word = 0;
    ssize_t n;
    crc_init();
    while ((n = read(0, buf, sizeof(buf))) > 0) {
        for (ssize_t i = 0; i < n; i++) {
            unsigned char c = buf[i];
            bytes++;
            hist[c]++;
            fnv = (fnv ^ c) * 0x100000001b3ull;
            crc = crc_table[(crc ^ c) & 0xff] ^ (crc >> 8);
            if (c == '\n')
                lines++;
            int space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
            if (!space && !in_word)
                words++;
            in_word = !space;
        }
    }
    if (n < 0) {
        printf("read error\n");
        return 1;
    }
    uint64_t hd = 0;
    int distinct = 0, top = 0;
    for (int i = 0; i < 256; i++) {
        hd = hd * 1000003u + hist[i];
        distinct += hist[i] != 0;
        if (hist[i] > hist[top])
            top = i;
    }
    printf("bytes=%llu lines=%llu words=%llu distinct=%d top=%d\n",
           (unsigned long long)bytes, (unsigned long long)lines,
           (unsigned long long)words, distinct, top);
    printf("fnv1a=%016llx crc32=%08x hist=%016llx\n", (unsigned long long)fnv,
           crc ^ 0xffffffffu, (unsigned long long)hd);
    return 0;
}
