// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only module: warns once at load, so tests/harness/check can prove that the
 * VM harness fails any test during which the kernel logs a WARNING.
 */
#include <linux/bug.h>
#include <linux/module.h>

static int __init aether_warn_on_init(void)
{
	WARN_ON(1);
	return 0;
}

static void __exit aether_warn_on_exit(void)
{
}

module_init(aether_warn_on_init);
module_exit(aether_warn_on_exit);
MODULE_DESCRIPTION("Aether harness self-check: WARN_ON(1) at load");
MODULE_LICENSE("GPL");
