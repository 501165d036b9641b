/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AETHER_SYSFS_H
#define AETHER_SYSFS_H

#include <linux/atomic.h>
#include <linux/types.h>

#include <uapi/aether_names.h>

#include "core.h"

struct kobject;

/*
 * What the module does with the streams it sees: AETHER_MODE_<NAME> for each of
 * uapi's AETHER_MODES, whose names sysfs's `mode` shows and takes. Off leaves
 * the kernel's readahead alone, observe runs the core and counts but changes
 * nothing, and each preset acts with the core's preset of its name.
 */
#define AETHER_MODE_ENUM(NAME, name, ...) AETHER_MODE_##NAME,
enum aether_mode {
	AETHER_MODES(AETHER_MODE_ENUM)
};
#undef AETHER_MODE_ENUM

/*
 * The tunables under /sys/kernel/aether/, one field each, as uapi's
 * AETHER_TUNABLES lists them (with their ranges). Writers hold the sysfs mutex,
 * write inside a seqcount and bump @generation after every change; the hot path
 * reads a single field with READ_ONCE(), and when @generation moves it rebuilds
 * its per-CPU core from aether_sysfs_core_config(), which reads all of them from
 * one moment.
 */
#define AETHER_TUNABLE_NUMBER_FIELD(name, min, max, align) unsigned int name;
#define AETHER_TUNABLE_MODE_FIELD(name) enum aether_mode name;
struct aether_tunables {
	AETHER_TUNABLES(AETHER_TUNABLE_NUMBER_FIELD, AETHER_TUNABLE_MODE_FIELD)
	atomic_t generation;
};
#undef AETHER_TUNABLE_NUMBER_FIELD
#undef AETHER_TUNABLE_MODE_FIELD

extern struct aether_tunables aether_tunables;

/* True when @mode changes what the kernel reads, not only counts: it is a preset. */
static inline bool aether_mode_acts(enum aether_mode mode)
{
	return mode > AETHER_MODE_OBSERVE;
}

/*
 * aether_sysfs_core_config() - what a core must be configured with for the
 * tunables now: the mode's preset (adaptive for off and observe, which act on
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
