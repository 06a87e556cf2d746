/*
 * ioctl: dispatched through generic/ioctl.def; unknown requests fail with
 * -ENOTTY rather than reach the host with a layout it might misread.
 */
#include <errno.h>

#include "syscall/sys.h"
#include "translate/exec.h"

static const struct { uint32_t guest; const char *name; uint32_t host; } ioctl_table[] = {
#define IOCTL(g, name, h) { g, #name, h },
#include "syscall/generic/ioctl.def"
#undef IOCTL
};

int64_t sys_ioctl(void *cpu, const uint64_t *a)
{
    uint32_t req = (uint32_t)a[1];

    for (unsigned i = 0; i < sizeof(ioctl_table) / sizeof(ioctl_table[0]); i++)
        if (ioctl_table[i].guest == req)
            return host_syscall6(SYS_ioctl, a[0], ioctl_table[i].host, a[2], 0, 0, 0);
    exec_log(LOG_UNIMP, "Unsupported ioctl: fd %d request 0x%x\n", (int)a[0], req);
    return -ENOTTY;
}
