/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Device registers and memory shared with a device: sized volatile loads and stores
 * (one access each, never merged or split by the compiler) and the barriers a driver
 * needs between its writes to memory a device reads and its writes to the device.
 *
 *   orb_wmb()  earlier stores are visible before later ones (e.g. ring entries, then the
 *              index that publishes them);
 *   orb_rmb()  earlier loads complete before later ones (an index, then what it covers);
 *   orb_mb()   both, and stores before later loads (a full fence).
 *
 * On x86 ordinary stores are not reordered with stores nor loads with loads, so the first
 * two only stop the compiler; orb_mb() is a locked instruction. Written with the C11
 * fences the compiler maps to the target, so no service carries assembly.
 */
#pragma once

#include <stdint.h>

static inline uint8_t orb_mmio_read8(const volatile void *p)
{
	return *(const volatile uint8_t *)p;
}

static inline uint16_t orb_mmio_read16(const volatile void *p)
{
	return *(const volatile uint16_t *)p;
}

static inline uint32_t orb_mmio_read32(const volatile void *p)
{
	return *(const volatile uint32_t *)p;
}

static inline void orb_mmio_write8(volatile void *p, uint8_t v)
{
	*(volatile uint8_t *)p = v;
}

static inline void orb_mmio_write16(volatile void *p, uint16_t v)
{
	*(volatile uint16_t *)p = v;
}

static inline void orb_mmio_write32(volatile void *p, uint32_t v)
{
	*(volatile uint32_t *)p = v;
}

/* A 64-bit register written as two 32-bit halves, low first (virtio allows this). */
static inline void orb_mmio_write64(volatile void *p, uint64_t v)
{
	orb_mmio_write32(p, (uint32_t)v);
	orb_mmio_write32((volatile uint8_t *)p + 4, (uint32_t)(v >> 32));
}

static inline void orb_wmb(void)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static inline void orb_rmb(void)
{
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
}

static inline void orb_mb(void)
{
	static volatile uint32_t fence_word;
	__atomic_fetch_or(&fence_word, 0, __ATOMIC_SEQ_CST);   /* a locked RMW: a full fence */
}
