/* SPDX-License-Identifier: Apache-2.0 */
/*
 * x86_64 4-level paging (PML4 → PDPT → PD → PT, 4 KiB leaves; 2 MiB leaves only in the
 * kernel's direct map).
 *
 * The kernel's tables are built once in vm_init and their PML4 entries 256..511 are
 * copied into every address space, so kernel mappings are identical everywhere and marked
 * global. The kernel image gets one permission per section — text RX, rodata R+NX,
 * data/bss RW+NX — and the boot identity map is gone afterwards, so a stray kernel access
 * to a low address faults.
 *
 * TLB rules: vm_unmap and vm_protect invalidate the page (invlpg) when the address space
 * is loaded, and otherwise mark it stale so its next activation flushes. With PCID each
 * address space has its own tag (allocated from a bitmap while the space lives) and a
 * switch keeps the other tags' entries; without PCID every switch flushes.
 *
 * KPTI (an image option, -DKPTI): every address space has two PML4s in one 8 KiB pair,
 * its kernel tables (as above) and, one page up, its user tables — the same user half,
 * and of the kernel only the entry pages (the entry text, .data.entry and the IST stacks,
 * mapped by kpti_map into the kernel half every user table set copies). User mode runs on
 * the user tables; the entry code switches to the kernel tables first thing and back
 * last (CR3 bit 12), so a user program has nothing of the kernel to read, even
 * speculatively. Kernel mappings lose the global bit then, and PCID stays off (one tag for
 * both table sets would let the kernel's TLB entries serve user mode).
 */
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/x86.h>
#include <kernel/bootinfo.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <memlayout.h>
#include <mm/frame.h>
#include <mm/vm.h>
#include <orbital/abi.h>

#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_U (1ull << 2)
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_PS (1ull << 7)
#define PTE_G (1ull << 8)
#define PTE_SHARED (1ull << 9)    /* software: frame not owned by this mapping */
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

#define MAX_ASID 4096

#ifdef KPTI
#define ROOT_ORDER 1          /* the kernel tables, then the user tables one page up */
#define KERNEL_GLOBAL 0       /* no kernel TLB entry survives into user mode */
#else
#define ROOT_ORDER 0
#define KERNEL_GLOBAL PTE_G
#endif

extern char __kernel_start[], __text_end[], __rodata_end[], __kernel_end[];
extern char __entry_text_start[], __entry_text_end[];
extern char __entry_data_start[], __entry_data_end[];

static paddr_t kernel_root;
#ifdef KPTI
static paddr_t kpti_root;       /* its kernel half: what every user table set maps */
#endif
struct vspace *vspace_active;   /* loaded in CR3 (fastpath.S switches it too) */
static bool pcid_on;
static u64 asid_used[MAX_ASID / 64] = { 1 };   /* 0 is the kernel's */

static inline u64 *table(paddr_t pa) { return KERNEL_VIRT(pa & PTE_ADDR); }
static inline unsigned idx(vaddr_t va, int level) { return (va >> (12 + 9 * level)) & 511; }

static u64 leaf_bits(unsigned prot)
{
	u64 e = PTE_P;
	if (prot & VM_WRITE)
		e |= PTE_W;
	if (!(prot & VM_EXEC))
		e |= PTE_NX;
	if (prot & VM_USER)
		e |= PTE_U;
	else
		e |= KERNEL_GLOBAL;
	if (prot & VM_SHARED)
		e |= PTE_SHARED;
	if (prot & VM_UNCACHED)
		e |= PTE_PCD | PTE_PWT;   /* PAT entry 3 as the CPU resets it: UC */
	return e;
}

static unsigned pte_prot(u64 e)
{
	unsigned p = VM_READ;
	if (e & PTE_W)
		p |= VM_WRITE;
	if (!(e & PTE_NX))
		p |= VM_EXEC;
	if (e & PTE_U)
		p |= VM_USER;
	if (e & PTE_SHARED)
		p |= VM_SHARED;
	if (e & PTE_PCD)
		p |= VM_UNCACHED;
	return p;
}

/*
 * walk: the level-0 entry for va in the tables under root, creating missing tables when
 * `create` (accounted to *tables). NULL if absent (or out of memory), or if a large page
 * covers va. Bounded: four levels.
 */
static u64 *walk(paddr_t root, vaddr_t va, bool create, bool user, u64 *tables)
{
	u64 *t = table(root);
	for (int level = 3; level > 0; level--) {
		u64 *e = &t[idx(va, level)];
		if (!(*e & PTE_P)) {
			if (!create)
				return NULL;
			paddr_t pa = frame_alloc(0);
			if (!pa)
				return NULL;
			if (tables)
				(*tables)++;
			*e = pa | PTE_P | PTE_W | (user ? PTE_U : 0);
#ifdef KPTI
			if (level == 3 && user)   /* the user tables share the user half */
				table(root + PAGE_SIZE)[idx(va, 3)] = *e;
#endif
		} else if (*e & PTE_PS) {
			return NULL;
		}
		t = table(*e);
	}
	return &t[idx(va, 0)];
}

static void kmap_range(vaddr_t va, vaddr_t end, paddr_t pa, unsigned prot)
{
	for (; va < end; va += PAGE_SIZE, pa += PAGE_SIZE) {
		u64 *e = walk(kernel_root, va, true, false, NULL);
		if (!e)
			panic("vm_init: out of memory for kernel page tables");
		*e = pa | leaf_bits(prot);
	}
}

static void kmap_2m(vaddr_t va, paddr_t pa, u64 extra)
{
	u64 *t = table(kernel_root);
	for (int level = 3; level > 1; level--) {
		u64 *e = &t[idx(va, level)];
		if (!(*e & PTE_P)) {
			paddr_t tp = frame_alloc(0);
			if (!tp)
				panic("vm_init: out of memory for the direct map");
			*e = tp | PTE_P | PTE_W;
		}
		t = table(*e);
	}
	t[idx(va, 1)] = pa | PTE_P | PTE_W | PTE_PS | KERNEL_GLOBAL | PTE_NX | extra;
}

void vm_init(void)
{
	kernel_root = frame_alloc(0);
	if (!kernel_root)
		panic("vm_init: no frame for the kernel PML4");
	/* Pre-create every kernel-half PDPT so user spaces can share them by copying. */
	for (int i = 256; i < 512; i++) {
		paddr_t pa = frame_alloc(0);
		if (!pa)
			panic("vm_init: out of memory");
		table(kernel_root)[i] = pa | PTE_P | PTE_W;
	}
	/* Direct map of RAM (2 MiB pages, RW, NX), and the APIC windows uncached. */
	for (paddr_t pa = 0; pa < ALIGN_UP(bootinfo.mem_top, 0x200000ul); pa += 0x200000)
		kmap_2m(DIRECT_MAP_BASE + pa, pa, 0);
	kmap_2m(DIRECT_MAP_BASE + 0xFEC00000, 0xFEC00000, PTE_PCD | PTE_PWT);
	kmap_2m(DIRECT_MAP_BASE + 0xFEE00000, 0xFEE00000, PTE_PCD | PTE_PWT);
	/* The kernel image, one protection per section. */
	vaddr_t text = (vaddr_t)__kernel_start, rodata = (vaddr_t)__text_end;
	vaddr_t data = (vaddr_t)__rodata_end, end = (vaddr_t)__kernel_end;
	kmap_range(text, rodata, IMAGE_PHYS_OF(text), VM_READ | VM_EXEC);
	kmap_range(rodata, data, IMAGE_PHYS_OF(rodata), VM_READ);
	kmap_range(data, end, IMAGE_PHYS_OF(data), VM_READ | VM_WRITE);

#ifdef KPTI
	kpti_root = frame_alloc(0);
	if (!kpti_root)
		panic("vm_init: no frame for the KPTI tables");
	kpti_map((vaddr_t)__entry_text_start, (vaddr_t)__entry_text_end);
	kpti_map((vaddr_t)__entry_data_start, (vaddr_t)__entry_data_end);
#endif
	pcid_on = cpu_has_pcid && ROOT_ORDER == 0;
	if (pcid_on)
		write_cr4(read_cr4() | CR4_PCIDE);
	vspace_activate_kernel();
}

#ifdef KPTI
void kpti_map(u64 va, u64 end)
{
	for (va &= ~(u64)(PAGE_SIZE - 1); va < end; va += PAGE_SIZE) {
		u64 *k = walk(kernel_root, va, false, false, NULL);
		u64 *e = walk(kpti_root, va, true, false, NULL);
		if (!k || !(*k & PTE_P) || !e)
			panic("kpti_map: %p is not a mapped 4 KiB kernel page", (void *)va);
		*e = *k;   /* the same frame with the same rights */
	}
}
#endif

u64 vm_map_kernel_stack(unsigned index, u64 size)
{
	vaddr_t top = KERNEL_STACKS + (u64)(index + 1) * KERNEL_STACK_SLOT;
	for (vaddr_t va = top - size; va < top; va += PAGE_SIZE) {
		paddr_t pa = frame_alloc(0);
		if (!pa)
			panic("vm: no memory for kernel stacks");
		kmap_range(va, va + PAGE_SIZE, pa, VM_READ | VM_WRITE);
	}
	return top;   /* the page below top - size stays unmapped: the guard */
}

void *vm_map_kernel_mmio(paddr_t pa, u64 size)
{
	static vaddr_t next = KERNEL_MMIO;
	if ((pa | size) & (PAGE_SIZE - 1) || size > KERNEL_MMIO + KERNEL_MMIO_SIZE - next)
		return NULL;
	vaddr_t va = next;
	kmap_range(va, va + size, pa, VM_READ | VM_WRITE | VM_UNCACHED);
	next += size + PAGE_SIZE;   /* a guard page between mappings */
	return (void *)va;
}

bool vm_pcid_enabled(void)
{
	return pcid_on;
}

static u16 asid_alloc(void)
{
	for (u32 i = 1; i < MAX_ASID; i++) {
		if (!(asid_used[i / 64] & (1ull << (i % 64)))) {
			asid_used[i / 64] |= 1ull << (i % 64);
			return (u16)i;
		}
	}
	return 0;   /* all taken: share tag 0 and always flush */
}

/*
 * What loading vs writes to CR3: its root and PCID tag, and bit 63 (keep the tag's TLB
 * entries) unless the space changed while it was not loaded. Kept up to date whenever
 * tlb_stale changes, so that fastpath.S can switch spaces with one load: a stale space
 * loaded there is flushed by this very value, and stays marked stale (flushed once more
 * at its next vspace_activate), which costs time, never correctness.
 */
static void set_cr3(struct vspace *vs)
{
	vs->cr3 = vs->root;
	if (pcid_on) {
		vs->cr3 |= vs->asid;
		if (!vs->tlb_stale && vs->asid)
			vs->cr3 |= 1ull << 63;
	}
}

int vspace_create(struct vspace *vs)
{
	memset(vs, 0, sizeof(*vs));
	vs->root = frame_alloc(ROOT_ORDER);
	if (!vs->root)
		return -ORB_ENOMEM;
	memcpy(table(vs->root) + 256, table(kernel_root) + 256, 256 * sizeof(u64));
#ifdef KPTI
	memcpy(table(vs->root + PAGE_SIZE) + 256, table(kpti_root) + 256, 256 * sizeof(u64));
#endif
	vs->asid = pcid_on ? asid_alloc() : 0;
	vs->tlb_stale = true;   /* the tag may have been used before */
	set_cr3(vs);
	vs->table_pages = 1u << ROOT_ORDER;
	return 0;
}

void vspace_destroy(struct vspace *vs)
{
	if (vspace_active == vs)
		vspace_activate_kernel();
	u64 *l4 = table(vs->root);
	for (int i = 0; i < 256; i++) {
		if (!(l4[i] & PTE_P))
			continue;
		u64 *l3 = table(l4[i]);
		for (int j = 0; j < 512; j++) {
			if (!(l3[j] & PTE_P))
				continue;
			u64 *l2 = table(l3[j]);
			for (int k = 0; k < 512; k++) {
				if (!(l2[k] & PTE_P))
					continue;
				u64 *l1 = table(l2[k]);
				for (int m = 0; m < 512; m++)
					if ((l1[m] & PTE_P) && !(l1[m] & PTE_SHARED))
						frame_free(l1[m] & PTE_ADDR, 0);
				frame_free(l2[k] & PTE_ADDR, 0);
			}
			frame_free(l3[j] & PTE_ADDR, 0);
		}
		frame_free(l4[i] & PTE_ADDR, 0);
	}
	frame_free(vs->root, ROOT_ORDER);
	if (vs->asid)
		asid_used[vs->asid / 64] &= ~(1ull << (vs->asid % 64));
	vs->root = 0;
}

void vspace_activate(struct vspace *vs)
{
	if (vs == vspace_active && !vs->tlb_stale)
		return;
	u64 cr3 = vs->cr3;
	vs->tlb_stale = false;
	set_cr3(vs);
	vspace_active = vs;
	write_cr3(cr3);
}

void vspace_activate_kernel(void)
{
	vspace_active = NULL;
	write_cr3(kernel_root);   /* tag 0, flushes tag 0 */
}

struct vspace *vm_current(void)
{
	return vspace_active;
}

u64 vm_user_cr3(void)
{
	return vspace_active->cr3 | (ROOT_ORDER ? PAGE_SIZE : 0);
}

static bool user_page_ok(vaddr_t va)
{
	return !(va & (PAGE_SIZE - 1)) && va >= PAGE_SIZE && va < USER_TOP - PAGE_SIZE;
}

int vm_map(struct vspace *vs, vaddr_t va, paddr_t pa, unsigned prot)
{
	if (!user_page_ok(va) || (pa & (PAGE_SIZE - 1)))
		return -ORB_EINVAL;
	if ((prot & VM_WRITE) && (prot & VM_EXEC))
		return -ORB_EINVAL;   /* W^X */
	u64 *e = walk(vs->root, va, true, true, &vs->table_pages);
	if (!e)
		return -ORB_ENOMEM;
	if (*e & PTE_P)
		return -ORB_EEXIST;
	*e = pa | leaf_bits(prot | VM_USER);
	vs->pages++;
	vs->shared += (prot & VM_SHARED) != 0;
	return 0;
}

static void tlb_invalidate(struct vspace *vs, vaddr_t va)
{
	if (vs == vspace_active) {
		invlpg(va);
	} else {
		vs->tlb_stale = true;
		set_cr3(vs);
	}
}

paddr_t vm_unmap(struct vspace *vs, vaddr_t va, unsigned *prot_out)
{
	if (!user_page_ok(va))
		return 0;
	u64 *e = walk(vs->root, va, false, true, NULL);
	if (!e || !(*e & PTE_P))
		return 0;
	paddr_t pa = *e & PTE_ADDR;
	if (prot_out)
		*prot_out = pte_prot(*e);
	vs->shared -= (*e & PTE_SHARED) != 0;
	*e = 0;
	vs->pages--;
	tlb_invalidate(vs, va);
	return pa;
}

int vm_protect(struct vspace *vs, vaddr_t va, unsigned prot)
{
	if (!user_page_ok(va))
		return -ORB_EINVAL;
	if ((prot & VM_WRITE) && (prot & VM_EXEC))
		return -ORB_EINVAL;
	u64 *e = walk(vs->root, va, false, true, NULL);
	if (!e || !(*e & PTE_P))
		return -ORB_ENOENT;
	*e = (*e & (PTE_ADDR | PTE_SHARED | PTE_PCD | PTE_PWT)) | leaf_bits(prot | VM_USER);
	tlb_invalidate(vs, va);
	return 0;
}

bool vm_query(const struct vspace *vs, vaddr_t va, paddr_t *pa, unsigned *prot)
{
	u64 *e = walk(vs->root, ALIGN_DOWN(va, PAGE_SIZE), false, true, NULL);
	if (!e || !(*e & PTE_P))
		return false;
	if (pa)
		*pa = (*e & PTE_ADDR) | (va & (PAGE_SIZE - 1));
	if (prot)
		*prot = pte_prot(*e);
	return true;
}

bool vm_user_entry(const struct vspace *vs, u64 entry)
{
	unsigned prot;
	return entry >= USER_BASE && entry < USER_TOP && vm_query(vs, entry, NULL, &prot) &&
	       (prot & VM_EXEC) && (prot & VM_USER);
}
