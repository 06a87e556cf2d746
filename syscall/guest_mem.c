/*
 * Checked access to guest memory from syscall handlers.  Guest pointers
 * are host pointers, but a bad one must give the guest -EFAULT rather than
 * crash the runner, so copies go through process_vm_readv/writev on
 * ourselves, which the kernel fails cleanly.
 */
#include <errno.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "syscall/sys.h"

int guest_read(void *dst, uint64_t src, size_t n)
{
    struct iovec l = { dst, n }, r = { g2h(src), n };

    if (n == 0)
        return 0;
    if (process_vm_readv(getpid(), &l, 1, &r, 1, 0) != (ssize_t)n)
        return -EFAULT;
    return 0;
}

int guest_write(uint64_t dst, const void *src, size_t n)
{
    struct iovec l = { (void *)src, n }, r = { g2h(dst), n };

    if (n == 0)
        return 0;
    if (process_vm_writev(getpid(), &l, 1, &r, 1, 0) != (ssize_t)n)
        return -EFAULT;
    return 0;
}

int64_t guest_read_str(char *dst, uint64_t src, size_t n)
{
    size_t got = 0;

    /* read page by page so that a string ending just before an unmapped
     * page is still read in full */
    while (got < n) {
        size_t chunk = 4096 - ((src + got) & 4095);
        struct iovec l, r;
        ssize_t k;
        char *nul;

        if (chunk > n - got)
            chunk = n - got;
        l.iov_base = dst + got;
        l.iov_len = chunk;
        r.iov_base = g2h(src + got);
        r.iov_len = chunk;
        k = process_vm_readv(getpid(), &l, 1, &r, 1, 0);
        if (k <= 0)
            return -EFAULT;
        nul = memchr(dst + got, 0, (size_t)k);
        if (nul)
            return nul - dst;
        got += (size_t)k;
    }
    return -ENAMETOOLONG;
}
