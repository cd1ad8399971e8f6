/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Identity commands, through liborbital's Identity client (spec §4.3): useradd, login,
 * logout, whoami, passwd and sign. Passwords are read on a line of their own, after a
 * `password: ` prompt, and not echoed.
 *
 * The shell holds at most one session, the last `login`'s; `whoami` verifies it and,
 * once it has expired, trades its refresh token for a new one. `useradd` and `passwd` of
 * another user act with that session (an administrator's); the very first user needs
 * none (the shell is a System process, D244). `spawn` passes the session to the Process
 * Manager, which records the user as the process's owner. `sign` signs with the shell's
 * own service identity ("shell"), which it registers on first use.
 */
#include <orbital/identity.h>
#include <orbital/service.h>

#include "shell.h"

#define PASSWORD_BUF (ORB_IDENTITY_PASSWORD_MAX + 2)

static orb_identity_t idc;
static orb_identity_session_t session;        /* token "" when nobody is logged in */
static char session_user[ORB_IDENTITY_NAME_MAX + 1];
static char service_token[ORB_IDENTITY_TOKEN_BUF];

const char *sh_session_token(void)
{
	return session.token;
}

static bool id_open(const char *cmd)
{
	orb_cptr_t ep;
	if (sh_endpoint(cmd, SH_IDENTITY, &ep) < 0)
		return false;
	if (idc.ep != ep)
		orb_identity_open(&idc, ep);
	return true;
}

/* One line for a failed request; true if rc was success. */
static bool id_ok(const char *cmd, long rc)
{
	if (rc >= 0)
		return true;
	int code = orb_identity_error_code(rc);
	if (code < 0) {
		orb_printf("%s: no answer from identity: %s (%s)\n", cmd, orb_errno_text(rc),
			   orb_errno_name(rc));
		return false;
	}
	orb_printf("%s: %s%s%s", cmd, orb_identity_error_name((unsigned)code),
		   idc.reason[0] ? ": " : "", idc.reason);
	if (idc.retry_after_ms)
		orb_printf(" (try again in %u ms)", idc.retry_after_ms);
	orb_printf("\n");
	return false;
}

/* Prompt and read a password; false (after one line) if it is empty or cancelled. */
static bool read_password(const char *cmd, const char *prompt, char buf[PASSWORD_BUF])
{
	orb_printf("%s", prompt);
	long n = line_read_secret(buf, PASSWORD_BUF);
	if (n <= 0) {
		if (n == 0)
			orb_printf("%s: no password given\n", cmd);
		return false;
	}
	return true;
}

static uint64_t seconds_left(uint64_t at)
{
	uint64_t now = orb_now_ns();
	return at > now ? (at - now + 999999999ull) / 1000000000ull : 0;
}

static bool parse_roles(int argc, char **argv, uint8_t *roles)
{
	static const char *const names[] = { "admin", "user", "guest" };
	*roles = 0;
	for (int i = 0; i < argc; i++) {
		size_t k = 0;
		while (k < ORB_ARRAY_SIZE(names) && strcmp(argv[i], names[k]) != 0)
			k++;
		if (k == ORB_ARRAY_SIZE(names)) {
			orb_printf("useradd: '%s' is no role (admin, user, guest)\n", argv[i]);
			return false;
		}
		*roles |= (uint8_t)(1u << k);
	}
	if (!*roles)
		*roles = ORB_IDENTITY_ROLE_USER;
	return true;
}

static void cmd_useradd(int argc, char **argv)
{
	uint8_t roles;
	char pw[PASSWORD_BUF], text[32];
	if (!parse_roles(argc - 2, argv + 2, &roles) || !id_open("useradd") ||
	    !read_password("useradd", "password: ", pw))
		return;
	long rc = orb_identity_create_user(&idc, session.token, argv[1], pw, strlen(pw), roles);
	memset(pw, 0, sizeof(pw));
	if (id_ok("useradd", rc))
		orb_printf("created user %s (%s)\n", argv[1],
			   orb_identity_roles_text(roles, text, sizeof(text)));
}

static void cmd_login(int argc, char **argv)
{
	char pw[PASSWORD_BUF], text[32];
	if (!id_open("login") || !read_password("login", "password: ", pw))
		return;
	orb_identity_session_t s;
	long rc = orb_identity_login_password(&idc, argv[1], pw, strlen(pw), &s);
	memset(pw, 0, sizeof(pw));
	if (!id_ok("login", rc))
		return;
	if (session.token[0])
		orb_identity_logout(&idc, session.token);   /* one session at a time */
	session = s;
	orb_strcopy(session_user, sizeof(session_user), argv[1], strlen(argv[1]));
	orb_printf("logged in as %s (%s); the session ends in %lu s\n", session_user,
		   orb_identity_roles_text(s.roles, text, sizeof(text)),
		   (unsigned long)seconds_left(s.expires_at));
}

static void forget(void)
{
	memset(&session, 0, sizeof(session));
	session_user[0] = '\0';
}

static void cmd_logout(int argc, char **argv)
{
	if (!session.token[0]) {
		orb_printf("logout: not logged in\n");
		return;
	}
	if (!id_open("logout"))
		return;
	long rc = orb_identity_logout(&idc, session.token);
	forget();   /* whatever Identity says, the shell holds no session now */
	if (id_ok("logout", rc))
		orb_printf("logged out\n");
}

static void cmd_whoami(int argc, char **argv)
{
	if (!session.token[0]) {
		orb_printf("not logged in\n");
		return;
	}
	if (!id_open("whoami"))
		return;
	orb_identity_who_t who;
	long rc = orb_identity_verify(&idc, session.token, &who);
	if (orb_identity_error_code(rc) == ORB_IDENTITY_ERR_TOKEN_EXPIRED) {
		orb_identity_session_t s;
		rc = orb_identity_login_refresh(&idc, session_user, session.refresh, &s);
		if (!id_ok("whoami: refresh", rc)) {
			forget();
			return;
		}
		session = s;
		orb_printf("the session had expired: renewed with its refresh token\n");
		rc = orb_identity_verify(&idc, session.token, &who);
	}
	if (!id_ok("whoami", rc)) {
		forget();
		return;
	}
	char text[32];
	orb_printf("%s (%s); the session ends in %lu s\n", who.id,
		   orb_identity_roles_text(who.roles, text, sizeof(text)),
		   (unsigned long)seconds_left(who.expires_at));
}

static void cmd_passwd(int argc, char **argv)
{
	const char *user = argc > 1 ? argv[1] : "";
	bool own = !user[0] || strcmp(user, session_user) == 0;
	char old[PASSWORD_BUF] = "", pw[PASSWORD_BUF];
	if (!session.token[0]) {
		orb_printf("passwd: not logged in\n");
		return;
	}
	if (!id_open("passwd") || (own && !read_password("passwd", "old password: ", old)) ||
	    !read_password("passwd", "new password: ", pw))
		return;
	long rc = orb_identity_passwd(&idc, session.token, own ? "" : user, old, pw);
	memset(old, 0, sizeof(old));
	memset(pw, 0, sizeof(pw));
	if (id_ok("passwd", rc))
		orb_printf("password of %s changed\n", own ? session_user : user);
}

static void hex(const char *label, const uint8_t *p, size_t n)
{
	char out[2 * ORB_IDENTITY_SIGNATURE_SIZE + 1];
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
	orb_printf("%s %s\n", label, out);
}

static void cmd_sign(int argc, char **argv)
{
	char text[SH_LINE_MAX];
	size_t n = 0;
	for (int i = 1; i < argc; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%s", i > 1 ? " " : "", argv[i]);
	uint8_t key[ORB_IDENTITY_KEY_SIZE], sig[ORB_IDENTITY_SIGNATURE_SIZE];
	if (!id_open("sign"))
		return;
	if (!service_token[0] &&
	    !id_ok("sign: register", orb_identity_register(&idc, "shell", NULL, service_token, key)))
		return;
	long rc = orb_identity_sign(&idc, service_token, text, n, sig, key);
	if (!id_ok("sign", rc)) {
		service_token[0] = '\0';   /* registered again next time */
		return;
	}
	hex("signature", sig, sizeof(sig));
	hex("key", key, sizeof(key));
}

const struct command commands_id[] = {
	{ "useradd", "NAME [admin] [user] [guest]",
	  "create a user (asks for the password; roles default to user)", 1, 4, cmd_useradd },
	{ "login", "NAME", "log in (asks for the password)", 1, 1, cmd_login },
	{ "logout", "", "end the session", 0, 0, cmd_logout },
	{ "whoami", "", "who is logged in, and for how long", 0, 0, cmd_whoami },
	{ "passwd", "[NAME]", "change a password (another user's: administrators)", 0, 1,
	  cmd_passwd },
	{ "sign", "TEXT...", "sign TEXT with the shell's service key (Ed25519)", 1,
	  SH_ARGS_MAX - 1, cmd_sign },
};
const size_t commands_id_count = ORB_ARRAY_SIZE(commands_id);
