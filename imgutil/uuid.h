/*
 * Random (version 4) UUIDs for the formats that stamp one into a new image
 * (VHD, VDI), so two images made from one source are still told apart.
 */
#ifndef IMGUTIL_UUID_H
#define IMGUTIL_UUID_H

#include <stdint.h>

void blk_uuid_generate(uint8_t out[16]);

#endif
