/*
 * Guest harness, aarch64 side: enter a generated stream with every register
 * set from the context block above the scratch buffer, and come back.
 *
 * difftest_enter(scratch_base, code) saves the C caller's callee-saved state,
 * loads NZCV, FPCR, FPSR, q0..q31 and x0..x29 (not x28: the base) from the
 * context, points sp at the scratch middle and jumps to code through x30;
 * the code's first instruction reloads x30.  The stream's tail (written by
 * harness.c) stores x0..x30 and jumps to difftest_exit, which stores
 * q0..q31, NZCV, FPCR and FPSR and returns to C with a default FPCR.
 */
#include "stream.h"

#define HS(n) (DT_HOST_SAVE + 8 * (n))

    .text
    .globl difftest_enter
    .type difftest_enter, %function
difftest_enter:
    str x19, [x0, #HS(0)]
    str x20, [x0, #HS(1)]
    str x21, [x0, #HS(2)]
    str x22, [x0, #HS(3)]
    str x23, [x0, #HS(4)]
    str x24, [x0, #HS(5)]
    str x25, [x0, #HS(6)]
    str x26, [x0, #HS(7)]
    str x27, [x0, #HS(8)]
    str x28, [x0, #HS(9)]
    str x29, [x0, #HS(10)]
    str x30, [x0, #HS(11)]
    mov x2, sp
    str x2, [x0, #HS(12)]
    str d8, [x0, #HS(13)]
    str d9, [x0, #HS(14)]
    str d10, [x0, #HS(15)]
    str d11, [x0, #HS(16)]
    str d12, [x0, #HS(17)]
    str d13, [x0, #HS(18)]
    str d14, [x0, #HS(19)]
    str d15, [x0, #HS(20)]
    mov x28, x0
    adr x2, difftest_exit
    str x2, [x28, #DT_EXIT_ADDR]
    ldr x2, [x28, #DT_NZCV_INIT]
    msr nzcv, x2
    ldr x2, [x28, #DT_FPCR_INIT]
    msr fpcr, x2
    ldr x2, [x28, #DT_FPSR_INIT]
    msr fpsr, x2
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    ldr q\n, [x28, #(DT_V_INIT + 16 * \n)]
    .endr
    add sp, x28, #DT_SP_OFF
    mov x30, x1
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,29
    ldr x\n, [x28, #(DT_X_INIT + 8 * \n)]
    .endr
    br x30
    .size difftest_enter, . - difftest_enter

    .globl difftest_exit
    .type difftest_exit, %function
difftest_exit:
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    str q\n, [x28, #(DT_V_DUMP + 16 * \n)]
    .endr
    mrs x0, nzcv
    str x0, [x28, #DT_NZCV_DUMP]
    mrs x0, fpcr
    str x0, [x28, #DT_FPCR_DUMP]
    mrs x0, fpsr
    str x0, [x28, #DT_FPSR_DUMP]
    msr fpcr, xzr
    msr fpsr, xzr
    mov x0, x28
    ldr x2, [x0, #HS(12)]
    mov sp, x2
    ldr x19, [x0, #HS(0)]
    ldr x20, [x0, #HS(1)]
    ldr x21, [x0, #HS(2)]
    ldr x22, [x0, #HS(3)]
    ldr x23, [x0, #HS(4)]
    ldr x24, [x0, #HS(5)]
    ldr x25, [x0, #HS(6)]
    ldr x26, [x0, #HS(7)]
    ldr x27, [x0, #HS(8)]
    ldr x28, [x0, #HS(9)]
    ldr x29, [x0, #HS(10)]
    ldr x30, [x0, #HS(11)]
    ldr d8, [x0, #HS(13)]
    ldr d9, [x0, #HS(14)]
    ldr d10, [x0, #HS(15)]
    ldr d11, [x0, #HS(16)]
    ldr d12, [x0, #HS(17)]
    ldr d13, [x0, #HS(18)]
    ldr d14, [x0, #HS(19)]
    ldr d15, [x0, #HS(20)]
    ret
    .size difftest_exit, . - difftest_exit

    .section .note.GNU-stack, "", %progbits
