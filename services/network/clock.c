/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The wall clock, for one purpose: whether a server's certificate is valid now. The
 * service holds a capability to the CMOS real-time clock's two ports (index 0x70, data
 * 0x71; image description `ioport:0x70-0x71:rw`) and reads the date and time once at
 * start; after that it adds the monotonic clock's progress. QEMU's RTC starts at the
 * host's UTC time. No capability, or a clock that reads as nonsense, means "time
 * unknown": every certificate check then fails (BearSSL reports the time as unknown)
 * rather than trusting a guess.
 *
 * The MC146818 registers: 0x00 seconds, 0x02 minutes, 0x04 hours, 0x07 day of month,
 * 0x08 month, 0x09 year of the century; 0x0A bit 7 = an update is in progress; 0x0B bit 2
 * = binary (else BCD), bit 1 = 24-hour (else 12-hour, bit 7 of the hour = PM). The year
 * is taken as 20yy. A read during an update can tear, so the registers are read until
 * two reads agree.
 */
#include "conn.h"

static uint64_t base_unix;     /* 0: unknown */
static uint64_t base_ns;

static int reg(orb_cptr_t rtc, uint8_t r)
{
	if (orb_io_out8(rtc, 0, r) < 0)
		return -1;
	long v = orb_io_in8(rtc, 1);
	return v < 0 ? -1 : (int)(v & 0xff);
}

struct rtc_time {
	int sec, min, hour, day, month, year;
};

static bool read_once(orb_cptr_t rtc, struct rtc_time *t)
{
	for (int spin = 0; spin < 100000; spin++) {
		int a = reg(rtc, 0x0a);
		if (a < 0)
			return false;
		if (!(a & 0x80))
			break;
	}
	t->sec = reg(rtc, 0x00);
	t->min = reg(rtc, 0x02);
	t->hour = reg(rtc, 0x04);
	t->day = reg(rtc, 0x07);
	t->month = reg(rtc, 0x08);
	t->year = reg(rtc, 0x09);
	return t->sec >= 0 && t->min >= 0 && t->hour >= 0 && t->day >= 0 && t->month >= 0 &&
	       t->year >= 0;
}

static int from_bcd(int v)
{
	return (v >> 4) * 10 + (v & 0x0f);
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void clock_start(orb_cptr_t rtc)
{
	struct rtc_time a, b;
	bool same = false;
	for (int tries = 0; tries < 5 && !same; tries++) {
		if (!read_once(rtc, &a) || !read_once(rtc, &b)) {
			orb_printf("network: no real-time clock (ports 0x70-0x71): https cannot "
				   "check certificates\n");
			return;
		}
		same = memcmp(&a, &b, sizeof(a)) == 0;
	}
	int regb = reg(rtc, 0x0b);
	bool pm = false;
	if (!(regb & 0x02)) {
		pm = a.hour & 0x80;
		a.hour &= 0x7f;
	}
	if (!(regb & 0x04)) {
		a.sec = from_bcd(a.sec);
		a.min = from_bcd(a.min);
		a.hour = from_bcd(a.hour);
		a.day = from_bcd(a.day);
		a.month = from_bcd(a.month);
		a.year = from_bcd(a.year);
	}
	if (!(regb & 0x02))
		a.hour = a.hour % 12 + (pm ? 12 : 0);
	if (!same || a.sec > 59 || a.min > 59 || a.hour > 23 || a.day < 1 || a.day > 31 ||
	    a.month < 1 || a.month > 12 || a.year > 99) {
		orb_printf("network: the real-time clock reads nonsense: https cannot check "
			   "certificates\n");
		return;
	}
	int64_t days = days_from_civil(2000 + a.year, a.month, a.day);
	base_unix = (uint64_t)(days * 86400 + a.hour * 3600 + a.min * 60 + a.sec);
	base_ns = orb_now_ns();
	orb_printf("network: wall clock 20%02d-%02d-%02d %02d:%02d:%02d UTC (RTC)\n", a.year,
		   a.month, a.day, a.hour, a.min, a.sec);
}

uint64_t clock_unix_seconds(void)
{
	if (!base_unix)
		return 0;
	return base_unix + (orb_now_ns() - base_ns) / 1000000000u;
}
