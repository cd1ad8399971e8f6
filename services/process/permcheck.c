/* SPDX-License-Identifier: Apache-2.0 */
#include <orbital.h>
#include <orbital/messages.h>

#include "owner.h"
#include "permcheck.h"
#include "pm.h"

static orb_str_t str(const char *s)
{
	return (orb_str_t){ .ptr = s, .len = (uint16_t)strlen(s) };
}

bool perm_allows(uint32_t pid, const char *type, uint8_t rights, const char *context,
		 const struct owner *owner, char *reason, size_t rlen)
{
	uint8_t buf[192];
	orb_msg_check_perm_t q = { .pid = pid, .cap_type = str(type), .rights = rights,
				   .context = str(context), .user = str(owner ? owner->name : ""),
				   .roles = owner ? owner->roles : 0 };
	long n = orb_msg_check_perm_encode(buf, sizeof(buf), &q);
	orb_msg_t reply;
	long rc = n < 0 ? n : orb_request(PM_PERM_EP, ORB_MSG_CHECK_PERM, buf, (size_t)n, &reply);
	orb_msg_check_perm_response_t r = { 0 };
	if (rc == 0 && (reply.tag != ORB_MSG_CHECK_PERM_RESPONSE ||
			orb_msg_check_perm_response_decode(reply.data, reply.len, &r) < 0))
		rc = -ORB_EINVAL;
	if (rc < 0) {
		snprintf(reason, rlen, "Permissions service unavailable (%ld)", rc);
		return false;
	}
	orb_strcopy(reason, rlen, r.reason.ptr, r.reason.len);
	return r.allowed == 1;
}
