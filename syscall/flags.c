/*
 * open(2)/fcntl flag encodings.  asm-generic and x86-64 agree; aarch64
 * kept 32-bit Arm's values for four bits (arch/arm64 uapi asm/fcntl.h).
 */
#include <fcntl.h>

#include "syscall/sys.h"
#include "syscall/target.h"

/* host (x86-64 = asm-generic) values, spelled out so that glibc's
 * definition of O_LARGEFILE as 0 on 64-bit hosts does not hide the bit */
#define HOST_O_DIRECTORY 0200000
#define HOST_O_NOFOLLOW  0400000
#define HOST_O_DIRECT    0040000
#define HOST_O_LARGEFILE 0100000

static const struct { uint32_t guest, host; } arm64_open_bits[] = {
    { ARM64_O_DIRECTORY, HOST_O_DIRECTORY },
    { ARM64_O_NOFOLLOW, HOST_O_NOFOLLOW },
    { ARM64_O_DIRECT, HOST_O_DIRECT },
    { ARM64_O_LARGEFILE, HOST_O_LARGEFILE },
};

#define ARM64_OPEN_MASK (ARM64_O_DIRECTORY | ARM64_O_NOFOLLOW | ARM64_O_DIRECT | ARM64_O_LARGEFILE)

static uint64_t open_flags_swap(uint64_t f, int to_host)
{
    uint64_t out;

    if (!sys_state.arm_open_flags)
        return f;
    out = f & ~(uint64_t)ARM64_OPEN_MASK;   /* the same four bit positions */
    for (unsigned i = 0; i < sizeof(arm64_open_bits) / sizeof(arm64_open_bits[0]); i++) {
        uint32_t from = to_host ? arm64_open_bits[i].guest : arm64_open_bits[i].host;
        uint32_t to = to_host ? arm64_open_bits[i].host : arm64_open_bits[i].guest;

        if (f & from)
            out |= to;
    }
    return out;
}

uint64_t open_flags_to_host(uint64_t f)
{
    return open_flags_swap(f, 1);
}

uint64_t open_flags_to_guest(uint64_t f)
{
    return open_flags_swap(f, 0);
}
