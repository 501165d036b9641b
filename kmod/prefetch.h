/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AETHER_PREFETCH_H
#define AETHER_PREFETCH_H

#include <linux/types.h>

struct address_space;
struct file;
struct aether_prefetch;

/*
 * aether_prefetch_init() - create the workqueue that reads explicit prefetches.
 * Returns 0 or -ENOMEM.
 */
int aether_prefetch_init(void);

/*
 * aether_prefetch_uninit() - run every queued prefetch, so each drops its file
 * reference, then free the queue. Caller has made sure no more are submitted
 * (the readahead hook is detached); reads still in flight are waited for.
 */
void aether_prefetch_uninit(void);

/*
 * aether_prefetch_add() - add pages [@start, @start + @nr) of @mapping, read
 * through @file, to *@p, one access's prefetches. They are the readahead
 * control's: its mapping need not be @file's (ext4 reads a directory's blocks
 * ahead in the block device's mapping). *@p is NULL before the first range: then
 * a batch is started, which takes references on @file and @mapping's inode and a
 * place in the queue, or a queue drop is counted when prefetch_queue_depth
 * batches are already in flight. At most AETHER_CORE_MAX_DECISIONS ranges are
 * added to one batch.
 *
 * Never sleeps. Returns 0; -EINVAL if there is no @file or @mapping or
 * prefetch_queue_depth is 0; -EBUSY if the queue is full, memory is short or
 * @mapping's inode is being freed (counted in queue_drops). After an error
 * nothing more can be added for this access.
 */
int aether_prefetch_add(struct aether_prefetch **p, struct file *file, struct address_space *mapping,
			unsigned long long start, unsigned int nr);

/*
 * aether_prefetch_submit() - queue @p, the batch aether_prefetch_add() started,
 * to be read by one work item under one plug. Does nothing for NULL. Never sleeps.
 */
void aether_prefetch_submit(struct aether_prefetch *p);

/*
 * aether_prefetch_readable() - how many of pages [@index, @index + @nr) of
 * @mapping readahead may read: none for a mapping that cannot read pages (as
 * force_page_cache_ra()), and never past the page holding the last byte (as
 * do_page_cache_ra()). Any context.
 */
unsigned long aether_prefetch_readable(struct address_space *mapping, pgoff_t index,
				       unsigned long nr);

#endif /* AETHER_PREFETCH_H */
