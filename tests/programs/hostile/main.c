/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hostile programs for the kernel tests. An instance named after a misdeed (images/test.toml)
 * does one thing a process must not be able to do and must die alone for it; one named
 * "hostile-ATTACK" runs a denial-of-service attack from attacks.c (images/hostile.toml)
 * that must be refused at its own limits; "hostile-child" is what the notices attack
 * spawns: it sleeps a little and exits with HOSTILE_CHILD_CODE.
 */
#include "attack.h"

#ifndef ORB_SERVICE_NAME
#define ORB_SERVICE_NAME "hostile-kwrite"
#endif

static volatile int forever = 1;

static int depth(int n)
{
	volatile char pad[512];
	pad[0] = (char)n;
	return forever ? depth(n + 1) + pad[0] : 0;
}

int main(void)
{
	const char *what = ORB_SERVICE_NAME;
	if (!strcmp(what, HOSTILE_CHILD)) {
		orb_sleep_ms(300);
		return HOSTILE_CHILD_CODE;
	}
	const struct attack *attack = attack_named(what);
	if (attack)
		attack_main(attack);
	orb_printf("%s: trying it (pid %u)\n", what, orb_pid());
	if (!strcmp(what, "hostile-kwrite")) {
		*(volatile uint64_t *)0xffffffff80100000ull = 1;          /* write kernel memory */
	} else if (!strcmp(what, "hostile-kread")) {
		(void)*(volatile uint64_t *)0xffff800000100000ull;        /* read the direct map */
	} else if (!strcmp(what, "hostile-execdata")) {
		static uint8_t code[16] = { 0xc3 };                        /* ret, in .data (NX) */
		((void (*)(void))code)();
	} else if (!strcmp(what, "hostile-priv")) {
		__asm__ volatile("cli; hlt");                               /* privileged */
	} else if (!strcmp(what, "hostile-noncanon")) {
		((void (*)(void))0x0000900000000000ull)();                  /* non-canonical jump */
	} else if (!strcmp(what, "hostile-stack")) {
		orb_printf("%d\n", depth(0));                               /* overflow the stack */
	} else if (!strcmp(what, "hostile-int")) {
		__asm__ volatile("int $0x80");                              /* gate is DPL 0 */
	}
	orb_printf("%s: still alive: the kernel did not stop it\n", what);
	return 0;
}
