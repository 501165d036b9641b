// SPDX-License-Identifier: GPL-2.0
/*
 * aether.ko: an I/O prefetcher driven by a freestanding C++ prediction core.
 *
 * Init is a straight line of subsystem inits; each failure unwinds the ones before
 * it in reverse order, and exit is the same unwinding in full.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>

#include "compat.h"
#include "blk.h"
#include "bpf.h"
#include "core.h"
#include "dev.h"
#include "hook.h"
#include "policy.h"
#include "prefetch.h"
#include "stats.h"
#include "sysfs.h"
#include "xrp.h"

static int __init aether_init(void)
{
	int ret;

	ret = aether_core_init();
	if (ret)
		return ret;

	ret = aether_stats_init();
	if (ret)
		goto err_core;

	ret = aether_sysfs_init();
	if (ret)
		goto err_stats;

	ret = aether_bpf_init();
	if (ret)
		goto err_sysfs;

	ret = aether_policy_init();
	if (ret)
		goto err_bpf;

	ret = aether_blk_init();
	if (ret)
		goto err_policy;

	ret = aether_prefetch_init();
	if (ret)
		goto err_blk;

	ret = aether_hook_init();
	if (ret)
		goto err_prefetch;

	ret = aether_xrp_init();
	if (ret)
		goto err_hook;

	ret = aether_dev_init();
	if (ret)
		goto err_xrp;

	pr_info("version %s loaded\n", AETHER_VERSION);
	return 0;

err_xrp:
	aether_xrp_uninit();
err_hook:
	aether_hook_uninit();
err_prefetch:
	aether_prefetch_uninit();
err_blk:
	aether_blk_uninit();
err_policy:
	aether_policy_uninit();
err_bpf:
	aether_bpf_uninit();
err_sysfs:
	aether_sysfs_uninit();
err_stats:
	aether_stats_uninit();
err_core:
	aether_core_uninit();
	return ret;
}

static void __exit aether_exit(void)
{
	aether_dev_uninit();
	aether_xrp_uninit();
	aether_hook_uninit();
	aether_prefetch_uninit();
	aether_blk_uninit();
	aether_policy_uninit();
	aether_bpf_uninit();
	aether_sysfs_uninit();
	aether_stats_uninit();
	aether_core_uninit();
	pr_info("unloaded\n");
}

module_init(aether_init);
module_exit(aether_exit);

MODULE_DESCRIPTION("Aether I/O prefetcher");
MODULE_AUTHOR("The Aether developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(AETHER_VERSION);
