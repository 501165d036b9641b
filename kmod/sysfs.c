// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs subsystem: /sys/kernel/aether/, its tunables and stats/. Their names and
 * the tunables' ranges are uapi's lists (AETHER_TUNABLES, AETHER_MODES and
 * AETHER_STATS in aether_names.h), from which the tables here are built.
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
#include <linux/seqlock.h>
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
	.target_accuracy = 0, /* each preset's own */
};

static unsigned int aether_sysfs_kb_to_pages(unsigned int kb)
{
	return max(kb >> (PAGE_SHIFT - 10), 1U);
}

/* Serialises writers, so checks that span two tunables (min <= max) hold. */
static DEFINE_MUTEX(aether_sysfs_lock);
/*
 * Moves around every write, so that a reader of several tunables sees them all
 * from one moment: min_window_kb and max_window_kb are read separately, and
 * between a write of one and of the other a reader could see min > max.
 */
static seqcount_mutex_t aether_sysfs_seq = SEQCNT_MUTEX_ZERO(aether_sysfs_seq, &aether_sysfs_lock);

/* aether_sysfs_core_config(), once: its reads may straddle a write. */
static void aether_sysfs_core_config_once(struct aether_core_config *cfg)
{
	const struct aether_tunables *t = &aether_tunables;

	switch (READ_ONCE(t->mode)) {
#define AETHER_SYSFS_PRESET_CASE(NAME, name, Camel, value)	\
	case AETHER_MODE_##NAME:				\
		cfg->preset = AETHER_CORE_PRESET_##NAME;	\
		break;
	AETHER_PRESETS(AETHER_SYSFS_PRESET_CASE)
#undef AETHER_SYSFS_PRESET_CASE
	default:
		cfg->preset = AETHER_CORE_PRESET_ADAPTIVE;
		break;
	}
	cfg->min_window = aether_sysfs_kb_to_pages(READ_ONCE(t->min_window_kb));
	cfg->max_window = aether_sysfs_kb_to_pages(READ_ONCE(t->max_window_kb));
	cfg->target_accuracy = READ_ONCE(t->target_accuracy);
}

void aether_sysfs_core_config(struct aether_core_config *cfg)
{
	unsigned int seq;

	do {
		seq = read_seqcount_begin(&aether_sysfs_seq);
		aether_sysfs_core_config_once(cfg);
	} while (read_seqcount_retry(&aether_sysfs_seq, seq));
}

static struct kobject *aether_sysfs_kobj;

#define AETHER_SYSFS_MODE_NAME(NAME, name, ...) [AETHER_MODE_##NAME] = #name,
static const char *const aether_sysfs_modes[] = {
	AETHER_MODES(AETHER_SYSFS_MODE_NAME)
};
#undef AETHER_SYSFS_MODE_NAME

/*
 * Bracket a writer's change of a tunable; caller holds aether_sysfs_lock. Readers
 * of several tunables retry across the pair, and the end moves the generation so
 * that every core is reconfigured.
 */
static void aether_sysfs_write_begin(void)
{
	write_seqcount_begin(&aether_sysfs_seq);
}

static void aether_sysfs_write_end(void)
{
	write_seqcount_end(&aether_sysfs_seq);
	atomic_inc(&aether_tunables.generation);
}

/* The build's `git describe`, so a user can tell exactly what is loaded. */
static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", AETHER_VERSION);
}
static struct kobj_attribute aether_sysfs_version = __ATTR_RO(version);

/*
 * Whether the @count bytes written hold no NUL: the store functions parse a C
 * string, which a NUL would cut short, so that "7\0junk" would be taken as 7.
 */
static bool aether_sysfs_no_nul(const char *buf, size_t count)
{
	return strnlen(buf, count) == count;
}

static ssize_t mode_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", aether_sysfs_modes[READ_ONCE(aether_tunables.mode)]);
}

static ssize_t mode_store(struct kobject *kobj, struct kobj_attribute *attr, const char *buf,
			  size_t count)
{
	int mode = sysfs_match_string(aether_sysfs_modes, buf);

	if (mode < 0 || !aether_sysfs_no_nul(buf, count))
		return -EINVAL;
	mutex_lock(&aether_sysfs_lock);
	aether_sysfs_write_begin();
	WRITE_ONCE(aether_tunables.mode, mode);
	aether_sysfs_write_end();
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
	if (ret || !aether_sysfs_no_nul(buf, count) || v < u->min || v > u->max || v % u->align)
		return -EINVAL;

	mutex_lock(&aether_sysfs_lock);
	if ((u->le && v > *u->le) || (u->ge && v < *u->ge)) {
		mutex_unlock(&aether_sysfs_lock);
		return -EINVAL;
	}
	aether_sysfs_write_begin();
	WRITE_ONCE(*u->val, v);
	aether_sysfs_write_end();
	mutex_unlock(&aether_sysfs_lock);
	return count;
}

/*
 * The tunables a tunable bounds, for each of AETHER_TUNABLES' numbers: windows
 * are min <= max. A number added to the list needs a line here.
 */
#define AETHER_SYSFS_BOUND_enabled
#define AETHER_SYSFS_BOUND_min_window_kb .le = &aether_tunables.max_window_kb,
#define AETHER_SYSFS_BOUND_max_window_kb .ge = &aether_tunables.min_window_kb,
#define AETHER_SYSFS_BOUND_prefetch_queue_depth
#define AETHER_SYSFS_BOUND_target_accuracy

/* One struct aether_sysfs_uint per number of AETHER_TUNABLES, with its range. */
#define AETHER_SYSFS_UINT(_name, _min, _max, _align)                                          \
	static struct aether_sysfs_uint aether_sysfs_##_name = {                              \
		.attr = __ATTR(_name, AETHER_SYSFS_TUNABLE_MODE, aether_sysfs_uint_show,      \
			       aether_sysfs_uint_store),                                      \
		.val = &aether_tunables._name,                                                \
		.min = (_min),                                                                \
		.max = (_max),                                                                \
		.align = (_align),                                                            \
		AETHER_SYSFS_BOUND_##_name                                                    \
	};
#define AETHER_SYSFS_NO_ATTR(_name)
AETHER_TUNABLES(AETHER_SYSFS_UINT, AETHER_SYSFS_NO_ATTR)
#undef AETHER_SYSFS_UINT
#undef AETHER_SYSFS_NO_ATTR

/* The version, then the tunables in AETHER_TUNABLES' order. */
#define AETHER_SYSFS_UINT_ATTR(_name, _min, _max, _align) &aether_sysfs_##_name.attr.attr,
#define AETHER_SYSFS_MODE_ATTR(_name) &aether_sysfs_##_name.attr,
static struct attribute *aether_sysfs_attrs[] = {
	&aether_sysfs_version.attr,
	AETHER_TUNABLES(AETHER_SYSFS_UINT_ATTR, AETHER_SYSFS_MODE_ATTR)
	NULL,
};
#undef AETHER_SYSFS_UINT_ATTR
#undef AETHER_SYSFS_MODE_ATTR

static const struct attribute_group aether_sysfs_group = {
	.attrs = aether_sysfs_attrs,
};

/* stats/: one read-only file per counter of AETHER_STATS, which knows its counter. */
struct aether_sysfs_stat {
	struct kobj_attribute attr;
	enum aether_stat stat;
};

static ssize_t aether_sysfs_stat_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct aether_sysfs_stat *s = container_of(attr, struct aether_sysfs_stat, attr);

	return sysfs_emit(buf, "%llu\n", aether_stats_read(s->stat));
}

/* One struct aether_sysfs_stat per counter of AETHER_STATS. */
#define AETHER_SYSFS_STAT(_NAME, _name)                                                       \
	static struct aether_sysfs_stat aether_sysfs_stat_##_name = {                         \
		.attr = __ATTR(_name, AETHER_SYSFS_STAT_MODE, aether_sysfs_stat_show, NULL),  \
		.stat = AETHER_STAT_##_NAME,                                                  \
	};
AETHER_STATS(AETHER_SYSFS_STAT)
#undef AETHER_SYSFS_STAT

/* The decision-latency histogram, in aether_stats_emit_latency()'s lines. */
static ssize_t decision_latency_ns_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return aether_stats_emit_latency(buf, aether_stats, offsetof(struct aether_stats_cpu, latency));
}
static struct kobj_attribute aether_sysfs_decision_latency_ns =
	__ATTR(decision_latency_ns, AETHER_SYSFS_STAT_MODE, decision_latency_ns_show, NULL);

/* The counters in AETHER_STATS' order, then the histogram. */
#define AETHER_SYSFS_STAT_ATTR(_NAME, _name) &aether_sysfs_stat_##_name.attr.attr,
static struct attribute *aether_sysfs_stat_attrs[] = {
	AETHER_STATS(AETHER_SYSFS_STAT_ATTR)
	&aether_sysfs_decision_latency_ns.attr,
	NULL,
};
#undef AETHER_SYSFS_STAT_ATTR

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
