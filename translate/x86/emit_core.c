/*
 * The shared part of every x86-64 encoding: legacy prefixes, REX, escape
 * bytes, ModRM/SIB with the rsp/r12 (needs SIB) and rbp/r13 (needs a
 * displacement) special cases, the VEX form used by BMI1/BMI2, and NOP
 * padding.  Intel SDM vol. 2, chapter 2.
 */
#include "emit.h"

#include <assert.h>
#include <string.h>

void x86_byte(struct x86_buf *b, uint8_t v)
{
    *b->p++ = v;
}

void x86_u32(struct x86_buf *b, uint32_t v)
{
    memcpy(b->p, &v, 4);
    b->p += 4;
}

void x86_u64(struct x86_buf *b, uint64_t v)
{
    memcpy(b->p, &v, 8);
    b->p += 8;
}

static void emit_prefix(struct x86_buf *b, unsigned opc, int r, int rm, int x)
{
    unsigned rex = 0;
    bool force = false;

    if (opc & X86_P_LOCK)
        x86_byte(b, 0xf0);
    if (opc & X86_P_66)
        x86_byte(b, 0x66);
    if (opc & X86_P_F3)
        x86_byte(b, 0xf3);
    if (opc & X86_P_F2)
        x86_byte(b, 0xf2);
    if (opc & X86_P_W)
        rex |= 8;
    if (r & 8)
        rex |= 4;
    if (x >= 0 && (x & 8))
        rex |= 2;
    if (rm >= 0 && (rm & 8))
        rex |= 1;
    /* without REX, byte registers 4..7 are ah/ch/dh/bh, not spl/bpl/sil/dil */
    if ((opc & X86_P_BYTE_R) && r >= 4 && r < 8)
        force = true;
    if ((opc & X86_P_BYTE_RM) && rm >= 4 && rm < 8)
        force = true;
    if (rex || force)
        x86_byte(b, (uint8_t)(0x40 | rex));
    if (opc & (X86_P_0F | X86_P_0F38 | X86_P_0F3A)) {
        x86_byte(b, 0x0f);
        if (opc & X86_P_0F38)
            x86_byte(b, 0x38);
        else if (opc & X86_P_0F3A)
            x86_byte(b, 0x3a);
    }
    x86_byte(b, (uint8_t)opc);
}

void x86_op_rr(struct x86_buf *b, unsigned opc, int r, int rm)
{
    emit_prefix(b, opc, r, rm, -1);
    x86_byte(b, (uint8_t)(0xc0 | (r & 7) << 3 | (rm & 7)));
}

void x86_op_rm(struct x86_buf *b, unsigned opc, int r, struct x86_mem m)
{
    assert(m.index != X86_RSP);
    emit_prefix(b, opc, r, m.base, m.index);
    if (m.base < 0) {
        /* absolute [disp32 (+ index)]: SIB with no base */
        x86_byte(b, (uint8_t)((r & 7) << 3 | 4));
        x86_byte(b, (uint8_t)(m.shift << 6 | (m.index >= 0 ? (m.index & 7) : 4) << 3 | 5));
        x86_u32(b, (uint32_t)m.disp);
        return;
    }
    unsigned mod;
    if (m.disp == 0 && (m.base & 7) != X86_RBP)
        mod = 0;
    else if (x86_fits_s8(m.disp))
        mod = 1;
    else
        mod = 2;
    if (m.index >= 0 || (m.base & 7) == X86_RSP) {
        x86_byte(b, (uint8_t)(mod << 6 | (r & 7) << 3 | 4));
        x86_byte(b, (uint8_t)(m.shift << 6 | (m.index >= 0 ? (m.index & 7) : 4) << 3 |
                              (m.base & 7)));
    } else {
        x86_byte(b, (uint8_t)(mod << 6 | (r & 7) << 3 | (m.base & 7)));
    }
    if (mod == 1)
        x86_byte(b, (uint8_t)m.disp);
    else if (mod == 2)
        x86_u32(b, (uint32_t)m.disp);
}

void x86_op_r(struct x86_buf *b, unsigned opc, int r)
{
    emit_prefix(b, (opc & ~0xffu) | ((opc + (r & 7)) & 0xff), 0, r, -1);
}

void x86_vex_rr(struct x86_buf *b, unsigned opc, int r, int v, int rm)
{
    unsigned mmmmm = (opc & X86_P_0F3A) ? 3 : (opc & X86_P_0F38) ? 2 : 1;
    unsigned pp = (opc & X86_P_66) ? 1 : (opc & X86_P_F3) ? 2 : (opc & X86_P_F2) ? 3 : 0;

    x86_byte(b, 0xc4);
    x86_byte(b, (uint8_t)((r & 8 ? 0 : 0x80) | 0x40 | (rm & 8 ? 0 : 0x20) | mmmmm));
    x86_byte(b, (uint8_t)((opc & X86_P_W ? 0x80 : 0) | (~v & 15) << 3 | pp));
    x86_byte(b, (uint8_t)opc);
    x86_byte(b, (uint8_t)(0xc0 | (r & 7) << 3 | (rm & 7)));
}

unsigned x86_size_opc(enum x86_size s, unsigned opc8)
{
    switch (s) {
    case X86_S8:
        return opc8 | X86_P_BYTE_R;
    case X86_S16:
        return (opc8 + 1) | X86_P_66;
    case X86_S32:
        return opc8 + 1;
    default:
        return (opc8 + 1) | X86_P_W;
    }
}

/* the recommended long NOP forms (SDM vol. 2, NOP) */
static const uint8_t nops[9][9] = {
    { 0 },
    { 0x90 },
    { 0x66, 0x90 },
    { 0x0f, 0x1f, 0x00 },
    { 0x0f, 0x1f, 0x40, 0x00 },
    { 0x0f, 0x1f, 0x44, 0x00, 0x00 },
    { 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00 },
    { 0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00 },
    { 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
};

void x86_nop(struct x86_buf *b, unsigned n)
{
    while (n) {
        unsigned k = n > 8 ? 8 : n;
        memcpy(b->p, nops[k], k);
        b->p += k;
        n -= k;
    }
}

void x86_align(struct x86_buf *b, unsigned align, unsigned ahead)
{
    uintptr_t at = (uintptr_t)b->p + ahead;
    x86_nop(b, (unsigned)((align - at % align) % align));
}
