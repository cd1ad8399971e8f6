/* SPDX-License-Identifier: Apache-2.0 */
/*
 * init's own capabilities. The kernel gives init the capabilities its image description
 * lists, one per slot in that order (console, the root Process capability, the Axiom
 * reader, ports, IRQ lines). init does not rely on the order: it lists its slots once and
 * finds, for each capability a service is to receive, one of its own with the same object
 * type and object that has GRANT and at least the rights asked for. The child's copy is
 * derived from it by process_spawn, attenuated to exactly those rights. Capabilities to
 * another service's endpoint are derived from the one init made for that service, and
 * never carry R: only a service's own instances may receive its requests.
 *
 * A PCI device capability is asked for by a match (vendor and device, or class), and init
 * gives one of its own device capabilities whose device matches. When it has none — the
 * machine has no such device, so the kernel left init's slot empty — the service is a
 * driver for absent hardware: it is not started, and it does not hold up "all services
 * ready" (nor do the services that depend on it).
 */
#include "init.h"

#define MAX_SLOTS 256                 /* CSpace capacity (spec §5.7) */

static orb_cap_info_t own[MAX_SLOTS];
static orb_pci_info_t own_pci[MAX_SLOTS];   /* for PCI device capabilities */
static unsigned nown;

static const char *kind(uint8_t type)
{
	switch (type) {
	case ORB_OBJ_CONSOLE: return "console";
	case ORB_OBJ_PROCESS: return "process";
	case ORB_OBJ_AXIOM: return "axiom";
	case ORB_OBJ_IRQ: return "irq";
	case ORB_OBJ_IOPORT: return "ioport";
	case ORB_OBJ_PCI_DEVICE: return "pci";
	case ORB_OBJ_SECRET: return "secret";
	default: return "?";
	}
}

/* Find the root Process capability and init's priority; remember the boot capabilities. */
long caps_setup(void)
{
	long n = orb_cap_list(own, sizeof(own));
	if (n < 0)
		return n;
	nown = (unsigned)n < MAX_SLOTS ? (unsigned)n : MAX_SLOTS;
	g.proc = ORB_CAP_NONE;
	for (unsigned i = 0; i < nown; i++)
		if (own[i].object_type == ORB_OBJ_PCI_DEVICE &&
		    orb_pci_info(own[i].slot, &own_pci[i], sizeof(own_pci[i])) < 0)
			own[i].object_type = 0;   /* unreadable: never handed out */
	for (unsigned i = 0; i < nown; i++)
		if (own[i].object_type == ORB_OBJ_PROCESS && own[i].object_id == 0 &&
		    (own[i].rights & ORB_RIGHT_WRITE))
			g.proc = own[i].slot;   /* boot slots were never emptied: generation 0 */
	g.priority = 255;
	static orb_proc_entry_t procs[64];
	long np = orb_process_list(procs, sizeof(procs));
	for (long i = 0; i < np && i < (long)ORB_ARRAY_SIZE(procs); i++)
		if (procs[i].pid == orb_pid())
			g.priority = procs[i].priority;
	return g.proc == ORB_CAP_NONE ? -ORB_EPERM : 0;
}

/* Does the device of own[i] match a pci_match word? */
static bool pci_matches(unsigned i, uint64_t match)
{
	const orb_pci_info_t *d = &own_pci[i];
	switch (orb_pci_match_get_kind(match)) {
	case 1: return d->vendor == orb_pci_match_get_vendor(match) &&
		       d->device == orb_pci_match_get_device(match);
	case 2: return d->class_code == orb_pci_match_get_class_code(match) &&
		       d->subclass == orb_pci_match_get_subclass(match);
	default: return false;
	}
}

static orb_cptr_t find_own(uint8_t type, uint64_t object, uint8_t rights)
{
	for (unsigned i = 0; i < nown; i++) {
		const orb_cap_info_t *c = &own[i];
		bool same = type == ORB_OBJ_PCI_DEVICE ? pci_matches(i, object) : c->object_id == object;
		if (c->object_type == type && same &&
		    (c->rights & ORB_RIGHT_GRANT) && (c->rights & rights) == rights)
			return c->slot;
	}
	return ORB_CAP_NONE;
}

/* Pick the source of each of s's capabilities; -EPERM (logged) if init has none to give. */
long caps_resolve(struct service *s, const orb_service_cap_t *caps, unsigned ncaps)
{
	for (unsigned k = 0; k < ncaps; k++) {
		const orb_service_cap_t *c = &caps[k];
		orb_cptr_t src;
		uint8_t rights = c->rights;
		if (c->object_type == ORB_OBJ_ENDPOINT) {
			const struct service *t = &g.svc[c->service];
			src = t->valid ? t->ep : ORB_CAP_NONE;
			if (src == ORB_CAP_NONE && t->absent) {   /* like depending on it */
				orb_printf("init: %s: capability %u names the endpoint of %s, whose "
					   "device is absent; not starting it\n",
					   (const char *)s->d.name, k, (const char *)t->d.name);
				s->absent = true;
				return -ORB_ENOENT;
			}
			if (src == ORB_CAP_NONE) {
				orb_printf("init: %s: capability %u names the endpoint of %s, which "
					   "init does not run; not starting it\n",
					   (const char *)s->d.name, k, (const char *)t->d.name);
				return -ORB_ENOENT;
			}
			if (rights & ORB_RIGHT_READ)   /* receiving is for the service itself */
				orb_printf("init: %s: capability %u asks to receive from the "
					   "endpoint of %s; giving it W only\n",
					   (const char *)s->d.name, k, (const char *)t->d.name);
			rights &= ORB_RIGHT_WRITE | ORB_RIGHT_GRANT;
		} else {
			src = find_own(c->object_type, c->object_id, c->rights);
			if (src == ORB_CAP_NONE && c->object_type == ORB_OBJ_PCI_DEVICE) {
				orb_printf("init: %s: no PCI device matches its capability %u "
					   "(0x%lx); not starting it\n", (const char *)s->d.name, k,
					   (unsigned long)c->object_id);
				s->absent = true;
				return -ORB_ENOENT;
			}
			if (src == ORB_CAP_NONE) {
				orb_printf("init: %s: init holds no %s capability 0x%lx with rights "
					   "0x%x and grant to give it; not starting it\n",
					   (const char *)s->d.name, kind(c->object_type),
					   (unsigned long)c->object_id, c->rights);
				return -ORB_EPERM;
			}
		}
		s->capsrc[k] = src;
		s->caprights[k] = rights;
	}
	return 0;
}
