/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Spawning one instance of a service (docs/services.md, "What a service starts with"):
 *
 *   slot 0  the service's endpoint: R|W, plus G when it may register a type (the
 *           registration hands init a W|G copy, and a copy needs G to travel)
 *   slot 1  init's endpoint: W|G, badged with the service index + 1 (G so that a
 *           spawner, the Process Manager, can give its programs the same slot 1)
 *   slot 2… the capabilities of its image description, in order, each attenuated to the
 *           rights listed (endpoint:NAME:w is W on service NAME's endpoint)
 *
 * Its exit is reported to init's endpoint (CHILD_EXITED, mr3 = the same badge). Every
 * instance of a service, restarts and live updates alike, is made here.
 */
#include "init.h"

long spawn_instance(struct service *s, const char *image)
{
	unsigned idx = (unsigned)(s - g.svc);
	orb_spawn_cap_t caps[2 + INIT_MAX_SVC_CAPS];
	memset(caps, 0, sizeof(caps));
	caps[0].src = s->ep;
	caps[0].dst = ORB_SLOT_SELF;
	caps[0].rights = ORB_RIGHT_READ | ORB_RIGHT_WRITE |
			 (s->d.service_type[0] ? ORB_RIGHT_GRANT : 0);
	caps[1].src = g.ep;
	caps[1].dst = ORB_SLOT_INIT;
	caps[1].rights = ORB_RIGHT_WRITE | ORB_RIGHT_GRANT;
	caps[1].badge = idx + 1;
	unsigned n = 2;
	for (unsigned k = 0; k < s->d.ncaps; k++, n++) {
		caps[n].src = s->capsrc[k];
		caps[n].dst = ORB_SLOT_FIRST_CAP + k;
		caps[n].rights = s->caprights[k];
	}
	orb_spawn_spec_t spec;
	memset(&spec, 0, sizeof(spec));
	memcpy(spec.name, s->d.name, sizeof(spec.name));
	if (!image)
		image = s->image;
	memcpy(spec.image, image, strnlen(image, sizeof(spec.image) - 1));
	spec.proc = g.proc;
	spec.exit_notify = g.ep;
	spec.exit_badge = idx + 1;
	memcpy(spec.limits, s->d.limits, sizeof(spec.limits));
	spec.caps_addr = (uint64_t)(uintptr_t)caps;
	spec.priority = s->d.priority < g.priority ? g.priority : s->d.priority;
	spec.ncaps = (uint8_t)n;
	return orb_process_spawn(&spec, sizeof(spec));
}
