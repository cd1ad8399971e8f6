/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The machine secret (D247): bytes the host keeps per disk and gives this machine at boot
 * (x86_64: QEMU fw_cfg file opt/orbital/machine-secret); the image never contains them.
 * The kernel reads them once, in secret_init, and keeps only what it derives, each with
 * its own label, by keyed BLAKE2b (libsodium, lock.toml kernel_sources):
 *
 *   master         = BLAKE2b-256(secret)
 *   identity key   = BLAKE2b-256(key = master, "orbital machine secret: identity records v1")
 *   checkpoint seed= BLAKE2b-256(key = master, "orbital machine secret: checkpoint signing v1")
 *
 * The identity key goes to whoever holds a SECRET capability with R (secret_read); an
 * image gives one to Identity only. The checkpoint seed becomes an Ed25519 key pair that
 * never leaves the kernel and signs every checkpoint (axiom.c). Knowing the identity key
 * tells nothing of the other: a compromised Identity cannot sign checkpoints. The host
 * derives the same public key from the same file (`orbital-build axiom key`).
 *
 * Syscall here: secret_read (SECRET:R).
 */
#include <arch/arch.h>
#include <kernel/cap.h>
#include <kernel/printk.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/secret.h>
#include <kernel/string.h>
#include <kernel/thread.h>
#include <kernel/usercopy.h>

#include <sodium/crypto_generichash_blake2b.h>
#include <sodium/crypto_sign_ed25519.h>

#define SECRET_FILE "opt/orbital/machine-secret"
#define SECRET_MIN 16          /* fewer bytes than this is no secret */
#define SECRET_MAX 256

static const char IDENTITY_LABEL[] = "orbital machine secret: identity records v1";
static const char CHECKPOINT_LABEL[] = "orbital machine secret: checkpoint signing v1";

static u8 identity_key[ORB_SECRET_KEY_SIZE];
static u8 sign_sk[crypto_sign_ed25519_SECRETKEYBYTES];
static u8 sign_pk[crypto_sign_ed25519_PUBLICKEYBYTES];
static bool present;

static void wipe(void *p, size_t n)
{
	volatile u8 *v = p;   /* volatile: the wipe is not a dead store to drop */
	for (size_t i = 0; i < n; i++)
		v[i] = 0;
}

static void derive(u8 out[32], const char *label, size_t len, const u8 master[32])
{
	crypto_generichash_blake2b(out, 32, (const u8 *)label, len, master, 32);
}

void secret_init(void)
{
	u8 raw[SECRET_MAX], master[32], seed[32];
	long n = arch_fwcfg_file(SECRET_FILE, raw, sizeof(raw));
	if (n == -ORB_ENOENT) {
		printk("secret: none given (%s): checkpoints are unsigned\n", SECRET_FILE);
		return;
	}
	if (n < SECRET_MIN) {
		printk("secret: %s refused: %s\n", SECRET_FILE,
		       n < 0 ? "over 256 bytes" : "under 16 bytes");
		wipe(raw, sizeof(raw));
		return;
	}
	crypto_generichash_blake2b(master, sizeof(master), raw, (size_t)n, NULL, 0);
	derive(identity_key, IDENTITY_LABEL, sizeof(IDENTITY_LABEL) - 1, master);
	derive(seed, CHECKPOINT_LABEL, sizeof(CHECKPOINT_LABEL) - 1, master);
	crypto_sign_ed25519_seed_keypair(sign_pk, sign_sk, seed);
	wipe(raw, sizeof(raw));
	wipe(master, sizeof(master));
	wipe(seed, sizeof(seed));
	present = true;
	char hex[2 * sizeof(sign_pk) + 1];
	for (size_t i = 0; i < sizeof(sign_pk); i++) {
		hex[2 * i] = "0123456789abcdef"[sign_pk[i] >> 4];
		hex[2 * i + 1] = "0123456789abcdef"[sign_pk[i] & 15];
	}
	hex[sizeof(hex) - 1] = '\0';
	printk("secret: %ld bytes from the host; checkpoints signed by Ed25519 key %s\n", n, hex);
}

bool secret_present(void)
{
	return present;
}

bool secret_sign(const u8 *msg, size_t len, u8 sig[SECRET_SIGNATURE_SIZE])
{
	if (!present)
		return false;
	return crypto_sign_ed25519_detached(sig, NULL, msg, len, sign_sk) == 0;
}

long sys_secret_read(orb_cptr_t cap, uint64_t buf, size_t len)
{
	long err;
	if (!cap_lookup(current()->proc, cap, ORB_OBJ_SECRET, ORB_RIGHT_READ, &err))
		return err;
	if (!present)
		return -ORB_ENOENT;
	if (len < sizeof(identity_key))
		return -ORB_EOVERFLOW;
	int rc = copy_to_user(buf, identity_key, sizeof(identity_key));
	return rc < 0 ? rc : (long)sizeof(identity_key);
}
