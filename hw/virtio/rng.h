/*
 * virtio-rng, the entropy device (virtio 1.2 spec, 5.4): one requestq whose
 * device-writable buffers are filled with random bytes.
 */
#ifndef HW_VIRTIO_RNG_H
#define HW_VIRTIO_RNG_H

#include "hw/virtio/virtio.h"

#define VIRTIO_ID_RNG 4             /* device IDs (5) */
#define VIRTIO_RNG_MAX_REQ 65536    /* bytes given per request at most: a driver asking more gets less */

struct virtio_rng {
    struct virtio_dev vdev;
    int fd;                     /* -object rng-random's file, or -1 for getrandom() */
    uint8_t *buf;
    uint64_t bytes;
};

/* fd: a source to read from (taken over, closed by destroy), -1 for getrandom() */
int virtio_rng_init(struct virtio_rng *r, int fd, struct virtio_mem mem, struct virtio_irq irq);
void virtio_rng_destroy(struct virtio_rng *r);

#endif
