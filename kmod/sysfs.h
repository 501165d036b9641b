/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AETHER_SYSFS_H
#define AETHER_SYSFS_H

#include <linux/atomic.h>
#include <linux/types.h>

#include "core.h"

struct kobject;

/* What the module does with the streams it sees; the sysfs names, in this order. */
enum aether_mode {
	AETHER_MODE_OFF,	/* hooks return at once: the kernel's readahead alone */
	AETHER_MODE_OBSERVE,	/* run the core and count, change nothing */
	AETHER_MODE_HFT,	/* act with the conservative preset */
	AETHER_MODE_GAMING,	/* act with the aggressive preset */
	AETHER_MODE_ADAPTIVE,	/* act with the balanced preset */
};

/*
 * The tunables under /sys/kernel/aether/. Writers hold the sysfs mutex and bump
 * @generation after every change; the hot path reads each field with READ_ONCE()
 * and rebuilds its per-CPU core when @generation moves. Windows are in KiB.
 */
struct aether_tunables {
	unsigned int enabled;		/* 0 or 1 */
	enum aether_mode mode;
	unsigned int min_window_kb;
	unsigned int max_window_kb;
	unsigned int prefetch_queue_depth;
	unsigned int target_accuracy;	/* percent */
	atomic_t generation;
};

extern struct aether_tunables aether_tunables;

/* True when @mode changes what the kernel reads, not only counts. */
static inline bool aether_mode_acts(enum aether_mode mode)
{
	return mode >= AETHER_MODE_HFT;
}

/*
 * aether_sysfs_core_config() - what a core must be configured with for the
 * tunables now: the preset of the mode (adaptive for off and observe, which act on
 * nothing) and the windows in pages. Any context; never fails.
 */
void aether_sysfs_core_config(struct aether_core_config *cfg);

/*
 * aether_sysfs_init() - create /sys/kernel/aether/ with its tunables and stats.
 *
 * Returns 0, or -ENOMEM/-EEXIST (or another -errno from sysfs) on failure, in
 * which case nothing is left behind.
 */
int aether_sysfs_init(void);
void aether_sysfs_uninit(void);

/* Returns /sys/kernel/aether/ for other subsystems' directories. Between init and uninit only. */
struct kobject *aether_sysfs_root(void);

struct attribute_group;

/*
 * aether_sysfs_add_dir() - /sys/kernel/aether/@name/ holding @group. Between
 * init and uninit only; the caller removes it with kobject_put(). Returns the
 * directory, or an ERR_PTR() of -ENOMEM or sysfs's -errno, leaving nothing.
 */
struct kobject *aether_sysfs_add_dir(const char *name, const struct attribute_group *group);

#endif /* AETHER_SYSFS_H */
