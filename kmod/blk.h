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
 * block_rq_complete tracepoints and to del_gendisk(), and create
 * /sys/kernel/aether/devices/.
 *
 * Caller has initialised the sysfs subsystem. Returns 0; -ENOENT if this kernel
 * has no such tracepoints; -ENOMEM; or the -errno of sysfs, of ftrace or of
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

/*
 * Disks watched at once; requests to more are counted in untracked_requests only,
 * until a watched disk is deleted and frees its slot.
 */
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

/*
 * A slot's life. A disk's first request claims a free slot, or else a dead one
 * (CLAIMING while its identity is written, then LIVE). When the disk is deleted
 * the slot is DYING: no probe counts into it any more, and the work item removes
 * its directory and core, zeroes its counters and leaves it DEAD. A DEAD slot keeps
 * its disk's identity, so late requests of the deleted disk are recognised and
 * ignored, until another disk claims it.
 */
enum aether_blk_state {
	AETHER_BLK_FREE,
	AETHER_BLK_CLAIMING,
	AETHER_BLK_LIVE,
	AETHER_BLK_DYING,
	AETHER_BLK_DEAD,
};

struct aether_blk_dev {
	int state;			/* enum aether_blk_state (release/acquire) */
	/*
	 * The disk's identity: its dev_t and its diskseq, which no other disk shares,
	 * so a dev_t reused by a new disk never finds the old disk's slot. A media
	 * change (a loop device attached anew) also gives a new diskseq, and so new
	 * counters. Written only while CLAIMING.
	 */
	dev_t devt;
	u64 diskseq;
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

/* Every disk's slot; a slot is reused once its disk is deleted. */
extern struct aether_blk_dev aether_blk_devs[AETHER_BLK_MAX_DEVS];

/* Requests to disks that found no free slot, which are not tracked. */
extern atomic64_t aether_blk_untracked_requests;

#endif /* AETHER_BLK_H */
