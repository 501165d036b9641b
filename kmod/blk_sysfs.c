// SPDX-License-Identifier: GPL-2.0
/*
 * blk sysfs: /sys/kernel/aether/devices/, where the block telemetry is shown.
 *
 * One read-only directory per disk the probes (blk.c) claimed, named
 * <major:minor>: the disk's name, its counters (uapi's AETHER_DISK_COUNTERS),
 * what its core makes of its reads (pattern, decision) and its completion
 * latency histogram; it goes when the disk is deleted. Beside them,
 * untracked_requests counts the requests to disks that found no free slot, when
 * AETHER_BLK_MAX_DEVS disks are watched already. Reading a file never stalls a
 * probe: counters are summed without a lock, and the core's verdict is copied
 * under the lock the probes only try.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/spinlock.h>
#include <linux/stddef.h>
#include <linux/sysfs.h>

#include "blk.h"
#include "blk_sysfs.h"
#include "compat.h"
#include "core.h"
#include "stats.h"
#include "sysfs.h"

#define AETHER_BLK_SYSFS_MODE 0400

static struct kobject *aether_blk_sysfs_kobj;

/* Returns the device whose directory is @kobj, or NULL. */
static struct aether_blk_dev *aether_blk_sysfs_dev(struct kobject *kobj)
{
	unsigned int i;

	for (i = 0; i < AETHER_BLK_MAX_DEVS; i++)
		if (READ_ONCE(aether_blk_devs[i].kobj) == kobj)
			return &aether_blk_devs[i];
	return NULL;
}

/* One read-only file per counter, which knows its counter. */
struct aether_blk_sysfs_stat {
	struct kobj_attribute attr;
	enum aether_blk_stat stat;
};

static ssize_t aether_blk_sysfs_stat_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct aether_blk_sysfs_stat *s = container_of(attr, struct aether_blk_sysfs_stat, attr);
	struct aether_blk_dev *d = aether_blk_sysfs_dev(kobj);

	if (!d)
		return -ENODEV;
	return sysfs_emit(buf, "%llu\n",
			  aether_stats_sum(d->cpu, offsetof(struct aether_blk_cpu, count[s->stat])));
}

/* One struct aether_blk_sysfs_stat per counter of AETHER_DISK_COUNTERS. */
#define AETHER_BLK_SYSFS_STAT(_NAME, _name)                                                    \
	static struct aether_blk_sysfs_stat aether_blk_sysfs_stat_##_name = {                  \
		.attr = __ATTR(_name, AETHER_BLK_SYSFS_MODE, aether_blk_sysfs_stat_show, NULL), \
		.stat = AETHER_BLK_##_NAME,                                                    \
	};
AETHER_DISK_COUNTERS(AETHER_BLK_SYSFS_STAT)
#undef AETHER_BLK_SYSFS_STAT

static ssize_t name_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct aether_blk_dev *d = aether_blk_sysfs_dev(kobj);

	return d ? sysfs_emit(buf, "%s\n", d->name) : -ENODEV;
}
static struct kobj_attribute aether_blk_sysfs_name = __ATTR(name, AETHER_BLK_SYSFS_MODE, name_show, NULL);

#define AETHER_BLK_SYSFS_NAME(NAME, name, Camel, value) [value] = #name,
static const char *const aether_blk_sysfs_patterns[] = {
	AETHER_PATTERNS(AETHER_BLK_SYSFS_NAME)
};
static const char *const aether_blk_sysfs_actions[] = {
	AETHER_ACTIONS(AETHER_BLK_SYSFS_NAME)
};
#undef AETHER_BLK_SYSFS_NAME

/* @names[@i], or @fallback when @i has no name. */
static const char *aether_blk_sysfs_name_of(const char *const *names, size_t n, unsigned int i,
					    const char *fallback)
{
	return i < n && names[i] ? names[i] : fallback;
}

/*
 * Copies what the core last made of the reads of the disk whose directory is
 * @kobj: its pattern and last decision. Returns 0, or -ENODEV for no such disk.
 */
static int aether_blk_sysfs_last(struct kobject *kobj, enum aether_core_pattern *pattern,
				 struct aether_core_decision *last)
{
	struct aether_blk_dev *d = aether_blk_sysfs_dev(kobj);
	unsigned long flags;

	if (!d)
		return -ENODEV;
	spin_lock_irqsave(&d->lock, flags);
	*pattern = d->pattern;
	*last = d->last;
	spin_unlock_irqrestore(&d->lock, flags);
	return 0;
}

/* One of AETHER_PATTERNS' names: "none", "forward", "backward" or "stride". */
static ssize_t pattern_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct aether_core_decision last;
	enum aether_core_pattern p;
	int ret = aether_blk_sysfs_last(kobj, &p, &last);

	if (ret)
		return ret;
	return sysfs_emit(buf, "%s\n", aether_blk_sysfs_name_of(aether_blk_sysfs_patterns,
								ARRAY_SIZE(aether_blk_sysfs_patterns),
								p, "none"));
}
static struct kobj_attribute aether_blk_sysfs_pattern =
	__ATTR(pattern, AETHER_BLK_SYSFS_MODE, pattern_show, NULL);

/* "none", or "<readahead|prefetch> <first page> <pages> <confidence percent>". */
static ssize_t decision_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct aether_core_decision last;
	enum aether_core_pattern p;
	int ret = aether_blk_sysfs_last(kobj, &p, &last);

	if (ret)
		return ret;
	if (!last.length)
		return sysfs_emit(buf, "none\n");
	return sysfs_emit(buf, "%s %llu %u %u\n",
			  aether_blk_sysfs_name_of(aether_blk_sysfs_actions,
						   ARRAY_SIZE(aether_blk_sysfs_actions),
						   last.action, "readahead"),
			  last.start, last.length, (unsigned int)((last.confidence * 100ULL) >> 16));
}
static struct kobj_attribute aether_blk_sysfs_decision =
	__ATTR(decision, AETHER_BLK_SYSFS_MODE, decision_show, NULL);

/* Completion latency, in aether_stats_emit_latency()'s lines. */
static ssize_t latency_ns_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct aether_blk_dev *d = aether_blk_sysfs_dev(kobj);

	if (!d)
		return -ENODEV;
	return aether_stats_emit_latency(buf, d->cpu, offsetof(struct aether_blk_cpu, latency));
}
static struct kobj_attribute aether_blk_sysfs_latency_ns =
	__ATTR(latency_ns, AETHER_BLK_SYSFS_MODE, latency_ns_show, NULL);

/* The name, the counters in AETHER_DISK_COUNTERS' order, the verdict, the latency. */
#define AETHER_BLK_SYSFS_STAT_ATTR(_NAME, _name) &aether_blk_sysfs_stat_##_name.attr.attr,
static struct attribute *aether_blk_sysfs_attrs[] = {
	&aether_blk_sysfs_name.attr,
	AETHER_DISK_COUNTERS(AETHER_BLK_SYSFS_STAT_ATTR)
	&aether_blk_sysfs_pattern.attr,
	&aether_blk_sysfs_decision.attr,
	&aether_blk_sysfs_latency_ns.attr,
	NULL,
};
#undef AETHER_BLK_SYSFS_STAT_ATTR

static const struct attribute_group aether_blk_sysfs_group = {
	.attrs = aether_blk_sysfs_attrs,
};

static ssize_t untracked_requests_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lld\n", atomic64_read(&aether_blk_untracked_requests));
}
static struct kobj_attribute aether_blk_sysfs_untracked_requests =
	__ATTR(untracked_requests, AETHER_BLK_SYSFS_MODE, untracked_requests_show, NULL);

int aether_blk_sysfs_add(struct aether_blk_dev *d)
{
	struct kobject *kobj;
	char dir[24];
	int ret;

	if (d->kobj)
		return 0;
	snprintf(dir, sizeof(dir), "%u:%u", MAJOR(d->devt), MINOR(d->devt));
	kobj = kobject_create_and_add(dir, aether_blk_sysfs_kobj);
	if (!kobj)
		return -ENOMEM;
	/* Published first, so the files find their device from the moment they exist. */
	WRITE_ONCE(d->kobj, kobj);
	ret = sysfs_create_group(kobj, &aether_blk_sysfs_group);
	if (ret) {
		WRITE_ONCE(d->kobj, NULL);
		kobject_put(kobj);
	}
	return ret;
}

void aether_blk_sysfs_remove(struct aether_blk_dev *d)
{
	struct kobject *kobj = d->kobj;

	/* Unpublished first: a file still open finds no device rather than a new one. */
	WRITE_ONCE(d->kobj, NULL);
	kobject_put(kobj);
}

int aether_blk_sysfs_init(void)
{
	int ret;

	aether_blk_sysfs_kobj = kobject_create_and_add("devices", aether_sysfs_root());
	if (!aether_blk_sysfs_kobj)
		return -ENOMEM;
	ret = sysfs_create_file(aether_blk_sysfs_kobj, &aether_blk_sysfs_untracked_requests.attr);
	if (ret) {
		kobject_put(aether_blk_sysfs_kobj);
		aether_blk_sysfs_kobj = NULL;
	}
	return ret;
}

void aether_blk_sysfs_uninit(void)
{
	unsigned int i;

	/* Removing a directory waits for its readers. */
	for (i = 0; i < AETHER_BLK_MAX_DEVS; i++)
		aether_blk_sysfs_remove(&aether_blk_devs[i]);
	/* Takes untracked_requests with it. */
	kobject_put(aether_blk_sysfs_kobj);
	aether_blk_sysfs_kobj = NULL;
}
