/* SPDX-License-Identifier: Apache-2.0 */
#include "crypto_test.h"

int main(void)
{
	if (sodium_init() < 0) {
		orb_printf("crypto: sodium_init failed\n");
		return 1;
	}
	orb_printf("crypto: libsodium %s, random from '%s'\n", sodium_version_string(),
		   randombytes_implementation_name());
	int passed = 0;
	int failed = run_cases(&passed);
	orb_printf("crypto: %d passed, %d failed\n", passed, failed);
	long rc = serial_open(CT_COM1_CAP);
	if (rc < 0) {
		orb_printf("crypto: no COM1 port capability (%ld): no host commands\n", rc);
		return failed ? 1 : 0;
	}
	int loop = command_loop();
	return failed || loop ? 1 : 0;
}
