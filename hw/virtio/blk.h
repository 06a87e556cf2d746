/*
 * virtio-blk (virtio 1.2 spec, 5.2) on imgutil's block layer.
 */
#ifndef HW_VIRTIO_BLK_H
#define HW_VIRTIO_BLK_H

#include "hw/virtio/drive.h"
#include "hw/virtio/virtio.h"

#define VIRTIO_BLK_F_SIZE_MAX     1
#define VIRTIO_BLK_F_SEG_MAX      2
#define VIRTIO_BLK_F_RO           5
#define VIRTIO_BLK_F_BLK_SIZE     6
#define VIRTIO_BLK_F_FLUSH        9
#define VIRTIO_BLK_F_DISCARD      13
#define VIRTIO_BLK_F_WRITE_ZEROES 14

#define VIRTIO_BLK_T_IN           0
#define VIRTIO_BLK_T_OUT          1
#define VIRTIO_BLK_T_FLUSH        4
#define VIRTIO_BLK_T_GET_ID       8
#define VIRTIO_BLK_T_DISCARD      11
#define VIRTIO_BLK_T_WRITE_ZEROES 13

#define VIRTIO_BLK_S_OK     0
#define VIRTIO_BLK_S_IOERR  1
#define VIRTIO_BLK_S_UNSUPP 2

#define VIRTIO_BLK_WZ_UNMAP 1       /* write-zeroes segment flag */

/* config space offsets (5.2.4, struct virtio_blk_config) */
#define VIRTIO_BLK_CFG_CAPACITY        0
#define VIRTIO_BLK_CFG_SIZE_MAX        8
#define VIRTIO_BLK_CFG_SEG_MAX         12
#define VIRTIO_BLK_CFG_BLK_SIZE        20
#define VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS 36
#define VIRTIO_BLK_CFG_MAX_DISCARD_SEG 40
#define VIRTIO_BLK_CFG_DISCARD_ALIGN   44
#define VIRTIO_BLK_CFG_MAX_WZ_SECTORS  48
#define VIRTIO_BLK_CFG_MAX_WZ_SEG      52
#define VIRTIO_BLK_CFG_WZ_MAY_UNMAP    56
#define VIRTIO_BLK_CFG_LEN             60

struct virtio_blk {
    struct virtio_dev vdev;
    struct blk_dev *bs;
    bool readonly;
    bool probed_raw;            /* format= not given and probing said raw: guard sector 0 */
    enum drive_cache cache;
    char serial[20];
    uint64_t requests, errors;  /* for tests and `info` */
};

/* take the open image bs (closed by virtio_blk_destroy); 0 or -errno */
int virtio_blk_init(struct virtio_blk *b, struct blk_dev *bs, const struct drive_opts *o,
                    struct virtio_mem mem, struct virtio_irq irq);
void virtio_blk_destroy(struct virtio_blk *b);

#endif
