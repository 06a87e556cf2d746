/*
 * Entry of the test guests: the PVH ELF note and the 32-bit entry.  The
 * guest starts in flat protected mode, paging off, %ebx = hvm_start_info.
 */
    .section .note.Xen, "a", @note
    .balign 4
    .long 4             /* namesz: "Xen\0" */
    .long 4             /* descsz */
    .long 18            /* XEN_ELFNOTE_PHYS32_ENTRY */
    .asciz "Xen"
    .long _start

    .text
    .code32
    .globl _start
_start:
    cli
    mov $boot_stack_top, %esp
    push %ebx
    call guest_main
    push %eax
    call debug_exit
1:  hlt
    jmp 1b

    .bss
    .balign 16
    .space 16384
boot_stack_top:
    .section .note.GNU-stack, "", @progbits
