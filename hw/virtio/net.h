/*
 * virtio-net (virtio 1.2 spec, 5.1): one RX and one TX queue over a
 * netdev's frame descriptor.
 */
#ifndef HW_VIRTIO_NET_H
#define HW_VIRTIO_NET_H

#include "hw/virtio/virtio.h"

#define VIRTIO_NET_F_MAC       5
#define VIRTIO_NET_F_MRG_RXBUF 15
#define VIRTIO_NET_F_STATUS    16
#define VIRTIO_NET_S_LINK_UP   1
#define VIRTIO_NET_HDR_LEN     12   /* struct virtio_net_hdr with num_buffers: always so under VERSION_1 */
#define VIRTIO_NET_RXQ 0
#define VIRTIO_NET_TXQ 1
#define VIRTIO_NET_FRAME_MAX 65550  /* a 64 KiB frame and its Ethernet header */

struct netdev;

struct virtio_net {
    struct virtio_dev vdev;
    struct netdev *nd;
    uint8_t mac[6];
    uint8_t *frame;             /* a received frame waiting for RX buffers */
    size_t frame_len;           /* 0: none waiting */
    uint16_t *heads;            /* chains one mergeable frame took */
    uint32_t *lens;
    uint64_t tx_frames, rx_frames, rx_dropped;
};

/* mac may be NULL (52:54:00:12:34:56 + index, QEMU's default) */
int virtio_net_init(struct virtio_net *n, struct netdev *nd, const uint8_t *mac,
                    struct virtio_mem mem, struct virtio_irq irq);
void virtio_net_destroy(struct virtio_net *n);
/* "52:54:00:12:34:56" into mac; -1 when malformed */
int virtio_net_parse_mac(const char *s, uint8_t mac[6]);

#endif
