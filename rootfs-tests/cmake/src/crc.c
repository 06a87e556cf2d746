#include "textstat.h"

/* Bitwise CRC-32 (IEEE, reflected): slow but table-free, so the test
 * exercises shifts and conditional xors in the guest rather than loads. */
uint32_t crc32_update(uint32_t crc, const void *buf, size_t n)
{
    const unsigned char *p = buf;

    crc = ~crc;
    while (n--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
    }
    return ~crc;
}
