/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The IDT: all 256 vectors get a gate to their stub isr_N (vectors.S). Every gate is an
 * interrupt gate (IF cleared on entry) with DPL 0, so `int N` from ring 3 is a #GP rather
 * than a way into the kernel. Double fault, NMI and machine check run on their own IST
 * stacks so a corrupt kernel stack still gets a report.
 */
#include <arch/x86_64/regs.h>
#include <arch/x86_64/x86.h>

struct idt_gate {
	u16 offset_lo;
	u16 selector;
	u8 ist;
	u8 type_attr;
	u16 offset_mid;
	u32 offset_hi;
	u32 reserved;
} PACKED;

#define GATE_INTERRUPT_DPL0 0x8E

static struct idt_gate idt[256] ENTRY_DATA __attribute__((aligned(16)));
extern const u64 isr_stub_table[256];

static void set_gate(int vec, u64 handler, u8 ist)
{
	idt[vec] = (struct idt_gate){
		.offset_lo = handler & 0xFFFF,
		.selector = SEL_KCODE,
		.ist = ist,
		.type_attr = GATE_INTERRUPT_DPL0,
		.offset_mid = (handler >> 16) & 0xFFFF,
		.offset_hi = handler >> 32,
	};
}

void idt_init(void)
{
	for (int v = 0; v < 256; v++)
		set_gate(v, isr_stub_table[v], 0);
	set_gate(2, isr_stub_table[2], 2);    /* NMI: IST2 */
	set_gate(8, isr_stub_table[8], 1);    /* #DF: IST1 */
	set_gate(18, isr_stub_table[18], 3);  /* #MC: IST3 */
	struct {
		u16 limit;
		u64 base;
	} PACKED idtr = { sizeof(idt) - 1, (u64)idt };
	__asm__ volatile("lidt %0" : : "m"(idtr));
}
