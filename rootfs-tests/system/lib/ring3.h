/*
 * Ring 3 for the test guests: run a function at CPL 3 (in the identity
 * mapping start.S made user-accessible) and come back through a #GP
 * (ring3.c says why) with its result.  Under a software KVM (PVM) CPL 3 runs at native speed
 * while CPL 0 is emulated, so the real work goes here.
 */
#ifndef RING3_H
#define RING3_H

#include <stdint.h>

void ring3_init(void);
uint64_t ring3_call(uint64_t (*fn)(uint64_t), uint64_t arg);

#endif
