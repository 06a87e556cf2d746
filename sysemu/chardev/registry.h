/* -chardev BACKEND,id=ID,... and the lookup of a chardev by its id (registry.c) */
#ifndef SYSEMU_CHARDEV_REGISTRY_H
#define SYSEMU_CHARDEV_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

struct chardev;
struct chardev_loop;

/* remember one -chardev; 0, or -1 with one line in err */
int chardev_opt_add(const char *arg, char *err, size_t errlen);
bool chardev_opt_exists(const char *id);
/* the chardev of -chardev id=ID, opened on the first call; NULL with err */
struct chardev *chardev_by_id(const char *id, struct chardev_loop *loop, char *err, size_t errlen);

#endif
