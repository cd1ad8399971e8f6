/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CPU's random source. RDSEED reads the conditioned entropy source itself and is
 * preferred; RDRAND reads a DRBG the hardware reseeds from it, and is what QEMU's TCG
 * offers (it has no RDSEED). Both may report "nothing yet" (CF=0) under load: Intel's
 * guidance is to retry RDRAND up to 10 times, RDSEED more often with a pause between.
 * Nothing here keeps state; the kernel hands the words to user space (entropy_get),
 * whose CSPRNG does the stretching.
 */
#include <arch/arch.h>
#include <arch/x86_64/x86.h>
#include <orbital/abi.h>

static bool rdseed64(u64 *out)
{
	u8 ok;
	__asm__ volatile("rdseed %0; setc %1" : "=r"(*out), "=qm"(ok) : : "cc");
	return ok;
}

static bool rdrand64(u64 *out)
{
	u8 ok;
	__asm__ volatile("rdrand %0; setc %1" : "=r"(*out), "=qm"(ok) : : "cc");
	return ok;
}

long arch_entropy_u64(u64 *out)
{
	if (cpu_has_rdseed)
		for (int i = 0; i < 100; i++) {
			if (rdseed64(out))
				return 0;
			__asm__ volatile("pause");
		}
	if (cpu_has_rdrand)
		for (int i = 0; i < 10; i++)
			if (rdrand64(out))
				return 0;
	return cpu_has_rdseed || cpu_has_rdrand ? -ORB_EAGAIN : -ORB_ENOSYS;
}
