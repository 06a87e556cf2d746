/*
 * What a binfmt_misc interpreter must be for runtime-binfmt to register
 * it: an executable, static ELF of this host.  A dynamic one would need
 * its loader and libraries inside every chroot and container the handler
 * serves, which defeats the F flag.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "binfmt/binfmt.h"

#if defined(__x86_64__)
#define HOST_MACHINE EM_X86_64
#elif defined(__aarch64__)
#define HOST_MACHINE EM_AARCH64
#elif defined(__riscv) && __riscv_xlen == 64
#define HOST_MACHINE EM_RISCV
#endif

static int check_elf(int fd, char *err, size_t errlen)
{
    Elf64_Ehdr eh;

    if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) || memcmp(eh.e_ident, ELFMAG, SELFMAG)) {
        snprintf(err, errlen, "not an ELF executable");
        return -1;
    }
    if (eh.e_ident[EI_CLASS] != ELFCLASS64 || (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
#ifdef HOST_MACHINE
        || eh.e_machine != HOST_MACHINE
#endif
    ) {
        snprintf(err, errlen, "not an executable for this host");
        return -1;
    }
    if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0) {
        snprintf(err, errlen, "ELF file without program headers");
        return -1;
    }
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        char interp[256] = "";

        if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) != (ssize_t)sizeof(ph)) {
            snprintf(err, errlen, "truncated ELF file");
            return -1;
        }
        if (ph.p_type != PT_INTERP)
            continue;
        if (pread(fd, interp, ph.p_filesz < sizeof(interp) ? ph.p_filesz : sizeof(interp) - 1,
                  (off_t)ph.p_offset) < 0)
            interp[0] = 0;
        snprintf(err, errlen,
                 "not a static executable (it needs %s), so it would not run inside chroots",
                 interp[0] ? interp : "an ELF interpreter");
        return -1;
    }
    return 0;
}

int binfmt_runner_check(const char *path, char *err, size_t errlen)
{
    struct stat st;
    int fd, ret;

    if (path[0] != '/') {
        snprintf(err, errlen, "not an absolute path");
        return -1;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s", errno == ENOENT ? "no such file (see --path)" : strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "not a regular file");
        close(fd);
        return -1;
    }
    if (access(path, X_OK) || !(st.st_mode & 0111)) {
        snprintf(err, errlen, "not executable");
        close(fd);
        return -1;
    }
    ret = check_elf(fd, err, errlen);
    close(fd);
    return ret;
}
