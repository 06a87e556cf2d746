#include <string.h>

#include "check.h"
#include "textstat.h"

int main(void)
{
    /* the standard check values of CRC-32/ISO-HDLC */
    CHECK(crc32_update(0, "123456789", 9) == 0xcbf43926u);
    CHECK(crc32_update(0, "", 0) == 0);
    CHECK(crc32_update(0, "a", 1) == 0xe8b7be43u);
    CHECK(crc32_update(0, "The quick brown fox jumps over the lazy dog", 43) == 0x414fa339u);
    /* incremental equals one-shot */
    const char *msg = "incremental crc over pieces";
    uint32_t c = 0;
    for (size_t i = 0; i < strlen(msg); i += 4)
        c = crc32_update(c, msg + i, strlen(msg) - i < 4 ? strlen(msg) - i : 4);
    CHECK(c == crc32_update(0, msg, strlen(msg)));
    printf("unit_crc: %d failures\n", check_failures);
    return check_failures != 0;
}
