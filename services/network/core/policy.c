/* SPDX-License-Identifier: Apache-2.0 */
/* The URL policy and the rate limit (policy.h). */
#include "policy.h"

#include <string.h>

static void add(struct policy *p, const char *id, uint8_t cls, const char *pattern, bool allow,
		uint32_t priority)
{
	struct policy_rule *r = &p->rule[p->count++];
	memset(r, 0, sizeof(*r));
	memcpy(r->id, id, strlen(id));
	r->applies_to = cls;
	memcpy(r->pattern, pattern, strlen(pattern));
	r->allow = allow;
	r->priority = priority;
}

void policy_default(struct policy *p)
{
	p->count = 0;
	add(p, "system-allow-all", PC_SYSTEM, "*", true, 100);
	add(p, "block-malware", PC_APPLICATION, "*.malware.example.com", false, 90);
	add(p, "app-https-only", PC_APPLICATION, "https://*", true, 50);
}

static bool named(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(name, *list) == 0)
			return true;
	return false;
}

int policy_classify(const char *name)
{
	static const char *const system[] = {"init", "terminal", "supervisor", "shell",
					     "process", NULL};
	static const char *const runtime[] = {"storage", "network", "identity", "permissions",
					      NULL};
	if (named(name, system) || strncmp(name, "system-", 7) == 0)
		return PC_SYSTEM;
	if (named(name, runtime))
		return PC_RUNTIME;
	return PC_APPLICATION;
}

bool policy_glob(const char *pattern, const char *text, size_t len)
{
	/* Greedy with one backtrack point: the last `*` seen and where its run ends now. */
	const char *star = NULL;
	size_t t = 0, star_t = 0;
	while (t < len) {
		if (*pattern == '*') {
			star = ++pattern;
			star_t = t;
		} else if (*pattern && (*pattern == '?' || *pattern == text[t])) {
			pattern++;
			t++;
		} else if (star) {
			pattern = star;
			t = ++star_t;
		} else {
			return false;
		}
	}
	while (*pattern == '*')
		pattern++;
	return *pattern == 0;
}

static bool applies(const struct policy_rule *r, int cls, const char *name, uint32_t pid)
{
	switch (r->applies_to) {
	case PC_NAMED:
		return strcmp(r->class_name, name) == 0;
	case PC_PID:
		return r->class_pid == pid;
	default:
		return r->applies_to == cls;
	}
}

struct policy_verdict policy_check(const struct policy *p, const char *name, uint32_t pid,
				   const char *url, size_t url_len, const char *host)
{
	int cls = policy_classify(name);
	bool tried[POLICY_MAX_RULES] = {false};
	for (;;) {
		int best = -1;
		for (unsigned i = 0; i < p->count; i++) {
			if (tried[i] || !applies(&p->rule[i], cls, name, pid))
				continue;
			if (best < 0 || p->rule[i].priority > p->rule[best].priority)
				best = (int)i;
		}
		if (best < 0)
			return (struct policy_verdict){.allow = false, .rule = -1};
		tried[best] = true;
		const struct policy_rule *r = &p->rule[best];
		if (policy_glob(r->pattern, url, url_len) ||
		    policy_glob(r->pattern, host, strlen(host)))
			return (struct policy_verdict){.allow = r->allow, .rule = best};
	}
}

/* --- wire form: id str, applies_to u8, class_name str, class_pid u32, pattern str,
 *     allow u8, priority u32 (little-endian, str = u16 length + bytes) ---------------- */

struct cursor {
	uint8_t *out;
	const uint8_t *in;
	size_t at, cap;
	bool bad;
};

static void put(struct cursor *c, const void *p, size_t n)
{
	if (c->bad || c->cap - c->at < n) {
		c->bad = true;
		return;
	}
	memcpy(c->out + c->at, p, n);
	c->at += n;
}

static void put_le(struct cursor *c, uint64_t v, unsigned n)
{
	uint8_t b[8];
	for (unsigned i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	put(c, b, n);
}

static void put_str(struct cursor *c, const char *s)
{
	size_t n = strlen(s);
	put_le(c, n, 2);
	put(c, s, n);
}

long policy_encode(const struct policy *p, uint8_t *buf, size_t cap)
{
	struct cursor c = {.out = buf, .cap = cap};
	for (unsigned i = 0; i < p->count; i++) {
		const struct policy_rule *r = &p->rule[i];
		put_str(&c, r->id);
		put_le(&c, r->applies_to, 1);
		put_str(&c, r->class_name);
		put_le(&c, r->class_pid, 4);
		put_str(&c, r->pattern);
		put_le(&c, r->allow, 1);
		put_le(&c, r->priority, 4);
	}
	return c.bad ? -1 : (long)c.at;
}

static uint64_t get_le(struct cursor *c, unsigned n)
{
	if (c->bad || c->cap - c->at < n) {
		c->bad = true;
		return 0;
	}
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)c->in[c->at + i] << (8 * i);
	c->at += n;
	return v;
}

/* A string of at most max bytes, no NUL or control characters, into dst. */
static void get_str(struct cursor *c, char *dst, size_t max, bool allow_empty)
{
	size_t n = (size_t)get_le(c, 2);
	if (c->bad || n > max || c->cap - c->at < n || (!allow_empty && n == 0)) {
		c->bad = true;
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (c->in[c->at + i] < 0x20 || c->in[c->at + i] == 0x7f)
			c->bad = true;
	memcpy(dst, c->in + c->at, n);
	dst[n] = 0;
	c->at += n;
}

int policy_decode(struct policy *p, uint32_t count, const uint8_t *buf, size_t len,
		  const char **why)
{
	static struct policy next;
	if (count > POLICY_MAX_RULES) {
		*why = "more than 64 rules";
		return -1;
	}
	memset(&next, 0, sizeof(next));
	struct cursor c = {.in = buf, .cap = len};
	for (uint32_t i = 0; i < count && !c.bad; i++) {
		struct policy_rule *r = &next.rule[i];
		get_str(&c, r->id, POLICY_MAX_ID, false);
		uint64_t cls = get_le(&c, 1);
		get_str(&c, r->class_name, POLICY_MAX_NAME, cls != PC_NAMED);
		r->class_pid = (uint32_t)get_le(&c, 4);
		get_str(&c, r->pattern, POLICY_MAX_PATTERN, false);
		uint64_t allow = get_le(&c, 1);
		r->priority = (uint32_t)get_le(&c, 4);
		if (cls > PC_PID || allow > 1) {
			c.bad = true;
			break;
		}
		r->applies_to = (uint8_t)cls;
		r->allow = allow == 1;
	}
	if (c.bad || c.at != len) {
		*why = c.bad ? "a malformed rule" : "bytes after the last rule";
		return -1;
	}
	next.count = count;
	memcpy(p, &next, sizeof(next));
	return 0;
}

/* --- rate limit ------------------------------------------------------------------------- */

void rate_init(struct rate_limit *r, uint32_t limit, uint64_t window_ns)
{
	memset(r, 0, sizeof(*r));
	r->limit = limit;
	r->window_ns = window_ns;
}

bool rate_take(struct rate_limit *r, uint32_t pid, uint64_t now_ns)
{
	struct rate_entry *e = NULL, *oldest = NULL;
	for (unsigned i = 0; i < RATE_MAX_PIDS; i++) {
		struct rate_entry *x = &r->e[i];
		if (x->pid == pid && x->count) {
			e = x;
			break;
		}
		if (!oldest || !x->count ||
		    (oldest->count && x->window_start_ns < oldest->window_start_ns))
			oldest = x;
	}
	if (e && now_ns - e->window_start_ns > r->window_ns)
		e->count = 0;                /* the window has passed: a new one starts */
	if (!e) {
		/* A free entry, else the one whose window began longest ago: a PID crowded out
		 * of the table starts a new window (it needs 128 other processes making
		 * requests meanwhile). */
		e = oldest;
		e->count = 0;
	}
	if (e->count == 0) {
		e->pid = pid;
		e->window_start_ns = now_ns;
	}
	if (e->count >= r->limit)
		return false;
	e->count++;
	return true;
}

void rate_forget(struct rate_limit *r, uint32_t pid)
{
	for (unsigned i = 0; i < RATE_MAX_PIDS; i++)
		if (r->e[i].pid == pid)
			r->e[i].count = 0;
}
