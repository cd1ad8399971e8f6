/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kernel console: every byte of printk goes to the arch console (COM1).
 *
 * Console text never overtakes the commits made before it: each write first flushes
 * Axiom's queued commits to the debugcon stream, so whoever reads a line on the console
 * (a test, a person watching a boot) finds the commits behind it already in the log.
 *
 * debug_write is open to every process, on two terms for one that holds no console
 * capability (D109): its lines are attributed — each begins with the writer's process
 * name and then ':' or ' ', and the kernel adds "NAME: " where the process did not put
 * its name itself, so no process can write a line that reads as another's — and it is
 * rate-limited, a
 * budget of CONSOLE_BURST bytes refilled at CONSOLE_RATE bytes per second (a write over
 * budget writes nothing and fails with -EAGAIN; the first one says so on the console).
 * A holder of a console capability with W (init, the shell, the Process Manager, the
 * test suites) owns the console and writes verbatim, without a budget.
 *
 * Syscall here: debug_write.
 */
#include <arch/arch.h>
#include <gen/syscall_table.h>
#include <kernel/axiom.h>
#include <kernel/cap.h>
#include <kernel/printk.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/usercopy.h>

void console_write(const char *s, size_t n)
{
	axiom_idle();
	for (size_t i = 0; i < n; i++)
		arch_console_putc(s[i]);
}

void printk(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_write(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* ---- syscall: debug_write ---- */

#define DEBUG_WRITE_MAX 4096
#define CONSOLE_BURST (64u << 10)   /* bytes a process without a console capability ... */
#define CONSOLE_RATE (16u << 10)    /* ... may write at once, and per second after that */

static bool holds_console(const struct process *p)
{
	const struct cspace *cs = p->cspace;
	for (u32 i = 0; cs && i < CSPACE_SLOTS; i++)
		if (cs->slot[i].id && cs->slot[i].type == ORB_OBJ_CONSOLE &&
		    (cs->slot[i].rights & ORB_RIGHT_WRITE))
			return true;
	return false;
}

/* Take n bytes from p's budget (refilled first); false when they are not there. */
static bool console_budget(struct process *p, size_t n)
{
	u64 now = arch_now_ns(), elapsed = MIN(now - p->console.refilled_ns, 10000000000ull);
	u64 back = elapsed * CONSOLE_RATE / 1000000000ull;
	p->console.spent = p->console.spent > back ? p->console.spent - back : 0;
	p->console.refilled_ns = now;
	if (p->console.spent + n > CONSOLE_BURST) {
		if (!p->console.muted)
			printk("console: %s (pid %u) writes over %u KiB/s; its output is dropped\n",
			       p->name, p->pid, CONSOLE_RATE >> 10);
		p->console.muted = true;
		return false;
	}
	p->console.spent += n;
	p->console.muted = false;
	return true;
}

/* Write s as p's: every line p begins starts with its name and ':' or ' '. */
static void write_attributed(struct process *p, const char *s, size_t n)
{
	size_t name_len = strnlen(p->name, PROC_NAME_LEN);
	for (size_t i = 0; i < n;) {
		if (!p->console.mid_line &&
		    !(n - i > name_len && !memcmp(s + i, p->name, name_len) &&
		      (s[i + name_len] == ':' || s[i + name_len] == ' '))) {
			console_write(p->name, name_len);
			console_write(": ", 2);
		}
		size_t end = i;
		while (end < n && s[end] != '\n')
			end++;
		p->console.mid_line = end == n;
		end += end < n;   /* the newline */
		console_write(s + i, end - i);
		i = end;
	}
}

long sys_debug_write(uint64_t buf, size_t len)
{
	static char text[DEBUG_WRITE_MAX];   /* one syscall at a time: one buffer */
	if (len > DEBUG_WRITE_MAX)
		return -ORB_EINVAL;
	if (copy_from_user(text, buf, len) < 0)
		return -ORB_EINVAL;   /* all or nothing: not a byte written */
	struct process *p = current_process();
	if (holds_console(p)) {
		console_write(text, len);
		return (long)len;
	}
	if (!console_budget(p, len))
		return -ORB_EAGAIN;
	write_attributed(p, text, len);
	return (long)len;
}
