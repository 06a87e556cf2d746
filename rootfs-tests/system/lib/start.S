/*
 * Entry of the test guests: the PVH ELF note and the 32-bit entry, which
 * switches to long mode (identity-mapped 4 GiB, 2 MiB pages, user
 * accessible so that ring 3 reaches all of RAM) and calls guest_main(start
 * info) in 64-bit code.  Long mode is needed for ring 3 under KVM's PVM,
 * which runs guest user code natively only in 64-bit paged mode.
 * enter_long_mode is shared with the APs' trampoline (smp.c): it expects
 * the 64-bit target in %ebp and a stack in %esp.
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
    .globl _start, enter_long_mode
_start:
    cli
    mov $boot_stack_top, %esp
    mov %ebx, %edi              /* guest_main's argument, kept across the switch */
    mov $start64, %ebp
enter_long_mode:
    mov $pml4, %eax
    mov %eax, %cr3
    mov %cr4, %eax
    or $0x20, %eax              /* PAE */
    mov %eax, %cr4
    mov $0xc0000080, %ecx       /* EFER */
    rdmsr
    or $0x100, %eax             /* LME */
    wrmsr
    mov %cr0, %eax
    or $0x80000001, %eax        /* PG, PE */
    mov %eax, %cr0
    lgdt gdt64_ptr
    ljmp $0x08, $1f
    .code64
1:  mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %ebp, %eax
    jmp *%rax

start64:
    call guest_main
    mov %eax, %edi
    call debug_exit
2:  hlt
    jmp 2b

    .data
    .balign 4096
pml4:
    .quad pdpt + 0x7            /* present, writable, user */
    .fill 511, 8, 0
pdpt:
    .quad pd + 0x7, pd + 0x1007, pd + 0x2007, pd + 0x3007
    .fill 508, 8, 0
pd:
    .set page, 0
    .rept 2048
    .quad page + 0x87           /* present, writable, user, 2 MiB */
    .set page, page + 0x200000
    .endr

    /* 0x08 kernel code, 0x10 kernel data, 0x18 user data, 0x20 user code, 0x28 TSS (ring3.c fills it) */
    .globl gdt64, gdt64_tss
    .balign 16
gdt64:
    .quad 0, 0x00af9a000000ffff, 0x00cf92000000ffff, 0x00cff2000000ffff, 0x00affa000000ffff
gdt64_tss:
    .quad 0, 0
gdt64_end:
gdt64_ptr:
    .word gdt64_end - gdt64 - 1
    .quad gdt64

    .bss
    .balign 16
    .space 16384
boot_stack_top:
    .section .note.GNU-stack, "", @progbits
