/*
 * -drive, -netdev and -device for virtio-mmio devices: the command line is
 * collected first (virtio_opt_*), then the board calls virtio_mmio_attach
 * once its address spaces exist, which opens the images, pairs NICs with
 * netdevs and maps one 0x200-byte window per device with its own interrupt.
 */
#ifndef HW_VIRTIO_SETUP_H
#define HW_VIRTIO_SETUP_H

#include <stddef.h>
#include <stdint.h>

struct machine;

/* each: 0, or -1 with one line (QEMU's words where it has them) in err */
int virtio_opt_drive(const char *arg, char *err, size_t errlen);
int virtio_opt_netdev(const char *arg, char *err, size_t errlen);
/* -device NAME,...: 1 when NAME is not one of ours (the caller may know it), -1 on error */
int virtio_opt_device(const char *arg, char *err, size_t errlen);
/* -object rng-random|rng-builtin,id=ID[,filename=F] for virtio-rng-device,rng=ID: 1 when not ours */
int virtio_opt_object(const char *arg, char *err, size_t errlen);

/* create the devices; window i at base + i * 0x200, interrupt irq0 + i */
int virtio_mmio_attach(struct machine *m, uint64_t base, int irq0, int max, char *err, size_t errlen);
/* " virtio_mmio.device=512@0x...:IRQ" for every device, for a Linux command line */
size_t virtio_mmio_cmdline(char *buf, size_t n);
/* the windows in use, in attach order, for a board's firmware tables; returns the count */
int virtio_mmio_windows(uint64_t *base, int *irq, int max);
/* a machine reset: every device back to its power-on state (vCPUs stopped) */
void virtio_devices_reset(void);
/* add virtio_mmio_cmdline() to m->append when a kernel is loaded, so Linux finds the devices */
int virtio_append_cmdline(struct machine *m);
/* the monitor's view (sysemu/control.h block_list and net_info, QEMU's texts) */
struct block_info;
int virtio_block_list(struct block_info *out, int max);
int virtio_net_info(char *buf, size_t n);
/* stop the I/O threads, flush and close the images (at exit) */
void virtio_devices_close(void);

#endif
