/* SPDX-License-Identifier: Apache-2.0 */
#include <orbital.h>
#include <orbital/random.h>
#include <sodium.h>

int main(void)
{
	orb_printf("crypto: sodium_init %d version %s\n", sodium_init(), sodium_version_string());
	uint8_t pk[32], sk[64];
	crypto_sign_keypair(pk, sk);
	orb_printf("crypto: pk %02x%02x\n", pk[0], pk[1]);
	return 0;
}
