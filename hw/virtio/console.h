/*
 * virtio-console (virtio 1.2 spec, 5.3) with a single port: receiveq 0 and
 * transmitq 1, no MULTIPORT.  The device knows nothing of chardevs: output
 * goes to a callback and input comes in through virtio_console_input, so
 * the unit tests drive it without a main loop and the board wires it to a
 * chardev (hw/virtio/setup.c).
 */
#ifndef HW_VIRTIO_CONSOLE_H
#define HW_VIRTIO_CONSOLE_H

#include "hw/virtio/virtio.h"

#define VIRTIO_ID_CONSOLE 3         /* device IDs (5) */
#define VIRTIO_CONSOLE_F_SIZE        0
#define VIRTIO_CONSOLE_F_MULTIPORT   1
#define VIRTIO_CONSOLE_F_EMERG_WRITE 2
#define VIRTIO_CONSOLE_RXQ 0
#define VIRTIO_CONSOLE_TXQ 1
#define VIRTIO_CONSOLE_EMERG_WR 8   /* config offset of emerg_wr (after cols, rows, max_nr_ports) */
/* host input kept while the driver has no receive buffers; beyond it bytes are dropped */
#define VIRTIO_CONSOLE_INBUF (64 * 1024)

typedef void virtio_console_out_fn(void *opaque, const uint8_t *buf, size_t len);

struct virtio_console {
    struct virtio_dev vdev;
    virtio_console_out_fn *out;
    void *out_opaque;
    uint8_t *in;                /* a ring of VIRTIO_CONSOLE_INBUF bytes */
    size_t in_head, in_len;
    uint8_t *tx;                /* one transmit chain, flattened */
    uint64_t tx_bytes, rx_bytes, rx_dropped;
};

int virtio_console_init(struct virtio_console *c, virtio_console_out_fn *out, void *out_opaque,
                        struct virtio_mem mem, struct virtio_irq irq);
void virtio_console_destroy(struct virtio_console *c);
/* bytes from the host side for the guest (any thread but the device's own) */
void virtio_console_input(struct virtio_console *c, const uint8_t *buf, size_t len);

#endif
