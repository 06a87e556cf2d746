/* Integer helpers with no cheap IR sequence: RBIT and the CRC32 family. */
#include "isa/aarch64/helpers.h"

A64_HELPER(a64_helper_rbit64)
{
    uint64_t x = a0;
    x = ((x >> 1) & 0x5555555555555555ull) | ((x & 0x5555555555555555ull) << 1);
    x = ((x >> 2) & 0x3333333333333333ull) | ((x & 0x3333333333333333ull) << 2);
    x = ((x >> 4) & 0x0f0f0f0f0f0f0f0full) | ((x & 0x0f0f0f0f0f0f0f0full) << 4);
    return __builtin_bswap64(x);
}

/* CRC32{B,H,W,X} and CRC32C*: the reflected polynomial update the Arm ARM
 * describes, with no initial or final inversion (software does those). */
A64_HELPER(a64_helper_crc32)
{
    uint32_t crc = (uint32_t)a0;
    unsigned bytes = 1u << (a2 & 3);
    uint32_t poly = (a2 & 4) ? 0x82f63b78u : 0xedb88320u;
    for (unsigned i = 0; i < bytes; i++) {
        crc ^= (uint8_t)(a1 >> (8 * i));
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (poly & (0u - (crc & 1)));
    }
    return crc;
}
