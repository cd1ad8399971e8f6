/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <kernel/types.h>

#define SECRET_SIGNATURE_SIZE 64
#define SECRET_PUBLIC_KEY_SIZE 32

/* Read the machine secret the host gave (once, at boot), derive its keys and wipe it. */
void secret_init(void);
/* Whether the machine has a secret (and so a checkpoint signing key). */
bool secret_present(void);
/* Ed25519 signature of msg with the checkpoint key; false without a secret. */
bool secret_sign(const u8 *msg, size_t len, u8 sig[SECRET_SIGNATURE_SIZE]);
