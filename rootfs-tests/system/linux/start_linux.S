/*
 * Entries of the boot-protocol test kernel (linuxboot.c), at the offsets a
 * bzImage's protected-mode part has them (Documentation/arch/x86/boot.rst):
 * the 32-bit entry at the load address (code32_start), the 64-bit entry at
 * +0x200.  Both hand %esi/%rsi, the boot_params, to linux_main.
 */
    .section .text.entry, "ax"
    .code32
    .globl _start32
_start32:
    cli
    mov $linux_stack_top, %esp
    movl $32, entry_bits
    mov %esi, %edi              /* boot_params, kept across enter_long_mode */
    mov $main64, %ebp
    jmp enter_long_mode

    .org 0x200
    .code64
    .globl _start64
_start64:
    cli
    mov $linux_stack_top, %rsp
    movl $64, entry_bits
    mov %rsi, %rdi
main64:
    call linux_main
    mov %eax, %edi
    call debug_exit

    .data
    .globl entry_bits
entry_bits:
    .long 0

    .bss
    .balign 16
    .space 8192
linux_stack_top:
    .section .note.GNU-stack, "", @progbits
