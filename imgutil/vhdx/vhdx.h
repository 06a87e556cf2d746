/*
 * VHDX ([MS-VHDX] v1.0): a 1 MiB header section (file identifier, two
 * headers with CRC-32C and sequence numbers, two copies of the region
 * table), a log, the BAT (payload entries with a sector-bitmap entry after
 * every chunk_ratio of them) and the metadata region (file parameters,
 * virtual disk size, sector sizes, page 83 id).  All little-endian; GUIDs
 * in the Microsoft mixed-endian byte order.
 */
#ifndef IMGUTIL_VHDX_H
#define IMGUTIL_VHDX_H

#include <stdbool.h>
#include <stdint.h>

#include "imgutil/blk.h"
#include "imgutil/le.h"

#define VHDX_MIB            ((uint64_t)1 << 20)
#define VHDX_HDR1_OFF       0x10000
#define VHDX_HDR2_OFF       0x20000
#define VHDX_RT1_OFF        0x30000
#define VHDX_RT2_OFF        0x40000
#define VHDX_HDR_SIZE       4096
#define VHDX_RT_SIZE        0x10000
#define VHDX_MD_TABLE_SIZE  0x10000
#define VHDX_MAX_ENTRIES    2047
#define VHDX_MAX_SIZE       ((uint64_t)64 << 40)
#define VHDX_MAX_BAT_BYTES  ((uint64_t)256 << 20)

/* BAT entry: state in bits 0-2, file offset in MiB in bits 20-63 */
#define VHDX_BAT_STATE(e)   ((unsigned)((e) & 7))
#define VHDX_BAT_OFF(e)     ((e) & ~(uint64_t)0xfffff)
enum {
    VHDX_PB_NOT_PRESENT = 0,
    VHDX_PB_UNDEFINED = 1,
    VHDX_PB_ZERO = 2,
    VHDX_PB_UNMAPPED = 3,
    VHDX_PB_FULLY_PRESENT = 6,
    VHDX_PB_PARTIALLY_PRESENT = 7,
};

/* metadata entry flags */
#define VHDX_MD_IS_USER     1u
#define VHDX_MD_VIRTUAL     2u
#define VHDX_MD_REQUIRED    4u
/* file parameters flags */
#define VHDX_FP_LEAVE_ALLOC 1u
#define VHDX_FP_HAS_PARENT  2u

struct vhdx_guid {
    uint8_t b[16];
};

extern const struct vhdx_guid vhdx_guid_bat, vhdx_guid_metadata, vhdx_guid_file_params,
    vhdx_guid_disk_size, vhdx_guid_page83, vhdx_guid_lsec, vhdx_guid_psec,
    vhdx_guid_parent_locator;

struct vhdx_state {
    uint8_t hdr[VHDX_HDR_SIZE];     /* the current header */
    int hdr_slot;                   /* 0: at 64 KiB, 1: at 128 KiB */
    bool hdr_updated;               /* write GUIDs renewed since open */
    uint64_t bat_off, bat_len;
    uint64_t *bat;                  /* host order */
    uint64_t bat_n;
    uint32_t block_size, lsec, psec;
    uint64_t chunk_ratio;
    uint64_t file_size;
    bool log_replayed;              /* for check: one corruption fixed */
};

uint32_t vhdx_crc32c(const void *buf, size_t len);
/* CRC-32C of a structure whose checksum field (at csum_off) counts as zero */
uint32_t vhdx_checksum(const uint8_t *buf, size_t len, size_t csum_off);
void vhdx_guid_random(uint8_t *out);
uint64_t vhdx_bat_entries(uint64_t size, uint32_t block_size, uint64_t chunk_ratio);
static inline uint64_t vhdx_bat_index(const struct vhdx_state *s, uint64_t block)
{
    return block + block / s->chunk_ratio;
}

/* format.c */
int vhdx_read_metadata(struct blk_dev *bs, struct vhdx_state *s, int flags,
                       struct blk_err *err);
int vhdx_write_header(int fd, struct vhdx_state *s);
/* does payload BAT entry i point (partly) past the end of the file */
bool vhdx_entry_past_eof(const struct vhdx_state *s, uint64_t size, uint64_t i);

/* log.c: replay an active log (refused on a read-only image) */
int vhdx_log_replay(struct blk_dev *bs, struct vhdx_state *s, bool *replayed,
                    struct blk_err *err);

/* create.c */
int vhdx_create(const char *filename, const struct blk_create_opts *o, struct blk_err *err);

#endif
