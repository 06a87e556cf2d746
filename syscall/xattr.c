/*
 * Extended attributes.  Names, values and flags have one encoding on every
 * Linux architecture; the path forms look the path up in the -L sysroot
 * like stat does, so that a guest reading attributes of its own files
 * sees the sysroot's.
 */
#include <limits.h>

#include "syscall/sys.h"

/* path calls: the path is argument 0 */
#define XATTR_PATH(name)                                                        \
    int64_t sys_##name(void *cpu, const uint64_t *a)                            \
    {                                                                           \
        char buf[PATH_MAX];                                                     \
                                                                                \
        return host_syscall6(SYS_##name, path_remap(a[0], buf, sizeof(buf)), a[1], a[2], \
                             a[3], a[4], 0);                                    \
    }

XATTR_PATH(getxattr)
XATTR_PATH(lgetxattr)
XATTR_PATH(listxattr)
XATTR_PATH(llistxattr)
SYS_PASS(setxattr)
SYS_PASS(lsetxattr)
SYS_PASS(removexattr)
SYS_PASS(lremovexattr)
SYS_PASS(fgetxattr)
SYS_PASS(fsetxattr)
SYS_PASS(flistxattr)
SYS_PASS(fremovexattr)
