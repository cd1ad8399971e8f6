/* SPDX-License-Identifier: Apache-2.0 */
/* init (pid 1): for now, greet and stop the machine cleanly. */
#include <orbital.h>

int main(void)
{
	orb_printf("init: pid %u running\n", orb_pid());
	return 0;
}
