/*
 * Control-flow encoders: short and near jumps (returning the displacement
 * address so a later label or a chain patch can fill it in), calls,
 * indirect jumps, push/pop/ret.
 */
#include "emit.h"

#include <assert.h>
#include <string.h>

uint8_t *x86_jmp8(struct x86_buf *b)
{
    x86_byte(b, 0xeb);
    x86_byte(b, 0);
    return b->p - 1;
}

uint8_t *x86_jcc8(struct x86_buf *b, enum x86_cc cc)
{
    x86_byte(b, (uint8_t)(0x70 + cc));
    x86_byte(b, 0);
    return b->p - 1;
}

void x86_patch8(uint8_t *disp, const void *target)
{
    intptr_t rel = (const uint8_t *)target - (disp + 1);
    assert(x86_fits_s8(rel));
    *disp = (uint8_t)rel;
}

void x86_patch32(uint8_t *disp, const void *target)
{
    intptr_t rel = (const uint8_t *)target - (disp + 4);
    assert(x86_fits_s32(rel));
    int32_t r32 = (int32_t)rel;
    memcpy(disp, &r32, 4);
}

uint8_t *x86_jmp32(struct x86_buf *b, const void *target)
{
    x86_byte(b, 0xe9);
    uint8_t *d = b->p;
    x86_u32(b, 0);
    if (target)
        x86_patch32(d, target);
    return d;
}

uint8_t *x86_jcc32(struct x86_buf *b, enum x86_cc cc, const void *target)
{
    x86_byte(b, 0x0f);
    x86_byte(b, (uint8_t)(0x80 + cc));
    uint8_t *d = b->p;
    x86_u32(b, 0);
    if (target)
        x86_patch32(d, target);
    return d;
}

void x86_call(struct x86_buf *b, const void *target)
{
    intptr_t rel = (const uint8_t *)target - (b->p + 5);
    if (x86_fits_s32(rel)) {
        x86_byte(b, 0xe8);
        x86_u32(b, (uint32_t)rel);
    } else {
        x86_mov_ri(b, X86_RAX, (uint64_t)(uintptr_t)target);
        x86_call_r(b, X86_RAX);
    }
}

void x86_call_r(struct x86_buf *b, int r)
{
    x86_op_rr(b, 0xff, 2, r);
}

void x86_jmp_r(struct x86_buf *b, int r)
{
    x86_op_rr(b, 0xff, 4, r);
}

void x86_jmp_m(struct x86_buf *b, struct x86_mem m)
{
    x86_op_rm(b, 0xff, 4, m);
}

void x86_push(struct x86_buf *b, int r)
{
    x86_op_r(b, 0x50, r);
}

void x86_pop(struct x86_buf *b, int r)
{
    x86_op_r(b, 0x58, r);
}

void x86_ret(struct x86_buf *b)
{
    x86_byte(b, 0xc3);
}
