/*
 * runtime-img: the -t cache modes qemu-img accepts.  All go through the
 * host page cache here; they are checked so that a typo fails as in qemu-img.
 */
#include <string.h>

#include "imgutil/cmd/cmd.h"

bool img_cache_mode_ok(const char *m)
{
    static const char *const modes[] = { "none", "writeback", "writethrough", "directsync",
                                         "unsafe", "off" };
    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
        if (!strcmp(m, modes[i]))
            return true;
    return false;
}
