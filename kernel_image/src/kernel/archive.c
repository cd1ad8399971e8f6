/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The boot archive, packed by orbital_build/image/archive.py: a header, `count` fixed-size
 * entries, then the payloads. It starts where the architecture's memlayout.h says
 * (BOOT_ARCHIVE_PHYS: on x86_64 the first page after the kernel image, where the image
 * builder put it). Nothing in it is trusted until the header, every entry's bounds and
 * the SHA-256 digest have been checked; a damaged archive means no service starts. The
 * digest covers the whole archive, the header included with its own digest field read as
 * zeros: a header field outside it (once the entry count) could be changed unnoticed, and
 * dropping the last entries would go unseen.
 */
#include <kernel/archive.h>
#include <kernel/printk.h>
#include <kernel/sha256.h>
#include <kernel/string.h>
#include <memlayout.h>

#define ARCHIVE_MAX_ENTRIES 64
#define ARCHIVE_MAX_SIZE (64u << 20)

static const orb_boot_archive_header_t *hdr;
static const orb_boot_archive_entry_t *entries;

paddr_t archive_phys_start(void)
{
	return BOOT_ARCHIVE_PHYS();
}

paddr_t archive_phys_end(void)
{
	return archive_phys_start() + (hdr ? ALIGN_UP((u64)hdr->total_size, PAGE_SIZE) : 0);
}

static bool fail(const char *why)
{
	printk("boot archive: %s; no services will start\n", why);
	hdr = NULL;
	entries = NULL;
	return false;
}

bool archive_init(void)
{
	hdr = KERNEL_VIRT(archive_phys_start());
	if (hdr->magic != ORB_BOOT_ARCHIVE_MAGIC)
		return fail("not found (bad magic)");
	if (hdr->version != ORB_BOOT_ARCHIVE_VERSION)
		return fail("unsupported version");
	if (hdr->header_size != sizeof(*hdr) || hdr->count > ARCHIVE_MAX_ENTRIES)
		return fail("malformed header");
	u64 table_end = sizeof(*hdr) + (u64)hdr->count * sizeof(orb_boot_archive_entry_t);
	if (hdr->total_size > ARCHIVE_MAX_SIZE || hdr->total_size < table_end)
		return fail("size out of range");
	entries = (const orb_boot_archive_entry_t *)(hdr + 1);
	for (u32 i = 0; i < hdr->count; i++) {
		const orb_boot_archive_entry_t *e = &entries[i];
		if (e->offset < table_end || e->offset > hdr->total_size ||
		    e->size > hdr->total_size - e->offset)
			return fail("entry out of bounds");
		if (strnlen((const char *)e->name, sizeof(e->name)) == sizeof(e->name) ||
		    e->name[0] == '\0')
			return fail("entry name not terminated");
	}
	static const u8 zeros[sizeof(hdr->digest)];
	const u8 *raw = (const u8 *)hdr;
	const size_t at = offsetof(orb_boot_archive_header_t, digest);
	struct sha256 s;
	u8 digest[SHA256_DIGEST];
	sha256_init(&s);
	sha256_update(&s, raw, at);
	sha256_update(&s, zeros, sizeof(zeros));
	sha256_update(&s, raw + at + sizeof(zeros), hdr->total_size - at - sizeof(zeros));
	sha256_final(&s, digest);
	if (memcmp(digest, hdr->digest, SHA256_DIGEST) != 0)
		return fail("SHA-256 digest mismatch");
	return true;
}

u32 archive_count(void)
{
	return hdr ? hdr->count : 0;
}

bool archive_get(u32 index, struct archive_file *out)
{
	if (!hdr || index >= hdr->count)
		return false;
	const orb_boot_archive_entry_t *e = &entries[index];
	*out = (struct archive_file){
		.name = (const char *)e->name,
		.data = (const u8 *)hdr + e->offset,
		.size = e->size,
		.flags = e->flags,
		.priority = e->priority,
	};
	return true;
}

bool archive_find(const char *name, struct archive_file *out)
{
	for (u32 i = 0; i < archive_count(); i++)
		if (archive_get(i, out) && !strcmp(out->name, name))
			return true;
	return false;
}
