/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Files the host hands this machine at boot, by name: the wasm64 counterpart of QEMU's
 * fw_cfg (arch/x86_64/fwcfg.c). The page is the host; it keeps the machine secret
 * (opt/orbital/machine-secret, kernel/secret.c) per origin and passes it to the kernel
 * worker before kmain (orbital_build/wasm/site/machine.js, docs/decisions.md D187).
 */
#include <arch/arch.h>
#include <arch/wasm64/host.h>
#include <orbital/abi.h>

long arch_fwcfg_file(const char *name, u8 *buf, size_t cap)
{
	i64 size = host_file(name, buf, cap);
	if (size < 0)
		return -ORB_ENOENT;
	if ((u64)size > cap)
		return -ORB_EOVERFLOW;
	return (long)size;
}
