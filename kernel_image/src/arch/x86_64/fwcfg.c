/* SPDX-License-Identifier: Apache-2.0 */
/*
 * QEMU's firmware configuration device (fw_cfg, QEMU docs/specs/fw_cfg.rst), the way the
 * host hands this machine its secret: `-fw_cfg name=opt/orbital/machine-secret,file=F`.
 *
 * On x86 the device is two I/O ports: a 16-bit selector at 0x510 and an 8-bit data port
 * at 0x511; each read of the data port returns the next byte of the selected item. Item
 * 0x0000 reads "QEMU" when the device is there; item 0x0019 is the file directory: a
 * big-endian u32 count, then per file a big-endian u32 size, a big-endian u16 selector,
 * two reserved bytes and a NUL-padded 56-byte name. Only the kernel touches these ports
 * (no process is ever given them), once, at boot.
 */
#include <arch/arch.h>
#include <kernel/string.h>
#include <orbital/abi.h>

#define FW_CFG_SELECTOR 0x510
#define FW_CFG_DATA 0x511
#define FW_CFG_SIGNATURE 0x0000
#define FW_CFG_FILE_DIR 0x0019
#define FW_CFG_NAME_LEN 56
#define FW_CFG_MAX_FILES 1024          /* QEMU keeps far fewer; a bound on the walk */

static void fwcfg_select(u16 item)
{
	arch_port_out(FW_CFG_SELECTOR, 2, item);
}

static void fwcfg_read(void *buf, size_t n)
{
	u8 *p = buf;
	for (size_t i = 0; i < n; i++)
		p[i] = (u8)arch_port_in(FW_CFG_DATA, 1);
}

static u32 be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

long arch_fwcfg_file(const char *name, u8 *buf, size_t cap)
{
	u8 sig[4];
	fwcfg_select(FW_CFG_SIGNATURE);
	fwcfg_read(sig, sizeof(sig));
	if (memcmp(sig, "QEMU", 4) != 0)
		return -ORB_ENOENT;   /* no fw_cfg device on this machine */
	u8 word[4];
	fwcfg_select(FW_CFG_FILE_DIR);
	fwcfg_read(word, sizeof(word));
	u32 count = be32(word);
	size_t len = strlen(name);
	for (u32 i = 0; i < count && i < FW_CFG_MAX_FILES; i++) {
		u8 entry[4 + 2 + 2 + FW_CFG_NAME_LEN];
		fwcfg_read(entry, sizeof(entry));
		const char *fname = (const char *)entry + 8;
		if (len >= FW_CFG_NAME_LEN || memcmp(fname, name, len + 1) != 0)
			continue;
		u32 size = be32(entry);
		if (size > cap)
			return -ORB_EOVERFLOW;
		fwcfg_select((u16)(entry[4] << 8 | entry[5]));
		fwcfg_read(buf, size);
		return (long)size;
	}
	return -ORB_ENOENT;
}
