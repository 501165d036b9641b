// SPDX-License-Identifier: GPL-2.0
/*
 * prefetch subsystem: the queue of explicit prefetches.
 *
 * The readahead hook decides in a context that cannot sleep, so the ranges it wants
 * read (strided, backward and correlated ones, which Linux never reads ahead) are
 * handed over here: one access's ranges form one batch, read by a work item under
 * one plug. Every prefetched page is read on its own and so marked PG_readahead:
 * the reader's use of it comes back through the async hook, the core sees the
 * stream continue, and it can tell hits from waste.
 *
 * At most prefetch_queue_depth batches are in flight; one more is dropped and
 * counted rather than queued. A batch holds references on its file and on the
 * mapping it reads (the readahead's, which need not be the file's) until it has
 * been read, and the workqueue is drained before the module goes.
 *
 * The reads are the reader's, not the worker's: a batch also holds the reader's
 * memory and io cgroups, and the work reads with them active, as the loop driver
 * does for its bios. So the pages are charged to the reader's memory.max, and the
 * bios to its io.max and io.stat, rather than to the root's.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-cgroup.h>
#include <linux/blkdev.h>
#include <linux/cgroup.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kthread.h>
#include <linux/memcontrol.h>
#include <linux/pagemap.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "core.h"
#include "prefetch.h"
#include "stats.h"
#include "sysfs.h"
#include "trace.h"

static struct workqueue_struct *aether_prefetch_wq;
static atomic_t aether_prefetch_inflight = ATOMIC_INIT(0);

/*
 * One access's explicit prefetches: ranges of @mapping, read through @file for the
 * reader whose cgroups @memcg and @blkcg are. It holds a reference to all four
 * (to @mapping through its host inode).
 */
struct aether_prefetch {
	struct work_struct work;
	struct file *file;
	struct address_space *mapping;
	struct mem_cgroup *memcg;	/* NULL without memory cgroups */
	struct cgroup_subsys_state *blkcg;
	unsigned int n;
	struct {
		pgoff_t index;
		unsigned long nr;
	} range[AETHER_CORE_MAX_DECISIONS];
};

unsigned long aether_prefetch_readable(struct address_space *mapping, pgoff_t index,
				       unsigned long nr)
{
	loff_t isize = i_size_read(mapping->host);
	pgoff_t last;

	if (isize <= 0 || (!mapping->a_ops->read_folio && !mapping->a_ops->readahead))
		return 0;
	last = (isize - 1) >> PAGE_SHIFT;
	return index > last ? 0 : min_t(unsigned long, nr, last - index + 1);
}

/*
 * Reads one access's prefetches. Each page is read on its own so that each is
 * marked PG_readahead; the plug merges them back into as few requests as the
 * device allows. A private file_ra_state keeps the file's own readahead state
 * untouched.
 */
static void aether_prefetch_work(struct work_struct *work)
{
	struct aether_prefetch *p = container_of(work, struct aether_prefetch, work);
	struct address_space *mapping = p->mapping;
	struct file_ra_state ra = {};
	struct mem_cgroup *old_memcg;
	struct blk_plug plug;
	unsigned long nr;
	unsigned int r;
	pgoff_t i;

	old_memcg = set_active_memcg(p->memcg);
	kthread_associate_blkcg(p->blkcg);
	blk_start_plug(&plug);
	for (r = 0; r < p->n; r++) {
		nr = aether_prefetch_readable(mapping, p->range[r].index, p->range[r].nr);
		if (!nr)
			continue;
		trace_aether_prefetch_issue(mapping->host, p->range[r].index, nr);
		for (i = p->range[r].index; i < p->range[r].index + nr; i++) {
			DEFINE_READAHEAD(ractl, p->file, &ra, mapping, i);

			aether_compat_ra_unbounded(&ractl, 1, 1);
		}
	}
	blk_finish_plug(&plug);
	kthread_associate_blkcg(NULL);
	set_active_memcg(old_memcg);
	css_put(p->blkcg);
	mem_cgroup_put(p->memcg);
	iput(mapping->host);
	fput(p->file);
	kfree(p);
	atomic_dec(&aether_prefetch_inflight);
}

/*
 * Starts a batch for one access's prefetches of @mapping through @file, or counts
 * a drop when prefetch_queue_depth batches are already in flight. Returns it, or
 * an ERR_PTR() of aether_prefetch_add()'s -EINVAL or -EBUSY.
 */
static struct aether_prefetch *aether_prefetch_start(struct file *file, struct address_space *mapping)
{
	unsigned int depth = READ_ONCE(aether_tunables.prefetch_queue_depth);
	struct aether_prefetch *p;

	if (!file || !mapping || !depth)
		return ERR_PTR(-EINVAL);
	if (atomic_inc_return(&aether_prefetch_inflight) > depth)
		goto drop;
	p = kmalloc(sizeof(*p), GFP_NOWAIT | __GFP_NOWARN);
	if (!p)
		goto drop;
	/* An inode already on its way out has nothing worth prefetching. */
	if (!igrab(mapping->host)) {
		kfree(p);
		goto drop;
	}
	INIT_WORK(&p->work, aether_prefetch_work);
	p->file = get_file(file);
	p->mapping = mapping;
	/* The hook runs in the reader's context: its cgroups are current's. */
	p->memcg = get_mem_cgroup_from_mm(current->mm);
	p->blkcg = task_get_css(current, io_cgrp_id);
	p->n = 0;
	return p;
drop:
	atomic_dec(&aether_prefetch_inflight);
	aether_stats_add(AETHER_STAT_QUEUE_DROPS, 1);
	return ERR_PTR(-EBUSY);
}

int aether_prefetch_add(struct aether_prefetch **p, struct file *file, struct address_space *mapping,
			unsigned long long start, unsigned int nr)
{
	struct aether_prefetch *b = *p;

	if (!b) {
		b = aether_prefetch_start(file, mapping);
		if (IS_ERR(b))
			return PTR_ERR(b);
		*p = b;
	}
	b->range[b->n].index = start;
	b->range[b->n].nr = nr;
	b->n++;
	aether_stats_add(AETHER_STAT_PREFETCH_ISSUED, 1);
	aether_stats_add(AETHER_STAT_PREFETCH_PAGES, nr);
	return 0;
}

void aether_prefetch_submit(struct aether_prefetch *p)
{
	if (p)
		queue_work(aether_prefetch_wq, &p->work);
}

int aether_prefetch_init(void)
{
	aether_prefetch_wq = alloc_workqueue("aether_prefetch", WQ_HIGHPRI | AETHER_WQ_PERCPU, 0);
	return aether_prefetch_wq ? 0 : -ENOMEM;
}

void aether_prefetch_uninit(void)
{
	/* Runs every queued prefetch, so each drops its file reference. */
	destroy_workqueue(aether_prefetch_wq);
}
