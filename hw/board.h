/*
 * Boards: the machines -M names.  A board builds the address spaces and
 * devices of a struct machine and loads the kernel; hw/boards.c lists them.
 */
#ifndef HW_BOARD_H
#define HW_BOARD_H

#include <stddef.h>

struct machine;

struct board {
    const char *name;
    const char *desc;           /* one line for -M help */
    const char *arch;           /* QEMU's target name for query-cpus-fast: "x86" */
    int max_cpus;
    /* RAM, devices; one error line into err on failure */
    int (*init)(struct machine *m, char *err, size_t errlen);
    /* load -kernel/-initrd/-append into RAM and set m->boot; again at every reset */
    int (*load)(struct machine *m, char *err, size_t errlen);
};

const struct board *board_find(const char *name);
/* -M help */
void board_list(void);

#endif
