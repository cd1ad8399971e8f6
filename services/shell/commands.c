/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The command table: finding a command, checking its argument count, `help`, `echo` and
 * `sleep` (a pause in a script, e.g. until a session expires).
 * Two words are expanded before a command runs, as in sh: `$$` is the shell's pid and
 * `$!` the pid of the last program `spawn` started (so scripts need not guess pids).
 */
#include "shell.h"

static uint32_t last_spawned;

void sh_note_spawned(uint32_t pid)
{
	last_spawned = pid;
}

/* Replace `$$` and `$!`; false (after one error line) if `$!` has no value yet. */
static bool expand(int argc, char **argv)
{
	static char values[SH_ARGS_MAX][12];
	for (int i = 1; i < argc && i < SH_ARGS_MAX; i++) {
		uint32_t pid;
		if (strcmp(argv[i], "$$") == 0) {
			pid = orb_pid();
		} else if (strcmp(argv[i], "$!") == 0) {
			if (!last_spawned) {
				orb_printf("%s: $! is unset: nothing was spawned yet\n", argv[0]);
				return false;
			}
			pid = last_spawned;
		} else {
			continue;
		}
		snprintf(values[i], sizeof(values[i]), "%u", pid);
		argv[i] = values[i];
	}
	return true;
}

static void cmd_help(int argc, char **argv);
static void cmd_echo(int argc, char **argv);
static void cmd_sleep(int argc, char **argv);

static const struct command commands_shell[] = {
	{ "help", "", "list the commands", 0, 0, cmd_help },
	{ "echo", "[WORD...]", "print the words", 0, SH_ARGS_MAX - 1, cmd_echo },
	{ "sleep", "MS", "wait MS milliseconds (at most 60000)", 1, 1, cmd_sleep },
};

struct group {
	const struct command *cmds;
	const size_t *count;
};

static const size_t commands_shell_count = ORB_ARRAY_SIZE(commands_shell);

static const struct group groups[] = {
	{ commands_shell, &commands_shell_count }, { commands_proc, &commands_proc_count },
	{ commands_svc, &commands_svc_count },     { commands_perm, &commands_perm_count },
	{ commands_axiom, &commands_axiom_count }, { commands_kv, &commands_kv_count },
	{ commands_net, &commands_net_count },
	{ commands_id, &commands_id_count },
};

static const struct command *find(const char *name)
{
	for (size_t g = 0; g < ORB_ARRAY_SIZE(groups); g++)
		for (size_t i = 0; i < *groups[g].count; i++)
			if (strcmp(groups[g].cmds[i].name, name) == 0)
				return &groups[g].cmds[i];
	return NULL;
}

static void cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	for (size_t g = 0; g < ORB_ARRAY_SIZE(groups); g++) {
		for (size_t i = 0; i < *groups[g].count; i++) {
			const struct command *c = &groups[g].cmds[i];
			char use[64];
			snprintf(use, sizeof(use), "%s %s", c->name, c->usage);
			orb_printf("  %-40s %s\n", use, c->help);
		}
	}
	orb_printf("In arguments, $$ is the shell's pid and $! the last spawned pid.\n");
}

static void cmd_echo(int argc, char **argv)
{
	char out[SH_LINE_MAX];
	size_t len = 0;
	for (int i = 1; i < argc; i++) {
		int n = snprintf(out + len, sizeof(out) - len, i > 1 ? " %s" : "%s", argv[i]);
		if (n < 0 || (size_t)n >= sizeof(out) - len)
			break;
		len += (size_t)n;
	}
	out[len] = '\0';
	orb_printf("%s\n", out);
}

void commands_run(char *line)
{
	char *argv[SH_ARGS_MAX];
	int argc = args_split(line, argv, SH_ARGS_MAX);
	if (argc < 0) {
		orb_printf("error: more than %d words\n", SH_ARGS_MAX);
		return;
	}
	if (argc == 0)
		return;
	const struct command *c = find(argv[0]);
	if (!c) {
		orb_printf("unknown command '%s' (try 'help')\n", argv[0]);
		return;
	}
	int nargs = argc - 1;
	if (nargs < c->min_args || nargs > c->max_args) {
		orb_printf("%s: %s (usage: %s %s)\n", c->name,
			   nargs < c->min_args ? "missing argument" : "too many arguments", c->name,
			   c->usage);
		return;
	}
	if (expand(argc, argv))
		c->run(argc, argv);
}

static void cmd_sleep(int argc, char **argv)
{
	uint64_t ms;
	if (!args_u64(argv[1], 60000, &ms)) {
		orb_printf("sleep: '%s' is not a number of milliseconds up to 60000\n", argv[1]);
		return;
	}
	orb_sleep_ms(ms);
}
