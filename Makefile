# runtime — non-recursive build.  `make` builds the runners; `make check`
# installs what is missing, builds and runs every test; `make run` shows a demo.
#
# Sources are picked up by folder, so adding a file needs no edit here:
#   translate/ translate/x86/ loader/ syscall/  -> the shared core
#   isa/<arch>/*.c                                -> the <arch> front-end
#   <module>/tests/test_*.c                       -> one unit-test program each (TAP output)

CC       ?= gcc
B        := build
CFLAGS   := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter -I. -D_GNU_SOURCE \
            -fno-strict-aliasing -MMD -MP $(EXTRA_CFLAGS)
# The runner is one static, position-dependent binary linked at 1.75 GiB:
# above the fixed addresses guest executables use (0x10000 riscv64, 0x400000
# aarch64) and their brk areas, below the guests' PIE and interpreter bases
# (loader.h) and the host's mmap area (DESIGN.md decision 8).  Not static-pie:
# its 80,000 start-up relocations (mostly capstone's tables) cost ~7 ms per
# process, and the kernel would put it at the aarch64 PIE base.  2 GiB is the
# ceiling: crt1.o and libc.a use 32-bit absolute relocations.
RUNNER_LDFLAGS := -static -no-pie -Wl,-Ttext-segment=0x70000000
LIBS     := -lelf -lz -lseccomp -lcapstone -lm -lpthread
PREFIX   ?= /usr/local
GUESTS   := riscv64 aarch64

CORE_SRCS := $(wildcard translate/*.c translate/x86/*.c loader/*.c syscall/*.c syscall/generic/*.c)
CORE_OBJS := $(CORE_SRCS:%.c=$(B)/%.o)
# a guest's front-end (isa/<g>/) and its ABI glue (syscall/<g>/: cpu loop, signal frames)
isa_objs   = $(patsubst %.c,$(B)/%.o,$(wildcard isa/$(1)/*.c syscall/$(1)/*.c))
# guests whose front-end exists yet
BUILT_GUESTS := $(foreach g,$(GUESTS),$(if $(wildcard isa/$(g)/*.c),$(g)))
RUNNERS  := $(BUILT_GUESTS:%=$(B)/runtime-%)

.PHONY: all deps check check-long run install clean guest-progs demo-progs bench fuzz
all: $(RUNNERS) $(B)/runtime-binfmt

# V=1 shows the full commands
Q := $(if $(V),,@)
$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

define runner_rule
$(B)/runtime-$(1): $(B)/runtime/main.o $(B)/runtime/guest-$(1).o $(B)/runtime/binfmt_flags.o $(CORE_OBJS) $(call isa_objs,$(1))
	$$(if $$(Q),@echo "  LINK    $$@")
	$$(Q)$$(CC) $$(RUNNER_LDFLAGS) -o $$@ $$^ $$(LIBS)
endef
$(foreach g,$(BUILT_GUESTS),$(eval $(call runner_rule,$(g))))

# runtime-binfmt (binfmt/): registers the runners with binfmt_misc; static
# like them, so that it runs in any chroot
BINFMT_OBJS := $(patsubst %.c,$(B)/%.o,$(filter-out binfmt/main.c,$(wildcard binfmt/*.c)))
$(B)/runtime-binfmt: $(B)/binfmt/main.o $(BINFMT_OBJS)
	$(if $(Q),@echo "  LINK    $@")
	$(Q)$(CC) $(RUNNER_LDFLAGS) -o $@ $^

# ---- unit tests: <module>/tests/test_*.c, linked against the core (and the
# front-end when the module is isa/<arch>) ----
UNIT_SRCS  := $(wildcard translate/tests/test_*.c loader/tests/test_*.c syscall/tests/test_*.c \
                         binfmt/tests/test_*.c \
                         $(foreach g,$(BUILT_GUESTS),isa/$(g)/tests/test_*.c))
UNIT_BINS  := $(UNIT_SRCS:%.c=$(B)/%)
unit_extra  = $(if $(filter isa/%,$(1)),$(call isa_objs,$(word 2,$(subst /, ,$(1))))) \
              $(if $(filter binfmt/%,$(1)),$(BINFMT_OBJS) $(B)/runtime/binfmt_flags.o)
define unit_rule
$(B)/$(1:%.c=%): $(B)/$(1:%.c=%.o) $(CORE_OBJS) $(call unit_extra,$(1))
	$$(if $$(Q),@echo "  LINK    $$@")
	$$(Q)$$(CC) -o $$@ $$^ $$(LIBS)
endef
$(foreach t,$(UNIT_SRCS),$(eval $(call unit_rule,$(t))))

# ---- runtime-img: the block layer imgutil/ (a library: imgutil/*.c and
# imgutil/<format>/*.c), its command imgutil/cmd/*.c, its unit tests
# imgutil/tests/test_*.c (linked against the library, not the runner core) ----
IMG_LIB_SRCS  := $(filter-out imgutil/cmd/% imgutil/tests/%,$(wildcard imgutil/*.c imgutil/*/*.c))
IMG_LIB_OBJS  := $(IMG_LIB_SRCS:%.c=$(B)/%.o)
IMG_LIBS      := $(if $(wildcard /usr/include/zstd.h),-lzstd) -lz -lpthread
IMG_UNIT_SRCS := $(wildcard imgutil/tests/test_*.c)
UNIT_BINS     += $(IMG_UNIT_SRCS:%.c=$(B)/%)
all: $(B)/runtime-img
$(B)/runtime-img: $(patsubst %.c,$(B)/%.o,$(wildcard imgutil/cmd/*.c)) $(IMG_LIB_OBJS)
	$(if $(Q),@echo "  LINK    $@")
	$(Q)$(CC) -static -o $@ $^ $(IMG_LIBS)
$(IMG_UNIT_SRCS:%.c=$(B)/%): $(B)/%: $(B)/%.o $(IMG_LIB_OBJS)
	$(if $(Q),@echo "  LINK    $@")
	$(Q)$(CC) -o $@ $^ $(IMG_LIBS)

# ---- the monitor side of runtime-system: chardevs (sysemu/chardev/), HMP
# (sysemu/monitor/), QMP (sysemu/qmp/); their unit tests sysemu/tests/test_*.c
# link against these and the event table alone, with a fake machine behind
# sysemu/control.h ----
MON_SRCS       := $(wildcard sysemu/chardev/*.c sysemu/monitor/*.c sysemu/qmp/*.c) sysemu/event.c
MON_OBJS       := $(MON_SRCS:%.c=$(B)/%.o)
MON_LIBS       := -ljansson -lpthread
MON_UNIT_SRCS  := $(wildcard sysemu/tests/test_*.c)
UNIT_BINS      += $(MON_UNIT_SRCS:%.c=$(B)/%)
$(MON_UNIT_SRCS:%.c=$(B)/%): $(B)/%: $(B)/%.o $(MON_OBJS)
	$(if $(Q),@echo "  LINK    $@")
	$(Q)$(CC) -o $@ $^ $(MON_LIBS)

# ---- runtime-system: the machine core (sysemu/*.c), accelerators
# (hostaccel/<accel>/), boards and devices (hw/, hw/<class>/) and the monitor
# side above; static like the other commands ----
SYS_SRCS := $(filter-out sysemu/event.c,$(wildcard sysemu/*.c)) $(wildcard hostaccel/*/*.c hw/*.c hw/*/*.c)
SYS_OBJS := $(SYS_SRCS:%.c=$(B)/%.o)
# the core's unit test links it next to the monitor objects of the rule above
$(B)/sysemu/tests/test_core: $(B)/sysemu/memory.o $(B)/sysemu/loop.o $(B)/sysemu/log.o
all: $(B)/runtime-system
# virtio-blk (hw/virtio/) opens disks through the block layer imgutil/
$(B)/runtime-system: $(B)/runtime/system_main.o $(SYS_OBJS) $(MON_OBJS) $(IMG_LIB_OBJS)
	$(if $(Q),@echo "  LINK    $@")
	$(Q)$(CC) -static -o $@ $^ $(MON_LIBS) $(IMG_LIBS)

# ---- virtio devices (hw/virtio/) and network back-ends (hw/net/): unit
# tests hw/virtio/tests/test_*.c play the driver against the devices with a
# fake guest RAM, linked with the block layer and the log alone ----
VIRTIO_OBJS      := $(patsubst %.c,$(B)/%.o,$(filter-out hw/virtio/setup.c,$(wildcard hw/virtio/*.c hw/net/*.c))) $(B)/sysemu/log.o
VIRTIO_UNIT_SRCS := $(wildcard hw/virtio/tests/test_*.c)
UNIT_BINS        += $(VIRTIO_UNIT_SRCS:%.c=$(B)/%)
$(VIRTIO_UNIT_SRCS:%.c=$(B)/%): $(B)/%: $(B)/%.o $(VIRTIO_OBJS) $(IMG_LIB_OBJS)
	$(if $(Q),@echo "  LINK    $@")
	$(Q)$(CC) -o $@ $^ $(IMG_LIBS)
# -netdev user's helper: libslirp in a process of its own, linked
# dynamically (Debian has no libslirp.a; runtime-system stays static)
ifneq ($(wildcard /usr/include/slirp/libslirp.h),)
all: $(B)/runtime-slirp
$(B)/runtime-slirp: $(B)/hw/net/slirp/helper.o
	$(if $(Q),@echo "  LINK    $@")
	$(Q)$(CC) -o $@ $^ -lslirp
endif

# ---- runtime-system's test guests (rootfs-tests/system/*.c): freestanding
# x86-64 PVH ELF images (a 32-bit entry; start.S goes to long mode) built
# with the host compiler, loadable by qemu-system-x86_64 too; part of
# guest-progs ----
SYSGUEST_NAMES  := $(patsubst rootfs-tests/system/%.c,%,$(wildcard rootfs-tests/system/*.c))
SYSGUEST_LIB    := rootfs-tests/system/lib/start.S rootfs-tests/system/lib/lib.c rootfs-tests/system/lib/ring3.c
SYSGUEST_CFLAGS := -m64 -mno-red-zone -mcmodel=small -O2 -ffreestanding -nostdlib -static -no-pie -fno-pic -fno-stack-protector \
                   -fno-asynchronous-unwind-tables -mno-sse -mno-mmx -mno-80387 -Wall -Werror \
                   -Irootfs-tests/system/lib -Wl,-T,rootfs-tests/system/lib/link.ld -Wl,--build-id=none -Wl,--no-warn-rwx-segments
$(B)/system-guests/%: rootfs-tests/system/%.c $(SYSGUEST_LIB) $(wildcard rootfs-tests/system/lib/*.h) rootfs-tests/system/lib/link.ld
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  GUEST   $@")
	$(Q)gcc $(SYSGUEST_CFLAGS) -o $@ $(SYSGUEST_LIB) $<
# the native oracle of the cpl3 guest's workload
$(B)/system-guests/work-native: rootfs-tests/system/oracle/work.c rootfs-tests/system/lib/work.h
	@mkdir -p $(dir $@)
	gcc -O2 -Wall -Werror -o $@ $<
# the Linux boot protocol without Linux: linuxboot packed as bzImages with
# the 64-bit entry (protocol 2.12, XLF_KERNEL_64) and with the 32-bit one (2.10)
$(B)/system-guests/linuxboot.elf: rootfs-tests/system/linux/linuxboot.c rootfs-tests/system/linux/start_linux.S \
		$(SYSGUEST_LIB) $(wildcard rootfs-tests/system/lib/*.h) rootfs-tests/system/lib/link.ld
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  GUEST   $@")
	$(Q)gcc $(SYSGUEST_CFLAGS) -o $@ rootfs-tests/system/linux/start_linux.S $(SYSGUEST_LIB) $<
$(B)/system-guests/mkbzimage: rootfs-tests/system/linux/mkbzimage.c
	@mkdir -p $(dir $@)
	gcc -O2 -Wall -Werror -o $@ $<
$(B)/system-guests/bzimage-64 $(B)/system-guests/bzimage-32: $(B)/system-guests/linuxboot.elf $(B)/system-guests/mkbzimage
	$(Q)objcopy -O binary $< $@.bin
	$(Q)$(B)/system-guests/mkbzimage $@.bin $@ $(if $(findstring 64,$(notdir $@)),0x20c 1,0x20a 0)
system-guests: $(SYSGUEST_NAMES:%=$(B)/system-guests/%) $(B)/system-guests/work-native \
               $(B)/system-guests/bzimage-64 $(B)/system-guests/bzimage-32
guest-progs: system-guests
.PHONY: system-guests

# ---- libFuzzer targets over the image parsers (imgutil/tests/fuzz_*.c),
# built by clang with ASan and UBSan from the library sources directly;
# rootfs-tests/img-fuzz.bats runs them.  Only when clang is installed. ----
FUZZ_SRCS   := $(wildcard imgutil/tests/fuzz_*.c)
FUZZ_BINS   := $(FUZZ_SRCS:imgutil/tests/%.c=$(B)/fuzz/%)
FUZZ_CFLAGS := -std=gnu11 -O1 -g -Wall -I. -D_GNU_SOURCE -fno-strict-aliasing \
               -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
HAVE_CLANG  := $(shell command -v clang 2>/dev/null)
$(B)/fuzz/%: imgutil/tests/%.c $(IMG_LIB_SRCS) $(wildcard imgutil/*.h imgutil/*/*.h)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  FUZZ    $@")
	$(Q)clang $(FUZZ_CFLAGS) -o $@ $< $(IMG_LIB_SRCS) $(IMG_LIBS)
fuzz: $(FUZZ_BINS)

# ---- guest test programs (rootfs-tests/progs/*.c): static -O2 per guest, plus native ----
PROG_SRCS := $(wildcard rootfs-tests/progs/*.c)
PROG_NAMES := $(PROG_SRCS:rootfs-tests/progs/%.c=%)
GUEST_CFLAGS := -O2 -static -Wall -fno-strict-aliasing -ffp-contract=off
$(B)/guest/native/%: rootfs-tests/progs/%.c
	@mkdir -p $(dir $@)
	gcc $(GUEST_CFLAGS) -o $@ $< -lm
$(B)/guest/riscv64/%: rootfs-tests/progs/%.c
	@mkdir -p $(dir $@)
	riscv64-linux-gnu-gcc $(GUEST_CFLAGS) -o $@ $< -lm
$(B)/guest/aarch64/%: rootfs-tests/progs/%.c
	@mkdir -p $(dir $@)
	aarch64-linux-gnu-gcc $(GUEST_CFLAGS) -march=armv8-a+crypto+crc -o $@ $< -lm
# the same programs linked dynamically, run with -L /usr/<triple>
GUEST_DYN_CFLAGS := $(filter-out -static,$(GUEST_CFLAGS))
$(B)/guest/riscv64-dyn/%: rootfs-tests/progs/%.c
	@mkdir -p $(dir $@)
	riscv64-linux-gnu-gcc $(GUEST_DYN_CFLAGS) -o $@ $< -lm
$(B)/guest/aarch64-dyn/%: rootfs-tests/progs/%.c
	@mkdir -p $(dir $@)
	aarch64-linux-gnu-gcc $(GUEST_DYN_CFLAGS) -march=armv8-a+crypto+crc -o $@ $< -lm
guest-progs: $(foreach g,native $(BUILT_GUESTS) $(BUILT_GUESTS:%=%-dyn),$(PROG_NAMES:%=$(B)/guest/$(g)/%))

# the `make run` demo programs (rootfs-tests/demo/*.c)
DEMO_NAMES := $(patsubst rootfs-tests/demo/%.c,%,$(wildcard rootfs-tests/demo/*.c))
$(B)/demo/riscv64/%: rootfs-tests/demo/%.c
	@mkdir -p $(dir $@)
	riscv64-linux-gnu-gcc $(GUEST_CFLAGS) -o $@ $<
$(B)/demo/aarch64/%: rootfs-tests/demo/%.c
	@mkdir -p $(dir $@)
	aarch64-linux-gnu-gcc $(GUEST_CFLAGS) -o $@ $<
demo-progs: $(foreach g,$(BUILT_GUESTS),$(DEMO_NAMES:%=$(B)/demo/$(g)/%))

deps:
	@bash rootfs-tests/lib/deps.sh

check: deps
	@$(MAKE) --no-print-directory all guest-progs $(UNIT_BINS) $(if $(HAVE_CLANG),$(FUZZ_BINS))
	@bash rootfs-tests/lib/run-tests.sh $(B) $(UNIT_BINS)

check-long: deps
	@$(MAKE) --no-print-directory all guest-progs $(UNIT_BINS) $(if $(HAVE_CLANG),$(FUZZ_BINS))
	@RUNTIME_CHECK_LONG=1 bash rootfs-tests/lib/run-tests.sh $(B) $(UNIT_BINS)

run: deps
	@$(MAKE) --no-print-directory all demo-progs
	@bash rootfs-tests/lib/demo.sh $(B)

bench: deps
	@$(MAKE) --no-print-directory all
	@bash rootfs-tests/bench/run.sh $(B)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(RUNNERS) $(B)/runtime-img $(B)/runtime-system $(DESTDIR)$(PREFIX)/bin/
	install -m 644 man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 755 $(B)/runtime-binfmt $(DESTDIR)$(PREFIX)/bin/
	install -d $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 644 man/*.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	$(if $(wildcard /usr/include/slirp/libslirp.h),install -m 755 $(B)/runtime-slirp $(DESTDIR)$(PREFIX)/bin/)

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
