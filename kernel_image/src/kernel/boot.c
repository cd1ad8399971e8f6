/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Starting the first processes from the boot archive.
 *
 * init (the entry flagged INIT) is created first, so it is pid 1. It receives the
 * capabilities its image description lists (config entry "initcaps", one boot_cap record
 * each, placed in slots 0, 1, 2… in that order; a PCI device capability names the first
 * device boot enumeration found that matches the record, and its slot stays empty when
 * none does) and a read-only window onto the whole
 * boot archive at USER_BOOT_ARCHIVE, from which it reads the manifest and the images of
 * the services it starts. Entries flagged START_AT_BOOT are then started by the kernel
 * as children of init (test images use this; the default image lets init start them).
 */
#include <kernel/archive.h>
#include <kernel/axiom.h>
#include <kernel/boot.h>
#include <kernel/cap.h>
#include <kernel/pci.h>
#include <kernel/printk.h>
#include <kernel/process.h>
#include <memlayout.h>

static void give_boot_caps(struct process *p)
{
	struct archive_file f;
	if (!archive_find("initcaps", &f))
		return;
	const orb_boot_cap_t *bc = (const orb_boot_cap_t *)f.data;
	u32 n = f.size / sizeof(*bc);
	for (u32 i = 0; i < n; i++) {
		u8 type = bc[i].object_type;
		u64 object = bc[i].object_id;
		struct kobj *obj = NULL;
		if (type == ORB_OBJ_PCI_DEVICE) {   /* a match: the first device that fits */
			struct pci_device *d = pci_match(object);
			if (!d) {
				printk("boot: initcaps[%u]: no PCI device matches %#lx; slot left "
				       "empty\n", i, object);
				continue;
			}
			object = d->bdf;
			obj = &d->kobj;
		} else if (type != ORB_OBJ_CONSOLE && type != ORB_OBJ_PROCESS &&
			   type != ORB_OBJ_IRQ && type != ORB_OBJ_IOPORT && type != ORB_OBJ_AXIOM &&
			   type != ORB_OBJ_SECRET) {
			printk("boot: initcaps[%u]: type %u cannot be created at boot; skipped\n", i, type);
			continue;
		}
		long h = cap_create_obj(p, type, object, bc[i].rights & ORB_RIGHTS_ALL, obj, (int)i);
		if (h < 0)
			printk("boot: initcaps[%u]: error %ld\n", i, h);
	}
}

_Static_assert(USER_BOOT_ARCHIVE == ORB_BOOT_ARCHIVE_VADDR, "init's boot archive window");

static void map_archive(struct process *p)
{
	paddr_t start = archive_phys_start();
	u64 size = archive_phys_end() - start;
	if (!size || !region_add(p, USER_BOOT_ARCHIVE, size, R_BOOT, VM_READ))
		return;
	for (u64 off = 0; off < size; off += PAGE_SIZE)
		vm_map(&p->vs, USER_BOOT_ARCHIVE + off, start + off, VM_READ | VM_SHARED);
	account_tables(p);   /* the frames are the archive's; the page tables are init's */
	region_logged(p, USER_BOOT_ARCHIVE, size, VM_READ);
}

/* init (spawner NULL) holds the machine's capacity; the others get the default limits,
 * charged to init. */
static struct process *start(const struct archive_file *f, struct process *spawner)
{
	long err;
	struct process *p = process_spawn_elf(f->name, f->name, f->data, f->size, f->priority,
					      spawner ? spawner->pid : 0, spawner, NULL, &err);
	if (!p)
		printk("boot: cannot start %s: error %ld\n", f->name, err);
	return p;
}

u32 boot_start_processes(void)
{
	struct archive_file f;
	struct process *init = NULL;
	u32 started = 0;
	for (u32 i = 0; i < archive_count(); i++) {
		if (!archive_get(i, &f) || !(f.flags & ORB_BOOT_ENTRY_ELF) ||
		    !(f.flags & ORB_BOOT_ENTRY_INIT))
			continue;
		init = start(&f, NULL);
		if (init) {
			give_boot_caps(init);
			map_archive(init);
			started++;
		}
		break;
	}
	for (u32 i = 0; i < archive_count() && init; i++) {
		if (archive_get(i, &f) && (f.flags & ORB_BOOT_ENTRY_ELF) &&
		    (f.flags & ORB_BOOT_ENTRY_START_AT_BOOT) && !(f.flags & ORB_BOOT_ENTRY_INIT) &&
		    start(&f, init))
			started++;
	}
	return started;
}
