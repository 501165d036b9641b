// SPDX-License-Identifier: GPL-2.0
/*
 * Core subsystem: the C side of the C++ prediction core.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/printk.h>

#include "compat.h"
#include "core.h"

int aether_core_init(void)
{
	unsigned long bad = aether_core_selftest();

	if (bad) {
		pr_err("core self-check failed: %lu of %lu golden vectors mismatch; refusing to load\n",
		       bad, aether_core_vector_count());
		return -ENOTRECOVERABLE;
	}
	pr_info("core self-check passed: %lu golden vectors\n", aether_core_vector_count());
	return 0;
}

void aether_core_uninit(void)
{
}
