/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AETHER_BLK_SYSFS_H
#define AETHER_BLK_SYSFS_H

struct aether_blk_dev;

/*
 * aether_blk_sysfs_init() - create /sys/kernel/aether/devices/ with its
 * untracked_requests file.
 *
 * Caller has initialised the sysfs subsystem. Returns 0, or -ENOMEM or sysfs's
 * -errno, leaving nothing behind.
 */
int aether_blk_sysfs_init(void);

/*
 * aether_blk_sysfs_add() - create devices/<major:minor>/ for @d, whose slot is
 * claimed and named, unless it has its directory already.
 *
 * Process context, serialised by the caller (blk.c's work item). Returns 0, or
 * -ENOMEM or sysfs's -errno, leaving @d without a directory to be tried again.
 */
int aether_blk_sysfs_add(struct aether_blk_dev *d);

/*
 * aether_blk_sysfs_remove() - remove @d's directory, if it has one, and wait for
 * its files' readers. Process context, serialised with aether_blk_sysfs_add().
 */
void aether_blk_sysfs_remove(struct aether_blk_dev *d);

/*
 * aether_blk_sysfs_uninit() - remove every disk's directory and devices/.
 *
 * Waits for the files' readers, so nothing reads any disk's state once it
 * returns. Safe after a failed or skipped aether_blk_sysfs_init(); the caller
 * makes sure aether_blk_sysfs_add() no longer runs.
 */
void aether_blk_sysfs_uninit(void);

#endif /* AETHER_BLK_SYSFS_H */
