/* SPDX-License-Identifier: Apache-2.0 */
/* <signal.h> for third-party code: Orbital has no signals; the header only exists. */
#pragma once
