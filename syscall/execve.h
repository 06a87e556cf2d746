/*
 * Guest execve/execveat (syscall/execve.c): what the rest of syscall/
 * calls outside the syscall table.
 */
#ifndef SYSCALL_EXECVE_H
#define SYSCALL_EXECVE_H

/*
 * Once, from syscall_init, before the guest runs: remember the runner's
 * own executable (the guest may chroot later) and make the -D log safe to
 * share with runners started by the guest's execve (append, close-on-exec).
 */
void execve_init(void);

#endif
