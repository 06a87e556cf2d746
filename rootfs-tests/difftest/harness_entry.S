/*
 * Guest harness, riscv64 side: enter a generated stream with every register
 * set from the context block below s0, and come back from it.
 *
 * difftest_enter(scratch_base, code) saves the C caller's state, loads fcsr,
 * f0..f31 and x1..x30 (not sp, not s0) from the context, and jumps to code
 * through t6; the code's first instruction reloads t6.  The stream's tail
 * (written by harness.c) stores x1..x31 and jumps to difftest_exit, which
 * stores f0..f31 and fcsr and returns to C.  gp and tp may be clobbered by
 * the stream and are restored here, as they are in difftest_on_signal_entry.
 */
#include "stream.h"

#define HS(n) (DT_HOST_SAVE + 8 * (n))

    .option norelax     /* gp is not ours while a stream runs */
    .text

    .globl difftest_enter
    .type difftest_enter, @function
difftest_enter:
    sd ra, HS(0)(a0)
    sd sp, HS(1)(a0)
    sd gp, HS(2)(a0)
    sd tp, HS(3)(a0)
    sd s0, HS(4)(a0)
    sd s1, HS(5)(a0)
    sd s2, HS(6)(a0)
    sd s3, HS(7)(a0)
    sd s4, HS(8)(a0)
    sd s5, HS(9)(a0)
    sd s6, HS(10)(a0)
    sd s7, HS(11)(a0)
    sd s8, HS(12)(a0)
    sd s9, HS(13)(a0)
    sd s10, HS(14)(a0)
    sd s11, HS(15)(a0)
    fsd fs0, HS(16)(a0)
    fsd fs1, HS(17)(a0)
    fsd fs2, HS(18)(a0)
    fsd fs3, HS(19)(a0)
    fsd fs4, HS(20)(a0)
    fsd fs5, HS(21)(a0)
    fsd fs6, HS(22)(a0)
    fsd fs7, HS(23)(a0)
    fsd fs8, HS(24)(a0)
    fsd fs9, HS(25)(a0)
    fsd fs10, HS(26)(a0)
    fsd fs11, HS(27)(a0)
    mv s0, a0
    lla t0, difftest_exit
    sd t0, DT_EXIT_ADDR(s0)
    ld t0, DT_FCSR_INIT(s0)
    fscsr t0
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    fld f\n, (DT_F_INIT + 8 * \n)(s0)
    .endr
    li sp, DT_SP_OFF
    add sp, sp, s0
    mv t6, a1
    ld x1, (DT_X_INIT + 8 * 1)(s0)
    .irp n, 3,4,5,6,7,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30
    ld x\n, (DT_X_INIT + 8 * \n)(s0)
    .endr
    jr t6
    .size difftest_enter, . - difftest_enter

    .globl difftest_exit
    .type difftest_exit, @function
difftest_exit:
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    fsd f\n, (DT_F_DUMP + 8 * \n)(s0)
    .endr
    frcsr t0
    sd t0, DT_FCSR_DUMP(s0)
    ld ra, HS(0)(s0)
    ld sp, HS(1)(s0)
    ld gp, HS(2)(s0)
    ld tp, HS(3)(s0)
    ld s1, HS(5)(s0)
    ld s2, HS(6)(s0)
    ld s3, HS(7)(s0)
    ld s4, HS(8)(s0)
    ld s5, HS(9)(s0)
    ld s6, HS(10)(s0)
    ld s7, HS(11)(s0)
    ld s8, HS(12)(s0)
    ld s9, HS(13)(s0)
    ld s10, HS(14)(s0)
    ld s11, HS(15)(s0)
    fld fs0, HS(16)(s0)
    fld fs1, HS(17)(s0)
    fld fs2, HS(18)(s0)
    fld fs3, HS(19)(s0)
    fld fs4, HS(20)(s0)
    fld fs5, HS(21)(s0)
    fld fs6, HS(22)(s0)
    fld fs7, HS(23)(s0)
    fld fs8, HS(24)(s0)
    fld fs9, HS(25)(s0)
    fld fs10, HS(26)(s0)
    fld fs11, HS(27)(s0)
    ld s0, HS(4)(s0)
    ret
    .size difftest_exit, . - difftest_exit

/* SA_SIGINFO handler entry: give C its gp and tp back, then report */
    .globl difftest_on_signal_entry
    .type difftest_on_signal_entry, @function
difftest_on_signal_entry:
    li t0, DT_SCRATCH_ADDR
    ld gp, HS(2)(t0)
    ld tp, HS(3)(t0)
    tail difftest_on_signal
    .size difftest_on_signal_entry, . - difftest_on_signal_entry

    .section .note.GNU-stack, "", @progbits
