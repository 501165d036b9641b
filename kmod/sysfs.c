// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs subsystem: /sys/kernel/aether/, its tunables and stats/.
 *
 * Every store parses strictly and range-checks before it changes anything, so a bad
 * write returns -EINVAL and leaves the old value. Bad input is the writer's
 * mistake, not the kernel's: nothing is logged for it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/kstrtox.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "compat.h"
#include "stats.h"
#include "sysfs.h"

/* Tunables are root's to read and write; only the version is public. */
#define AETHER_SYSFS_TUNABLE_MODE 0600
#define AETHER_SYSFS_STAT_MODE 0400

struct aether_tunables aether_tunables = {
	.enabled = 1,
	.mode = AETHER_MODE_ADAPTIVE,
	.min_window_kb = 16,
	.max_window_kb = 512,
	.prefetch_queue_depth = 64,
	.target_accuracy = 75,
};

static unsigned int aether_sysfs_kb_to_pages(unsigned int kb)
{
	return max(kb >> (PAGE_SHIFT - 10), 1U);
}

void aether_sysfs_core_config(struct aether_core_config *cfg)
{
	const struct aether_tunables *t = &aether_tunables;

	switch (READ_ONCE(t->mode)) {
	case AETHER_MODE_HFT:
		cfg->preset = AETHER_CORE_PRESET_HFT;
		break;
	case AETHER_MODE_GAMING:
		cfg->preset = AETHER_CORE_PRESET_GAMING;
		break;
	default:
		cfg->preset = AETHER_CORE_PRESET_ADAPTIVE;
		break;
	}
	cfg->min_window = aether_sysfs_kb_to_pages(READ_ONCE(t->min_window_kb));
	cfg->max_window = aether_sysfs_kb_to_pages(READ_ONCE(t->max_window_kb));
	cfg->target_accuracy = READ_ONCE(t->target_accuracy);
}

/* Serialises writers, so checks that span two tunables (min <= max) hold. */
static DEFINE_MUTEX(aether_sysfs_lock);
static struct kobject *aether_sysfs_kobj;

static const char *const aether_sysfs_modes[] = {
	[AETHER_MODE_OFF] = "off",
	[AETHER_MODE_OBSERVE] = "observe",
	[AETHER_MODE_HFT] = "hft",
	[AETHER_MODE_GAMING] = "gaming",
	[AETHER_MODE_ADAPTIVE] = "adaptive",
};

/* Caller holds aether_sysfs_lock and has just changed a tunable. */
static void aether_sysfs_changed(void)
{
	atomic_inc(&aether_tunables.generation);
}

/* The build's `git describe`, so a user can tell exactly what is loaded. */
static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", AETHER_VERSION);
}
static struct kobj_attribute aether_sysfs_version = __ATTR_RO(version);

static ssize_t mode_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", aether_sysfs_modes[READ_ONCE(aether_tunables.mode)]);
}

static ssize_t mode_store(struct kobject *kobj, struct kobj_attribute *attr, const char *buf,
			  size_t count)
{
	int mode = sysfs_match_string(aether_sysfs_modes, buf);

	if (mode < 0)
		return -EINVAL;
	mutex_lock(&aether_sysfs_lock);
	WRITE_ONCE(aether_tunables.mode, mode);
	aether_sysfs_changed();
	mutex_unlock(&aether_sysfs_lock);
	return count;
}
static struct kobj_attribute aether_sysfs_mode = __ATTR(mode, AETHER_SYSFS_TUNABLE_MODE, mode_show, mode_store);

/*
 * An unsigned tunable: accepted values are [min, max], multiples of @align, and
 * when set, no more than *@le and no less than *@ge (the tunables it bounds).
 */
struct aether_sysfs_uint {
	struct kobj_attribute attr;
	unsigned int *val;
	unsigned int min;
	unsigned int max;
	unsigned int align;
	const unsigned int *le;
	const unsigned int *ge;
};

static ssize_t aether_sysfs_uint_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct aether_sysfs_uint *u = container_of(attr, struct aether_sysfs_uint, attr);

	return sysfs_emit(buf, "%u\n", READ_ONCE(*u->val));
}

static ssize_t aether_sysfs_uint_store(struct kobject *kobj, struct kobj_attribute *attr,
				       const char *buf, size_t count)
{
	struct aether_sysfs_uint *u = container_of(attr, struct aether_sysfs_uint, attr);
	unsigned int v;
	int ret;

	/* kstrtouint() takes one trailing newline and nothing else: no sign, no spaces. */
	ret = kstrtouint(buf, 10, &v);
	if (ret || v < u->min || v > u->max || v % u->align)
		return -EINVAL;

	mutex_lock(&aether_sysfs_lock);
	if ((u->le && v > *u->le) || (u->ge && v < *u->ge)) {
		mutex_unlock(&aether_sysfs_lock);
		return -EINVAL;
	}
	WRITE_ONCE(*u->val, v);
	aether_sysfs_changed();
	mutex_unlock(&aether_sysfs_lock);
	return count;
}

#define AETHER_SYSFS_UINT(_name, _min, _max, _align, ...)                                     \
	static struct aether_sysfs_uint aether_sysfs_##_name = {                              \
		.attr = __ATTR(_name, AETHER_SYSFS_TUNABLE_MODE, aether_sysfs_uint_show,      \
			       aether_sysfs_uint_store),                                      \
		.val = &aether_tunables._name,                                                \
		.min = (_min),                                                                \
		.max = (_max),                                                                \
		.align = (_align),                                                            \
		__VA_ARGS__                                                                   \
	}

AETHER_SYSFS_UINT(enabled, 0, 1, 1);
/* Windows are whole pages, from one page to 64 MiB, and min <= max. */
AETHER_SYSFS_UINT(min_window_kb, 4, 65536, 4, .le = &aether_tunables.max_window_kb);
AETHER_SYSFS_UINT(max_window_kb, 4, 65536, 4, .ge = &aether_tunables.min_window_kb);
/* 0 turns explicit prefetches off; windows are still tuned. */
AETHER_SYSFS_UINT(prefetch_queue_depth, 0, 4096, 1);
AETHER_SYSFS_UINT(target_accuracy, 1, 100, 1);

static struct attribute *aether_sysfs_attrs[] = {
	&aether_sysfs_version.attr,
	&aether_sysfs_enabled.attr.attr,
	&aether_sysfs_mode.attr,
	&aether_sysfs_min_window_kb.attr.attr,
	&aether_sysfs_max_window_kb.attr.attr,
	&aether_sysfs_prefetch_queue_depth.attr.attr,
	&aether_sysfs_target_accuracy.attr.attr,
	NULL,
};

static const struct attribute_group aether_sysfs_group = {
	.attrs = aether_sysfs_attrs,
};

/* stats/: one read-only file per counter, named as enum aether_stat. */
struct aether_sysfs_stat {
	struct kobj_attribute attr;
	enum aether_stat stat;
};

static ssize_t aether_sysfs_stat_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct aether_sysfs_stat *s = container_of(attr, struct aether_sysfs_stat, attr);

	return sysfs_emit(buf, "%llu\n", aether_stats_read(s->stat));
}

#define AETHER_SYSFS_STAT(_name, _stat)                                                       \
	static struct aether_sysfs_stat aether_sysfs_stat_##_name = {                         \
		.attr = __ATTR(_name, AETHER_SYSFS_STAT_MODE, aether_sysfs_stat_show, NULL),  \
		.stat = (_stat),                                                              \
	}

AETHER_SYSFS_STAT(decisions, AETHER_STAT_DECISIONS);
AETHER_SYSFS_STAT(windows_grown, AETHER_STAT_WINDOWS_GROWN);
AETHER_SYSFS_STAT(windows_shrunk, AETHER_STAT_WINDOWS_SHRUNK);
AETHER_SYSFS_STAT(prefetch_issued, AETHER_STAT_PREFETCH_ISSUED);
AETHER_SYSFS_STAT(prefetch_pages, AETHER_STAT_PREFETCH_PAGES);
AETHER_SYSFS_STAT(prefetch_hits, AETHER_STAT_PREFETCH_HITS);
AETHER_SYSFS_STAT(prefetch_wasted, AETHER_STAT_PREFETCH_WASTED);
AETHER_SYSFS_STAT(queue_drops, AETHER_STAT_QUEUE_DROPS);
AETHER_SYSFS_STAT(sync_misses, AETHER_STAT_SYNC_MISSES);
AETHER_SYSFS_STAT(policy_decisions, AETHER_STAT_POLICY_DECISIONS);

/* The decision-latency histogram, in aether_stats_emit_latency()'s lines. */
static ssize_t decision_latency_ns_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return aether_stats_emit_latency(buf, aether_stats, offsetof(struct aether_stats_cpu, latency));
}
static struct kobj_attribute aether_sysfs_decision_latency_ns =
	__ATTR(decision_latency_ns, AETHER_SYSFS_STAT_MODE, decision_latency_ns_show, NULL);

static struct attribute *aether_sysfs_stat_attrs[] = {
	&aether_sysfs_stat_decisions.attr.attr,
	&aether_sysfs_stat_windows_grown.attr.attr,
	&aether_sysfs_stat_windows_shrunk.attr.attr,
	&aether_sysfs_stat_prefetch_issued.attr.attr,
	&aether_sysfs_stat_prefetch_pages.attr.attr,
	&aether_sysfs_stat_prefetch_hits.attr.attr,
	&aether_sysfs_stat_prefetch_wasted.attr.attr,
	&aether_sysfs_stat_queue_drops.attr.attr,
	&aether_sysfs_stat_sync_misses.attr.attr,
	&aether_sysfs_stat_policy_decisions.attr.attr,
	&aether_sysfs_decision_latency_ns.attr,
	NULL,
};

static const struct attribute_group aether_sysfs_stats_group = {
	.name = "stats",
	.attrs = aether_sysfs_stat_attrs,
};

static const struct attribute_group *aether_sysfs_groups[] = {
	&aether_sysfs_group,
	&aether_sysfs_stats_group,
	NULL,
};

int aether_sysfs_init(void)
{
	int ret;

	aether_sysfs_kobj = kobject_create_and_add("aether", kernel_kobj);
	if (!aether_sysfs_kobj)
		return -ENOMEM;

	ret = sysfs_create_groups(aether_sysfs_kobj, aether_sysfs_groups);
	if (ret) {
		kobject_put(aether_sysfs_kobj);
		aether_sysfs_kobj = NULL;
		return ret;
	}
	return 0;
}

struct kobject *aether_sysfs_root(void)
{
	return aether_sysfs_kobj;
}

struct kobject *aether_sysfs_add_dir(const char *name, const struct attribute_group *group)
{
	struct kobject *kobj = kobject_create_and_add(name, aether_sysfs_kobj);
	int ret;

	if (!kobj)
		return ERR_PTR(-ENOMEM);
	ret = sysfs_create_group(kobj, group);
	if (ret) {
		kobject_put(kobj);
		return ERR_PTR(ret);
	}
	return kobj;
}

void aether_sysfs_uninit(void)
{
	sysfs_remove_groups(aether_sysfs_kobj, aether_sysfs_groups);
	kobject_put(aether_sysfs_kobj);
	aether_sysfs_kobj = NULL;
}
