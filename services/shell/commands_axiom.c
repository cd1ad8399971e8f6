/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Axiom commands: log (the last SysLog records: who called which syscall with what, and
 * what it returned) and commits (the last CommitLog entries, decoded by commit_fmt.c).
 * The shell holds no Axiom capability — only init and Permissions do — so it asks
 * Permissions (AUDIT_SYSLOG, AUDIT_COMMITS), which answers System processes.
 *
 * "The last N" is counted from the totals system_info reports when the command starts;
 * records the command itself causes (its reads, its output) come after them.
 */
#include <orbital/messages.h>

#include "shell.h"

#define LOG_DEFAULT 20
#define COMMITS_DEFAULT 10
#define COUNT_MAX 200
#define CHUNK_RECORDS 32

static orb_syslog_record_t records[CHUNK_RECORDS];
static uint8_t envelopes[4096];

/* Parse the optional count argument; prints the error. */
static bool count_arg(const char *cmd, int argc, char **argv, uint64_t def, uint64_t *n)
{
	*n = def;
	if (argc < 2)
		return true;
	if (args_u64(argv[1], COUNT_MAX, n) && *n > 0)
		return true;
	orb_printf("%s: '%s' is not a count (1-%u)\n", cmd, argv[1], COUNT_MAX);
	return false;
}

static bool axiom_setup(const char *cmd, orb_sys_info_t *si)
{
	long rc = orb_system_info(si, sizeof(*si));
	if (rc < 0) {
		orb_printf("%s: system_info failed: %s (%s)\n", cmd, orb_errno_text(rc),
			   orb_errno_name(rc));
		return false;
	}
	return true;
}

/* SysLog records from seq, through Permissions: bytes copied into buf, or -E (printed). */
static long audit_syslog(uint64_t seq, orb_syslog_record_t *buf, size_t cap)
{
	uint8_t req[16];
	orb_msg_audit_syslog_t q = { .from_seq = seq,
				     .max = (uint32_t)(cap / sizeof(orb_syslog_record_t)) };
	long len = orb_msg_audit_syslog_encode(req, sizeof(req), &q);
	orb_msg_t r;
	long rc = sh_call("log", SH_PERMISSIONS, ORB_MSG_AUDIT_SYSLOG, req, (size_t)len,
			  ORB_MSG_AUDIT_SYSLOG_RESPONSE, &r);
	if (rc < 0)
		return rc;
	orb_msg_audit_syslog_response_t a;
	if (orb_msg_audit_syslog_response_decode(r.data, r.len, &a) < 0 || a.items.len > cap ||
	    a.items.len != (uint64_t)a.count * sizeof(orb_syslog_record_t))
		return sh_bad_answer("log", SH_PERMISSIONS);
	memcpy(buf, a.items.ptr, a.items.len);
	return (long)a.items.len;
}

/* CommitLog envelopes from seq, through Permissions. */
static long audit_commits(uint64_t seq, uint8_t *buf, size_t cap)
{
	uint8_t req[16];
	orb_msg_audit_commits_t q = { .from_seq = seq };
	long len = orb_msg_audit_commits_encode(req, sizeof(req), &q);
	orb_msg_t r;
	long rc = sh_call("commits", SH_PERMISSIONS, ORB_MSG_AUDIT_COMMITS, req, (size_t)len,
			  ORB_MSG_AUDIT_COMMITS_RESPONSE, &r);
	if (rc < 0)
		return rc;
	orb_msg_audit_commits_response_t a;
	if (orb_msg_audit_commits_response_decode(r.data, r.len, &a) < 0 || a.items.len > cap)
		return sh_bad_answer("commits", SH_PERMISSIONS);
	memcpy(buf, a.items.ptr, a.items.len);
	return (long)a.items.len;
}

static void print_record(const orb_syslog_record_t *r)
{
	unsigned nargs;
	const char *name = orb_syscall_name(r->nr, &nargs);
	char unknown[16], t[24], args[4 * 20], result[24];
	if (!name) {
		snprintf(unknown, sizeof(unknown), "syscall_%#x", r->nr);
		name = unknown;
	}
	size_t len = 0;
	args[0] = '\0';
	for (unsigned i = 0; i < nargs && i < 4; i++)
		len += (size_t)snprintf(args + len, sizeof(args) - len, i ? ", %#lx" : "%#lx",
					(unsigned long)r->args[i]);
	bool done = r->flags & (ORB_SYSLOG_DONE | ORB_SYSLOG_FASTPATH);
	if (!done)
		snprintf(result, sizeof(result), "?");
	else if (r->result < 0 && r->result >= -4095)
		snprintf(result, sizeof(result), "-%s", orb_errno_name(r->result));
	else if (r->result < 0x10000)
		snprintf(result, sizeof(result), "%ld", (long)r->result);
	else
		snprintf(result, sizeof(result), "%#lx", (unsigned long)r->result);
	orb_printf("%7lu %ss pid %-4u %s(%s) = %s%s%s\n", (unsigned long)r->seq,
		   time_str(r->time_ns, t, sizeof(t)), r->pid, name, args, result,
		   r->flags & ORB_SYSLOG_FASTPATH ? " [fastpath]" : "",
		   r->flags & ORB_SYSLOG_BLOCKED ? " [blocked]" : "");
}

static void cmd_log(int argc, char **argv)
{
	uint64_t want;
	orb_sys_info_t si;
	if (!count_arg("log", argc, argv, LOG_DEFAULT, &want) || !axiom_setup("log", &si))
		return;
	uint64_t total = si.syslog_records;   /* the last record so far has seq = total */
	uint64_t seq = total > want ? total - want + 1 : 1;
	uint64_t end = total + 1, shown = 0;
	for (int round = 0; round < COUNT_MAX && seq < end; round++) {
		long bytes = audit_syslog(seq, records, sizeof(records));
		if (bytes < 0)
			return;
		size_t n = (size_t)bytes / sizeof(orb_syslog_record_t);
		if (n == 0)
			break;
		for (size_t i = 0; i < n && records[i].seq < end; i++, shown++)
			print_record(&records[i]);
		seq = records[n - 1].seq + 1;
	}
	if (shown < want && total >= want)
		orb_printf("(%lu of %lu records: the rest left the kernel's SysLog ring)\n",
			   (unsigned long)shown, (unsigned long)want);
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void cmd_commits(int argc, char **argv)
{
	uint64_t want;
	orb_sys_info_t si;
	if (!count_arg("commits", argc, argv, COMMITS_DEFAULT, &want) ||
	    !axiom_setup("commits", &si))
		return;
	uint64_t end = si.commits;   /* the next commit's seq */
	uint64_t seq = end > want ? end - want : 0, shown = 0;
	for (int round = 0; round < COUNT_MAX && seq < end; round++) {
		long bytes = audit_commits(seq, envelopes, sizeof(envelopes));
		if (bytes < 0)
			return;
		if (bytes == 0)
			break;
		size_t pos = 0;
		while (pos + 8 <= (size_t)bytes && le64(envelopes + pos) < end) {
			uint64_t s = le64(envelopes + pos);
			long used = commit_print(envelopes + pos, (size_t)bytes - pos);
			if (used <= 0) {
				orb_printf("commits: commit %lu does not decode\n",
					   (unsigned long)s);
				return;
			}
			pos += (size_t)used;
			seq = s + 1;
			shown++;
		}
		if (pos < (size_t)bytes)
			break;   /* reached `end` */
	}
	if (shown < want && end >= want)
		orb_printf("(%lu of %lu commits: the rest left the kernel's CommitLog ring)\n",
			   (unsigned long)shown, (unsigned long)want);
}

const struct command commands_axiom[] = {
	{ "log", "[N]", "the last N SysLog records (default 20)", 0, 1, cmd_log },
	{ "commits", "[N]", "the last N CommitLog entries (default 10)", 0, 1, cmd_commits },
};
const size_t commands_axiom_count = ORB_ARRAY_SIZE(commands_axiom);
