/* File I/O inside the directory given as argv[1]: create/write/read,
 * lseek, pread/pwrite, readv/writev, O_APPEND, truncate, rename, link,
 * symlink, unlink, mkdir/rmdir, sorted readdir, stat sizes and modes, stdio. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

static char base[4096];
static int failures;

static const char *path(const char *name)
{
    static char buf[2][4200];
    static int which;
    which ^= 1;
    snprintf(buf[which], sizeof(buf[which]), "%s/%s", base, name);
    return buf[which];
}

static void check(int ok, const char *what)
{
    printf("%-40s %s", what, ok ? "ok" : "FAILED");
    if (!ok) {
        printf(" (errno %d)", errno);
        failures++;
    }
    printf("\n");
}

static const char *ftype(mode_t m)
{
    return S_ISREG(m) ? "reg" : S_ISDIR(m) ? "dir" : S_ISLNK(m) ? "lnk" : "other";
}

static void show_stat(const char *name, int follow)
{
    struct stat st;
    int r = follow ? stat(path(name), &st) : lstat(path(name), &st);
    if (r != 0) {
        printf("stat %-12s errno=%d\n", name, errno);
        return;
    }
    printf("stat %-12s %s mode=%04o nlink=%lu size=%lld\n", name, ftype(st.st_mode),
           (unsigned)(st.st_mode & 07777), (unsigned long)st.st_nlink,
           S_ISDIR(st.st_mode) ? -1LL : (long long)st.st_size);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_dir(const char *name)
{
    DIR *d = opendir(path(name));
    char *names[64];
    int n = 0;
    struct dirent *e;
    if (!d) {
        printf("opendir %s failed\n", name);
        return;
    }
    while ((e = readdir(d)) != NULL && n < 64)
        names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, (size_t)n, sizeof(names[0]), cmp_names);
    printf("ls %s:", name);
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: fileio DIR\n");
        return 2;
    }
    snprintf(base, sizeof(base), "%s", argv[1]);
    umask(022);

    /* write, read back, seek */
    int fd = open(path("a.txt"), O_CREAT | O_EXCL | O_RDWR, 0640);
    check(fd >= 0, "open O_CREAT|O_EXCL");
    char buf[8192];
    for (int i = 0; i < 8192; i++)
        buf[i] = (char)('A' + i % 26);
    check(write(fd, buf, 5000) == 5000, "write 5000");
    check(lseek(fd, 0, SEEK_CUR) == 5000, "lseek CUR == 5000");
    check(lseek(fd, 100, SEEK_SET) == 100, "lseek SET 100");
    char rd[100];
    check(read(fd, rd, 26) == 26 && memcmp(rd, buf + 100, 26) == 0, "read 26 at 100");
    check(lseek(fd, -10, SEEK_END) == 4990, "lseek END -10");
    check(read(fd, rd, 100) == 10, "short read at end");
    check(read(fd, rd, 100) == 0, "read at EOF");
    /* sparse extension by seeking past the end */
    check(lseek(fd, 10000, SEEK_SET) == 10000 && write(fd, "Z", 1) == 1, "write past end");
    check(pread(fd, rd, 4, 6000) == 4 && rd[0] == 0 && rd[3] == 0, "hole reads zeros");
    check(pwrite(fd, "hello", 5, 2) == 5, "pwrite at 2");
    check(lseek(fd, 0, SEEK_CUR) == 10001, "pwrite keeps offset");
    check(pread(fd, rd, 9, 0) == 9 && memcmp(rd, "ABhelloHI", 9) == 0, "pread sees pwrite");
    struct stat st;
    check(fstat(fd, &st) == 0 && st.st_size == 10001, "fstat size 10001");
    check(ftruncate(fd, 3000) == 0, "ftruncate 3000");
    check(fstat(fd, &st) == 0 && st.st_size == 3000, "size after truncate");
    close(fd);
    show_stat("a.txt", 1);

    /* readv / writev */
    fd = open(path("v.bin"), O_CREAT | O_TRUNC | O_WRONLY, 0600);
    struct iovec iov[3] = { { "one ", 4 }, { "two ", 4 }, { "three\n", 6 } };
    check(writev(fd, iov, 3) == 14, "writev 3 iovecs");
    close(fd);
    fd = open(path("v.bin"), O_RDONLY);
    char p1[5] = { 0 }, p2[20] = { 0 };
    struct iovec riov[2] = { { p1, 4 }, { p2, 19 } };
    check(readv(fd, riov, 2) == 14 && strcmp(p1, "one ") == 0 &&
          strcmp(p2, "two three\n") == 0, "readv 2 iovecs");
    close(fd);

    /* O_APPEND always writes at the end */
    fd = open(path("log"), O_CREAT | O_WRONLY | O_APPEND, 0666);
    check(write(fd, "first\n", 6) == 6, "append 1");
    lseek(fd, 0, SEEK_SET);
    check(write(fd, "second\n", 7) == 7, "append 2 after seek 0");
    close(fd);
    fd = open(path("log"), O_RDONLY);
    ssize_t got = read(fd, rd, sizeof(rd));
    check(got == 13 && memcmp(rd, "first\nsecond\n", 13) == 0, "append order");
    close(fd);

    /* dup, dup2 share the offset; O_CLOEXEC flags */
    fd = open(path("a.txt"), O_RDONLY | O_CLOEXEC);
    int fd2 = dup(fd);
    check(fcntl(fd, F_GETFD) == FD_CLOEXEC && fcntl(fd2, F_GETFD) == 0, "cloexec vs dup");
    lseek(fd, 1234, SEEK_SET);
    check(lseek(fd2, 0, SEEK_CUR) == 1234, "dup shares offset");
    int fd3 = dup2(fd2, 50);
    check(fd3 == 50 && lseek(50, 0, SEEK_CUR) == 1234, "dup2 to 50");
    close(fd);
    close(fd2);
    close(fd3);
    check(close(fd3) == -1 && errno == EBADF, "double close EBADF");

    /* directories, links, renames */
    check(mkdir(path("sub"), 0751) == 0, "mkdir sub");
    check(mkdir(path("sub"), 0751) == -1 && errno == EEXIST, "mkdir again EEXIST");
    check(rename(path("v.bin"), path("sub/v2.bin")) == 0, "rename into sub");
    check(link(path("a.txt"), path("sub/hard")) == 0, "link");
    check(symlink("../a.txt", path("sub/soft")) == 0, "symlink");
    char lnk[64] = { 0 };
    check(readlink(path("sub/soft"), lnk, sizeof(lnk) - 1) == 8 && strcmp(lnk, "../a.txt") == 0,
          "readlink");
    check(chmod(path("log"), 0604) == 0, "chmod 0604");
    check(access(path("log"), R_OK) == 0 && access(path("nope"), F_OK) == -1 && errno == ENOENT,
          "access");
    for (int i = 0; i < 12; i++) {
        char nm[32];
        snprintf(nm, sizeof(nm), "sub/f%02d", (i * 7) % 12);
        int f = open(path(nm), O_CREAT | O_WRONLY, 0644);
        check(f >= 0 && write(f, buf, (size_t)i * 100) == i * 100, nm);
        close(f);
    }
    list_dir(".");
    list_dir("sub");
    show_stat("a.txt", 1);
    show_stat("sub/hard", 1);
    show_stat("sub/soft", 0);
    show_stat("sub/soft", 1);
    show_stat("sub/v2.bin", 1);
    show_stat("log", 1);
    show_stat("sub", 1);
    show_stat("sub/f05", 1);
    show_stat("missing", 1);
    check(rmdir(path("sub")) == -1 && errno == ENOTEMPTY, "rmdir non-empty ENOTEMPTY");
    check(unlink(path("sub/hard")) == 0, "unlink hard");
    show_stat("a.txt", 1);
    check(unlink(path("nope")) == -1 && errno == ENOENT, "unlink missing ENOENT");
    check(rename(path("log"), path("a.txt")) == 0, "rename over existing");
    show_stat("a.txt", 1);
    show_stat("sub/soft", 1);

    /* openat / fstatat relative to a directory fd */
    int dfd = open(path("sub"), O_RDONLY | O_DIRECTORY);
    check(dfd >= 0, "open O_DIRECTORY");
    int af = openat(dfd, "at.txt", O_CREAT | O_WRONLY, 0660);
    check(af >= 0 && write(af, "xyz", 3) == 3, "openat create");
    close(af);
    check(fstatat(dfd, "at.txt", &st, 0) == 0 && st.st_size == 3 &&
          (st.st_mode & 0777) == 0640, "fstatat size/mode (umask 022)");
    check(unlinkat(dfd, "at.txt", 0) == 0, "unlinkat");
    close(dfd);

    /* stdio on top */
    FILE *f = fopen(path("stdio.txt"), "w+");
    check(f != NULL, "fopen w+");
    for (int i = 0; i < 1000; i++)
        fprintf(f, "line %d %x\n", i, i * i);
    long end = ftell(f);
    rewind(f);
    char line[64];
    unsigned long sum = 0;
    int lines = 0;
    while (fgets(line, sizeof(line), f)) {
        int a = 0;
        unsigned b = 0;
        if (sscanf(line, "line %d %x", &a, &b) == 2)
            sum += (unsigned long)a * 3 + b;
        lines++;
    }
    check(fseek(f, 9, SEEK_SET) == 0 && fgetc(f) == 'l', "fseek/fgetc");
    fclose(f);
    printf("stdio end=%ld lines=%d sum=%lu\n", end, lines, sum);
    show_stat("stdio.txt", 1);

    /* clean up everything, leaving an empty directory */
    const char *rm[] = { "a.txt", "stdio.txt", "sub/soft", "sub/v2.bin" };
    for (unsigned i = 0; i < 4; i++)
        check(unlink(path(rm[i])) == 0, rm[i]);
    for (int i = 0; i < 12; i++) {
        char nm[32];
        snprintf(nm, sizeof(nm), "sub/f%02d", i);
        unlink(path(nm));
    }
    check(rmdir(path("sub")) == 0, "rmdir sub");
    list_dir(".");
    printf("failures %d\n", failures);
    return failures ? 1 : 0;
}
