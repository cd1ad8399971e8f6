/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The boot archive, as init reads it: a header, a table of entries, payloads
 * (orbital_build/image/archive.py). The kernel checked its digest before starting us, but
 * init still trusts none of it: every size, offset, index and string is checked before use,
 * and a bad service descriptor costs that service only (it is logged and never started),
 * never init.
 *
 * Entries read here: `services` (orb_service_desc_t[], image order) and `servicecaps`
 * (orb_service_cap_t[], each descriptor names a run of them). Records are copied out with
 * memcpy, so their alignment inside the archive does not matter.
 */
#include "init.h"

#define ARCHIVE_LIMIT (256u << 20)    /* no archive is this large; a bigger size is a lie */
#define MAX_CAP_RECORDS 1024

static const uint8_t *archive;
static uint32_t archive_size;

/* A NUL-terminated, printable, non-empty name in a field of `size` bytes. */
static bool name_ok(const uint8_t *f, size_t size, bool may_be_empty)
{
	size_t n = strnlen((const char *)f, size);
	if (n == size || (n == 0 && !may_be_empty))
		return false;
	for (size_t i = 0; i < n; i++)
		if (f[i] < 0x21 || f[i] > 0x7e)
			return false;
	return true;
}

static bool header_ok(void)
{
	const orb_boot_archive_header_t *h = (const void *)ORB_BOOT_ARCHIVE_VADDR;
	if (h->magic != ORB_BOOT_ARCHIVE_MAGIC || h->version != ORB_BOOT_ARCHIVE_VERSION ||
	    h->header_size != sizeof(*h) || h->total_size > ARCHIVE_LIMIT)
		return false;
	uint64_t table_end = sizeof(*h) + (uint64_t)h->count * sizeof(orb_boot_archive_entry_t);
	if (table_end > h->total_size)
		return false;
	archive = (const uint8_t *)h;
	archive_size = h->total_size;
	return true;
}

/* The payload of entry `name` (checked to lie inside the archive), or NULL. */
static const uint8_t *entry_find(const char *name, uint32_t *size, uint32_t *flags)
{
	if (!archive)
		return NULL;
	const orb_boot_archive_header_t *h = (const void *)archive;
	for (uint32_t i = 0; i < h->count; i++) {
		orb_boot_archive_entry_t e;
		memcpy(&e, archive + sizeof(*h) + i * sizeof(e), sizeof(e));
		if (!name_ok(e.name, sizeof(e.name), false) || strcmp((const char *)e.name, name))
			continue;
		if (e.offset > archive_size || e.size > archive_size - e.offset)
			return NULL;
		*size = e.size;
		if (flags)
			*flags = e.flags;
		return archive + e.offset;
	}
	return NULL;
}

bool archive_program(const char *name)
{
	uint32_t size, flags;
	return entry_find(name, &size, &flags) && (flags & ORB_BOOT_ENTRY_ELF);
}

/* The version of the build an image is, if some descriptor runs it. */
const char *image_version(const char *image)
{
	for (unsigned i = 0; i < g.nsvc; i++)
		if (g.svc[i].valid && !strcmp((const char *)g.svc[i].d.image, image))
			return (const char *)g.svc[i].d.version;
	return NULL;
}

static const char *cap_problem(const orb_service_cap_t *c, unsigned nsvc)
{
	if (!c->rights || (c->rights & ~(ORB_RIGHT_READ | ORB_RIGHT_WRITE | ORB_RIGHT_GRANT)))
		return "a capability has bad rights";
	switch (c->object_type) {
	case ORB_OBJ_ENDPOINT:
		return c->service < nsvc ? NULL : "an endpoint capability names no service";
	case ORB_OBJ_CONSOLE:
	case ORB_OBJ_AXIOM:
	case ORB_OBJ_SECRET:
	case ORB_OBJ_PROCESS:
		return c->object_id == 0 ? NULL : "a console, axiom, secret or process "
						  "capability names an object other than 0";
	case ORB_OBJ_IRQ:
		return c->object_id < 256 ? NULL : "an irq capability names no line";
	case ORB_OBJ_IOPORT:
		return (c->object_id >> 32) == 0 &&
		       (c->object_id & 0xffff) <= ((c->object_id >> 16) & 0xffff) ?
		       NULL : "an ioport capability has a bad range";
	case ORB_OBJ_PCI_DEVICE: {
		uint64_t kind = orb_pci_match_get_kind(c->object_id);
		return (kind == 1 || kind == 2) && !(c->object_id & ORB_PCI_MATCH_RESERVED_MASK) ?
		       NULL : "a pci capability has a bad match";
	}
	default:
		return "a capability has an unknown object type";
	}
}

static const char *desc_problem(const orb_service_desc_t *d, unsigned index, unsigned nsvc,
				const orb_service_cap_t *caps, uint32_t ncaps)
{
	if (!name_ok(d->name, sizeof(d->name), false) || !name_ok(d->image, sizeof(d->image), false))
		return "name or image is not a NUL-terminated printable string";
	if (!name_ok(d->service_type, sizeof(d->service_type), true) ||
	    !name_ok(d->version, sizeof(d->version), false))
		return "service type or version is not a NUL-terminated printable string";
	if (d->phase < 1 || d->phase > 3)
		return "boot phase is not 1, 2 or 3";
	if (d->restart > ORB_RESTART_BACKOFF)
		return "unknown restart policy";
	if (d->flags & ~(uint32_t)ORB_SVC_FLAG_START)
		return "unknown flags";
	if ((nsvc < 64 && (d->deps >> nsvc)) || (d->deps & (1ull << index)))
		return "depends on a service that does not exist, or on itself";
	if (d->ncaps > INIT_MAX_SVC_CAPS || d->caps_first > ncaps || d->ncaps > ncaps - d->caps_first)
		return "capability list out of range (at most 14 capabilities)";
	for (unsigned k = 0; k < d->ncaps; k++) {
		const char *p = cap_problem(&caps[d->caps_first + k], nsvc);
		if (p)
			return p;
	}
	for (unsigned j = 0; j < index; j++)
		if (g.svc[j].valid && !strcmp((const char *)g.svc[j].d.name, (const char *)d->name))
			return "a second service with this name";
	return NULL;
}

/* Read and check the tables; fill g.svc. Bad entries are logged and left invalid. */
void manifest_load(void)
{
	uint32_t dsize = 0, csize = 0;
	const uint8_t *descs = header_ok() ? entry_find("services", &dsize, NULL) : NULL;
	const uint8_t *craw = entry_find("servicecaps", &csize, NULL);
	if (!archive)
		orb_printf("init: boot archive header is damaged; supervising nothing\n");
	if (!descs || dsize % sizeof(orb_service_desc_t) ||
	    dsize / sizeof(orb_service_desc_t) > INIT_MAX_SERVICES) {
		if (archive && descs)
			orb_printf("init: 'services' entry has a bad size (%u bytes)\n", dsize);
		g.nsvc = 0;
		return;
	}
	static orb_service_cap_t caps[MAX_CAP_RECORDS];
	uint32_t ncaps = 0;
	if (craw && csize % sizeof(orb_service_cap_t) == 0 &&
	    csize / sizeof(orb_service_cap_t) <= MAX_CAP_RECORDS) {
		ncaps = csize / sizeof(orb_service_cap_t);
		memcpy(caps, craw, csize);
	} else if (craw) {
		orb_printf("init: 'servicecaps' entry has a bad size (%u bytes); ignoring it\n", csize);
	}
	g.nsvc = dsize / sizeof(orb_service_desc_t);
	for (unsigned i = 0; i < g.nsvc; i++) {
		struct service *s = &g.svc[i];
		memcpy(&s->d, descs + i * sizeof(s->d), sizeof(s->d));
		s->state = ORB_SVC_STOPPED;
		s->ep = s->reg_cap = ORB_CAP_NONE;
		const char *why = desc_problem(&s->d, i, g.nsvc, caps, ncaps);
		if (!name_ok(s->d.name, sizeof(s->d.name), false))
			snprintf((char *)s->d.name, sizeof(s->d.name), "#%u", i);
		if (why) {
			orb_printf("init: service %s: %s; not starting it\n",
				   (const char *)s->d.name, why);
			s->state = ORB_SVC_DISABLED;
			continue;
		}
		s->valid = true;
		memcpy(s->image, s->d.image, sizeof(s->image));
		memcpy(s->version, s->d.version, sizeof(s->version));
	}
	/* endpoints first: a service's capability list may name any service's endpoint */
	for (unsigned i = 0; i < g.nsvc; i++) {
		struct service *s = &g.svc[i];
		if (s->valid && orb_ep_create(&s->ep) < 0) {
			orb_printf("init: %s: cannot create its endpoint; not starting it\n",
				   (const char *)s->d.name);
			s->valid = false;
			s->state = ORB_SVC_DISABLED;
		}
	}
	for (unsigned i = 0; i < g.nsvc; i++) {
		struct service *s = &g.svc[i];
		if (s->valid && caps_resolve(s, &caps[s->d.caps_first], s->d.ncaps) < 0) {
			s->valid = false;
			s->state = ORB_SVC_DISABLED;
		}
	}
	/* Whoever depends on a driver of absent hardware is absent too (bounded: each round
	 * marks one more service or stops). */
	for (unsigned round = 0; round < g.nsvc; round++) {
		bool marked = false;
		for (unsigned i = 0; i < g.nsvc; i++) {
			struct service *s = &g.svc[i];
			for (unsigned j = 0; j < g.nsvc && s->valid; j++) {
				if (!(s->d.deps & (1ull << j)) || !g.svc[j].absent)
					continue;
				orb_printf("init: %s: it depends on %s, whose device is absent; not "
					   "starting it\n", (const char *)s->d.name,
					   (const char *)g.svc[j].d.name);
				s->valid = false;
				s->absent = marked = true;
				s->state = ORB_SVC_DISABLED;
			}
		}
		if (!marked)
			break;
	}
}
