/*
 * Virtio 1.x devices over the MMIO transport (virtio 1.2 spec, 4.2 "Virtio
 * Over MMIO", version 2 register layout) with split virtqueues (2.7).
 *
 * A device sees the machine through three things only, so the same code
 * serves the KVM x86 board and the JIT's virt boards:
 *   - struct virtio_mem: guest-physical address -> host pointer, bounded
 *     (the board passes its RAM lookup, sysemu's as_ram_ptr);
 *   - struct virtio_irq: one level-triggered interrupt line;
 *   - virtio_mmio_read/virtio_mmio_write: the register window, with the
 *     signature of sysemu's struct mem_ops so the board maps it directly.
 *
 * Requests never run on the vCPU thread: a QueueNotify write only marks the
 * queue and wakes the device's I/O thread (iothread.c), which processes the
 * rings under the device lock.  Guest mistakes (bad rings, descriptor loops,
 * addresses outside RAM) set DEVICE_NEEDS_RESET and stop the device until the
 * driver resets it; they never reach the VMM as a crash.
 */
#ifndef HW_VIRTIO_VIRTIO_H
#define HW_VIRTIO_VIRTIO_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

/* device IDs (5) */
#define VIRTIO_ID_NET       1
#define VIRTIO_ID_BLOCK     2

/* device status bits (2.1) */
#define VIRTIO_STATUS_ACKNOWLEDGE        1
#define VIRTIO_STATUS_DRIVER             2
#define VIRTIO_STATUS_DRIVER_OK          4
#define VIRTIO_STATUS_FEATURES_OK        8
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 0x40
#define VIRTIO_STATUS_FAILED             0x80

/* reserved feature bits (6) */
#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_EVENT_IDX     29
#define VIRTIO_F_VERSION_1     32
/* what the transport and the ring code give every device */
#define VIRTIO_TRANSPORT_FEATURES ((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_F_EVENT_IDX) | \
                                   (1ull << VIRTIO_F_INDIRECT_DESC))

/* InterruptStatus bits (4.2.2) */
#define VIRTIO_INT_VRING  1
#define VIRTIO_INT_CONFIG 2

/* MMIO register offsets (4.2.2, table "MMIO Device Register Layout") */
#define VIRTIO_MMIO_MAGIC_VALUE         0x000
#define VIRTIO_MMIO_VERSION             0x004
#define VIRTIO_MMIO_DEVICE_ID           0x008
#define VIRTIO_MMIO_VENDOR_ID           0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES     0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES     0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL           0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX       0x034
#define VIRTIO_MMIO_QUEUE_NUM           0x038
#define VIRTIO_MMIO_QUEUE_READY         0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY        0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS    0x060
#define VIRTIO_MMIO_INTERRUPT_ACK       0x064
#define VIRTIO_MMIO_STATUS              0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW      0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH     0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW    0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH   0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW    0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH   0x0a4
#define VIRTIO_MMIO_SHM_SEL             0x0ac
#define VIRTIO_MMIO_SHM_LEN_LOW         0x0b0
#define VIRTIO_MMIO_SHM_LEN_HIGH        0x0b4
#define VIRTIO_MMIO_SHM_BASE_LOW        0x0b8
#define VIRTIO_MMIO_SHM_BASE_HIGH       0x0bc
#define VIRTIO_MMIO_CONFIG_GENERATION   0x0fc
#define VIRTIO_MMIO_CONFIG              0x100
#define VIRTIO_MMIO_SIZE                0x200   /* the window a board maps */

#define VIRTIO_MMIO_MAGIC   0x74726976          /* "virt" */
#define VIRTIO_MMIO_VENDOR  0x554d4551          /* "QEMU", as Linux and QEMU's guests expect nothing else */

/* split virtqueue layout (2.7) */
#define VRING_DESC_F_NEXT     1
#define VRING_DESC_F_WRITE    2
#define VRING_DESC_F_INDIRECT 4
#define VRING_AVAIL_F_NO_INTERRUPT 1

struct vring_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};

#define VIRTQ_MAX_SIZE  1024        /* QueueNumMax we offer; also bounds an indirect table */
#define VIRTQ_MAX_SEGS  1024        /* descriptors in one chain, indirect ones included */
#define VIRTIO_MAX_QUEUES 4

/* guest-physical memory as devices see it */
struct virtio_mem {
    /* the host address of [gpa, gpa+len) when it lies wholly in guest RAM, else NULL */
    void *(*ptr)(void *opaque, uint64_t gpa, uint64_t len);
    void *opaque;
};

/* the device's interrupt line.  Called from the I/O thread with the device
 * lock held, and from MMIO writes: it must not take the machine's device lock. */
struct virtio_irq {
    void (*set)(void *opaque, int level);
    void *opaque;
};

struct virtqueue {
    uint16_t num;                   /* QueueNum */
    bool ready;
    uint64_t desc_gpa, avail_gpa, used_gpa;
    /* host views of the three rings, set when the driver writes QueueReady=1 */
    struct vring_desc *desc;
    volatile uint16_t *avail;       /* flags, idx, ring[num], used_event */
    volatile uint16_t *used;        /* flags, idx, then {u32 id, u32 len}[num], avail_event */
    uint16_t last_avail;            /* next avail ring slot the device consumes */
    uint16_t used_idx;              /* the device's copy of used->idx */
    uint16_t signalled_used;        /* used_idx at the last interrupt (EVENT_IDX) */
    bool signalled_valid;
};

/* one popped request: device-readable (out) then device-writable (in) buffers */
struct virtq_elem {
    uint16_t head;
    int n_out, n_in;
    size_t out_len, in_len;
    struct iovec out[VIRTQ_MAX_SEGS], in[VIRTQ_MAX_SEGS];
};

struct virtio_dev;

struct virtio_dev_ops {
    const char *name;               /* for -d guest_errors lines: "virtio-blk" */
    uint32_t device_id;
    int num_queues;
    /* the device's feature bits (the transport adds VERSION_1, EVENT_IDX, INDIRECT_DESC) */
    uint64_t (*features)(struct virtio_dev *d);
    /* process queue q's available buffers (I/O thread, device lock held) */
    void (*queue_notify)(struct virtio_dev *d, int q);
    /* a file descriptor the I/O thread should poll for input, -1 for none;
     * fd_ready runs with the device lock held when it is readable */
    int (*poll_fd)(struct virtio_dev *d);
    void (*fd_ready)(struct virtio_dev *d);
    /* back to the power-on state after the driver wrote 0 to Status (lock held) */
    void (*reset)(struct virtio_dev *d);
    /* a driver write into the config space (optional; device lock held) */
    void (*config_write)(struct virtio_dev *d, uint32_t off, uint64_t val, unsigned size);
};

struct virtio_dev {
    const struct virtio_dev_ops *ops;
    void *opaque;                   /* the device model's state */
    struct virtio_mem mem;
    struct virtio_irq irq;

    pthread_mutex_t lock;           /* registers, rings and the device model */
    uint32_t status, isr;
    uint64_t host_features, guest_features;
    uint32_t host_features_sel, guest_features_sel;
    uint32_t queue_sel;
    uint32_t config_generation;
    uint8_t config[256];            /* the device-specific config space at 0x100 */
    uint32_t config_len;
    struct virtqueue vq[VIRTIO_MAX_QUEUES];
    struct virtq_elem *elem;        /* scratch for the device model, one per device */

    /* the I/O thread */
    pthread_t thread;
    bool thread_started;
    int kick_fd;                    /* eventfd: QueueNotify and "poll_fd changed" */
    unsigned pending;               /* queues notified since the thread last looked (atomic) */
    bool stopping;
};

/* set up d (ops, opaque, memory, irq, config_len before calling); starts the I/O thread */
int virtio_dev_init(struct virtio_dev *d, const struct virtio_dev_ops *ops, void *opaque,
                    struct virtio_mem mem, struct virtio_irq irq);
void virtio_dev_destroy(struct virtio_dev *d);
/* wake the I/O thread to look at poll_fd again (e.g. RX buffers arrived) */
void virtio_dev_kick(struct virtio_dev *d);

/* the MMIO window (struct mem_ops shape); registers are 32-bit, config any width */
uint64_t virtio_mmio_read(void *opaque, uint64_t off, unsigned size);
void virtio_mmio_write(void *opaque, uint64_t off, uint64_t val, unsigned size);

/* the device found guest input it cannot work with: DEVICE_NEEDS_RESET,
 * a config-change interrupt, and a -d guest_errors line */
void virtio_dev_error(struct virtio_dev *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
bool virtio_dev_broken(const struct virtio_dev *d);
bool virtio_has_feature(const struct virtio_dev *d, int bit);
/* raise InterruptStatus bits and the line */
void virtio_dev_interrupt(struct virtio_dev *d, uint32_t bits);
void virtio_dev_reset(struct virtio_dev *d);

/* virtqueue.c: split rings.  All with the device lock held. */
/* check and map the rings the driver set up; false (and needs-reset) when invalid */
bool virtq_map(struct virtio_dev *d, struct virtqueue *q);
/* pop the next available chain into e: 1 popped, 0 ring empty, -1 malformed (device broken) */
int virtq_pop(struct virtio_dev *d, struct virtqueue *q, struct virtq_elem *e);
/* give back the last n popped chains unconsumed */
void virtq_unpop(struct virtqueue *q, unsigned n);
/* number of chains available and not yet popped (0 when the ring is bad) */
unsigned virtq_avail(struct virtio_dev *d, struct virtqueue *q);
/* return a chain with `written` bytes stored into its in-buffers */
void virtq_push(struct virtio_dev *d, struct virtqueue *q, const struct virtq_elem *e, uint32_t written);
/* several chains published at once (a mergeable RX frame): element i past
 * the used index, then the index moved by n */
void virtq_fill(struct virtio_dev *d, struct virtqueue *q, uint16_t head, uint32_t written, unsigned i);
void virtq_flush(struct virtio_dev *d, struct virtqueue *q, unsigned n);
/* interrupt the driver for used buffers unless it suppressed it (flags / used_event) */
void virtq_notify(struct virtio_dev *d, struct virtqueue *q);
/* with EVENT_IDX: ask for a kick at the next available buffer; returns true
 * when buffers arrived meanwhile (process again) */
bool virtq_enable_notify(struct virtio_dev *d, struct virtqueue *q);

/* copy between an iovec array and a flat buffer, from byte `skip` on; bytes copied */
size_t iov_to_buf(const struct iovec *iov, int n, size_t skip, void *buf, size_t len);
size_t iov_from_buf(const struct iovec *iov, int n, size_t skip, const void *buf, size_t len);

#endif
