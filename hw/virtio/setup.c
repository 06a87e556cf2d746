/*
 * Command-line devices to virtio-mmio windows (setup.h).  A drive with
 * if=virtio is a virtio-blk-device by itself; if=none waits for
 * -device virtio-blk-device,drive=ID.  Images are opened at attach time, in
 * command-line order, so errors name the option that caused them.
 */
#include "hw/virtio/setup.h"
#include "hw/net/netdev.h"
#include "hw/virtio/blk.h"
#include "hw/virtio/console.h"
#include "hw/virtio/drive.h"
#include "hw/virtio/kvopts.h"
#include "hw/virtio/net.h"
#include "hw/virtio/rng.h"
#include "hw/virtio/virtio.h"
#include "imgutil/blk.h"
#include "sysemu/chardev/chardev.h"
#include "sysemu/chardev/registry.h"
#include "sysemu/control.h"
#include "sysemu/loop.h"
#include "sysemu/machine.h"
#include "sysemu/memory.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DRIVES  8
#define MAX_VDEVS   16

static struct drive_opts drives[MAX_DRIVES];
static char *drive_args[MAX_DRIVES];
static bool drive_taken[MAX_DRIVES];
static int n_drives;

enum vdev_kind { VDEV_BLK, VDEV_NET, VDEV_CONSOLE, VDEV_RNG };

static struct vdev_conf {
    enum vdev_kind kind;
    int drive;                  /* VDEV_BLK: index into drives */
    char netdev[64];            /* VDEV_NET */
    bool has_mac;
    uint8_t mac[6];
    char chardev[32];           /* VDEV_CONSOLE: its port's chardev id, "" for none yet */
    char *rng_file;             /* VDEV_RNG: -object rng-random's filename, NULL for getrandom() */
    char *arg;                  /* for error lines */
} confs[MAX_VDEVS];
static int n_confs;

static struct vdev_live {
    enum vdev_kind kind;
    union {
        struct virtio_blk *blk;
        struct virtio_net *net;
        struct virtio_console *con;
        struct virtio_rng *rng;
    };
    struct virtio_dev *vdev;
    uint64_t base;
    int irq;
} live[MAX_VDEVS];
static int n_live;

/* -object rng-random|rng-builtin: an entropy source a virtio-rng-device names with rng= */
#define MAX_RNG_OBJS 4
static struct rng_obj {
    char id[32];
    char *file;                 /* NULL: rng-builtin, getrandom() */
    bool taken;
} rng_objs[MAX_RNG_OBJS];
static int n_rng_objs;

int virtio_opt_object(const char *arg, char *err, size_t errlen)
{
    struct kvopts kv;
    char why[256];
    int ret = -1;
    if (kvopts_parse(&kv, arg, why, sizeof(why)) < 0) {
        snprintf(err, errlen, "-object %s: %s", arg, why);
        return -1;
    }
    const char *type = kv.n && !kv.key[0] ? kv.val[0] : kvopts_get(&kv, "qom-type");
    const char *id = kvopts_get(&kv, "id"), *file = NULL;
    if (!type || (strcmp(type, "rng-random") && strcmp(type, "rng-builtin"))) {
        ret = 1;
        goto out;
    }
    if (!strcmp(type, "rng-random") && !(file = kvopts_get(&kv, "filename")))
        file = "/dev/urandom";      /* QEMU's default source */
    const char *bad = kvopts_unused(&kv);
    if (bad) {
        snprintf(err, errlen, "-object %s: Property '%s.%s' not found", arg, type, bad);
        goto out;
    }
    if (!id) {
        snprintf(err, errlen, "-object %s: Parameter 'id' is missing", arg);
        goto out;
    }
    for (int i = 0; i < n_rng_objs; i++) {
        if (!strcmp(rng_objs[i].id, id)) {
            snprintf(err, errlen, "-object %s: attempt to add duplicate property '%s' to object (type 'objects')",
                     arg, id);
            goto out;
        }
    }
    if (n_rng_objs == MAX_RNG_OBJS) {
        snprintf(err, errlen, "-object %s: more than %d rng objects", arg, MAX_RNG_OBJS);
        goto out;
    }
    snprintf(rng_objs[n_rng_objs].id, sizeof(rng_objs[0].id), "%s", id);
    rng_objs[n_rng_objs++].file = file ? strdup(file) : NULL;
    ret = 0;
out:
    kvopts_free(&kv);
    return ret;
}

/* virtconsole,chardev=ID: the port of the last virtio-serial-device that has none, or of a new one
 * (QEMU needs the virtio-serial-device first; here it may be left out) */
static int opt_virtconsole(struct kvopts *kv, const char *arg, char *err, size_t errlen)
{
    const char *id = kvopts_get(kv, "chardev");
    kvopts_get(kv, "name");     /* a port name only matters with MULTIPORT, which we lack */
    const char *bad = kvopts_unused(kv);
    if (bad) {
        snprintf(err, errlen, "-device %s: virtconsole: property '%s' not found", arg, bad);
        return -1;
    }
    if (!id) {
        snprintf(err, errlen, "-device %s: chardev property not set", arg);
        return -1;
    }
    if (!chardev_opt_exists(id)) {
        snprintf(err, errlen, "-device %s: Property 'virtconsole.chardev' can't find value '%s'", arg, id);
        return -1;
    }
    for (int i = 0; i < n_confs; i++) {
        if (confs[i].kind == VDEV_CONSOLE && !strcmp(confs[i].chardev, id)) {
            snprintf(err, errlen, "-device %s: Property 'virtconsole.chardev' can't take value '%s', it's in use",
                     arg, id);
            return -1;
        }
    }
    int serial = -1;
    for (int i = 0; i < n_confs; i++)
        if (confs[i].kind == VDEV_CONSOLE)
            serial = confs[i].chardev[0] ? (serial < 0 ? -2 : serial) : i;
    if (serial == -2) {
        snprintf(err, errlen, "-device %s: the virtio-serial-device has its one port already (no MULTIPORT: "
                 "one virtio-serial-device per virtconsole)", arg);
        return -1;
    }
    if (serial < 0) {
        if (n_confs == MAX_VDEVS) {
            snprintf(err, errlen, "-device %s: more than %d virtio devices", arg, MAX_VDEVS);
            return -1;
        }
        serial = n_confs++;
        confs[serial] = (struct vdev_conf){ .kind = VDEV_CONSOLE, .arg = strdup(arg) };
    }
    snprintf(confs[serial].chardev, sizeof(confs[serial].chardev), "%s", id);
    return 0;
}

int virtio_opt_drive(const char *arg, char *err, size_t errlen)
{
    char why[400];
    if (n_drives == MAX_DRIVES) {
        snprintf(err, errlen, "-drive %s: more than %d drives", arg, MAX_DRIVES);
        return -1;
    }
    struct drive_opts *o = &drives[n_drives];
    if (drive_parse(arg, o, why, sizeof(why)) < 0) {
        snprintf(err, errlen, "-drive %s: %s", arg, why);
        return -1;
    }
    for (int i = 0; i < n_drives; i++) {
        if (o->id && drives[i].id && !strcmp(o->id, drives[i].id)) {
            snprintf(err, errlen, "-drive %s: Duplicate ID '%s' for drive", arg, o->id);
            drive_opts_free(o);
            return -1;
        }
    }
    drive_args[n_drives] = strdup(arg);
    if (o->iface == DRIVE_IF_VIRTIO) {
        if (n_confs == MAX_VDEVS) {
            snprintf(err, errlen, "-drive %s: more than %d virtio devices", arg, MAX_VDEVS);
            return -1;
        }
        confs[n_confs++] = (struct vdev_conf){ .kind = VDEV_BLK, .drive = n_drives, .arg = drive_args[n_drives] };
        drive_taken[n_drives] = true;
    }
    n_drives++;
    return 0;
}

int virtio_opt_netdev(const char *arg, char *err, size_t errlen)
{
    char why[400];
    if (!netdev_add(arg, why, sizeof(why))) {
        snprintf(err, errlen, "-netdev %s: %s", arg, why);
        return -1;
    }
    return 0;
}

int virtio_opt_device(const char *arg, char *err, size_t errlen)
{
    struct kvopts kv;
    char why[256];
    int ret = -1;
    if (kvopts_parse(&kv, arg, why, sizeof(why)) < 0) {
        snprintf(err, errlen, "-device %s: %s", arg, why);
        return -1;
    }
    const char *name = kv.n && !kv.key[0] ? kv.val[0] : kvopts_get(&kv, "driver");
    struct vdev_conf c = { .arg = strdup(arg) };
    if (name && !strcmp(name, "virtconsole")) {
        ret = opt_virtconsole(&kv, arg, err, errlen);
        goto out;
    }
    if (!name || (strcmp(name, "virtio-blk-device") && strcmp(name, "virtio-net-device") &&
                  strcmp(name, "virtio-serial-device") && strcmp(name, "virtio-rng-device"))) {
        ret = 1;
        goto out;
    }
    if (n_confs == MAX_VDEVS) {
        snprintf(err, errlen, "-device %s: more than %d virtio devices", arg, MAX_VDEVS);
        goto out;
    }
    if (!strcmp(name, "virtio-blk-device")) {
        const char *d = kvopts_get(&kv, "drive");
        int i = 0;
        while (d && i < n_drives && !(drives[i].id && !strcmp(drives[i].id, d)))
            i++;
        if (!d) {
            snprintf(err, errlen, "-device %s: drive property not set", arg);
            goto out;
        }
        if (i == n_drives) {
            snprintf(err, errlen, "-device %s: Property 'virtio-blk-device.drive' can't find value '%s'", arg, d);
            goto out;
        }
        if (drive_taken[i]) {
            snprintf(err, errlen, "-device %s: Drive '%s' is already in use by another device", arg, d);
            goto out;
        }
        drive_taken[i] = true;
        c.kind = VDEV_BLK;
        c.drive = i;
    } else if (!strcmp(name, "virtio-serial-device")) {
        kvopts_get(&kv, "max_ports");   /* one port whatever it says: no MULTIPORT */
        c.kind = VDEV_CONSOLE;
    } else if (!strcmp(name, "virtio-rng-device")) {
        const char *r = kvopts_get(&kv, "rng");
        c.kind = VDEV_RNG;
        if (r) {
            int i = 0;
            while (i < n_rng_objs && strcmp(rng_objs[i].id, r))
                i++;
            if (i == n_rng_objs) {
                snprintf(err, errlen, "-device %s: Property 'virtio-rng-device.rng' can't find value '%s'", arg, r);
                goto out;
            }
            if (rng_objs[i].taken) {
                snprintf(err, errlen, "-device %s: Property 'virtio-rng-device.rng' can't take value '%s', "
                         "it's in use", arg, r);
                goto out;
            }
            rng_objs[i].taken = true;
            c.rng_file = rng_objs[i].file;
        }
    } else {
        const char *nd = kvopts_get(&kv, "netdev");
        const char *mac = kvopts_get(&kv, "mac");
        struct netdev *n = nd ? netdev_find(nd) : NULL;
        if (!nd) {
            snprintf(err, errlen, "-device %s: netdev property not set", arg);
            goto out;
        }
        if (!n) {
            snprintf(err, errlen, "-device %s: Property 'virtio-net-device.netdev' can't find value '%s'", arg, nd);
            goto out;
        }
        if (n->in_use) {
            snprintf(err, errlen, "-device %s: Property 'virtio-net-device.netdev' can't use value '%s', it's in use",
                     arg, nd);
            goto out;
        }
        n->in_use = true;
        c.kind = VDEV_NET;
        snprintf(c.netdev, sizeof(c.netdev), "%s", nd);
        if (mac) {
            if (virtio_net_parse_mac(mac, c.mac) < 0) {
                snprintf(err, errlen, "-device %s: Property 'virtio-net-device.mac' doesn't take value '%s'", arg, mac);
                goto out;
            }
            c.has_mac = true;
        }
    }
    const char *bad = kvopts_unused(&kv);
    if (bad) {
        snprintf(err, errlen, "-device %s: %s: property '%s' not found", arg, name, bad);
        goto out;
    }
    confs[n_confs++] = c;
    c.arg = NULL;
    ret = 0;
out:
    free(c.arg);
    kvopts_free(&kv);
    return ret;
}

static void *machine_ram_ptr(void *opaque, uint64_t gpa, uint64_t len)
{
    struct machine *m = opaque;
    return as_ram_ptr(&m->mem, gpa, len);
}

/* the line of one device: the accelerator's interrupt controller, no device lock taken */
struct irq_wire {
    struct machine *m;
    int irq;
};

static void machine_irq(void *opaque, int level)
{
    struct irq_wire *w = opaque;
    w->m->accel->irq_line(w->m, w->irq, level);
}

/* a console's port on its chardev: guest output written out, input handed to the device */
static void console_out(void *opaque, const uint8_t *buf, size_t len)
{
    if (opaque)
        chardev_write(opaque, buf, len);
}

static void console_in(void *opaque, const uint8_t *buf, size_t len)
{
    virtio_console_input(opaque, buf, len);
}

static const struct mem_ops virtio_mmio_ops = {
    .read = virtio_mmio_read,
    .write = virtio_mmio_write,
};

int virtio_mmio_attach(struct machine *m, uint64_t base, int irq0, int max, char *err, size_t errlen)
{
    char why[512];
    for (int i = 0; i < netdev_count(); i++)
        if (!netdev_at(i)->in_use)
            fprintf(stderr, "runtime-system: warning: netdev %s has no peer\n", netdev_at(i)->id);
    if (n_confs > max) {
        snprintf(err, errlen, "%d virtio devices, the board has %d virtio-mmio slots", n_confs, max);
        return -1;
    }
    for (int i = 0; i < n_drives; i++)
        if (!drive_taken[i])
            fprintf(stderr, "runtime-system: warning: -drive %s: no device uses drive '%s'\n", drive_args[i],
                    drives[i].id ? drives[i].id : "");
    for (int i = 0; i < n_confs; i++) {
        struct vdev_conf *c = &confs[i];
        struct vdev_live *l = &live[n_live];
        struct irq_wire *w = malloc(sizeof(*w));
        *w = (struct irq_wire){ m, irq0 + i };
        struct virtio_mem mem = { machine_ram_ptr, m };
        struct virtio_irq irq = { machine_irq, w };
        int r;
        l->base = base + i * (uint64_t)VIRTIO_MMIO_SIZE;
        l->irq = irq0 + i;
        l->kind = c->kind;
        if (c->kind == VDEV_BLK) {
            struct drive_opts *o = &drives[c->drive];
            struct blk_dev *bs = drive_open(o, why, sizeof(why));
            if (!bs) {
                snprintf(err, errlen, "-drive %s: %s", drive_args[c->drive], why);
                return -1;
            }
            if (!o->format && !o->snapshot && !strcmp(bs->drv->name, "raw"))
                fprintf(stderr, "runtime-system: warning: Image format was not specified for '%s' and probing "
                        "guessed raw; write operations on block 0 will be restricted (give format=raw to lift "
                        "this)\n", o->file);
            l->blk = calloc(1, sizeof(*l->blk));
            r = virtio_blk_init(l->blk, bs, o, mem, irq);
            l->vdev = &l->blk->vdev;
        } else if (c->kind == VDEV_CONSOLE) {
            struct chardev *chr = NULL;
            if (c->chardev[0] && !(chr = chardev_by_id(c->chardev, loop_chardev(), why, sizeof(why)))) {
                snprintf(err, errlen, "-chardev id=%s: %s", c->chardev, why);
                return -1;
            }
            l->con = calloc(1, sizeof(*l->con));
            r = virtio_console_init(l->con, console_out, chr, mem, irq);
            if (r == 0 && chr && chardev_attach(chr, console_in, NULL, l->con) < 0) {
                snprintf(err, errlen, "%s: chardev '%s' is already in use", c->arg, c->chardev);
                return -1;
            }
            l->vdev = &l->con->vdev;
        } else if (c->kind == VDEV_RNG) {
            int fd = -1;
            if (c->rng_file && (fd = open(c->rng_file, O_RDONLY | O_CLOEXEC)) < 0) {
                snprintf(err, errlen, "%s: Could not open '%s': %s", c->arg, c->rng_file, strerror(errno));
                return -1;
            }
            l->rng = calloc(1, sizeof(*l->rng));
            r = virtio_rng_init(l->rng, fd, mem, irq);
            l->vdev = &l->rng->vdev;
        } else {
            l->net = calloc(1, sizeof(*l->net));
            r = virtio_net_init(l->net, netdev_find(c->netdev), c->has_mac ? c->mac : NULL, mem, irq);
            l->vdev = &l->net->vdev;
        }
        if (r < 0) {
            snprintf(err, errlen, "%s: cannot start the device: %s", c->arg, strerror(-r));
            return -1;
        }
        n_live++;
        char name[32];
        snprintf(name, sizeof(name), "virtio-mmio.%d", i);
        if (!as_add_io(&m->mem, name, l->base, VIRTIO_MMIO_SIZE, &virtio_mmio_ops, l->vdev)) {
            snprintf(err, errlen, "%s: no room for its window at 0x%llx", c->arg, (unsigned long long)l->base);
            return -1;
        }
    }
    return 0;
}

size_t virtio_mmio_cmdline(char *buf, size_t n)
{
    size_t len = 0;
    if (n)
        buf[0] = 0;
    for (int i = 0; i < n_live && len < n; i++)
        len += snprintf(buf + len, n - len, " virtio_mmio.device=%u@0x%llx:%d", VIRTIO_MMIO_SIZE,
                        (unsigned long long)live[i].base, live[i].irq);
    return len;
}

int virtio_mmio_windows(uint64_t *base, int *irq, int max)
{
    int n = 0;
    for (; n < n_live && n < max; n++) {
        base[n] = live[n].base;
        irq[n] = live[n].irq;
    }
    return n;
}

void virtio_devices_close(void)
{
    for (int i = 0; i < n_live; i++) {
        if (live[i].kind == VDEV_BLK)
            virtio_blk_destroy(live[i].blk);
        else if (live[i].kind == VDEV_CONSOLE)
            virtio_console_destroy(live[i].con);
        else if (live[i].kind == VDEV_RNG)
            virtio_rng_destroy(live[i].rng);
        else
            virtio_net_destroy(live[i].net);
    }
    n_live = 0;
    while (netdev_count())
        netdev_close(netdev_at(0));
}

void virtio_devices_reset(void)
{
    for (int i = 0; i < n_live; i++) {
        pthread_mutex_lock(&live[i].vdev->lock);
        virtio_dev_reset(live[i].vdev);
        pthread_mutex_unlock(&live[i].vdev->lock);
    }
}

int virtio_append_cmdline(struct machine *m)
{
    char extra[MAX_VDEVS * 64];
    if (!m->kernel || !virtio_mmio_cmdline(extra, sizeof(extra)))
        return 0;
    char *line;
    if (asprintf(&line, "%s%s", m->append ? m->append : "", m->append ? extra : extra + 1) < 0)
        return -1;
    m->append = line;
    return 0;
}

int virtio_block_list(struct block_info *out, int max)
{
    int n = 0, auto_index = 0;
    for (int i = 0; i < n_drives; i++) {
        bool auto_name = !drives[i].id;
        int index = auto_name ? auto_index++ : -1;
        if (!drive_taken[i] || n == max)
            continue;
        struct block_info *b = &out[n++];
        memset(b, 0, sizeof(*b));
        /* QEMU names an anonymous if=virtio drive virtio0, virtio1, ... */
        if (auto_name)
            snprintf(b->device, sizeof(b->device), "virtio%d", index);
        else
            snprintf(b->device, sizeof(b->device), "%s", drives[i].id);
        snprintf(b->file, sizeof(b->file), "%s", drives[i].file);
        b->readonly = drives[i].readonly;
        b->format = drives[i].format ? drives[i].format : "raw";
        for (int k = 0; k < n_live; k++) {
            if (live[k].kind == VDEV_BLK && confs[k].drive == i && live[k].blk->bs) {
                struct blk_dev *bs = live[k].blk->bs;
                /* snapshot=on: the image below the overlay is the user's */
                struct blk_dev *user = drives[i].snapshot && bs->backing ? bs->backing : bs;
                b->format = user->drv->name;
                b->size = user->size;
            }
        }
    }
    return n;
}

int virtio_net_info(char *buf, size_t n)
{
    size_t len = 0;
    int nic = 0;
    buf[0] = 0;
    for (int k = 0; k < n_live && len < n; k++) {
        if (live[k].kind != VDEV_NET)
            continue;
        const uint8_t *m = live[k].net->mac;
        struct netdev *nd = live[k].net->nd;
        len += snprintf(buf + len, n - len,
                        "virtio-net-device.%d: index=0,type=nic,model=virtio-net-device,"
                        "macaddr=%02x:%02x:%02x:%02x:%02x:%02x\r\n \\ %s: index=0,type=%s,%s\r\n",
                        nic++, m[0], m[1], m[2], m[3], m[4], m[5], nd->id, nd->type, nd->info);
    }
    return len < n ? (int)len : (int)n - 1;
}
