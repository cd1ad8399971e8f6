/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Line editing on a serial terminal: printable characters are kept and echoed (not a
 * password's: line_read_secret echoes nothing of it); Backspace/DEL erases one, Ctrl-U
 * the whole line, Ctrl-C abandons it; CR, LF or CR LF ends it. Terminal escape sequences
 * (arrow keys: ESC [ A …) are swallowed. A line longer than the buffer is refused with
 * one message once Enter comes.
 *
 * Input arrives in batches (one per UART interrupt, possibly holding several lines);
 * bytes after the end of a line stay in `pending` for the next call. Echo is collected
 * and written once per batch.
 */
#include "shell.h"

#define ESC 0x1b
#define ESC_SEQ_MAX 8 /* longest escape sequence swallowed before giving up on it */

static char pending[64];
static size_t pending_len, pending_pos;
static bool last_was_cr;   /* a LF right after CR ends no second line */

static char echo_buf[96];
static size_t echo_len;

static void echo_flush(void)
{
	if (echo_len)
		orb_debug_write(echo_buf, echo_len);
	echo_len = 0;
}

static void echo(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (echo_len == sizeof(echo_buf))
			echo_flush();
		echo_buf[echo_len++] = s[i];
	}
}

/* The next input byte, blocking for a new batch when none is pending. */
static long next_byte(void)
{
	if (pending_pos == pending_len) {
		echo_flush();
		long n = uart_read(pending, sizeof(pending));
		if (n < 0)
			return n;
		pending_len = (size_t)n;
		pending_pos = 0;
	}
	return (uint8_t)pending[pending_pos++];
}

/* Swallow the rest of an escape sequence: ESC [ params final, or ESC + one byte. */
static long skip_escape(void)
{
	long c = next_byte();
	if (c < 0 || c != '[')
		return c < 0 ? c : 0;
	for (int i = 0; i < ESC_SEQ_MAX; i++) {
		c = next_byte();
		if (c < 0 || (c >= 0x40 && c <= 0x7e))
			return c < 0 ? c : 0;
	}
	return 0;
}

static long read_line(char *line, size_t cap, bool hidden)
{
	size_t len = 0;
	bool too_long = false;
	for (;;) {   /* one input byte per round; returns at the end of the line */
		long c = next_byte();
		if (c < 0)
			return c;
		bool cr_lf = c == '\n' && last_was_cr;
		last_was_cr = c == '\r';
		if (cr_lf)
			continue;
		if (c == '\r' || c == '\n') {
			echo("\n", 1);
			echo_flush();
			line[len] = '\0';
			if (!too_long)
				return (long)len;
			orb_printf("error: line longer than %lu characters\n",
				   (unsigned long)(cap - 1));
			return LINE_CANCELLED;
		}
		if (c == 0x03) {   /* Ctrl-C */
			echo("^C\n", 3);
			echo_flush();
			return LINE_CANCELLED;
		}
		if (c == 0x7f || c == 0x08) {   /* DEL, Backspace */
			if (len > 0 && !too_long) {
				len--;
				if (!hidden)
					echo("\b \b", 3);
			}
			continue;
		}
		if (c == 0x15) {   /* Ctrl-U */
			for (; len > 0; len--)
				if (!hidden)
					echo("\b \b", 3);
			too_long = false;
			continue;
		}
		if (c == ESC) {
			long rc = skip_escape();
			if (rc < 0)
				return rc;
			continue;
		}
		if (c == '\t')
			c = ' ';
		if (c < 0x20 || c > 0x7e)
			continue;   /* other control bytes and non-ASCII are ignored */
		if (len + 1 >= cap) {
			too_long = true;
			continue;
		}
		line[len++] = (char)c;
		if (!hidden)
			echo((const char *)&line[len - 1], 1);
	}
}

long line_read(char *line, size_t cap)
{
	return read_line(line, cap, false);
}

long line_read_secret(char *line, size_t cap)
{
	return read_line(line, cap, true);
}
