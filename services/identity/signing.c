/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Service identities on the wire: IDENTITY_REGISTER_SERVICE and SIGN (spec §4.3).
 * Registering is for System and Runtime processes (by the kernel's name for the sender);
 * signing needs a token of a service whose key pair Identity holds — its long-lived
 * service token, or a session it opened. The signature is plain Ed25519 (RFC 8032) over
 * the data, so anyone with the public key verifies it with any Ed25519 library.
 */
#include "identity.h"

long handle_register(const orb_msg_t *m)
{
	orb_msg_identity_register_service_t q;
	if (orb_msg_identity_register_service_decode(m->data, m->len, &q) < 0)
		return -ORB_EINVAL;
	struct id_error e = { 0 };
	struct service *s = NULL;
	char name[NAME_BUF], token[TOKEN_BUF] = "", id[sizeof("service:") + NAME_BUF] = "";
	if (!caller_is_system_or_runtime(m->sender))
		e = err(ORB_IDENTITY_ERR_NOT_PERMITTED,
			"only System and Runtime processes register services");
	else if (!name_take(q.name, name))
		e = err(ORB_IDENTITY_ERR_INVALID_REQUEST, "not a valid name");
	else if (user_find(name))
		e = err(ORB_IDENTITY_ERR_ALREADY_EXISTS, "the name is a user's");
	else if (service_register(name, q.public_key.ptr, q.public_key.len, token, &s, &e) == 0)
		snprintf(id, sizeof(id), "service:%s", name);
	orb_msg_identity_register_response_t r = {
		.ok = s != NULL, .error = s ? 0 : e.code, .service_id = str_of(id),
		.token = str_of(token), .reason = str_of(s || !e.reason ? "" : e.reason),
	};
	if (s) {
		r.public_key = (orb_bytes_t){ .ptr = s->rec.public_key, .len = ORB_IDENTITY_KEY_SIZE };
		orb_printf("identity: registered service %s (%s key)\n", name,
			   s->rec.has_secret ? "Identity's" : "its own");
	}
	long rc = reply_encoded(ORB_MSG_IDENTITY_REGISTER_RESPONSE,
				orb_msg_identity_register_response_encode(reply_buf,
									  sizeof(reply_buf), &r));
	sodium_memzero(token, sizeof(token));
	sodium_memzero(reply_buf, sizeof(reply_buf));
	return rc;
}

/* The service a token speaks for: its service token, or a session it opened. */
static struct service *service_of(orb_str_t token, uint64_t now, struct id_error *e)
{
	uint8_t h[HASH_SIZE];
	if (!token_hash(token.ptr, token.len, h)) {
		*e = err(ORB_IDENTITY_ERR_BAD_CREDENTIALS, "not a valid token");
		return NULL;
	}
	struct service *s = service_by_token(h);
	if (s)
		return s;
	struct session *ss = live_session(token, now, e);
	if (!ss)
		return NULL;
	if (ss->kind != ORB_IDENTITY_TYPE_SERVICE || !(s = service_find(ss->name))) {
		*e = err(ORB_IDENTITY_ERR_NOT_PERMITTED, "only services sign");
		return NULL;
	}
	return s;
}

long handle_sign(const orb_msg_t *m)
{
	orb_msg_sign_t q;
	if (orb_msg_sign_decode(m->data, m->len, &q) < 0)
		return -ORB_EINVAL;
	struct id_error e = { 0 };
	struct service *s = service_of(q.token, orb_now_ns(), &e);
	uint8_t sig[ORB_IDENTITY_SIGNATURE_SIZE];
	bool ok = false;
	if (!s)
		;
	else if (q.data.len > ORB_IDENTITY_SIGN_MAX)
		e = err(ORB_IDENTITY_ERR_INVALID_REQUEST, "at most 2048 bytes are signed at once");
	else if (!s->rec.has_secret)
		e = err(ORB_IDENTITY_ERR_NOT_PERMITTED,
			"the service holds its own key: Identity does not sign for it");
	else
		ok = service_sign(s, q.data.ptr, q.data.len, sig) == 0;
	orb_msg_sign_response_t r = { .ok = ok, .error = ok ? 0 : e.code,
				      .reason = str_of(ok || !e.reason ? "" : e.reason) };
	if (ok) {
		r.signature = (orb_bytes_t){ .ptr = sig, .len = sizeof(sig) };
		r.public_key = (orb_bytes_t){ .ptr = s->rec.public_key, .len = ORB_IDENTITY_KEY_SIZE };
	}
	return reply_encoded(ORB_MSG_SIGN_RESPONSE,
			     orb_msg_sign_response_encode(reply_buf, sizeof(reply_buf), &r));
}
