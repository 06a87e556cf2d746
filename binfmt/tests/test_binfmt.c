/*
 * runtime-binfmt's pieces without a kernel: guest lists, the magic and
 * mask against the established registrations, the registration line,
 * parsing handler files as the kernel prints them, the static-runner
 * check; and the runner's reading of binfmt_misc's flags (auxv, argv).
 */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "binfmt/binfmt.h"
#include "loader/loader.h"
#include "runtime/binfmt_flags.h"

static int n_test;

static void ok(int cond, const char *desc)
{
    printf("%sok %d - %s\n", cond ? "" : "not ", ++n_test, desc);
}

static const char *AARCH64_MAGIC =
    "\\x7f\\x45\\x4c\\x46\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00"
    "\\x02\\x00\\xb7\\x00";
static const char *ELF_MASK =
    "\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff"
    "\\xfe\\xff\\xff\\xff";

static void test_arch_lists(void)
{
    unsigned set = 99;
    char bad[32] = "";

    ok(binfmt_arch_list_parse("all", &set, bad, sizeof(bad)) == 0 && set == 3, "all is every guest");
    ok(binfmt_arch_list_parse("riscv64", &set, bad, sizeof(bad)) == 0 && set == 2, "one guest");
    ok(binfmt_arch_list_parse("riscv64,aarch64", &set, bad, sizeof(bad)) == 0 && set == 3,
       "a comma-separated list");
    ok(binfmt_arch_list_parse("aarch64,x86_64", &set, bad, sizeof(bad)) == -1 &&
       !strcmp(bad, "x86_64"), "an unknown guest is named");
    ok(binfmt_arch_list_parse("aarch64,", &set, bad, sizeof(bad)) == -1 && !strcmp(bad, ""),
       "an empty name is refused");
    ok(binfmt_arch_find("aarch64")->e_machine == EM_AARCH64 &&
       binfmt_arch_find("riscv64")->e_machine == 243 && !binfmt_arch_find("arm"),
       "guest table: e_machine");
}

static void test_entry_format(void)
{
    char line[BINFMT_REGISTER_MAX + 1], want[512];
    int len;

    len = binfmt_entry_format(binfmt_arch_find("aarch64"), "/usr/bin/runtime-aarch64",
                              BINFMT_F_FIX_BINARY | BINFMT_F_PRESERVE_ARGV0, line, sizeof(line));
    snprintf(want, sizeof(want), ":runtime-aarch64:M::%s:%s:/usr/bin/runtime-aarch64:PF",
             AARCH64_MAGIC, ELF_MASK);
    ok(len == (int)strlen(want) && !strcmp(line, want),
       "aarch64 line: magic and mask as the established registrations, flags PF");
    if (strcmp(line, want))
        printf("# got  %s\n# want %s\n", line, want);

    binfmt_entry_format(binfmt_arch_find("riscv64"), "/x/runtime-riscv64", BINFMT_F_CREDENTIALS,
                        line, sizeof(line));
    ok(strstr(line, "\\x02\\x00\\xf3\\x00:") && !strcmp(line + strlen(line) - 3, ":OC"),
       "riscv64: e_machine 0xf3, C brings O");

    binfmt_entry_format(binfmt_arch_find("riscv64"), "/a:b/runtime-riscv64", 0, line,
                        sizeof(line));
    ok(line[0] == '|' && strlen(line) > 22 &&
       !strcmp(line + strlen(line) - 22, "|/a:b/runtime-riscv64|"),
       "a path with ':' gets another delimiter");

    char *longpath = malloc(3000);
    memset(longpath, 'a', 2999);
    longpath[0] = '/';
    longpath[2999] = 0;
    ok(binfmt_entry_format(binfmt_arch_find("aarch64"), longpath, 0, line, sizeof(line)) == -1,
       "a line over the kernel's 1920 bytes is refused");
    free(longpath);
}

static const char *QEMU_AARCH64 =
    "enabled\n"
    "interpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\n"
    "flags: POCF\n"
    "offset 0\n"
    "magic 7f454c460201010000000000000000000200b700\n"
    "mask ffffffffffffff00fffffffffffffffffeffffff\n";

static void test_handler_parse(void)
{
    struct binfmt_handler h;

    ok(binfmt_handler_parse("qemu-aarch64", QEMU_AARCH64, &h) == 0 && h.enabled &&
       h.flags == (BINFMT_F_PRESERVE_ARGV0 | BINFMT_F_OPEN_BINARY | BINFMT_F_CREDENTIALS |
                   BINFMT_F_FIX_BINARY) &&
       !strcmp(h.interpreter, "/usr/libexec/qemu-binfmt/aarch64-binfmt-P") && h.len == 20 &&
       h.magic[18] == 0xb7 && h.mask[16] == 0xfe, "qemu-aarch64 handler file parsed");
    ok(binfmt_handler_matches(&h, binfmt_arch_find("aarch64")) &&
       !binfmt_handler_matches(&h, binfmt_arch_find("riscv64")),
       "it handles aarch64 programs, not riscv64 ones");

    ok(binfmt_handler_parse("x", "disabled\ninterpreter /i\nflags: \noffset 0\n"
                            "magic 7f454c4602010100000000000000000002\n", &h) == 0 &&
       !h.enabled && h.flags == 0 && binfmt_handler_matches(&h, binfmt_arch_find("riscv64")) &&
       binfmt_handler_matches(&h, binfmt_arch_find("aarch64")),
       "no mask: exact bytes; a short magic (any 64-bit LE EXEC) catches every guest");
    ok(binfmt_handler_parse("y", "enabled\ninterpreter /i\nflags: \noffset 0\n"
                            "magic 7f454c4602010100000000000000000003\n", &h) == 0 &&
       binfmt_handler_matches(&h, binfmt_arch_find("aarch64")),
       "an ET_DYN-only magic still matches (PIE programs)");
    ok(binfmt_handler_parse("z", "enabled\ninterpreter /i\nflags: \noffset 0\n"
                            "magic 7f454c4601\n", &h) == 0 &&
       !binfmt_handler_matches(&h, binfmt_arch_find("aarch64")),
       "a 32-bit magic does not match");
    ok(binfmt_handler_parse("w", "enabled\ninterpreter /usr/bin/wine\nflags: \nextension .exe\n",
                            &h) == 0 && h.is_extension &&
       !binfmt_handler_matches(&h, binfmt_arch_find("aarch64")),
       "an extension handler matches no ELF magic");
    ok(binfmt_handler_parse("v", "enabled\ninterpreter /i\nflags: \noffset 1\n"
                            "magic 454c4602010100000000000000000000020000b7\n", &h) == 0 &&
       !binfmt_handler_matches(&h, binfmt_arch_find("aarch64")),
       "an offset shifts the comparison");
    ok(binfmt_handler_parse("u", "hello\n", &h) == -1, "not a handler file");
    ok(binfmt_handler_parse("t", "enabled\ninterpreter /i\nflags: \noffset 0\nmagic 7f45\n"
                            "mask ff\n", &h) == -1, "mask shorter than magic is refused");
}

/* a minimal host ELF: one PT_LOAD, and a PT_INTERP when dynamic */
static void write_elf(const char *path, int dynamic, uint16_t machine, mode_t mode)
{
    struct {
        Elf64_Ehdr eh;
        Elf64_Phdr ph[2];
        char interp[32];
    } f;
    int fd;

    memset(&f, 0, sizeof(f));
    memcpy(f.eh.e_ident, ELFMAG, SELFMAG);
    f.eh.e_ident[EI_CLASS] = ELFCLASS64;
    f.eh.e_ident[EI_DATA] = ELFDATA2LSB;
    f.eh.e_ident[EI_VERSION] = EV_CURRENT;
    f.eh.e_type = ET_EXEC;
    f.eh.e_machine = machine;
    f.eh.e_version = EV_CURRENT;
    f.eh.e_phoff = sizeof(Elf64_Ehdr);
    f.eh.e_ehsize = sizeof(Elf64_Ehdr);
    f.eh.e_phentsize = sizeof(Elf64_Phdr);
    f.eh.e_phnum = dynamic ? 2 : 1;
    f.ph[0].p_type = PT_LOAD;
    f.ph[1].p_type = PT_INTERP;
    f.ph[1].p_offset = offsetof(__typeof__(f), interp);
    f.ph[1].p_filesz = sizeof("/lib64/ld-linux-x86-64.so.2");
    strcpy(f.interp, "/lib64/ld-linux-x86-64.so.2");
    unlink(path);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0 || write(fd, &f, sizeof(f)) != (ssize_t)sizeof(f))
        perror(path);
    fchmod(fd, mode);
    close(fd);
}

static void test_runner_check(void)
{
    char dir[] = "/tmp/test_binfmt.XXXXXX", path[256], err[512];

    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        exit(1);
    }
    snprintf(path, sizeof(path), "%s/runner", dir);
    write_elf(path, 0, EM_X86_64, 0755);
    ok(binfmt_runner_check(path, err, sizeof(err)) == 0, "a static host ELF is accepted");
    write_elf(path, 1, EM_X86_64, 0755);
    ok(binfmt_runner_check(path, err, sizeof(err)) == -1 && strstr(err, "not a static") &&
       strstr(err, "/lib64/ld-linux-x86-64.so.2"), "a dynamic one is refused, naming its loader");
    write_elf(path, 0, EM_AARCH64, 0755);
    ok(binfmt_runner_check(path, err, sizeof(err)) == -1 && strstr(err, "not an executable for"),
       "an ELF for another machine is refused");
    write_elf(path, 0, EM_X86_64, 0644);
    ok(binfmt_runner_check(path, err, sizeof(err)) == -1 && strstr(err, "not executable"),
       "a file without x bits is refused");
    snprintf(path, sizeof(path), "%s/missing", dir);
    ok(binfmt_runner_check(path, err, sizeof(err)) == -1 && strstr(err, "no such file"),
       "a missing runner is refused");
    ok(binfmt_runner_check("runtime-aarch64", err, sizeof(err)) == -1 && strstr(err, "absolute"),
       "a relative path is refused");
    ok(binfmt_runner_check(dir, err, sizeof(err)) == -1 && strstr(err, "regular"),
       "a directory is refused");
    snprintf(path, sizeof(path), "%s/runner", dir);
    unlink(path);
    rmdir(dir);
}

static void test_runner_flags(void)
{
    struct binfmt_start s;
    char *argv[] = { "/bin/ls", "ls", "-l", NULL };
    char **p = argv;
    uint64_t auxv[] = { AT_PAGESZ, 4096, AT_SECURE, 0, AT_NULL, 0 };
    static struct guest_image img;

    binfmt_start_from_auxv(&s, 0, false, 0, 0);
    ok(!s.by_kernel && !s.preserve_argv0 && s.execfd == -1 && !s.secure,
       "no flags: a command line like any other");
    ok(binfmt_start_guest_argv(&s, 3, &p) == 3 && p == argv, "without P the full path is argv[0]");

    binfmt_start_from_auxv(&s, BINFMT_AT_FLAGS_PRESERVE_ARGV0, false, 0, 0);
    p = argv;
    ok(s.by_kernel && s.preserve_argv0 && binfmt_start_guest_argv(&s, 3, &p) == 2 &&
       p == &argv[1], "P: AT_FLAGS bit 0, the original argv[0] follows the path");

    binfmt_start_from_auxv(&s, 0, true, 0, 0);
    ok(s.by_kernel && s.execfd == 0, "O: AT_EXECFD 0 is a descriptor, not an absence");

    int fd = open("/proc/self/exe", O_RDONLY);
    char buf[64], want[64];
    binfmt_start_from_auxv(&s, 0, true, (unsigned long)fd, 1);
    snprintf(want, sizeof(want), "/proc/self/fd/%d", fd);
    ok(!strcmp(binfmt_start_load_path(&s, "/x", buf, sizeof(buf)), want),
       "O: the program is loaded through the kernel's descriptor");
    img.auxv = (uint64_t)(uintptr_t)auxv;
    binfmt_start_finish(&s, &img);
    ok(auxv[3] == 1 && auxv[1] == 4096, "C made the runner secure: the guest's AT_SECURE is 1");
    ok(fcntl(fd, F_GETFD) == -1 && s.execfd == -1, "the kernel's descriptor is closed after load");
    ok(img.exe_path[0] == '/' && !strstr(img.exe_path, "/proc/"),
       "/proc/self/exe names the program, not the descriptor");

    auxv[3] = 0;
    binfmt_start_from_auxv(&s, 0, false, 0, 0);
    binfmt_start_finish(&s, &img);
    ok(auxv[3] == 0, "not secure: AT_SECURE stays 0");
    ok(!strcmp(binfmt_start_load_path(&s, "/x", buf, sizeof(buf)), "/x"),
       "no descriptor: the path is loaded");
}

int main(void)
{
    printf("1..36\n");
    test_arch_lists();
    test_entry_format();
    test_handler_parse();
    test_runner_check();
    test_runner_flags();
    return 0;
}
