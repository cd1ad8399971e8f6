/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Boot: the multiboot v1 header and the 32-bit entry that reaches 64-bit long mode.
 *
 * QEMU's -kernel loader (multiboot v1, a.out kludge: flags bit 16) copies the image to
 * physical KERNEL_PHYS and jumps to _start32 in 32-bit protected mode, paging off, with
 * EAX = 0x2BADB002 and EBX = physical address of the multiboot info. From there:
 *   1. zero .bss (the boot page tables and stack live there);
 *   2. check CPUID for long mode and NX (print why and exit through isa-debug-exit if not);
 *   3. build boot page tables with 2 MiB pages: the first 4 GiB identity-mapped (to survive
 *      the switch) and at DIRECT_MAP_BASE, the first 2 GiB at KERNEL_VMA;
 *   4. CR4.PAE, CR3, EFER.LME|NXE, CR0.PG|WP; load a boot GDT; far jump to 64-bit code;
 *   5. jump to the higher half, set the boot stack and call kmain(magic, info).
 * kmain replaces these tables with the final ones (vm.c), which drop the identity map.
 *
 * kernel_entry64 is also where the Unicorn machine model starts the kernel: long mode,
 * paging with the higher half mapped, EDI = magic, ESI = multiboot info.
 */
#include <memlayout.h>

#define MB_MAGIC 0x1BADB002
#define MB_FLAGS ((1 << 1) | (1 << 16))    /* memory info; a.out kludge (addresses below) */
#define PHYS(x) ((x) - KERNEL_VMA)
#define PTE_P 0x1
#define PTE_W 0x2
#define PTE_PS 0x80

	.section .multiboot, "a"
	.align 4
	.global multiboot_header
multiboot_header:
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)
	.long PHYS(multiboot_header)   /* header_addr */
	.long PHYS(__kernel_start)     /* load_addr */
	.long PHYS(__load_end)         /* load_end_addr: the image builder extends it */
	.long PHYS(__kernel_end)       /* bss_end_addr: likewise */
	.long PHYS(_start32)           /* entry_addr */

	.section .boot.text, "ax"
	.code32
	.global _start32
_start32:
	cli
	cld
	movl $PHYS(boot_stack_top), %esp
	movl %eax, %ebp                /* multiboot magic */
	movl %ebx, %edx                /* multiboot info */

	/* 1. zero .bss */
	movl $PHYS(__bss_start), %edi
	movl $PHYS(__bss_end), %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb
	movl %ebp, PHYS(boot_mb_magic)
	movl %edx, PHYS(boot_mb_info)

	/* 2. long mode and NX available? */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	btl $29, %edx                  /* LM */
	jnc no_long_mode
	btl $20, %edx                  /* NX */
	jnc no_long_mode

	/* 3. boot page tables */
	movl $PHYS(boot_pd), %edi      /* 4 page directories: 2048 x 2 MiB = 4 GiB */
	movl $(PTE_P | PTE_W | PTE_PS), %eax
	xorl %ebx, %ebx
	movl $2048, %ecx
1:	movl %eax, (%edi)
	movl %ebx, 4(%edi)
	addl $0x200000, %eax
	adcl $0, %ebx
	addl $8, %edi
	loop 1b
	movl $PHYS(boot_pdpt_lo), %edi
	movl $(PHYS(boot_pd) + PTE_P + PTE_W), %eax
	movl $4, %ecx
2:	movl %eax, (%edi)
	addl $4096, %eax
	addl $8, %edi
	loop 2b
	movl $(PHYS(boot_pd) + PTE_P + PTE_W), PHYS(boot_pdpt_hi) + 510 * 8
	movl $(PHYS(boot_pd) + 4096 + PTE_P + PTE_W), PHYS(boot_pdpt_hi) + 511 * 8
	movl $(PHYS(boot_pdpt_lo) + PTE_P + PTE_W), PHYS(boot_pml4)
	movl $(PHYS(boot_pdpt_lo) + PTE_P + PTE_W), PHYS(boot_pml4) + 256 * 8
	movl $(PHYS(boot_pdpt_hi) + PTE_P + PTE_W), PHYS(boot_pml4) + 511 * 8

	/* 4. enter long mode */
	movl $PHYS(boot_pml4), %eax
	movl %eax, %cr3
	movl %cr4, %eax
	orl $(1 << 5), %eax            /* PAE */
	movl %eax, %cr4
	movl $0xC0000080, %ecx         /* EFER */
	rdmsr
	orl $((1 << 8) | (1 << 11)), %eax   /* LME | NXE */
	wrmsr
	movl %cr0, %eax
	orl $((1 << 31) | (1 << 16)), %eax  /* PG | WP */
	movl %eax, %cr0
	lgdt PHYS(boot_gdtr)
	ljmp $0x08, $PHYS(long_mode_trampoline)

no_long_mode:
	movl $PHYS(no_lm_msg), %esi
3:	lodsb
	testb %al, %al
	jz 4f
	movw $0x3F8, %dx
	outb %al, %dx
	jmp 3b
4:	movw $0xF4, %dx
	movb $0x11, %al                /* isa-debug-exit: failure */
	outb %al, %dx
5:	hlt
	jmp 5b

	.code64
long_mode_trampoline:
	movabsq $kernel_entry64_boot, %rax
	jmp *%rax

	.section .text
	.global kernel_entry64
	.type kernel_entry64_boot, @function
kernel_entry64_boot:
	movl boot_mb_magic(%rip), %edi
	movl boot_mb_info(%rip), %esi
kernel_entry64:
	movw $0x10, %ax                /* kernel data selector of the boot GDT */
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movabsq $boot_stack_top, %rsp
	xorl %ebp, %ebp
	call kmain
5:	cli
	hlt
	jmp 5b
	.size kernel_entry64_boot, . - kernel_entry64_boot

	.section .rodata
no_lm_msg:
	.asciz "orbital: this CPU has no long mode or no NX; cannot boot\n"

	.section .data
	.align 8
boot_gdt:
	.quad 0
	.quad 0x00209A0000000000       /* 0x08: 64-bit kernel code */
	.quad 0x0000920000000000       /* 0x10: kernel data */
boot_gdt_end:
boot_gdtr:
	.word boot_gdt_end - boot_gdt - 1
	.long PHYS(boot_gdt)
	.global boot_mb_magic, boot_mb_info
boot_mb_magic:
	.long 0
boot_mb_info:
	.long 0

	.section .bss
	.align 4096
	.global boot_pml4
boot_pml4:
	.skip 4096
boot_pdpt_lo:
	.skip 4096
boot_pdpt_hi:
	.skip 4096
boot_pd:
	.skip 4 * 4096
	.global boot_stack_top, boot_stack_bottom
boot_stack_bottom:
	.skip KERNEL_STACK_SIZE
boot_stack_top:
