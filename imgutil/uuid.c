/*
 * Version 4 UUIDs from getrandom(); the bytes are stored as generated, in
 * the RFC 4122 byte order both VHD and QEMU's VDI writer use.
 */
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "imgutil/uuid.h"

void blk_uuid_generate(uint8_t out[16])
{
    if (getrandom(out, 16, 0) != 16) {
        /* no entropy source: still unique enough to tell two images apart */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        memset(out, 0, 16);
        memcpy(out, &ts, sizeof(ts) < 16 ? sizeof(ts) : 16);
    }
    out[6] = (uint8_t)((out[6] & 0x0f) | 0x40);
    out[8] = (uint8_t)((out[8] & 0x3f) | 0x80);
}
