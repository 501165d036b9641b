/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AETHER_BLK_H
#define AETHER_BLK_H

#include <linux/atomic.h>
#include <linux/blkdev.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include <uapi/aether_names.h>

#include "core.h"
#include "stats.h"

/*
 * aether_blk_init() - attach to the block layer's block_rq_issue and
 * block_rq_complete tracepoints and create /sys/kernel/aether/devices/.
 *
 * Caller has initialised the sysfs subsystem. Returns 0; -ENOENT if this kernel
 * has no such tracepoints; -ENOMEM; or the -errno of sysfs or of
 * tracepoint_probe_register(). Nothing is left behind on failure.
 */
int aether_blk_init(void);

/*
 * aether_blk_uninit() - detach the probes, wait for running ones, remove the
 * devices' directories and free their state. Safe while I/O is in flight.
 */
void aether_blk_uninit(void);

/*
 * The rest is the blk subsystem's own: the per-disk state its probes (blk.c)
 * write and its sysfs half (blk_sysfs.c) shows.
 */

/* Disks watched at once; later ones are counted in untracked_requests only. */
#define AETHER_BLK_MAX_DEVS 64

/*
 * Per-disk counters: AETHER_BLK_<NAME> for each of uapi's AETHER_DISK_COUNTERS,
 * which says what each counts. sysfs shows them in this order.
 */
#define AETHER_BLK_STAT_ENUM(NAME, name) AETHER_BLK_##NAME,
enum aether_blk_stat {
	AETHER_DISK_COUNTERS(AETHER_BLK_STAT_ENUM)
	AETHER_BLK_STAT_NR,
};
#undef AETHER_BLK_STAT_ENUM

struct aether_blk_cpu {
	u64 count[AETHER_BLK_STAT_NR];
	u64 latency[AETHER_STATS_LAT_BUCKETS];
};

struct aether_blk_dev {
	dev_t devt;			/* 0 while free; set once by cmpxchg */
	int named;			/* name is written (release/acquire) */
	char name[DISK_NAME_LEN];
	struct aether_blk_cpu __percpu *cpu;
	atomic64_t next_sector;		/* where the last read issued ended */
	struct aether_core_cpu *core;	/* published by the work item (release/acquire) */
	struct kobject *kobj;		/* created by the work item */

	spinlock_t lock;		/* guards the fields below and the core's state */
	struct aether_core_config cfg;
	int generation;
	enum aether_core_pattern pattern;
	struct aether_core_decision last;	/* valid when last.length */
};

/* Every disk's slot, claimed in order and kept until the module is unloaded. */
extern struct aether_blk_dev aether_blk_devs[AETHER_BLK_MAX_DEVS];

/* Requests to disks beyond the first AETHER_BLK_MAX_DEVS, which are not tracked. */
extern atomic64_t aether_blk_untracked_requests;

#endif /* AETHER_BLK_H */
