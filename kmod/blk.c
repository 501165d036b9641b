// SPDX-License-Identifier: GPL-2.0
/*
 * blk subsystem: per-device telemetry from the block layer.
 *
 * Probes on the block_rq_issue and block_rq_complete tracepoints count, per disk,
 * the read and write requests and bytes, the bytes read ahead (REQ_RAHEAD), how
 * many reads started where the previous one ended, failed requests and a log2
 * histogram of issue-to-completion latency. Each disk's reads, in issue order, are
 * also its LBA stream: a core of its own says what it makes of it, and the last
 * pattern and decision are kept. blk_sysfs.c shows it all under
 * /sys/kernel/aether/devices/. Nothing here changes any I/O.
 *
 * The probes never sleep or wait. Counters are per CPU; a disk is found in a
 * fixed table without a lock, by its dev_t and diskseq, and claims a slot there
 * under a spinlock the first time it is seen; the disk's core is behind a
 * spinlock that the probes only ever try, so a contended access skips the core
 * (and is counted) rather than stall I/O. Directories under
 * /sys/kernel/aether/devices/ and the cores are created by a work item, because a
 * probe cannot allocate or sleep. A hook on del_gendisk() hands a deleted disk's
 * slot to the same work item, which clears it for the next disk: loop, NBD and
 * ublk devices come and go, and a dev_t is reused.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/ftrace.h>
#include <linux/hash.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/tracepoint.h>
#include <linux/workqueue.h>

#include "blk.h"
#include "blk_sysfs.h"
#include "compat.h"
#include "core.h"
#include "hook.h"
#include "policy.h"
#include "stats.h"
#include "sysfs.h"

#include <uapi/aether.h>

/* A disk is one LBA stream; the core's smallest stream table is plenty. */
#define AETHER_BLK_STREAMS 8
/* Requests whose issue time is remembered; more in flight go unmeasured. */
#define AETHER_BLK_INFLIGHT_ORDER 10
#define AETHER_BLK_INFLIGHT_PROBES 8

struct aether_blk_inflight {
	struct request *rq;
	u64 issued_ns;
};

struct aether_blk_dev aether_blk_devs[AETHER_BLK_MAX_DEVS];
atomic64_t aether_blk_untracked_requests = ATOMIC64_INIT(0);
static struct aether_blk_inflight aether_blk_inflight[1 << AETHER_BLK_INFLIGHT_ORDER];
static struct tracepoint *aether_blk_tp_issue, *aether_blk_tp_complete;

static void aether_blk_publish(struct work_struct *work);
static DECLARE_WORK(aether_blk_work, aether_blk_publish);

/*
 * Returns the slot that holds @disk's identity, LIVE or not, or NULL. Any context;
 * a slot read while another CPU claims it may be missed, which costs one request's
 * counts.
 */
static struct aether_blk_dev *aether_blk_dev_find(struct gendisk *disk)
{
	dev_t devt = disk_devt(disk);
	u64 seq = READ_ONCE(disk->diskseq);
	unsigned int i;

	for (i = 0; i < AETHER_BLK_MAX_DEVS; i++) {
		struct aether_blk_dev *d = &aether_blk_devs[i];

		if (smp_load_acquire(&d->state) < AETHER_BLK_LIVE)
			continue;
		if (READ_ONCE(d->devt) == devt && READ_ONCE(d->diskseq) == seq)
			return d;
	}
	return NULL;
}

/*
 * Marks DYING every LIVE slot that holds @devt, for the work item to clear, and
 * returns whether there was one. Any context; a slot another CPU retires at the
 * same time is counted by one of them only.
 */
static bool aether_blk_dev_retire(dev_t devt)
{
	bool retired = false;
	unsigned int i;

	for (i = 0; i < AETHER_BLK_MAX_DEVS; i++) {
		struct aether_blk_dev *d = &aether_blk_devs[i];

		if (READ_ONCE(d->devt) == devt &&
		    cmpxchg(&d->state, AETHER_BLK_LIVE, AETHER_BLK_DYING) == AETHER_BLK_LIVE)
			retired = true;
	}
	return retired;
}

/* Serialises claims, which are rare: lookups never take it. */
static DEFINE_SPINLOCK(aether_blk_claim_lock);

/*
 * Claims a slot for @disk, which has none: a free one, else a dead one. A LIVE
 * slot of an older disk with the same dev_t is one whose deletion was missed, as
 * two disks cannot hold one dev_t at once: it is sent to the work item to be
 * cleared. Returns the slot, or NULL (counted) when none is free. Any context.
 */
static struct aether_blk_dev *aether_blk_dev_claim(struct gendisk *disk)
{
	struct aether_blk_dev *d, *dead = NULL;
	dev_t devt = disk_devt(disk);
	unsigned long flags;
	bool stale;
	unsigned int i;

	spin_lock_irqsave(&aether_blk_claim_lock, flags);
	/* Another CPU may have claimed it since the caller looked. */
	d = aether_blk_dev_find(disk);
	if (d) {
		if (READ_ONCE(d->state) != AETHER_BLK_LIVE)
			d = NULL;
		spin_unlock_irqrestore(&aether_blk_claim_lock, flags);
		return d;
	}
	stale = aether_blk_dev_retire(devt);
	for (i = 0; i < AETHER_BLK_MAX_DEVS; i++) {
		struct aether_blk_dev *s = &aether_blk_devs[i];
		int state = READ_ONCE(s->state);

		if (state == AETHER_BLK_FREE && !d)
			d = s;
		else if (state == AETHER_BLK_DEAD && !dead)
			dead = s;
	}
	if (!d)
		d = dead;
	if (d) {
		WRITE_ONCE(d->state, AETHER_BLK_CLAIMING);
		WRITE_ONCE(d->devt, devt);
		WRITE_ONCE(d->diskseq, READ_ONCE(disk->diskseq));
		strscpy(d->name, disk->disk_name, sizeof(d->name));
		smp_store_release(&d->state, AETHER_BLK_LIVE);
	} else {
		atomic64_inc(&aether_blk_untracked_requests);
	}
	spin_unlock_irqrestore(&aether_blk_claim_lock, flags);
	if (d || stale)
		schedule_work(&aether_blk_work);
	return d;
}

/*
 * Returns @disk's LIVE slot, claiming one the first time the disk is seen when
 * @claim is AETHER_BLK_CLAIM, or NULL. A deleted disk (GD_DEAD) never claims: its
 * last requests must not take the slot it just gave up.
 */
enum aether_blk_claim { AETHER_BLK_LOOKUP, AETHER_BLK_CLAIM };
static struct aether_blk_dev *aether_blk_dev_get(struct gendisk *disk, enum aether_blk_claim claim)
{
	struct aether_blk_dev *d = aether_blk_dev_find(disk);

	if (d)
		return smp_load_acquire(&d->state) == AETHER_BLK_LIVE ? d : NULL;
	if (claim != AETHER_BLK_CLAIM || test_bit(GD_DEAD, &disk->state))
		return NULL;
	return aether_blk_dev_claim(disk);
}

static struct aether_blk_inflight *aether_blk_inflight_slot(struct request *rq, unsigned int probe)
{
	u32 h = hash_ptr(rq, AETHER_BLK_INFLIGHT_ORDER);

	return &aether_blk_inflight[(h + probe) & ((1 << AETHER_BLK_INFLIGHT_ORDER) - 1)];
}

/*
 * Remembers when @rq was issued. A request that is issued again (a requeue, or a
 * reused request) overwrites its slot instead of taking a second one.
 */
static void aether_blk_inflight_start(struct request *rq, u64 now)
{
	struct aether_blk_inflight *free = NULL;
	unsigned int i;

	for (i = 0; i < AETHER_BLK_INFLIGHT_PROBES; i++) {
		struct aether_blk_inflight *s = aether_blk_inflight_slot(rq, i);
		struct request *cur = READ_ONCE(s->rq);

		if (cur == rq) {
			WRITE_ONCE(s->issued_ns, now);
			return;
		}
		if (!cur && !free)
			free = s;
	}
	if (free && !cmpxchg(&free->rq, NULL, rq))
		WRITE_ONCE(free->issued_ns, now);
}

/* Returns when @rq was issued and forgets it, or 0 if it was not remembered. */
static u64 aether_blk_inflight_end(struct request *rq)
{
	unsigned int i;

	for (i = 0; i < AETHER_BLK_INFLIGHT_PROBES; i++) {
		struct aether_blk_inflight *s = aether_blk_inflight_slot(rq, i);

		if (READ_ONCE(s->rq) == rq) {
			u64 t = READ_ONCE(s->issued_ns);

			smp_store_release(&s->rq, NULL);
			return t;
		}
	}
	return 0;
}

/*
 * Feeds one read of pages [@index, @index + @len) of a disk of @size pages to
 * @core, the one @d published, or to an attached eBPF policy instead, unless @d is
 * busy.
 */
static void aether_blk_core_access(struct aether_blk_dev *d, struct aether_core_cpu *core, u64 index,
				   unsigned int len, u64 size)
{
	struct aether_core_decision out[AETHER_CORE_MAX_DECISIONS];
	struct aether_policy_access a = {
		.ctx = {
			.stream = d->devt,
			.index = index,
			.prev = AETHER_POLICY_NO_PREV,
			.size = size,
			.len = len,
			.source = AETHER_POLICY_BLOCK,
		},
		.key = 0,	/* a disk is one stream of its own core */
	};
	struct aether_core_result res;
	enum aether_policy_by by;
	unsigned long flags;

	/*
	 * An attached program decides before the lock is taken, with interrupts on:
	 * the lock is taken with them off, and a program's run, bounded only by the
	 * verifier, is not worth holding them off for a decision that is only shown.
	 */
	by = aether_policy_decide_by_program(&a, out, &res) ? AETHER_POLICY_BY_CORE : AETHER_POLICY_BY_PROGRAM;
	if (!spin_trylock_irqsave(&d->lock, flags)) {
		this_cpu_inc(d->cpu->count[AETHER_BLK_DECISIONS_SKIPPED]);
		return;
	}
	if (by == AETHER_POLICY_BY_CORE)
		aether_policy_decide_by_core(core, &d->cfg, &d->generation, &a, out, &res);
	d->pattern = res.pattern;
	if (res.n)
		d->last = out[res.n - 1];
	spin_unlock_irqrestore(&d->lock, flags);
	this_cpu_add(d->cpu->count[AETHER_BLK_DECISIONS], res.n);
}

/* block_rq_issue: the driver is about to start @rq. Preemption is disabled. */
static void aether_blk_issue(void *data, struct request *rq)
{
	struct gendisk *disk = rq->q->disk;
	struct aether_core_cpu *core;
	struct aether_blk_dev *d;
	unsigned int bytes = blk_rq_bytes(rq);
	sector_t pos = blk_rq_pos(rq);
	enum req_op op = req_op(rq);

	if (!READ_ONCE(aether_tunables.enabled) || !disk || blk_rq_is_passthrough(rq) || !bytes)
		return;
	if (op != REQ_OP_READ && op != REQ_OP_WRITE)
		return;
	d = aether_blk_dev_get(disk, AETHER_BLK_CLAIM);
	if (!d)
		return;
	/* Its set-up failed or is still pending: the work item tries again. */
	core = smp_load_acquire(&d->core);
	if (unlikely(!core || !READ_ONCE(d->kobj)))
		schedule_work(&aether_blk_work);
	aether_blk_inflight_start(rq, ktime_get_ns());

	/* this_cpu_*(): an interrupt on this CPU may issue to the same disk. */
	if (op == REQ_OP_WRITE) {
		this_cpu_inc(d->cpu->count[AETHER_BLK_WRITES]);
		this_cpu_add(d->cpu->count[AETHER_BLK_WRITE_BYTES], bytes);
		return;
	}
	this_cpu_inc(d->cpu->count[AETHER_BLK_READS]);
	this_cpu_add(d->cpu->count[AETHER_BLK_READ_BYTES], bytes);
	if (rq->cmd_flags & REQ_RAHEAD)
		this_cpu_add(d->cpu->count[AETHER_BLK_READAHEAD_BYTES], bytes);
	if (atomic64_xchg(&d->next_sector, pos + (bytes >> SECTOR_SHIFT)) == pos)
		this_cpu_inc(d->cpu->count[AETHER_BLK_SEQUENTIAL_READS]);

	if (core && READ_ONCE(aether_tunables.mode) != AETHER_MODE_OFF)
		aether_blk_core_access(d, core, pos >> (PAGE_SHIFT - SECTOR_SHIFT),
				       DIV_ROUND_UP(bytes, PAGE_SIZE),
				       get_capacity(disk) >> (PAGE_SHIFT - SECTOR_SHIFT));
}

/* block_rq_complete: @nr_bytes of @rq are done with @error. Any context. */
static void aether_blk_complete(void *data, struct request *rq, blk_status_t error,
				unsigned int nr_bytes)
{
	struct gendisk *disk = rq->q->disk;
	struct aether_blk_dev *d;
	u64 issued, ns;

	if (!disk || blk_rq_is_passthrough(rq))
		return;
	issued = aether_blk_inflight_end(rq);
	if (!issued)
		return;
	d = aether_blk_dev_get(disk, AETHER_BLK_LOOKUP);
	if (!d)
		return;
	ns = ktime_get_ns() - issued;
	this_cpu_inc(d->cpu->latency[aether_stats_bucket(ns)]);
	if (error != BLK_STS_OK)
		this_cpu_inc(d->cpu->count[AETHER_BLK_ERRORS]);
}

/*
 * Clears the slots of deleted disks: their directories and cores go, their
 * counters start from zero, and they become DEAD, free for the next disk.
 */
static void aether_blk_clear_dying(void)
{
	unsigned int i;
	int cpu;

	for (i = 0; i < AETHER_BLK_MAX_DEVS; i++)
		if (READ_ONCE(aether_blk_devs[i].state) == AETHER_BLK_DYING)
			break;
	if (i == AETHER_BLK_MAX_DEVS)
		return;
	/*
	 * Probes run with preemption off: once this returns, none is still inside a
	 * slot it found LIVE before the slot became DYING.
	 */
	synchronize_rcu();
	for (i = 0; i < AETHER_BLK_MAX_DEVS; i++) {
		struct aether_blk_dev *d = &aether_blk_devs[i];

		if (READ_ONCE(d->state) != AETHER_BLK_DYING)
			continue;
		aether_blk_sysfs_remove(d);
		kvfree(d->core);
		d->core = NULL;
		for_each_possible_cpu(cpu)
			memset(per_cpu_ptr(d->cpu, cpu), 0, sizeof(struct aether_blk_cpu));
		atomic64_set(&d->next_sector, -1);
		d->pattern = AETHER_CORE_PATTERN_NONE;
		memset(&d->last, 0, sizeof(d->last));
		smp_store_release(&d->state, AETHER_BLK_DEAD);
	}
}

/*
 * Work item: clears deleted disks' slots first, so that a new disk given the same
 * dev_t finds its directory name free; then gives every LIVE disk that lacks them
 * its core and its directory. A disk whose allocation fails keeps its counters,
 * and its next request schedules another try. Being one work item, it also
 * serialises aether_blk_sysfs_add() and _remove().
 */
static void aether_blk_publish(struct work_struct *work)
{
	unsigned long size = aether_core_cpu_size(AETHER_BLK_STREAMS);
	unsigned int i;

	aether_blk_clear_dying();
	for (i = 0; i < AETHER_BLK_MAX_DEVS; i++) {
		struct aether_blk_dev *d = &aether_blk_devs[i];
		void *mem;

		if (smp_load_acquire(&d->state) != AETHER_BLK_LIVE)
			continue;
		if (!d->core) {
			mem = kvzalloc(size, GFP_KERNEL);
			if (!mem)
				continue;
			d->generation = atomic_read(&aether_tunables.generation);
			aether_sysfs_core_config(&d->cfg);
			smp_store_release(&d->core, aether_core_cpu_init(mem, AETHER_BLK_STREAMS, &d->cfg));
		}
		aether_blk_sysfs_add(d);
	}
}

/*
 * del_gendisk(disk), on entry: the disk is going, so its slot is DYING, to be
 * cleared by the work item. The slot is found by dev_t alone: the diskseq it was
 * claimed with may be older, as a media change (a loop device attached or
 * detached) gives the disk a new one, and only this disk can hold the dev_t now.
 * The requests del_gendisk() still flushes go uncounted.
 */
static void notrace aether_blk_gone_cb(unsigned long ip, unsigned long parent_ip,
				       struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	struct gendisk *disk = (void *)ftrace_regs_get_argument(fregs, 0);

	if (aether_blk_dev_retire(disk_devt(disk)))
		schedule_work(&aether_blk_work);
}

static struct ftrace_ops aether_blk_gone_ops = {
	.func = aether_blk_gone_cb,
};

struct aether_blk_lookup {
	const char *name;
	struct tracepoint *tp;
};

static void aether_blk_find(struct tracepoint *tp, void *priv)
{
	struct aether_blk_lookup *l = priv;

	if (!strcmp(tp->name, l->name))
		l->tp = tp;
}

/* Returns the kernel tracepoint called @name, or NULL. */
static struct tracepoint *aether_blk_tracepoint(const char *name)
{
	struct aether_blk_lookup l = { .name = name };

	for_each_kernel_tracepoint(aether_blk_find, &l);
	return l.tp;
}

static void aether_blk_free(void)
{
	unsigned int i;

	/* Removing the directories waits for their readers; then nothing reads any device. */
	aether_blk_sysfs_uninit();
	for (i = 0; i < AETHER_BLK_MAX_DEVS; i++) {
		struct aether_blk_dev *d = &aether_blk_devs[i];

		kvfree(d->core);
		free_percpu(d->cpu);
	}
}

int aether_blk_init(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < AETHER_BLK_MAX_DEVS; i++) {
		struct aether_blk_dev *d = &aether_blk_devs[i];

		spin_lock_init(&d->lock);
		atomic64_set(&d->next_sector, -1);
		d->cpu = alloc_percpu(struct aether_blk_cpu);
		if (!d->cpu) {
			ret = -ENOMEM;
			goto err_free;
		}
	}
	ret = aether_blk_sysfs_init();
	if (ret)
		goto err_free;

	aether_blk_tp_issue = aether_blk_tracepoint("block_rq_issue");
	aether_blk_tp_complete = aether_blk_tracepoint("block_rq_complete");
	if (!aether_blk_tp_issue || !aether_blk_tp_complete) {
		pr_err("this kernel has no block_rq_issue/block_rq_complete tracepoints\n");
		ret = -ENOENT;
		goto err_free;
	}
	/* Before any slot is claimed, so that no disk's deletion goes unseen. */
	ret = aether_hook_attach(&aether_blk_gone_ops, "del_gendisk");
	if (ret)
		goto err_free;
	/* Completion first, so every request the issue probe sees is also seen ending. */
	ret = tracepoint_probe_register(aether_blk_tp_complete, aether_blk_complete, NULL);
	if (ret)
		goto err_gone;
	ret = tracepoint_probe_register(aether_blk_tp_issue, aether_blk_issue, NULL);
	if (ret)
		goto err_complete;
	return 0;

err_complete:
	tracepoint_probe_unregister(aether_blk_tp_complete, aether_blk_complete, NULL);
	tracepoint_synchronize_unregister();
err_gone:
	aether_hook_detach(&aether_blk_gone_ops);
	cancel_work_sync(&aether_blk_work);
err_free:
	aether_blk_free();
	return ret;
}

void aether_blk_uninit(void)
{
	tracepoint_probe_unregister(aether_blk_tp_issue, aether_blk_issue, NULL);
	tracepoint_probe_unregister(aether_blk_tp_complete, aether_blk_complete, NULL);
	tracepoint_synchronize_unregister();
	aether_hook_detach(&aether_blk_gone_ops);
	/* No probe or hook runs after this, so nothing can schedule the work item again. */
	cancel_work_sync(&aether_blk_work);
	aether_blk_free();
}
