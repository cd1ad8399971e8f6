/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Users and sessions: the first user, creating users, logging in, VERIFY, forged and
 * truncated tokens, expiry, refresh, lockout and unlock, passwords, AccountStatus,
 * logout. The image's TEST-ONLY parameters make a session last 2 s and a lockout 3 s.
 */
#include "idcheck.h"

#define PW(s) s, sizeof(s) - 1
#define A ORB_IDENTITY_ROLE_ADMIN
#define U ORB_IDENTITY_ROLE_USER

static orb_identity_session_t admin;

static void first_user(void)
{
	uint8_t key[32];
	long probe = orb_secret_read(ORB_SLOT_SELF, key, sizeof(key));
	check("a process without the SECRET capability cannot read the machine key",
	      probe == -ORB_EBADF, probe);
	expect_ok("create first user without a session (System caller)",
		  orb_identity_create_user(&id, "", "admin", PW("admin-pw"), A | U));
	expect_err("second user without a session is refused",
		   orb_identity_create_user(&id, "", "mallory", PW("x"), U),
		   ORB_IDENTITY_ERR_NOT_PERMITTED);
	expect_err("wrong password", orb_identity_login_password(&id, "admin", PW("nope"), &admin),
		   ORB_IDENTITY_ERR_BAD_CREDENTIALS);
	expect_err("unknown user answers like a wrong password",
		   orb_identity_login_password(&id, "nobody", PW("admin-pw"), &admin),
		   ORB_IDENTITY_ERR_BAD_CREDENTIALS);
	long rc = orb_identity_login_password(&id, "admin", PW("admin-pw"), &admin);
	check("admin logs in with two well-formed tokens",
	      rc == 0 && is_token(admin.token) && is_token(admin.refresh) &&
		      strcmp(admin.token, admin.refresh) != 0 && admin.roles == (A | U), rc);
}

static void creating(void)
{
	expect_ok("admin creates alice",
		  orb_identity_create_user(&id, admin.token, "alice", PW("alice-pw"), U));
	expect_err("alice again", orb_identity_create_user(&id, admin.token, "alice", PW("y"), U),
		   ORB_IDENTITY_ERR_ALREADY_EXISTS);
	expect_err("a name with a capital", orb_identity_create_user(&id, admin.token, "Alice",
								     PW("y"), U),
		   ORB_IDENTITY_ERR_INVALID_REQUEST);
	expect_err("the system role is not for users",
		   orb_identity_create_user(&id, admin.token, "sys", PW("y"),
					    ORB_IDENTITY_ROLE_SYSTEM),
		   ORB_IDENTITY_ERR_INVALID_REQUEST);
	expect_err("an empty password", orb_identity_create_user(&id, admin.token, "bob", "", 0, U),
		   ORB_IDENTITY_ERR_INVALID_REQUEST);
	expect_ok("admin creates bob (guest)",
		  orb_identity_create_user(&id, admin.token, "bob", PW("bob-pw"),
					   ORB_IDENTITY_ROLE_GUEST));
	orb_identity_session_t bob;
	long rc = orb_identity_login_password(&id, "bob", PW("bob-pw"), &bob);
	expect_ok("bob logs in", rc);
	expect_err("a non-admin session cannot create users",
		   orb_identity_create_user(&id, bob.token, "carol", PW("c"), U),
		   ORB_IDENTITY_ERR_NOT_PERMITTED);
}

static void verify_and_forgeries(orb_identity_session_t *s)
{
	orb_identity_who_t who;
	long rc = orb_identity_verify(&id, s->token, &who);
	check("VERIFY a fresh session",
	      rc == 0 && strcmp(who.id, "user:alice") == 0 && strcmp(who.name, "alice") == 0 &&
		      who.kind == ORB_IDENTITY_TYPE_USER && who.roles == U &&
		      who.expires_at == s->expires_at, rc);
	char forged[ORB_IDENTITY_TOKEN_BUF];
	memcpy(forged, s->token, sizeof(forged));
	forged[17] = forged[17] == '0' ? '1' : '0';
	expect_err("a forged token is invalid", orb_identity_verify(&id, forged, &who),
		   ORB_IDENTITY_ERR_BAD_CREDENTIALS);
	forged[17] = s->token[17];
	forged[ORB_IDENTITY_TOKEN_LEN - 1] = '\0';
	expect_err("a truncated token is invalid", orb_identity_verify(&id, forged, &who),
		   ORB_IDENTITY_ERR_BAD_CREDENTIALS);
	memcpy(forged, s->token, sizeof(forged));
	for (char *c = forged; *c; c++)
		if (*c >= 'a' && *c <= 'f')
			*c = (char)(*c - 'a' + 'A');
	expect_err("an upper-case copy is invalid", orb_identity_verify(&id, forged, &who),
		   ORB_IDENTITY_ERR_BAD_CREDENTIALS);
	expect_err("the refresh token is no session token",
		   orb_identity_verify(&id, s->refresh, &who), ORB_IDENTITY_ERR_BAD_CREDENTIALS);
	expect_err("an empty token", orb_identity_verify(&id, "", &who),
		   ORB_IDENTITY_ERR_BAD_CREDENTIALS);
}

static void expiry_and_refresh(orb_identity_session_t *s)
{
	orb_identity_who_t who;
	uint64_t now = orb_now_ns();
	if (s->expires_at > now)
		orb_sleep_ms((s->expires_at - now) / 1000000 + 300);
	expect_err("the session expires", orb_identity_verify(&id, s->token, &who),
		   ORB_IDENTITY_ERR_TOKEN_EXPIRED);
	orb_identity_session_t next;
	long rc = orb_identity_login_refresh(&id, "alice", s->refresh, &next);
	check("refresh gives a new pair", rc == 0 && strcmp(next.token, s->token) != 0 &&
						  strcmp(next.refresh, s->refresh) != 0, rc);
	expect_ok("the new session verifies", orb_identity_verify(&id, next.token, &who));
	expect_err("the old session token is gone", orb_identity_verify(&id, s->token, &who),
		   ORB_IDENTITY_ERR_BAD_CREDENTIALS);
	expect_err("a used refresh token is refused",
		   orb_identity_login_refresh(&id, "alice", s->refresh, s),
		   ORB_IDENTITY_ERR_BAD_CREDENTIALS);
	expect_err("a refresh token works only for its user",
		   orb_identity_login_refresh(&id, "bob", next.refresh, s),
		   ORB_IDENTITY_ERR_BAD_CREDENTIALS);
	*s = next;
}

static void lockout(void)
{
	orb_identity_session_t s;
	for (int i = 0; i < 5; i++)
		expect_err("wrong password (towards the lockout)",
			   orb_identity_login_password(&id, "alice", PW("guess"), &s),
			   ORB_IDENTITY_ERR_BAD_CREDENTIALS);
	long rc = orb_identity_login_password(&id, "alice", PW("alice-pw"), &s);
	uint32_t wait = id.retry_after_ms;
	check("locked after five failures, even with the right password",
	      orb_identity_error_code(rc) == ORB_IDENTITY_ERR_ACCOUNT_LOCKED && wait > 0 &&
		      wait <= 3000, rc);
	orb_printf("idcheck: data lockout-retry-ms=%u\n", wait);
	orb_sleep_ms(wait + 200);
	expect_ok("unlocked after the window",
		  orb_identity_login_password(&id, "alice", PW("alice-pw"), &s));
}

/* The administrator logs in again (a TEST-ONLY session lasts 2 s). */
static void fresh_admin(void)
{
	long rc = orb_identity_login_password(&id, "admin", PW("admin-pw"), &admin);
	if (rc < 0)
		check("admin logs in again", false, rc);
}

static void passwords_and_status(void)
{
	orb_identity_session_t s, other;
	expect_ok("alice logs in", orb_identity_login_password(&id, "alice", PW("alice-pw"), &s));
	expect_ok("alice logs in again", orb_identity_login_password(&id, "alice", PW("alice-pw"),
								     &other));
	expect_err("passwd with a wrong old password",
		   orb_identity_passwd(&id, s.token, "", "wrong", "alice-pw2"),
		   ORB_IDENTITY_ERR_BAD_CREDENTIALS);
	expect_ok("passwd", orb_identity_passwd(&id, s.token, "", "alice-pw", "alice-pw2"));
	orb_identity_who_t who;
	expect_ok("passwd keeps the session it came from", orb_identity_verify(&id, s.token, &who));
	expect_err("passwd ends the other sessions", orb_identity_verify(&id, other.token, &who),
		   ORB_IDENTITY_ERR_BAD_CREDENTIALS);
	expect_err("the old password no longer works",
		   orb_identity_login_password(&id, "alice", PW("alice-pw"), &other),
		   ORB_IDENTITY_ERR_BAD_CREDENTIALS);
	expect_err("alice may not set bob's password",
		   orb_identity_passwd(&id, s.token, "bob", "", "x"), ORB_IDENTITY_ERR_NOT_PERMITTED);
	expect_ok("an admin sets bob's password",
		  orb_identity_passwd(&id, admin_token(), "bob", "", "bob-pw2"));
	expect_ok("admin disables alice",
		  orb_identity_set_status(&id, admin_token(), "alice", ORB_IDENTITY_STATUS_DISABLED,
					  "left"));
	expect_err("a disabled user's session ends", orb_identity_verify(&id, s.token, &who),
		   ORB_IDENTITY_ERR_BAD_CREDENTIALS);
	expect_err("a disabled user cannot log in",
		   orb_identity_login_password(&id, "alice", PW("alice-pw2"), &s),
		   ORB_IDENTITY_ERR_ACCOUNT_DISABLED);
	expect_ok("admin locks alice", orb_identity_set_status(&id, admin_token(), "alice",
							      ORB_IDENTITY_STATUS_LOCKED, "audit"));
	expect_err("a locked user cannot log in",
		   orb_identity_login_password(&id, "alice", PW("alice-pw2"), &s),
		   ORB_IDENTITY_ERR_ACCOUNT_LOCKED);
	expect_ok("admin reactivates alice",
		  orb_identity_set_status(&id, admin_token(), "alice", ORB_IDENTITY_STATUS_ACTIVE, ""));
	expect_ok("alice logs in again", orb_identity_login_password(&id, "alice", PW("alice-pw2"),
								     &s));
	expect_err("an admin does not set its own status",
		   orb_identity_set_status(&id, admin_token(), "admin", ORB_IDENTITY_STATUS_DISABLED,
					   ""), ORB_IDENTITY_ERR_NOT_PERMITTED);
	expect_err("status of an unknown user",
		   orb_identity_set_status(&id, admin_token(), "zed", ORB_IDENTITY_STATUS_ACTIVE, ""),
		   ORB_IDENTITY_ERR_USER_NOT_FOUND);
	expect_ok("logout", orb_identity_logout(&id, s.token));
	expect_err("a logged-out session is invalid", orb_identity_verify(&id, s.token, &who),
		   ORB_IDENTITY_ERR_BAD_CREDENTIALS);
	expect_err("logout twice", orb_identity_logout(&id, s.token),
		   ORB_IDENTITY_ERR_BAD_CREDENTIALS);
	expect_err("a logged-out session cannot refresh",
		   orb_identity_login_refresh(&id, "alice", s.refresh, &other),
		   ORB_IDENTITY_ERR_BAD_CREDENTIALS);
}

static void roles(void)
{
	bool known;
	check("has_role user:alice user", orb_identity_has_role(&id, "user:alice", U, &known) == 1 &&
						   known, 0);
	check("has_role alice admin: no", orb_identity_has_role(&id, "alice", A, &known) == 0 &&
						   known, 0);
	check("has_role admin admin", orb_identity_has_role(&id, "admin", A, &known) == 1, 0);
	check("has_role of nobody", orb_identity_has_role(&id, "nobody", U, &known) == 0 && !known,
	      0);
	check("has_role with two roles at once is no question",
	      orb_identity_has_role(&id, "admin", A | U, &known) == 0 && !known, 0);
}

void accounts_cases(void)
{
	first_user();
	creating();
	orb_identity_session_t alice;
	expect_ok("alice logs in", orb_identity_login_password(&id, "alice", PW("alice-pw"), &alice));
	verify_and_forgeries(&alice);
	expiry_and_refresh(&alice);
	lockout();
	passwords_and_status();
	roles();
}

const char *admin_token(void)
{
	fresh_admin();
	return admin.token;
}
