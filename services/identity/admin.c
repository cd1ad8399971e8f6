/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Accounts: CREATE_USER, IDENTITY_PASSWD, IDENTITY_ADD_KEY, ACCOUNT_STATUS and
 * IDENTITY_HAS_ROLE.
 *
 * Who may do what (D244): an administrator's session creates users and sets any user's
 * password or status (never its own status: an administrator cannot lock itself out);
 * a user's session changes its own password (the old one is checked, and a wrong one
 * counts as a failed login) and adds its own public keys. The very first user may be
 * created without a session, by a System process, so that a fresh machine can get an
 * administrator. Roles given to users are admin, user and guest; `system` belongs to the
 * service identities System and Runtime processes register.
 */
#include "identity.h"

#define USER_ROLES (ORB_IDENTITY_ROLE_ADMIN | ORB_IDENTITY_ROLE_USER | ORB_IDENTITY_ROLE_GUEST)

static bool password_ok(orb_str_t p)
{
	return p.len >= 1 && p.len <= ORB_IDENTITY_PASSWORD_MAX;
}

static bool name_taken(const char *name)
{
	return user_find(name) || service_find(name);
}

long handle_create_user(const orb_msg_t *m)
{
	orb_msg_create_user_t q;
	if (orb_msg_create_user_decode(m->data, m->len, &q) < 0)
		return -ORB_EINVAL;
	uint64_t now = orb_now_ns();
	struct id_error e = { 0 };
	char name[NAME_BUF], id[sizeof("user:") + NAME_BUF] = "";
	if (!rate_check(m->sender, now, &e))
		;
	else if (!name_take(q.username, name))
		e = err(ORB_IDENTITY_ERR_INVALID_REQUEST, "not a valid name");
	else if (!password_ok(q.password))
		e = err(ORB_IDENTITY_ERR_INVALID_REQUEST, "a password is 1-128 bytes");
	else if (!q.roles || (q.roles & ~USER_ROLES))
		e = err(ORB_IDENTITY_ERR_INVALID_REQUEST, "roles are admin, user and guest");
	else if (q.admin_token.len == 0 && (user_count() || !caller_is_system(m->sender)))
		e = err(ORB_IDENTITY_ERR_NOT_PERMITTED,
			"an administrator's session is needed (only the first user may be created "
			"without one, by a System process)");
	else if (q.admin_token.len && !admin_of(q.admin_token, now, &e))
		;
	else if (name_taken(name))
		e = err(ORB_IDENTITY_ERR_ALREADY_EXISTS, "the name is taken");
	else if (user_create(name, q.password.ptr, q.password.len, q.roles, &e) == 0)
		snprintf(id, sizeof(id), "user:%s", name);
	orb_msg_create_user_response_t r = {
		.ok = id[0] != 0, .error = id[0] ? 0 : e.code, .user_id = str_of(id),
		.reason = str_of(id[0] || !e.reason ? "" : e.reason),
	};
	if (id[0])
		orb_printf("identity: created user %s (roles %#x)\n", name, q.roles);
	return reply_encoded(ORB_MSG_CREATE_USER_RESPONSE,
			     orb_msg_create_user_response_encode(reply_buf, sizeof(reply_buf), &r));
}

long handle_passwd(const orb_msg_t *m)
{
	orb_msg_identity_passwd_t q;
	if (orb_msg_identity_passwd_decode(m->data, m->len, &q) < 0)
		return -ORB_EINVAL;
	uint64_t now = orb_now_ns();
	struct id_error e = { 0 };
	struct session *s = NULL;
	struct user *self = NULL, *target = NULL;
	char name[NAME_BUF];
	if (!rate_check(m->sender, now, &e) || !(s = live_session(q.token, now, &e)) ||
	    !(self = session_user(s, &e)))
		;
	else if (!password_ok(q.new_password))
		e = err(ORB_IDENTITY_ERR_INVALID_REQUEST, "a password is 1-128 bytes");
	else if (q.username.len == 0 || (name_take(q.username, name) && !strcmp(name, self->name))) {
		if (user_may_login(self, now, &e) < 0)
			;
		else if (!password_ok(q.old_password) ||
			 !user_check_password(self, q.old_password.ptr, q.old_password.len, now))
			e = err(ORB_IDENTITY_ERR_BAD_CREDENTIALS, "the old password is wrong");
		else
			target = self;
	} else if (!name_valid(q.username.ptr, q.username.len)) {
		e = err(ORB_IDENTITY_ERR_INVALID_REQUEST, "not a valid name");
	} else if (!(self->rec.roles & ORB_IDENTITY_ROLE_ADMIN)) {
		e = err(ORB_IDENTITY_ERR_NOT_PERMITTED, "only administrators set others' passwords");
	} else if (!(target = user_find(name))) {
		e = err(ORB_IDENTITY_ERR_USER_NOT_FOUND, "no such user");
	}
	if (target && user_set_password(target, q.new_password.ptr, q.new_password.len, &e) == 0) {
		sessions_end_for(ORB_IDENTITY_TYPE_USER, target->name, target == self ? s : NULL);
		orb_printf("identity: password of %s changed\n", target->name);
	}
	return reply_result(ORB_MSG_IDENTITY_PASSWD_RESPONSE, &e);
}

long handle_add_key(const orb_msg_t *m)
{
	orb_msg_identity_add_key_t q;
	if (orb_msg_identity_add_key_decode(m->data, m->len, &q) < 0)
		return -ORB_EINVAL;
	struct id_error e = { 0 };
	struct session *s = live_session(q.token, orb_now_ns(), &e);
	struct user *u = s ? session_user(s, &e) : NULL;
	if (u && q.public_key.len != ORB_IDENTITY_KEY_SIZE)
		e = err(ORB_IDENTITY_ERR_INVALID_REQUEST, "an Ed25519 public key is 32 bytes");
	else if (u)
		user_add_key(u, q.public_key.ptr, &e);
	return reply_result(ORB_MSG_IDENTITY_ADD_KEY_RESPONSE, &e);
}

long handle_account_status(const orb_msg_t *m)
{
	orb_msg_account_status_t q;
	if (orb_msg_account_status_decode(m->data, m->len, &q) < 0)
		return -ORB_EINVAL;
	struct id_error e = { 0 };
	struct user *admin = admin_of(q.admin_token, orb_now_ns(), &e), *u = NULL;
	char name[NAME_BUF];
	if (!admin)
		;
	else if (!name_take(q.username, name) || q.status > ORB_IDENTITY_STATUS_DISABLED ||
		 q.reason.len >= ORB_IDENTITY_REASON_MAX)
		e = err(ORB_IDENTITY_ERR_INVALID_REQUEST, "bad name, status or reason");
	else if (!(u = user_find(name)))
		e = err(ORB_IDENTITY_ERR_USER_NOT_FOUND, "no such user");
	else if (u == admin)
		e = err(ORB_IDENTITY_ERR_NOT_PERMITTED, "administrators do not set their own status");
	else if (user_set_status(u, q.status, q.reason.ptr, q.reason.len, &e) == 0) {
		if (q.status != ORB_IDENTITY_STATUS_ACTIVE)
			sessions_end_for(ORB_IDENTITY_TYPE_USER, name, NULL);
		orb_printf("identity: status of %s set to %u by %s\n", name, q.status, admin->name);
	}
	return reply_result(ORB_MSG_ACCOUNT_STATUS_RESPONSE, &e);
}

long handle_has_role(const orb_msg_t *m)
{
	orb_msg_identity_has_role_t q;
	if (orb_msg_identity_has_role_decode(m->data, m->len, &q) < 0)
		return -ORB_EINVAL;
	orb_str_t id = q.id;
	bool users = true, services = true;
	if (id.len > 5 && memcmp(id.ptr, "user:", 5) == 0) {
		id.ptr += 5, id.len -= 5, services = false;
	} else if (id.len > 8 && memcmp(id.ptr, "service:", 8) == 0) {
		id.ptr += 8, id.len -= 8, users = false;
	}
	char name[NAME_BUF];
	orb_msg_identity_has_role_response_t r = { 0 };
	bool one_role = q.role && !(q.role & (q.role - 1)) && !(q.role & ~ORB_IDENTITY_ROLES_ALL);
	if (one_role && name_take(id, name)) {
		struct user *u = users ? user_find(name) : NULL;
		struct service *s = !u && services ? service_find(name) : NULL;
		r.known = u || s;
		r.has = (u && (u->rec.roles & q.role)) || (s && (s->rec.roles & q.role));
	}
	return reply_encoded(ORB_MSG_IDENTITY_HAS_ROLE_RESPONSE,
			     orb_msg_identity_has_role_response_encode(reply_buf,
								       sizeof(reply_buf), &r));
}
